// Decisions on the page: slots (rules, defaults, experiments), the
// Thompson-sampling bandit and the statistics marketers read.
//
// Reference values for the statistics were computed independently in
// Python 3 with only the standard library (math.lgamma), not with the code
// under test:
//  - I_x(a, b) for integer a, b as the binomial tail P(Bin(a+b-1, x) >= a)
//    (an exact finite sum), cross-checked by Simpson's rule on the density
//    (20000 panels; agree to 3e-14);
//  - quantiles by 200 bisection steps on that binomial sum (Simpson's rule
//    gives the same digits);
//  - P(X2 > X1) by Evan Miller's sum with math.lgamma term by term,
//    cross-checked by Simpson's rule on f_2(x) F_1(x) (agree to 2e-9);
//  - P(best) of three arms by Simpson's rule over [0, 0.5] with 1e5 and
//    2e5 panels, F_j by cumulative trapezoids (the two runs agree to 3e-11).
// The xoshiro256** values come from a direct Python transcription of the
// reference C code (splitmix64(0) = 0xe220a8397b1dcdaf checks the seeder).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "leadseg/diagnostics.h"
#include "core/value.h"
#include "decisions/bandit.h"
#include "decisions/bucketing.h"
#include "decisions/slots.h"
#include "decisions/stats.h"
#include "scoring/scoring_config.h"

namespace leadseg {
namespace {

// ===========================================================================
// Slots
// ===========================================================================

struct Compiled {
  AttributeSchema schema;
  AttributeSchema event_schema;
  Diagnostics diagnostics;
  std::optional<std::vector<SlotSpec>> slots;
};

std::unique_ptr<Compiled> CompileText(const std::string& text) {
  auto c = std::make_unique<Compiled>();
  SectionContext ctx{&c->schema, &c->event_schema, nullptr, &c->diagnostics};
  c->slots = CompileSlots(Json::parse(text), ctx);
  return c;
}

bool HasDiagnostic(const Diagnostics& d, Diagnostic::Severity severity, const std::string& code,
                   const std::string& path) {
  for (const Diagnostic& x : d.all()) {
    if (x.severity == severity && x.code == code && x.path == path) return true;
  }
  return false;
}

bool HasError(const Diagnostics& d, const std::string& code, const std::string& path) {
  return HasDiagnostic(d, Diagnostic::Severity::kError, code, path);
}

// A visitor's attributes, kept alive with the document they point into.
struct Visitor {
  explicit Visitor(const AttributeSchema* schema, const Json& attributes) : set(schema) {
    set.SetFromObject(doc.Add(attributes));
  }
  Document doc;
  AttributeSet set;
};

const char* kHeroSlots = R"([
  {"id": "hero", "name": "Home page hero",
   "variants": [
     {"id": "enterprise", "when": {"segments": {"$in": ["enterprise"]}}},
     {"id": "smb", "name": "Small business", "when": {"score": {"$gte": 30}}},
     {"id": "fallback"}],
   "default": "fallback"},
  {"id": "signup_form",
   "variants": [{"id": "short"}, {"id": "long", "when": {"stage": "decision"}}],
   "default": "short",
   "experiment": {"key": "form-test", "variants": ["short", "long"], "weights": [0.25, 0.75],
                  "when": {"country": "US"}}}
])";

TEST(Slots, FirstMatchingVariantWinsInOrder) {
  auto c = CompileText(kHeroSlots);
  ASSERT_TRUE(c->slots) << c->diagnostics.Format();
  EXPECT_FALSE(c->diagnostics.has_errors());
  const SlotSpec& hero = (*c->slots)[0];

  // Both `when`s hold: the first listed wins.
  Visitor both(&c->schema, {{"segments", {"enterprise", "tech"}}, {"score", 55}});
  SlotDecision d = Decide(hero, both.set);
  EXPECT_EQ(d.slot, "hero");
  EXPECT_EQ(d.variant, "enterprise");
  EXPECT_EQ(d.variant_index, 0);
  EXPECT_EQ(d.reason.kind, SlotReason::Kind::kRule);
  EXPECT_EQ(d.reason.rule, 0);
  EXPECT_EQ(d.reason.condition, "/slots/0/variants/0/when");

  Visitor smb(&c->schema, {{"segments", {"tech"}}, {"score", 30}});
  d = Decide(hero, smb.set);
  EXPECT_EQ(d.variant, "smb");
  EXPECT_EQ(d.reason.rule, 1);
  EXPECT_EQ(d.reason.condition, "/slots/0/variants/1/when");
  EXPECT_EQ(d.ToJson().dump(),
            R"({"slot":"hero","variant":"smb","reason":{"rule":1,"condition":"/slots/0/variants/1/when"}})");

  // The decision points into the spec: nothing was copied.
  EXPECT_EQ(d.variant.data(), hero.variants[1].id.data());
  EXPECT_EQ(d.slot.data(), hero.id.data());
}

