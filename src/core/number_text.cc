#include "core/number_text.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/bignum.h"

namespace leadseg {
namespace {

constexpr uint64_t kHiddenBit = uint64_t{1} << 52;
constexpr int kDenormalExponent = -1074;  // v = f × 2^e with e >= this
constexpr int kMaxExponent = 971;         // DBL_MAX = (2^53 - 1) × 2^971

// Exact powers of ten as doubles (10^22 is the last one).
constexpr double kPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

uint64_t Bits(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

double FromBits(uint64_t bits) {
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// v = *f × 2^*e, for finite v >= 0.
void Decompose(double v, uint64_t* f, int* e) {
  const uint64_t bits = Bits(v);
  const int biased = static_cast<int>((bits >> 52) & 0x7FF);
  const uint64_t mantissa = bits & (kHiddenBit - 1);
  if (biased == 0) {
    *f = mantissa;
    *e = kDenormalExponent;
  } else {
    *f = mantissa | kHiddenBit;
    *e = biased - 1075;
  }
}

// m × 2^q as a double (m < 2^53, q >= kDenormalExponent, m >= 2^52 unless
// q is kDenormalExponent).
double Compose(uint64_t m, int q) {
  if (m < kHiddenBit) return FromBits(m);  // subnormal (or zero)
  return FromBits((static_cast<uint64_t>(q + 1075) << 52) | (m - kHiddenBit));
}

int BitLength(uint64_t f) {
  int n = 0;
  while (f != 0) ++n, f >>= 1;
  return n;
}

}  // namespace

// Steele & White / Burger & Dybvig's free-format algorithm with exact
// integers, as V8's bignum-dtoa.cc (the fallback that makes V8's shortest
// output exact). v = r / s; the numbers that read back as v are those
// strictly inside (r - m_minus, r + m_plus) / s, and also on the boundaries
// when v's significand is even (round-half-even reading).
int ShortestDigits(double v, char* digits, int* point) {
  uint64_t f;
  int e;
  Decompose(v, &f, &e);
  const bool even = (f & 1) == 0;
  // The gap below a power of two is half the gap above it.
  const bool lower_closer = f == kHiddenBit && e > kDenormalExponent;

  Bignum r, s, m_minus, m_plus;
  if (e >= 0) {
    r.Assign(f);
    r.ShiftLeft(e + (lower_closer ? 2 : 1));
    s.Assign(lower_closer ? 4 : 2);
    m_minus.Assign(1);
    m_minus.ShiftLeft(e);
    m_plus.Assign(1);
    m_plus.ShiftLeft(lower_closer ? e + 1 : e);
  } else {
    r.Assign(lower_closer ? f << 2 : f << 1);
    s.Assign(1);
    s.ShiftLeft(-e + (lower_closer ? 2 : 1));
    m_minus.Assign(1);
    m_plus.Assign(lower_closer ? 2 : 1);
  }

  // k = ceil(log10(v)), or one less (V8's EstimatePower); scale by 10^-k.
  const int k = static_cast<int>(std::ceil((e + BitLength(f) - 1) * 0.30102999566398114 - 1e-10));
  if (k >= 0) {
    s.MultiplyPow10(k);
  } else {
    r.MultiplyPow10(-k);
    m_minus.MultiplyPow10(-k);
    m_plus.MultiplyPow10(-k);
  }
  // If the upper boundary reaches 1, the first digit is at 10^(k-1) (k was
  // one too low, or v's neighbourhood reaches 10^k); otherwise shift once more.
  const int c = Bignum::PlusCompare(r, m_plus, s);
  if (even ? c >= 0 : c > 0) {
    *point = k + 1;
  } else {
    *point = k;
    r.MultiplyAdd(10);
    m_minus.MultiplyAdd(10);
    m_plus.MultiplyAdd(10);
  }

  int length = 0;
  for (;;) {
    int digit = 0;
    while (Bignum::Compare(r, s) >= 0) {
      r.Subtract(s);
      ++digit;
    }
    digits[length++] = static_cast<char>('0' + digit);
    const int low = Bignum::Compare(r, m_minus);
    const int high = Bignum::PlusCompare(r, m_plus, s);
    const bool round_down = even ? low <= 0 : low < 0;
    const bool round_up = even ? high >= 0 : high > 0;
    if (!round_down && !round_up) {
      r.MultiplyAdd(10);
      m_minus.MultiplyAdd(10);
      m_plus.MultiplyAdd(10);
      continue;
    }
    if (round_down && round_up) {
      // Both neighbours read back as v: the closer one, ties to even.
      const int half = Bignum::PlusCompare(r, r, s);
      if (half > 0 || (half == 0 && (digit & 1) != 0)) ++digits[length - 1];
    } else if (round_up) {
      ++digits[length - 1];  // never past '9': the loop would have stopped earlier
    }
    return length;
  }
}

namespace {

// The significant digits of a decimal literal: value = digits × 10^exponent.
// At most kMaxDigits digits are kept: the midpoint between two adjacent
// doubles has at most 767 significant digits, so a longer input whose
// dropped digits are not all zero reads as its first kMaxDigits digits
// followed by a 1 (on the same side of every midpoint).
struct Decimal {
  static constexpr int kMaxDigits = 780;
  char digits[kMaxDigits + 1];
  int count = 0;
  int64_t exponent = 0;
  bool negative = false;
};

void ReadDecimal(std::string_view text, Decimal* d) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) d->negative = text[i++] == '-';
  bool after_point = false, dropped_nonzero = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (d->count == 0 && c == '0') {  // a leading zero
      if (after_point) --d->exponent;
      continue;
    }
    if (d->count < Decimal::kMaxDigits) {
      d->digits[d->count++] = c;
      if (after_point) --d->exponent;
    } else {
      dropped_nonzero |= c != '0';
      if (!after_point) ++d->exponent;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative_exponent = text[i++] == '-';
    int64_t exponent = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (exponent < 100000000) exponent = exponent * 10 + (text[i] - '0');  // past any double
    }
    d->exponent += negative_exponent ? -exponent : exponent;
  }
  if (dropped_nonzero) {  // count is kMaxDigits
    d->digits[d->count++] = '1';
    --d->exponent;
  }
  while (d->count > 0 && d->digits[d->count - 1] == '0') {
    --d->count;
    ++d->exponent;
  }
}

// Compares digits × 10^exponent (as `scaled`: digits × 5^max(exponent, 0))
// with c × 2^p.
int CompareWith(const Bignum& scaled, int exponent, uint64_t c, int p) {
  Bignum a(scaled), b(c);
  if (exponent < 0) b.MultiplyPow5(-exponent);
  if (exponent > p) {
    a.ShiftLeft(exponent - p);
  } else {
    b.ShiftLeft(p - exponent);
  }
  return Bignum::Compare(a, b);
}

// d->digits × 10^d->exponent, rounded to nearest (ties to even), given a
// guess within a few units in the last place: steps one double at a time
// while the value lies past the midpoint to a neighbour.
double Correct(const Decimal& d, double guess) {
  const int exponent = static_cast<int>(d.exponent);
  Bignum scaled;
  for (int i = 0; i < d.count;) {
    uint32_t chunk = 0, scale = 1;
    for (int j = 0; j < 9 && i < d.count; ++j, ++i) {
      chunk = chunk * 10 + static_cast<uint32_t>(d.digits[i] - '0');
      scale *= 10;
    }
    scaled.MultiplyAdd(scale, chunk);
  }
  if (exponent > 0) scaled.MultiplyPow5(exponent);

  uint64_t m;
  int q;
  if (std::isinf(guess)) {
    m = 2 * kHiddenBit - 1;
    q = kMaxExponent;
  } else {
    Decompose(guess, &m, &q);
  }
  for (;;) {
    const int above = CompareWith(scaled, exponent, 2 * m + 1, q - 1);
    if (above > 0 || (above == 0 && (m & 1) != 0)) {
      if (++m == 2 * kHiddenBit) {
        m = kHiddenBit;
        if (++q > kMaxExponent) return std::numeric_limits<double>::infinity();
      }
      continue;
    }
    if (m == 0) return 0;
    const bool lower_closer = m == kHiddenBit && q > kDenormalExponent;
    const int below = lower_closer ? CompareWith(scaled, exponent, 4 * m - 1, q - 2)
                                   : CompareWith(scaled, exponent, 2 * m - 1, q - 1);
    if (below < 0 || (below == 0 && (m & 1) != 0)) {
      if (lower_closer) {
        m = 2 * kHiddenBit - 1;
        --q;
      } else {
        --m;
      }
      continue;
    }
    return Compose(m, q);
  }
}

double ParseUnsigned(const Decimal& d) {
  if (d.count == 0) return 0;
  // |value| < 10^(count + exponent): below 10^-324 it rounds to 0; from
  // 10^309 up it is past the largest double.
  if (d.count + d.exponent <= -324) return 0;
  if (d.count + d.exponent >= 310) return std::numeric_limits<double>::infinity();
  const int exponent = static_cast<int>(d.exponent);

  const int head = d.count < 19 ? d.count : 19;
  uint64_t leading = 0;
  for (int i = 0; i < head; ++i) leading = leading * 10 + static_cast<uint64_t>(d.digits[i] - '0');
  // Exact fast path (Clinger): an integer below 2^53 times or divided by an
  // exact power of ten is one correctly rounded operation.
  if (d.count <= 15) {
    const double x = static_cast<double>(leading);
    if (exponent >= 0 && exponent <= 22) return x * kPow10[exponent];
    if (exponent < 0 && exponent >= -22) return x / kPow10[-exponent];
    if (exponent > 22 && exponent <= 22 + 15 - d.count) return (x * kPow10[exponent - 22]) * 1e22;
  }
  // A guess a few units in the last place off, then exact correction.
  double guess = static_cast<double>(leading);
  int scale = exponent + (d.count - head);
  if (scale >= 0) {
    for (; scale > 22 && !std::isinf(guess); scale -= 22) guess *= 1e22;
    if (!std::isinf(guess)) guess *= kPow10[scale];
  } else {
    for (scale = -scale; scale > 22; scale -= 22) guess /= 1e22;
    guess /= kPow10[scale];
  }
  return Correct(d, guess);
}

}  // namespace

double ParseDecimal(std::string_view text) {
  Decimal d;
  ReadDecimal(text, &d);
  const double v = ParseUnsigned(d);
  return d.negative ? -v : v;
}

int IntegerDigits(double v, char* out) {
  char reversed[310];
  int n = 0;
  if (v < 18446744073709551616.0) {  // 2^64
    uint64_t x = static_cast<uint64_t>(v);
    do reversed[n++] = static_cast<char>('0' + x % 10), x /= 10;
    while (x != 0);
  } else {
    uint64_t f;
    int e;
    Decompose(v, &f, &e);  // e > 0 here
    Bignum x(f);
    x.ShiftLeft(e);
    while (!x.IsZero()) reversed[n++] = static_cast<char>('0' + x.DivideSmall(10));
  }
  for (int i = 0; i < n; ++i) out[i] = reversed[n - 1 - i];
  return n;
}

}  // namespace leadseg
