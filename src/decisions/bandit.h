// Thompson-sampling multi-armed bandit over the variants of a slot.
//
// Each arm (variant) keeps aggregate counts: how many visitors were shown
// it (exposures) and how many of those converted. Its conversion rate has
// the posterior Beta(1 + conversions, 1 + exposures - conversions) (a
// uniform prior). Choose() draws one sample from every arm's posterior and
// serves the arm with the largest draw, so an arm is served with the
// probability that it is the best one given the data: a clear winner gets
// nearly all traffic, close arms share it, and an arm with little data
// still gets explored.
//
// Two refinements for the page:
//  - A minimum exploration share: with probability `exploration` the arm is
//    chosen uniformly at random instead. Thompson sampling alone can starve
//    an arm that was unlucky early; the floor keeps every arm measurable,
//    which the statistics (decisions/stats.h) need.
//  - Per-segment counts: a site can supply counts broken down by segment
//    ("enterprise visitors convert on the long form"). Choose(rng, segment)
//    uses that segment's counts once it has at least
//    `min_segment_exposures` exposures in total, and the global counts
//    before, so a new segment does not start from a uniform prior.
//
// Counts come from the site (its analytics aggregates), merged with
// AddCounts(); nothing here records exposures by itself. Segment counts and
// global counts are independent: a visitor belongs to many segments, so the
// global counts cannot be derived from them and the site supplies both.
//
// Determinism. Choose() is a function of the counts and of an Rng, a small
// PRNG with an explicit seed, so a test, a replay or a server-side
// simulation gives the same choices as the page. The PRNG (xoshiro256**,
// seeded through splitmix64) is integer arithmetic only, and the samplers
// below use only +, -, *, /, sqrt (all correctly rounded in IEEE 754) and
// their own log/exp: the C library's log and exp are not correctly rounded
// and differ in the last bit between glibc and the musl-based libm of
// Emscripten, which would let a native run and a wasm run drift apart on a
// near-tie. The same seed gives the same arms natively and in WebAssembly.
//
// Choose() does not allocate.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "leadseg/status.h"

namespace leadseg {

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

// xoshiro256** (Blackman & Vigna, 2018): 256 bits of state, period 2^256-1,
// passes BigCrush. The seed is expanded into the state with splitmix64, as
// the authors recommend, so nearby seeds (0, 1, 2...) give unrelated
// streams.
class Rng {
 public:
  explicit Rng(uint64_t seed);

  // The next 64 random bits.
  uint64_t Next();
  // A uniform double in the open interval (0, 1): 53 random bits, centred
  // in their interval, so it is never 0 (log(0) would be -inf) nor 1.
  double Uniform();
  // A uniform integer in [0, n); n must be at least 1. Unbiased (Lemire's
  // multiply-and-reject on 32 bits).
  uint32_t Below(uint32_t n);