TEST(Slots, DefaultWhenNothingMatches) {
  auto c = CompileText(kHeroSlots);
  ASSERT_TRUE(c->slots);
  Visitor nobody(&c->schema, {{"score", 10}});
  SlotDecision d = Decide((*c->slots)[0], nobody.set);
  EXPECT_EQ(d.variant, "fallback");
  EXPECT_EQ(d.variant_index, 2);
  EXPECT_EQ(d.reason.kind, SlotReason::Kind::kDefault);
  EXPECT_EQ(d.reason.rule, -1);
  EXPECT_TRUE(d.reason.condition.empty());
  EXPECT_EQ(d.ToJson().dump(), R"({"slot":"hero","variant":"fallback","reason":{"rule":"default"}})");

  // A visitor with no attributes at all.
  AttributeSet empty(&c->schema);
  EXPECT_EQ(Decide((*c->slots)[0], empty).variant, "fallback");
}

TEST(Slots, DefaultMayBeAConditionalVariant) {
  auto c = CompileText(R"([{"id": "cta", "variants": [
      {"id": "demo", "when": {"grade": "A"}}, {"id": "trial", "when": {"grade": "B"}}],
      "default": "trial"}])");
  ASSERT_TRUE(c->slots) << c->diagnostics.Format();
  Visitor a(&c->schema, {{"grade", "A"}});
  Visitor d(&c->schema, {{"grade", "D"}});
  EXPECT_EQ(Decide((*c->slots)[0], a.set).variant, "demo");
  SlotDecision fallback = Decide((*c->slots)[0], d.set);
  EXPECT_EQ(fallback.variant, "trial");
  EXPECT_EQ(fallback.reason.kind, SlotReason::Kind::kDefault);
}

TEST(Slots, ExperimentIsCompiledAndStored) {
  auto c = CompileText(kHeroSlots);
  ASSERT_TRUE(c->slots);
  const SlotSpec& form = (*c->slots)[1];
  EXPECT_FALSE((*c->slots)[0].experiment.has_value());
  ASSERT_TRUE(form.experiment.has_value());
  const SlotExperimentSpec& x = *form.experiment;
  EXPECT_EQ(x.key, "form-test");
  EXPECT_EQ(x.mode, SlotExperimentMode::kAb);
  EXPECT_EQ(x.variants, (std::vector<int>{0, 1}));
  EXPECT_EQ(x.weights, (std::vector<double>{0.25, 0.75}));
  ASSERT_EQ(x.ranges.size(), 2u);
  EXPECT_EQ(x.ranges[0], BucketRange(0.0, 0.25));
  EXPECT_EQ(x.ranges[1], BucketRange(0.25, 1.0));
  EXPECT_EQ(x.when_path, "/slots/1/experiment/when");

  Visitor us(&c->schema, {{"country", "US"}});
  Visitor fr(&c->schema, {{"country", "FR"}});
  EXPECT_TRUE(x.Applies(us.set));
  EXPECT_FALSE(x.Applies(fr.set));

  SlotDecision d = ExperimentDecision(form, 1);
  EXPECT_EQ(d.variant, "long");
  EXPECT_EQ(d.variant_index, 1);
  EXPECT_EQ(d.reason.kind, SlotReason::Kind::kExperiment);
  EXPECT_EQ(d.ToJson().dump(), R"({"slot":"signup_form","variant":"long","reason":{"experiment":"form-test"}})");
}

TEST(Slots, ExperimentDefaultsToEqualWeightsAndAb) {
  auto c = CompileText(R"([{"id": "s", "variants": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "default": "a",
      "experiment": {"key": "k", "variants": ["c", "a", "b"]}}])");
  ASSERT_TRUE(c->slots) << c->diagnostics.Format();
  const SlotExperimentSpec& x = *(*c->slots)[0].experiment;
  EXPECT_EQ(x.variants, (std::vector<int>{2, 0, 1}));
  EXPECT_EQ(x.weights, EqualWeights(3));
  EXPECT_EQ(x.mode, SlotExperimentMode::kAb);
  EXPECT_FALSE(x.when.has_value());
  EXPECT_EQ(ExperimentDecision((*c->slots)[0], 0).variant, "c");
  EXPECT_TRUE(c->diagnostics.all().empty()) << c->diagnostics.Format();  // b, c are arms: reachable
}

