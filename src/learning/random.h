// A small seeded generator for training: fold assignment, k-means++ and
// samples. SplitMix64, not <random>'s engines and distributions, whose
// outputs differ between standard libraries: the same seed must give the
// same folds and clusters natively and in wasm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace leadseg::learning {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n); n > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Uniform() * static_cast<double>(n)); }

  // 0..n-1 in a random order (Fisher-Yates).
  std::vector<size_t> Permutation(size_t n) {
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    for (size_t i = n; i > 1; --i) {
      size_t j = Below(i);
      std::swap(order[i - 1], order[j]);
    }
    return order;
  }

 private:
  uint64_t state_;
};

}  // namespace leadseg::learning
