#include "decisions/bandit.h"

#include <cmath>
#include <limits>

namespace leadseg {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ln 2 split as in fdlibm: kLn2Hi has its low 21 bits zero, so e * kLn2Hi
// is exact for every binary exponent e of a double.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kSqrtHalf = 0.70710678118654752440;

// Counts are doubles in the Beta parameters; beyond 2^53 they would round.
constexpr int64_t kMaxCount = int64_t{1} << 53;

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

// ---------------------------------------------------------------------------
// Rng
// ---------------------------------------------------------------------------

Rng::Rng(uint64_t seed) {
  uint64_t sm = seed;
  for (uint64_t& word : s_) word = SplitMix64(&sm);
  // splitmix64 is a bijection of its counter, so four consecutive outputs
  // are never all zero (the one state xoshiro cannot leave).
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() {
  // (k + 0.5) / 2^53 for a 53-bit k: exact, and strictly inside (0, 1).
  return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53;
}

uint32_t Rng::Below(uint32_t n) {
  uint64_t m = (Next() >> 32) * uint64_t{n};
  uint32_t low = static_cast<uint32_t>(m);
  if (low < n) {
    // Reject the 2^32 mod n products that would over-represent small values.
    const uint32_t threshold = static_cast<uint32_t>(-n) % n;
    while (low < threshold) {
      m = (Next() >> 32) * uint64_t{n};
      low = static_cast<uint32_t>(m);
    }
  }
  return static_cast<uint32_t>(m >> 32);
}

// ---------------------------------------------------------------------------
// Portable log / exp
// ---------------------------------------------------------------------------
//
// Only frexp/ldexp (exact), +, -, *, / (correctly rounded) are used, in
// separate statements where a fused multiply-add could otherwise change a
// result (neither x86-64 baseline nor wasm has FMA, and GCC does not
// contract in ISO mode, but the code should not depend on it).

namespace bandit_internal {

double PortableLog(double x) {
  if (std::isnan(x) || x < 0) return kNaN;
  if (x == 0) return -kInf;
  if (std::isinf(x)) return kInf;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {           // bring m into [sqrt(1/2), sqrt(2))
    m += m;
    --e;
  }
  // log(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) with s = (m-1)/(m+1),
  // |s| <= 0.1716; twelve terms leave a truncation error below 1e-19.
  const double s = (m - 1.0) / (m + 1.0);
  const double z = s * s;
  double p = 1.0 / 23.0;
  p = p * z + 1.0 / 21.0;
  p = p * z + 1.0 / 19.0;
  p = p * z + 1.0 / 17.0;
  p = p * z + 1.0 / 15.0;
  p = p * z + 1.0 / 13.0;
  p = p * z + 1.0 / 11.0;
  p = p * z + 1.0 / 9.0;
  p = p * z + 1.0 / 7.0;
  p = p * z + 1.0 / 5.0;
  p = p * z + 1.0 / 3.0;
  p = p * z + 1.0;
  const double log_m = 2.0 * s * p;
  const double ed = static_cast<double>(e);
  const double lo = ed * kLn2Lo + log_m;
  return ed * kLn2Hi + lo;
}

double PortableExp(double x) {
  if (std::isnan(x)) return kNaN;
  if (x > 709.782712893384) return kInf;
  if (x < -745.2) return 0.0;
  // x = k ln2 + r with |r| <= ln2 / 2, then exp(x) = 2^k exp(r).
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Taylor series of exp(r) to degree 14: the remainder is below 1e-18.
  static constexpr double kInvFactorial[15] = {
      1.0,
      1.0,
      1.0 / 2.0,
      1.0 / 6.0,
      1.0 / 24.0,
      1.0 / 120.0,
      1.0 / 720.0,
      1.0 / 5040.0,
      1.0 / 40320.0,
      1.0 / 362880.0,
      1.0 / 3628800.0,
      1.0 / 39916800.0,
      1.0 / 479001600.0,
      1.0 / 6227020800.0,
      1.0 / 87178291200.0,
  };
  double p = kInvFactorial[14];
  for (int i = 13; i >= 0; --i) p = p * r + kInvFactorial[i];
  return std::ldexp(p, static_cast<int>(k));
}

}  // namespace bandit_internal

using bandit_internal::PortableExp;
using bandit_internal::PortableLog;

// ---------------------------------------------------------------------------
// Samplers
// ---------------------------------------------------------------------------

double SampleNormal(Rng& rng) {
  for (;;) {
    const double u = 2.0 * rng.Uniform() - 1.0;
    const double v = 2.0 * rng.Uniform() - 1.0;
    const double uu = u * u;
    const double s = uu + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * PortableLog(s) / s);
  }
}

double SampleGamma(Rng& rng, double shape) {
  if (!(shape > 0.0) || std::isinf(shape)) return kNaN;
  if (shape < 1.0) {
    // Marsaglia & Tsang need shape >= 1; boost and scale back down.
    const double g = SampleGamma(rng, shape + 1.0);
    return g * PortableExp(PortableLog(rng.Uniform()) / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = SampleNormal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.Uniform();
    const double x2 = x * x;
    // The squeeze accepts ~98% of draws without a logarithm.
    if (u < 1.0 - 0.0331 * (x2 * x2)) return d * v;
    const double bound = 0.5 * x2 + d * (1.0 - v + PortableLog(v));
    if (PortableLog(u) < bound) return d * v;
  }
}

double SampleBeta(Rng& rng, double a, double b) {
  if (!(a > 0.0) || !(b > 0.0) || std::isinf(a) || std::isinf(b)) return kNaN;
  const double x = SampleGamma(rng, a);
  const double y = SampleGamma(rng, b);
  const double sum = x + y;
  if (sum == 0.0) return rng.Uniform() * (a + b) < a ? 1.0 : 0.0;
  return x / sum;
}

// ---------------------------------------------------------------------------
// ThompsonBandit
// ---------------------------------------------------------------------------

ThompsonBandit::ThompsonBandit(int num_arms, const BanditOptions& options)
    : options_(options), global_(static_cast<size_t>(num_arms)) {}

Result<ThompsonBandit> ThompsonBandit::Create(int num_arms, const BanditOptions& options) {
  if (num_arms < 1 || num_arms > kMaxBanditArms) return InvalidArgument("a bandit needs 1 to 1000 arms");
  if (!(options.exploration >= 0.0 && options.exploration <= 1.0)) {
    return InvalidArgument("exploration must be a share in [0, 1]");
  }
  if (options.min_segment_exposures < 0) {
    return InvalidArgument("min_segment_exposures must not be negative");
  }
  return ThompsonBandit(num_arms, options);
}

Status ThompsonBandit::CheckArm(int arm) const {
  if (arm < 0 || arm >= num_arms()) {
    return OutOfRange("arm " + std::to_string(arm) + " does not exist (the bandit has " +
                      std::to_string(num_arms()) + " arms)");
  }
  return Status::Ok();
}

Status ThompsonBandit::CheckAdd(const ArmCounts& now, int64_t exposures, int64_t conversions) {
  if (exposures < 0 || conversions < 0) return InvalidArgument("counts must not be negative");
  if (exposures > kMaxCount - now.exposures || conversions > kMaxCount - now.conversions) {
    return OutOfRange("counts above 2^53");
  }
  if (now.conversions + conversions > now.exposures + exposures) {
    return InvalidArgument("an arm cannot have more conversions than exposures");
  }
  return Status::Ok();
}

Status ThompsonBandit::AddCounts(int arm, int64_t exposures, int64_t conversions) {
  LEADSEG_RETURN_IF_ERROR(CheckArm(arm));
  ArmCounts& c = global_[static_cast<size_t>(arm)];
  LEADSEG_RETURN_IF_ERROR(CheckAdd(c, exposures, conversions));
  c.exposures += exposures;
  c.conversions += conversions;
  return Status::Ok();
}

Status ThompsonBandit::AddSegmentCounts(std::string_view segment, int arm, int64_t exposures,
                                        int64_t conversions) {
  LEADSEG_RETURN_IF_ERROR(CheckArm(arm));
  auto it = segments_.find(segment);
  // Validate before creating the segment, so a rejected call leaves no
  // empty segment behind.
  LEADSEG_RETURN_IF_ERROR(CheckAdd(it == segments_.end() ? ArmCounts{} : it->second.arms[static_cast<size_t>(arm)],
                                   exposures, conversions));
  if (it == segments_.end()) {
    it = segments_.emplace(std::string(segment), Segment{std::vector<ArmCounts>(global_.size()), 0}).first;
  }
  Segment& s = it->second;
  ArmCounts& c = s.arms[static_cast<size_t>(arm)];
  c.exposures += exposures;
  c.conversions += conversions;
  s.exposures += exposures;
  return Status::Ok();
}

const std::vector<ArmCounts>& ThompsonBandit::CountsFor(std::string_view segment) const {
  auto it = segments_.find(segment);
  if (it == segments_.end()) return global_;
  return SegmentOrGlobalCounts(it->second.arms, it->second.exposures, global_, options_);
}

int ThompsonBandit::ChooseFrom(const std::vector<ArmCounts>& arms, Rng& rng) const {
  return ChooseThompsonArm(arms, options_.exploration, rng);
}

int ChooseThompsonArm(const std::vector<ArmCounts>& arms, double exploration, Rng& rng) {
  const uint32_t n = static_cast<uint32_t>(arms.size());
  if (rng.Uniform() < exploration) return static_cast<int>(rng.Below(n));
  int best = 0;
  double best_draw = -1.0;
  for (uint32_t i = 0; i < n; ++i) {
    const double a = 1.0 + static_cast<double>(arms[i].conversions);
    const double b = 1.0 + static_cast<double>(arms[i].exposures - arms[i].conversions);
    const double draw = SampleBeta(rng, a, b);
    if (draw > best_draw) {
      best_draw = draw;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace leadseg