TEST(Slots, CompileErrorsNameTheirPath) {
  auto c = CompileText(R"([
    {"id": "hero", "colour": "red",
     "variants": [{"id": "a", "when": {"score": {"$gte": 1}}, "weight": 2},
                  {"id": "a"},
                  {"id": "b", "when": {"score": {"$bogus": 1}}}],
     "default": "a"},
    {"id": "hero", "variants": [{"id": "x"}], "default": "y"},
    {"id": "no-dash", "variants": [{"id": "x"}], "default": "x"},
    {"id": "nodefault", "variants": [{"id": "x"}]},
    {"id": "novariants", "variants": [], "default": "x"},
    "not an object"
  ])");
  const Diagnostics& d = c->diagnostics;
  EXPECT_FALSE(c->slots.has_value());
  EXPECT_TRUE(HasError(d, "unknown-key", "/slots/0/colour")) << d.Format();
  EXPECT_TRUE(HasError(d, "unknown-key", "/slots/0/variants/0/weight")) << d.Format();
  EXPECT_TRUE(HasError(d, "duplicate-id", "/slots/0/variants/1/id")) << d.Format();
  EXPECT_TRUE(HasError(d, "condition", "/slots/0/variants/2/when/score/$bogus")) << d.Format();
  EXPECT_TRUE(HasError(d, "duplicate-id", "/slots/1/id")) << d.Format();
  EXPECT_TRUE(HasError(d, "reference", "/slots/1/default")) << d.Format();
  EXPECT_TRUE(HasError(d, "id", "/slots/2/id")) << d.Format();
  EXPECT_TRUE(HasError(d, "missing", "/slots/3/default")) << d.Format();
  EXPECT_TRUE(HasError(d, "missing", "/slots/4/variants")) << d.Format();
  EXPECT_TRUE(HasError(d, "type", "/slots/5")) << d.Format();
}

TEST(Slots, SectionMustBeAnArray) {
  auto c = CompileText(R"({"hero": {}})");
  EXPECT_FALSE(c->slots.has_value());
  EXPECT_TRUE(HasError(c->diagnostics, "type", "/slots"));
}

TEST(Slots, ExperimentErrorsNameTheirPath) {
  auto c = CompileText(R"([
    {"id": "one", "variants": [{"id": "a"}, {"id": "b"}], "default": "a",
     "experiment": {"key": "k", "variants": ["a", "zz", "a"], "weights": [0.5, 0.4],
                    "mode": "greedy", "seed": 3, "when": {"x": {"$in": 3}}}},
    {"id": "two", "variants": [{"id": "a"}, {"id": "b"}], "default": "a",
     "experiment": {"key": "k", "variants": ["a", "b"], "weights": [0.5, 0.3]}},
    {"id": "three", "variants": [{"id": "a"}], "default": "a",
     "experiment": {"variants": ["a"]}}
  ])");
  const Diagnostics& d = c->diagnostics;
  EXPECT_FALSE(c->slots.has_value());
  EXPECT_TRUE(HasError(d, "unknown-key", "/slots/0/experiment/seed")) << d.Format();
  EXPECT_TRUE(HasError(d, "reference", "/slots/0/experiment/variants/1")) << d.Format();
  EXPECT_TRUE(HasError(d, "duplicate-id", "/slots/0/experiment/variants/2")) << d.Format();
  EXPECT_TRUE(HasError(d, "range", "/slots/0/experiment/weights")) << d.Format();  // wrong length
  EXPECT_TRUE(HasError(d, "enum", "/slots/0/experiment/mode")) << d.Format();
  EXPECT_TRUE(HasError(d, "condition", "/slots/0/experiment/when/x/$in")) << d.Format();
  EXPECT_TRUE(HasError(d, "duplicate-id", "/slots/1/experiment/key")) << d.Format();
  EXPECT_TRUE(HasError(d, "range", "/slots/1/experiment/weights")) << d.Format();  // sums to 0.8
  EXPECT_TRUE(HasError(d, "missing", "/slots/2/experiment/key")) << d.Format();
  EXPECT_TRUE(HasError(d, "shape", "/slots/2/experiment/variants")) << d.Format();
}

