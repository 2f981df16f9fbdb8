#include "core/bignum.h"

#include <cassert>
#include <cstring>

namespace leadseg {

Bignum::Bignum(const Bignum& other) : used_(other.used_) {
  std::memcpy(words_, other.words_, sizeof(uint32_t) * static_cast<size_t>(used_));
}

Bignum& Bignum::operator=(const Bignum& other) {
  used_ = other.used_;
  std::memcpy(words_, other.words_, sizeof(uint32_t) * static_cast<size_t>(used_));
  return *this;
}

void Bignum::Assign(uint64_t v) {
  used_ = 0;
  while (v != 0) {
    words_[used_++] = static_cast<uint32_t>(v);
    v >>= 32;
  }
}

void Bignum::Trim() {
  while (used_ > 0 && words_[used_ - 1] == 0) --used_;
}

void Bignum::MultiplyAdd(uint32_t factor, uint32_t addend) {
  uint64_t carry = addend;
  for (int i = 0; i < used_; ++i) {
    uint64_t product = static_cast<uint64_t>(words_[i]) * factor + carry;
    words_[i] = static_cast<uint32_t>(product);
    carry = product >> 32;
  }
  if (carry != 0) {
    assert(used_ < kWords);
    words_[used_++] = static_cast<uint32_t>(carry);
  }
  Trim();  // factor 0
}

void Bignum::MultiplyPow5(int n) {
  // 5^13 is the largest power of five in 32 bits.
  for (; n >= 13; n -= 13) MultiplyAdd(1220703125u);
  static constexpr uint32_t kPow5[13] = {1,      5,       25,       125,       625,        3125,      15625,
                                         78125, 390625, 1953125, 9765625, 48828125, 244140625};
  if (n > 0) MultiplyAdd(kPow5[n]);
}

void Bignum::MultiplyPow10(int n) {
  MultiplyPow5(n);
  ShiftLeft(n);
}

void Bignum::ShiftLeft(int bits) {
  if (used_ == 0 || bits == 0) return;
  const int words = bits / 32, shift = bits % 32;
  assert(used_ + words + 1 <= kWords);
  if (shift == 0) {
    for (int i = used_ - 1; i >= 0; --i) words_[i + words] = words_[i];
    words_[used_ + words] = 0;
  } else {
    words_[used_ + words] = words_[used_ - 1] >> (32 - shift);
    for (int i = used_ - 1; i > 0; --i) {
      words_[i + words] = (words_[i] << shift) | (words_[i - 1] >> (32 - shift));
    }
    words_[words] = words_[0] << shift;
  }
  for (int i = 0; i < words; ++i) words_[i] = 0;
  used_ += words + 1;
  Trim();
}

void Bignum::Add(const Bignum& other) {
  const int n = used_ > other.used_ ? used_ : other.used_;
  uint64_t carry = 0;
  for (int i = 0; i < n; ++i) {
    uint64_t sum = carry + (i < used_ ? words_[i] : 0u) + (i < other.used_ ? other.words_[i] : 0u);
    words_[i] = static_cast<uint32_t>(sum);
    carry = sum >> 32;
  }
  used_ = n;
  if (carry != 0) {
    assert(used_ < kWords);
    words_[used_++] = static_cast<uint32_t>(carry);
  }
}

void Bignum::Subtract(const Bignum& other) {
  assert(Compare(*this, other) >= 0);
  int64_t borrow = 0;
  for (int i = 0; i < used_; ++i) {
    int64_t diff = static_cast<int64_t>(words_[i]) - (i < other.used_ ? other.words_[i] : 0u) - borrow;
    borrow = diff < 0 ? 1 : 0;
    words_[i] = static_cast<uint32_t>(diff + (borrow << 32));
  }
  Trim();
}

uint32_t Bignum::DivideSmall(uint32_t divisor) {
  uint64_t remainder = 0;
  for (int i = used_ - 1; i >= 0; --i) {
    uint64_t part = (remainder << 32) | words_[i];
    words_[i] = static_cast<uint32_t>(part / divisor);
    remainder = part % divisor;
  }
  Trim();
  return static_cast<uint32_t>(remainder);
}

int Bignum::Compare(const Bignum& a, const Bignum& b) {
  if (a.used_ != b.used_) return a.used_ < b.used_ ? -1 : 1;
  for (int i = a.used_ - 1; i >= 0; --i) {
    if (a.words_[i] != b.words_[i]) return a.words_[i] < b.words_[i] ? -1 : 1;
  }
  return 0;
}

int Bignum::PlusCompare(const Bignum& a, const Bignum& b, const Bignum& c) {
  Bignum sum(a);
  sum.Add(b);
  return Compare(sum, c);
}

}  // namespace leadseg
