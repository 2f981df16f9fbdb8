// k-means (Lloyd's algorithm) with k-means++ seeding, as scikit-learn's
// KMeans(init="k-means++", algorithm="lloyd"): greedy k-means++ (2 + ln k
// candidates per centre, the one that lowers the potential most), several
// seeded restarts, the run with the lowest inertia kept. Stops when no
// label changes or the centres move (squared, summed) less than
// `tolerance` times the data's mean variance, like scikit-learn's `tol`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "leadseg/status.h"

namespace leadseg::learning {

// Rows of a row-major matrix, or a subset of them.
struct Points {
  const double* x = nullptr;
  size_t n = 0;  // rows
  size_t p = 0;  // columns
  const double* row(size_t i) const { return x + i * p; }
};

struct KMeansOptions {
  int k = 2;
  int restarts = 4;
  int max_iterations = 300;
  double tolerance = 1e-4;
  uint64_t seed = 1;
};

struct KMeansResult {
  int k = 0;
  std::vector<double> centers;  // k x p, row-major
  std::vector<int> labels;      // per row
  double inertia = 0;           // sum of squared distances to the own centre
  int iterations = 0;
};

Result<KMeansResult> KMeans(const Points& points, const KMeansOptions& options);

// Lloyd's iterations from the given centres (k x p): what a k-means++ run
// does after seeding. Used to refine a solution found on a sample, and by
// the reference tests (same initial centres as scikit-learn).
KMeansResult KMeansFrom(const Points& points, std::vector<double> centers, int k, int max_iterations,
                        double tolerance);

}  // namespace leadseg::learning