TEST(Slots, WarnsAboutVariantsNothingServes) {
  auto c = CompileText(R"([{"id": "s", "variants": [{"id": "a"}, {"id": "orphan"}, {"id": "c"}], "default": "a",
      "experiment": {"key": "k", "variants": ["a", "c"], "weights": [0.5, 0.5], "mode": "bandit"}}])");
  ASSERT_TRUE(c->slots) << c->diagnostics.Format();
  EXPECT_EQ((*c->slots)[0].experiment->mode, SlotExperimentMode::kBandit);
  EXPECT_TRUE(HasDiagnostic(c->diagnostics, Diagnostic::Severity::kWarning, "unreachable", "/slots/0/variants/1"))
      << c->diagnostics.Format();
  EXPECT_TRUE(
      HasDiagnostic(c->diagnostics, Diagnostic::Severity::kWarning, "ignored", "/slots/0/experiment/weights"));
  EXPECT_EQ(c->diagnostics.all().size(), 2u) << c->diagnostics.Format();
}

// ===========================================================================
// Random numbers
// ===========================================================================

TEST(Rng, MatchesTheReferenceXoshiro256StarStar) {
  Rng zero(0);
  EXPECT_EQ(zero.Next(), 0x99ec5f36cb75f2b4ull);
  EXPECT_EQ(zero.Next(), 0xbf6e1f784956452aull);
  EXPECT_EQ(zero.Next(), 0x1a5f849d4933e6e0ull);
  EXPECT_EQ(zero.Next(), 0x6aa594f1262d2d2cull);
  Rng answer(42);
  EXPECT_EQ(answer.Next(), 0x15780b2e0c2ec716ull);
  EXPECT_EQ(answer.Next(), 0x6104d9866d113a7eull);
  EXPECT_EQ(answer.Next(), 0xae17533239e499a1ull);
  EXPECT_EQ(answer.Next(), 0xecb8ad4703b360a1ull);
}

TEST(Rng, UniformIsOpenAndBelowIsInRange) {
  Rng rng(7);
  std::vector<int> histogram(7, 0);
  for (int i = 0; i < 70000; ++i) {
    double u = rng.Uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    uint32_t k = rng.Below(7);
    ASSERT_LT(k, 7u);
    ++histogram[k];
  }
  for (int h : histogram) EXPECT_NEAR(h, 10000, 400);  // ~4 standard deviations
  EXPECT_EQ(rng.Below(1), 0u);
}

TEST(Rng, PortableLogAndExpAreAccurate) {
  using bandit_internal::PortableExp;
  using bandit_internal::PortableLog;
  Rng rng(3);
  for (int i = 0; i < 100000; ++i) {
    // Arguments spread over many binades.
    double x = std::ldexp(rng.Uniform() + 0.5, static_cast<int>(rng.Below(200)) - 100);
    double ref = std::log(x);
    ASSERT_NEAR(PortableLog(x), ref, 4e-16 * std::max(1.0, std::fabs(ref))) << x;
    double y = (rng.Uniform() - 0.5) * 1400;
    double e = std::exp(y);
    ASSERT_NEAR(PortableExp(y), e, 4e-16 * e) << y;
  }
  EXPECT_EQ(PortableLog(1.0), 0.0);
  EXPECT_EQ(PortableExp(0.0), 1.0);
  EXPECT_TRUE(std::isinf(PortableLog(0.0)) && PortableLog(0.0) < 0);
  EXPECT_TRUE(std::isnan(PortableLog(-1.0)));
  EXPECT_EQ(PortableExp(-800.0), 0.0);
}

// Sample mean and variance against the distribution's, with a fixed seed.
void ExpectMoments(const char* what, double mean, double variance, const std::vector<double>& xs) {
  double m = 0, v = 0;
  for (double x : xs) m += x;
  m /= static_cast<double>(xs.size());
  for (double x : xs) v += (x - m) * (x - m);
  v /= static_cast<double>(xs.size() - 1);
  double n = static_cast<double>(xs.size());
  EXPECT_NEAR(m, mean, 5 * std::sqrt(variance / n)) << what;
  EXPECT_NEAR(v, variance, 0.02 * variance) << what;
}

TEST(Samplers, MomentsMatch) {
  Rng rng(2024);
  const int n = 200000;
  std::vector<double> xs(n);
  for (double& x : xs) x = SampleNormal(rng);
  ExpectMoments("normal", 0, 1, xs);
  for (double shape : {0.3, 1.0, 3.7, 250.0}) {
    for (double& x : xs) x = SampleGamma(rng, shape);
    ExpectMoments(("gamma " + std::to_string(shape)).c_str(), shape, shape, xs);
  }
  const double a = 11, b = 91;
  for (double& x : xs) x = SampleBeta(rng, a, b);
  ExpectMoments("beta", a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1)), xs);
  EXPECT_TRUE(std::isnan(SampleGamma(rng, 0)));
  EXPECT_TRUE(std::isnan(SampleBeta(rng, 1, -1)));
}