 private:
  uint64_t s_[4];
};

// A standard normal variate (Marsaglia's polar method; the second variate
// of each pair is discarded so the stream layout stays simple).
double SampleNormal(Rng& rng);

// A Gamma(shape, 1) variate for shape > 0 (Marsaglia & Tsang, 2000; for
// shape < 1, Gamma(shape + 1) * U^(1/shape)). NaN for other shapes.
double SampleGamma(Rng& rng, double shape);

// A Beta(a, b) variate, X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), for
// a, b > 0; NaN otherwise. For tiny shapes where both gamma draws underflow
// to 0, returns 0 or 1 with probabilities b/(a+b) and a/(a+b) (the limit).
double SampleBeta(Rng& rng, double a, double b);

namespace bandit_internal {
// Natural log and exp built from IEEE-exact operations only (see the
// determinism note above); within ~1 ulp of the true value. PortableLog(0)
// is -inf, negative or NaN arguments give NaN.
double PortableLog(double x);
double PortableExp(double x);
}  // namespace bandit_internal

// ---------------------------------------------------------------------------
// The bandit
// ---------------------------------------------------------------------------

// Aggregate counts of one arm. Stored as integers; at most 2^53 so that
// every count is exact as a double.
struct ArmCounts {
  int64_t exposures = 0;
  int64_t conversions = 0;
};

// The most arms a bandit takes.
inline constexpr int kMaxBanditArms = 1000;

struct BanditOptions {
  // Share of choices made uniformly at random, in [0, 1].
  double exploration = 0.1;
  // A segment's own counts are used once the segment has at least this
  // many exposures over all arms; before that, the global counts.
  int64_t min_segment_exposures = 200;
};

// The counts a segment's visitors are chosen from: the segment's own once
// it has `options.min_segment_exposures` exposures over all arms, else the
// global counts. ThompsonBandit::CountsFor and the engine's bandit arm
// (Engine::Impl::ChooseBanditArm) both decide by it.
inline const std::vector<ArmCounts>& SegmentOrGlobalCounts(const std::vector<ArmCounts>& segment,
                                                           int64_t segment_exposures,
                                                           const std::vector<ArmCounts>& global,
                                                           const BanditOptions& options) {
  return segment_exposures >= options.min_segment_exposures ? segment : global;
}

// Thompson sampling over `arms` (at least one): with probability
// `exploration` a uniform arm, else the arm whose Beta(1 + conversions,
// 1 + non-conversions) draw is largest (ties: the lowest index). Draws one
// uniform, then either one integer or one Beta per arm. ThompsonBandit's
// Choose; the engine calls it with counts it has checked already, without
// building a bandit (Engine::Impl::ChooseBanditArm).
int ChooseThompsonArm(const std::vector<ArmCounts>& arms, double exploration, Rng& rng);

class ThompsonBandit {
 public:
  // num_arms in [1, 1000]; options in range. InvalidArgument otherwise.
  static Result<ThompsonBandit> Create(int num_arms, const BanditOptions& options = {});

  int num_arms() const { return static_cast<int>(global_.size()); }
  const BanditOptions& options() const { return options_; }

  // Adds aggregate counts to `arm`'s global totals. The totals after the
  // addition must satisfy 0 <= conversions <= exposures <= 2^53 (a batch
  // may carry conversions of earlier exposures, so only the totals are
  // checked). On error nothing changes.
  Status AddCounts(int arm, int64_t exposures, int64_t conversions);
  // Same for `arm`'s counts within `segment` (a segment id; any string).
  Status AddSegmentCounts(std::string_view segment, int arm, int64_t exposures,
                          int64_t conversions);

  // Global counts, one per arm.
  const std::vector<ArmCounts>& counts() const { return global_; }
  // The counts Choose(rng, segment) uses: the segment's when it has enough
  // exposures, else the global counts.
  const std::vector<ArmCounts>& CountsFor(std::string_view segment) const;

  // Picks an arm for one visitor: with probability `exploration` uniformly,
  // else the arm whose posterior draw is largest (ties: the lowest index).
  // Draws one uniform, then either one integer or one Beta per arm.
  int Choose(Rng& rng) const { return ChooseFrom(global_, rng); }
  // Same, with the counts of `segment` (see CountsFor).
  int Choose(Rng& rng, std::string_view segment) const { return ChooseFrom(CountsFor(segment), rng); }

 private:
  struct Segment {
    std::vector<ArmCounts> arms;
    int64_t exposures = 0;  // over all arms
  };

  ThompsonBandit(int num_arms, const BanditOptions& options);
  Status CheckArm(int arm) const;
  static Status CheckAdd(const ArmCounts& now, int64_t exposures, int64_t conversions);
  int ChooseFrom(const std::vector<ArmCounts>& arms, Rng& rng) const;

  BanditOptions options_;
  std::vector<ArmCounts> global_;
  // std::less<> lets CountsFor look a string_view up without building a
  // std::string.
  std::map<std::string, Segment, std::less<>> segments_;
};

}  // namespace leadseg
