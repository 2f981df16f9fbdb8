// A small unsigned big integer for exact conversions between doubles and
// decimal text (core/number_text.h). It replaces what printf and strtod did
// for the runtime: their libc code (printf_core, fmt_fp, strtod with its
// own big-number arithmetic) is several KB of every page's wasm, while the
// conversions need only these few operations on a fixed-size array.
//
// Capacity: kWords 32-bit words (4,096 bits). The conversions stay below
// ~2,700 bits (a 780-digit decimal times 5^1104 at most); an operation
// whose result would not fit is a bug and aborts in debug builds.
#pragma once

#include <cstdint>

namespace leadseg {

class Bignum {
 public:
  static constexpr int kWords = 128;

  Bignum() = default;
  explicit Bignum(uint64_t v) { Assign(v); }
  // Copies only the words in use (the rest are never read).
  Bignum(const Bignum& other);
  Bignum& operator=(const Bignum& other);

  void Assign(uint64_t v);
  bool IsZero() const { return used_ == 0; }

  // this = this * factor + addend.
  void MultiplyAdd(uint32_t factor, uint32_t addend = 0);
  // this *= 5^n, 10^n; this <<= bits.
  void MultiplyPow5(int n);
  void MultiplyPow10(int n);
  void ShiftLeft(int bits);
  // this += other; this -= other (other <= this).
  void Add(const Bignum& other);
  void Subtract(const Bignum& other);
  // this /= divisor, returning the remainder.
  uint32_t DivideSmall(uint32_t divisor);

  // -1, 0 or 1 as a <, ==, > b; and as a + b <, ==, > c.
  static int Compare(const Bignum& a, const Bignum& b);
  static int PlusCompare(const Bignum& a, const Bignum& b, const Bignum& c);

 private:
  void Trim();

  // Little-endian; only words_[0, used_) are meaningful (not zeroed
  // beyond, so that a Bignum on the stack costs no memset).
  uint32_t words_[kWords];
  int used_ = 0;
};

}  // namespace leadseg