// ===========================================================================
// Bandit
// ===========================================================================

ThompsonBandit MakeBandit(int arms, BanditOptions options = {}) {
  auto b = ThompsonBandit::Create(arms, options);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return std::move(b).value();
}

TEST(Bandit, RejectsBadArgumentsAndCounts) {
  EXPECT_FALSE(ThompsonBandit::Create(0).ok());
  BanditOptions bad;
  bad.exploration = 1.5;
  EXPECT_FALSE(ThompsonBandit::Create(2, bad).ok());

  ThompsonBandit b = MakeBandit(2);
  EXPECT_EQ(b.AddCounts(2, 1, 0).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(b.AddCounts(0, -1, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.AddCounts(0, 5, 6).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(b.AddCounts(0, 10, 2).ok());
  EXPECT_TRUE(b.AddCounts(0, 0, 3).ok());  // late conversions of earlier exposures
  EXPECT_EQ(b.AddCounts(0, 0, 6).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.AddCounts(0, int64_t{1} << 53, 0).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(b.counts()[0].exposures, 10);
  EXPECT_EQ(b.counts()[0].conversions, 5);

  EXPECT_FALSE(b.AddSegmentCounts("vip", 0, 1, 2).ok());
  EXPECT_EQ(&b.CountsFor("vip"), &b.counts());  // the rejected call created nothing
}

// The first 40 choices of the bandit below with seed 99 (recorded from this
// implementation; a regression pin, not an independent reference).
constexpr char kPinnedChoices[] = "2210111212111210211222222122102222220122";

TEST(Bandit, SameSeedSameChoices) {
  ThompsonBandit b = MakeBandit(3);
  ASSERT_TRUE(b.AddCounts(0, 100, 3).ok());
  ASSERT_TRUE(b.AddCounts(1, 100, 4).ok());
  ASSERT_TRUE(b.AddCounts(2, 100, 5).ok());
  Rng r1(99), r2(99);
  std::string s1, s2;
  for (int i = 0; i < 40; ++i) {
    s1 += static_cast<char>('0' + b.Choose(r1));
    s2 += static_cast<char>('0' + b.Choose(r2));
  }
  EXPECT_EQ(s1, s2);
  // Pinned: the samplers use no libm transcendental, so a WebAssembly build
  // must produce exactly this sequence too.
  EXPECT_EQ(s1, kPinnedChoices);
}

TEST(Bandit, ExplorationFloorAndExploitation) {
  BanditOptions options;
  options.exploration = 0.1;
  ThompsonBandit b = MakeBandit(4, options);
  // Arm 2 is overwhelmingly better: Thompson picks it ~always, exploration
  // spreads 10% evenly, so the others get ~2.5% each.
  for (int arm = 0; arm < 4; ++arm) ASSERT_TRUE(b.AddCounts(arm, 10000, arm == 2 ? 2000 : 100).ok());
  Rng rng(5);
  std::vector<int> n(4, 0);
  for (int i = 0; i < 40000; ++i) ++n[static_cast<size_t>(b.Choose(rng))];
  EXPECT_NEAR(n[2] / 40000.0, 0.925, 0.006);
  for (int arm : {0, 1, 3}) EXPECT_NEAR(n[static_cast<size_t>(arm)] / 40000.0, 0.025, 0.004);

  options.exploration = 1.0;
  ThompsonBandit uniform = MakeBandit(4, options);
  for (int arm = 0; arm < 4; ++arm) ASSERT_TRUE(uniform.AddCounts(arm, 10000, arm == 2 ? 2000 : 100).ok());
  std::fill(n.begin(), n.end(), 0);
  for (int i = 0; i < 40000; ++i) ++n[static_cast<size_t>(uniform.Choose(rng))];
  for (int c : n) EXPECT_NEAR(c / 40000.0, 0.25, 0.01);
}

TEST(Bandit, SegmentCountsOnceTheSegmentHasEnoughExposures) {
  BanditOptions options;
  options.exploration = 0;
  options.min_segment_exposures = 500;
  ThompsonBandit b = MakeBandit(2, options);
  // Globally arm 0 wins; within "enterprise" arm 1 does.
  ASSERT_TRUE(b.AddCounts(0, 5000, 500).ok());
  ASSERT_TRUE(b.AddCounts(1, 5000, 100).ok());
  ASSERT_TRUE(b.AddSegmentCounts("enterprise", 0, 200, 2).ok());
  ASSERT_TRUE(b.AddSegmentCounts("enterprise", 1, 200, 40).ok());

  Rng rng(11);
  auto share_of_arm1 = [&](std::string_view segment) {
    int n = 0;
    for (int i = 0; i < 1000; ++i) n += b.Choose(rng, segment);
    return n / 1000.0;
  };
  // 400 < 500 exposures: the segment still uses the global counts.
  EXPECT_EQ(&b.CountsFor("enterprise"), &b.counts());
  EXPECT_LT(share_of_arm1("enterprise"), 0.01);

  ASSERT_TRUE(b.AddSegmentCounts("enterprise", 1, 100, 20).ok());  // 500 now
  EXPECT_NE(&b.CountsFor("enterprise"), &b.counts());
  EXPECT_GT(share_of_arm1("enterprise"), 0.99);
  EXPECT_LT(share_of_arm1("smb"), 0.01);  // unknown segment: global
  EXPECT_LT(share_of_arm1(""), 0.01);
}

// ===========================================================================
// The simulation: three form variants converting at 2%, 3% and 5%.
// ===========================================================================

const char* kFormSlot = R"([{"id": "signup_form",
  "variants": [{"id": "short"}, {"id": "medium"}, {"id": "long"}], "default": "short",
  "experiment": {"key": "signup-form-test", "variants": ["short", "medium", "long"], "mode": "%s"}}])";

std::unique_ptr<Compiled> FormSlot(const char* mode) {
  char text[512];
  std::snprintf(text, sizeof text, kFormSlot, mode);
  return CompileText(text);
}

constexpr double kTrueRates[3] = {0.02, 0.03, 0.05};
constexpr int kVisitors = 20000;

TEST(Simulation, BanditSendsMostVisitorsToTheBestForm) {
  auto c = FormSlot("bandit");
  ASSERT_TRUE(c->slots) << c->diagnostics.Format();
  const SlotSpec& slot = (*c->slots)[0];
  ASSERT_EQ(slot.experiment->mode, SlotExperimentMode::kBandit);
  ThompsonBandit bandit = MakeBandit(static_cast<int>(slot.experiment->variants.size()));  // 10% exploration

  // Separate streams: the bandit's choices and the visitors' behaviour.
  Rng choices(20240601), world(7);
  std::vector<int> shown(3, 0), converted(3, 0);
  for (int v = 0; v < kVisitors; ++v) {
    const int arm = bandit.Choose(choices);
    const bool conversion = world.Uniform() < kTrueRates[arm];
    ++shown[static_cast<size_t>(arm)];
    converted[static_cast<size_t>(arm)] += conversion;
    // The site reports back after every visitor (aggregates work the same).
    ASSERT_TRUE(bandit.AddCounts(arm, 1, conversion ? 1 : 0).ok());
  }
  std::printf("[ bandit   ] shares over %d visitors:", kVisitors);
  for (int arm = 0; arm < 3; ++arm) {
    std::printf(" %s %.4f (%d conv)", ExperimentDecision(slot, arm).variant.data(),
                shown[static_cast<size_t>(arm)] / double(kVisitors), converted[static_cast<size_t>(arm)]);
  }
  std::printf("\n");
  EXPECT_GE(shown[2] / double(kVisitors), 0.60);

  // The statistics agree that "long" is best.
  auto stats = ComputeVariantStats(bandit.counts());
  ASSERT_TRUE(stats.ok());
  std::printf("[ bandit   ] P(best): %.4f %.4f %.4f\n", (*stats)[0].probability_best, (*stats)[1].probability_best,
              (*stats)[2].probability_best);
  EXPECT_GT((*stats)[2].probability_best, 0.95);
}

TEST(Simulation, AbSplitIsEvenWithGrowthBookHashing) {
  auto c = FormSlot("ab");
  ASSERT_TRUE(c->slots) << c->diagnostics.Format();
  const SlotExperimentSpec& x = *(*c->slots)[0].experiment;
  ASSERT_EQ(x.weights, EqualWeights(3));
  const std::vector<BucketRange> equal = BucketRanges(3, 1.0, nullptr);
  ASSERT_EQ(x.ranges, equal);
  for (int version : {1, 2}) {
    std::vector<int> shown(3, 0);
    for (int v = 0; v < kVisitors; ++v) {
      std::optional<double> n = GrowthBookHash(x.key, "v" + std::to_string(v), version);
      ASSERT_TRUE(n.has_value());
      const int arm = ChooseVariation(*n, x.ranges);
      ASSERT_GE(arm, 0);
      ++shown[static_cast<size_t>(arm)];
    }
    std::printf("[ a/b v%d   ] shares over %d visitors: %.4f %.4f %.4f\n", version, kVisitors,
                shown[0] / double(kVisitors), shown[1] / double(kVisitors), shown[2] / double(kVisitors));
    for (int s : shown) EXPECT_NEAR(s / double(kVisitors), 1.0 / 3.0, 0.01) << "hash version " << version;
  }
}

// ===========================================================================
// Statistics
// ===========================================================================

TEST(Stats, IncompleteBetaMatchesReference) {
  // 10 conversions in 100 exposures: posterior Beta(11, 91).
  EXPECT_NEAR(RegularizedIncompleteBeta(11, 91, 0.1), 0.4300310224159561, 1e-13);
  EXPECT_EQ(RegularizedIncompleteBeta(11, 91, 0), 0);
  EXPECT_EQ(RegularizedIncompleteBeta(11, 91, 1), 1);
  // Symmetry I_x(a, b) = 1 - I_{1-x}(b, a), across the switch point.
  for (double x : {0.01, 0.09, 0.11, 0.3, 0.9}) {
    EXPECT_NEAR(RegularizedIncompleteBeta(11, 91, x), 1 - RegularizedIncompleteBeta(91, 11, 1 - x), 1e-14);
  }
  // Beta(1, 1) is uniform; Beta(1, b) has CDF 1 - (1-x)^b.
  EXPECT_NEAR(RegularizedIncompleteBeta(1, 1, 0.37), 0.37, 1e-15);
  EXPECT_NEAR(RegularizedIncompleteBeta(1, 50, 0.02), 1 - std::pow(0.98, 50), 1e-14);
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(0, 1, 0.5)));
}

TEST(Stats, CredibleIntervalMatchesReference) {
  EXPECT_NEAR(InverseRegularizedIncompleteBeta(11, 91, 0.025), 0.05563722383530309, 1e-12);
  EXPECT_NEAR(InverseRegularizedIncompleteBeta(11, 91, 0.975), 0.17455282607711764, 1e-12);
  EXPECT_NEAR(InverseRegularizedIncompleteBeta(11, 91, 0.5), 0.1052800775805883, 1e-12);
  // Round trip in the far tails (the integration grid relies on them).
  for (double p : {1e-12, 1e-6, 0.3, 1 - 1e-6, 1 - 1e-12}) {
    double x = InverseRegularizedIncompleteBeta(201, 9801, p);
    EXPECT_NEAR(RegularizedIncompleteBeta(201, 9801, x), p, 1e-9 * std::min(p, 1 - p) + 1e-15) << p;
  }
  EXPECT_EQ(InverseRegularizedIncompleteBeta(3, 4, 0), 0);
  EXPECT_EQ(InverseRegularizedIncompleteBeta(3, 4, 1), 1);

  auto stats = ComputeVariantStats({{100, 10}});
  ASSERT_TRUE(stats.ok());
  const VariantStats& s = (*stats)[0];
  EXPECT_EQ(s.exposures, 100);
  EXPECT_EQ(s.conversions, 10);
  EXPECT_DOUBLE_EQ(s.conversion_rate, 0.1);
  EXPECT_DOUBLE_EQ(s.posterior_mean, 11.0 / 102.0);
  EXPECT_NEAR(s.interval_low, 0.05563722383530309, 1e-12);
  EXPECT_NEAR(s.interval_high, 0.17455282607711764, 1e-12);
  EXPECT_EQ(s.probability_best, 1.0);
}

TEST(Stats, TwoArmClosedFormMatchesReference) {
  // P(B > A), A = 10/100 -> Beta(11, 91), B = 15/100 -> Beta(16, 86).
  EXPECT_NEAR(ProbabilityGreater({11, 91}, {16, 86}), 0.8532837899338557, 1e-12);
  EXPECT_NEAR(ProbabilityGreater({16, 86}, {11, 91}), 1 - 0.8532837899338557, 1e-12);
  // A = 200/10000, B = 230/10000.
  // lgamma of arguments near 1e4 leaves ~1e-11 per term on either side.
  EXPECT_NEAR(ProbabilityGreater({201, 9801}, {231, 9771}), 0.9280170680922158, 1e-10);
  // Summed over the shorter series (a2 = 2 < a1 = 4) either way.
  EXPECT_NEAR(ProbabilityGreater({4, 38}, {2, 10}), 0.7169667867146814, 1e-12);
  EXPECT_TRUE(std::isnan(ProbabilityGreater({1.5, 3}, {2.5, 3})));
}

TEST(Stats, ProbabilityBestByIntegrationMatchesClosedForm) {
  std::vector<double> p = ProbabilityBest({{11, 91}, {16, 86}});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NEAR(p[1], 0.8532837899338557, 1e-8);
  EXPECT_NEAR(p[0], 0.1467162100661443, 1e-8);
  p = ProbabilityBest({{201, 9801}, {231, 9771}});
  EXPECT_NEAR(p[1], 0.9280170680922158, 1e-8);
  // Very unequal widths: an arm with 1000x the data of the other.
  EXPECT_NEAR(ProbabilityGreater({3, 98}, {1001, 98001}), 0.08150749621262235, 1e-10);
  p = ProbabilityBest({{3, 98}, {1001, 98001}});
  EXPECT_NEAR(p[1], 0.08150749621262235, 1e-8);
  EXPECT_NEAR(p[0] + p[1], 1, 1e-8);
}

TEST(Stats, ProbabilityBestOfThreeMatchesReference) {
  // 10/100, 15/100, 12/100.
  std::vector<double> p = ProbabilityBest({{11, 91}, {16, 86}, {13, 89}});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_NEAR(p[0], 0.0971046274, 1e-8);
  EXPECT_NEAR(p[1], 0.6645701168, 1e-8);
  EXPECT_NEAR(p[2], 0.2383252557, 1e-8);

  // And against a Monte Carlo estimate from the bandit's own sampler.
  Rng rng(1);
  std::vector<int> wins(3, 0);
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double x0 = SampleBeta(rng, 11, 91), x1 = SampleBeta(rng, 16, 86), x2 = SampleBeta(rng, 13, 89);
    ++wins[x0 > x1 && x0 > x2 ? 0 : x1 > x2 ? 1 : 2];
  }
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(wins[static_cast<size_t>(i)] / double(n), p[static_cast<size_t>(i)], 0.005);
}

TEST(Stats, ProbabilityBestOfIdenticalArmsIsEven) {
  for (size_t k : {2u, 3u, 5u}) {
    std::vector<double> p = ProbabilityBest(std::vector<BetaParams>(k, BetaParams{31, 970}));
    for (double x : p) EXPECT_NEAR(x, 1.0 / static_cast<double>(k), 1e-8) << k;
  }
  std::vector<double> p = ProbabilityBest({{1, 1}, {1, 1}, {1, 1}});  // no data yet
  for (double x : p) EXPECT_NEAR(x, 1.0 / 3, 1e-8);
  EXPECT_TRUE(ProbabilityBest({}).empty());
  EXPECT_EQ(ProbabilityBest({{2, 3}}), std::vector<double>{1.0});
}

TEST(Stats, LargeCountsStayAccurate) {
  // A million exposures per arm.
  const BetaParams a{1.0 + 20000, 1.0 + 980000}, b{1.0 + 20300, 1.0 + 979700};
  // Python: Miller's sum 0.934437377675177; Simpson's rule 0.9344373753.
  // lgamma near 1e6 (values ~1.3e7) limits either side to ~1e-9 per term.
  EXPECT_NEAR(ProbabilityGreater(a, b), 0.934437377675177, 1e-7);
  std::vector<double> p = ProbabilityBest({a, b});
  EXPECT_NEAR(p[1], 0.934437377675177, 1e-7);
}

TEST(Stats, ReportValidatesInput) {
  EXPECT_FALSE(ComputeVariantStats({{10, 11}}).ok());
  EXPECT_FALSE(ComputeVariantStats({{-1, 0}}).ok());
  EXPECT_FALSE(ComputeVariantStats({{10, 1}}, 1.0).ok());
  auto empty = ComputeVariantStats({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto none = ComputeVariantStats({{0, 0}, {0, 0}});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)[0].conversion_rate, 0);
  EXPECT_NEAR((*none)[0].interval_low, 0.025, 1e-12);  // Beta(1, 1): uniform
  EXPECT_NEAR((*none)[0].interval_high, 0.975, 1e-12);
  EXPECT_NEAR((*none)[0].probability_best, 0.5, 1e-8);
}

}  // namespace
}  // namespace leadseg
