// GrowthBook experiments and features: the run / feature / stickyBucket
// sections of cases.json, then the properties leadseg relies on when it
// runs form and content experiments on every page view.
#include "decisions/experiment.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "conformance/growthbook_experiment_suite.h"
#include "test_data.h"

namespace leadseg {
namespace {

const Json& Cases() {
  static const Json* cases =
      new Json(testing::ReadJson(testing::SharedPath("conformance/growthbook-cases.json")));
  return *cases;
}

void ExpectSection(const SectionResult& s, const std::string& name, int passed) {
  EXPECT_EQ(s.name, name);
  EXPECT_FALSE(s.skipped);
  EXPECT_EQ(s.passed, passed) << name;
  EXPECT_EQ(s.failed, 0) << name;
  for (const auto& f : s.failures) ADD_FAILURE() << name << " " << f;
}

TEST(ExperimentConformance, RunFeatureAndStickyBucketSectionsPass) {
  std::vector<SectionResult> sections = RunGrowthBookExperimentSections(Cases());
  ASSERT_EQ(sections.size(), 3u);
  ExpectSection(sections[0], "run", 73);
  ExpectSection(sections[1], "feature", 55);
  ExpectSection(sections[2], "stickyBucket", 13);
}

TEST(ExperimentConformance, ContextualBanditSectionPassesThroughTheFeatureRunner) {
  ExpectSection(RunGrowthBookFeatureSection(Cases(), "contextualBandit"), "contextualBandit", 35);
}

TEST(ExperimentConformance, MissingSectionsAreLeftOut) {
  EXPECT_TRUE(RunGrowthBookExperimentSections(Json::object()).empty());
  EXPECT_TRUE(RunGrowthBookFeatureSection(Json::object(), "feature").skipped);
}

// ---- helpers ----

ExperimentSpec Compile(const Json& json) {
  auto spec = ExperimentSpec::Compile(json);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return std::move(spec).value();
}

EvalContext Visitor(const std::string& id, Json extra = Json::object()) {
  EvalContext ctx;
  ctx.attributes = std::move(extra);
  ctx.attributes["id"] = id;
  return ctx;
}

const Json kFormExperiment = Json::parse(R"({
  "key": "lead-form",
  "variations": ["short", "long", "wizard"],
  "condition": {"country": "US"},
  "meta": [{"key": "short"}, {"key": "long"}, {"key": "wizard"}]
})");

// ---- sticky bucketing ----

TEST(Experiment, StickyAssignmentSurvivesAttributeChanges) {
  ExperimentSpec spec = Compile(kFormExperiment);
  InMemoryStickyBucketStore store;
  for (int i = 0; i < 50; ++i) {
    std::string id = "visitor-" + std::to_string(i);
    EvalContext ctx = Visitor(id, {{"country", "US"}});
    ctx.sticky_bucket_store = &store;
    ExperimentResult first = RunExperiment(spec, ctx);
    ASSERT_TRUE(first.in_experiment) << id;
    EXPECT_TRUE(first.hash_used);
    EXPECT_FALSE(first.sticky_bucket_used);

    // The visitor no longer matches the targeting condition...
    ctx.attributes["country"] = "CA";
    ExperimentResult again = RunExperiment(spec, ctx);
    EXPECT_TRUE(again.in_experiment) << id;
    EXPECT_TRUE(again.sticky_bucket_used);
    EXPECT_EQ(again.variation_id, first.variation_id) << id;
    EXPECT_EQ(again.value, first.value);

    // ...and without a store the condition excludes them.
    ctx.sticky_bucket_store = nullptr;
    EXPECT_FALSE(RunExperiment(spec, ctx).in_experiment);
  }
  // One doc per visitor, keyed "id||<value>", assignment "<key>__0".
  EXPECT_EQ(store.docs().size(), 50u);
  auto doc = store.Get("id", "visitor-0");
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->attribute_name, "id");
  EXPECT_EQ(doc->assignments.count("lead-form__0"), 1u);
}

TEST(Experiment, StickyAssignmentSurvivesWeightChanges) {
  InMemoryStickyBucketStore store;
  Json even = kFormExperiment;
  ExperimentSpec before = Compile(even);
  Json all_wizard = kFormExperiment;
  all_wizard["weights"] = {0, 0, 1};
  ExperimentSpec after = Compile(all_wizard);
  int kept_short = 0;
  for (int i = 0; i < 60; ++i) {
    EvalContext ctx = Visitor("v" + std::to_string(i), {{"country", "US"}});
    ctx.sticky_bucket_store = &store;
    ExperimentResult r1 = RunExperiment(before, ctx);
    ExperimentResult r2 = RunExperiment(after, ctx);
    EXPECT_EQ(r1.variation_id, r2.variation_id);
    kept_short += r2.value == "short";
    // A visitor never seen before gets the new weights.
    EvalContext fresh = Visitor("fresh" + std::to_string(i), {{"country", "US"}});
    fresh.sticky_bucket_store = &store;
    EXPECT_EQ(RunExperiment(after, fresh).value, "wizard");
  }
  EXPECT_GT(kept_short, 0);
}

TEST(Experiment, BucketVersionReassignsAndMinBucketVersionBlocks) {
  InMemoryStickyBucketStore store;
  EvalContext ctx = Visitor("v1", {{"country", "US"}});
  ctx.sticky_bucket_store = &store;
  ASSERT_TRUE(RunExperiment(Compile(kFormExperiment), ctx).in_experiment);

  Json v1 = kFormExperiment;
  v1["bucketVersion"] = 1;
  ExperimentResult r = RunExperiment(Compile(v1), ctx);
  EXPECT_TRUE(r.in_experiment);
  EXPECT_FALSE(r.sticky_bucket_used);
  EXPECT_EQ(store.Get("id", "v1")->assignments.size(), 2u);  // __0 and __1

  Json blocked = v1;
  blocked["bucketVersion"] = 2;
  blocked["minBucketVersion"] = 2;
  ExperimentResult b = RunExperiment(Compile(blocked), ctx);
  EXPECT_FALSE(b.in_experiment);
  EXPECT_TRUE(b.sticky_bucket_used);
}

TEST(Experiment, DisableStickyBucketingIgnoresTheStore) {
  InMemoryStickyBucketStore store;
  Json exp = kFormExperiment;
  exp["disableStickyBucketing"] = true;
  EvalContext ctx = Visitor("v1", {{"country", "US"}});
  ctx.sticky_bucket_store = &store;
  EXPECT_TRUE(RunExperiment(Compile(exp), ctx).in_experiment);
  EXPECT_TRUE(store.docs().empty());
}

TEST(Experiment, FallbackAttributeDocUpgradesToTheHashAttribute) {
  Json exp = kFormExperiment;
  exp["fallbackAttribute"] = "anonId";
  ExperimentSpec spec = Compile(exp);
  InMemoryStickyBucketStore store;
  EvalContext anon;
  anon.attributes = {{"anonId", "a1"}, {"country", "US"}};
  anon.sticky_bucket_store = &store;
  ExperimentResult as_anon = RunExperiment(spec, anon);
  ASSERT_TRUE(as_anon.in_experiment);
  EXPECT_EQ(as_anon.hash_attribute, "anonId");

  // The visitor logs in: same variation, now remembered under their id too.
  EvalContext logged_in = anon;
  logged_in.attributes["id"] = "user-77";
  ExperimentResult as_user = RunExperiment(spec, logged_in);
  EXPECT_TRUE(as_user.sticky_bucket_used);
  EXPECT_EQ(as_user.variation_id, as_anon.variation_id);
  EXPECT_EQ(as_user.hash_attribute, "id");
  EXPECT_TRUE(store.Get("id", "user-77").has_value());
}

// ---- forcing ----

TEST(Experiment, ForcedVariations) {
  ExperimentSpec spec = Compile(kFormExperiment);
  EvalContext ctx = Visitor("v1", {{"country", "CA"}});  // fails the condition
  ctx.forced_variations["lead-form"] = 2;
  ExperimentResult r = RunExperiment(spec, ctx);
  EXPECT_TRUE(r.in_experiment);
  EXPECT_FALSE(r.hash_used);
  EXPECT_EQ(r.value, "wizard");
  EXPECT_EQ(r.key, "wizard");
  EXPECT_FALSE(r.bucket.has_value());

  ctx.forced_variations["lead-form"] = 7;  // invalid index: forced out
  r = RunExperiment(spec, ctx);
  EXPECT_FALSE(r.in_experiment);
  EXPECT_EQ(r.value, "short");

  ctx.forced_variations.clear();
  ctx.url = "https://example.com/signup?lead-form=1";
  r = RunExperiment(spec, ctx);
  EXPECT_TRUE(r.in_experiment);
  EXPECT_FALSE(r.hash_used);
  EXPECT_EQ(r.value, "long");

  // QA mode excludes hashing but keeps forcing.
  ctx.url.clear();
  ctx.attributes["country"] = "US";
  ctx.qa_mode = true;
  EXPECT_FALSE(RunExperiment(spec, ctx).in_experiment);
  ctx.forced_variations["lead-form"] = 0;
  EXPECT_TRUE(RunExperiment(spec, ctx).in_experiment);
}

// ---- coverage ----

TEST(Experiment, CoverageExcludesVisitors) {
  ExperimentSpec none = Compile(Json::parse(R"({"key": "c", "variations": [0, 1], "coverage": 0})"));
  ExperimentSpec part = Compile(Json::parse(R"({"key": "c", "variations": [0, 1], "coverage": 0.4})"));
  int included = 0;
  const int kVisitors = 2000;
  for (int i = 0; i < kVisitors; ++i) {
    EvalContext ctx = Visitor("u" + std::to_string(i));
    ExperimentResult r0 = RunExperiment(none, ctx);
    EXPECT_FALSE(r0.in_experiment);
    EXPECT_FALSE(r0.hash_used);
    EXPECT_EQ(r0.variation_id, 0);
    EXPECT_FALSE(r0.bucket.has_value());
    ExperimentResult r = RunExperiment(part, ctx);
    if (r.in_experiment) {
      ++included;
      // Coverage shrinks each range from its start: [0, 0.2) and [0.5, 0.7).
      ASSERT_TRUE(r.bucket.has_value());
      EXPECT_TRUE((*r.bucket < 0.2) || (*r.bucket >= 0.5 && *r.bucket < 0.7)) << *r.bucket;
    } else {
      EXPECT_FALSE(r.bucket.has_value());
    }
  }
  EXPECT_NEAR(included / static_cast<double>(kVisitors), 0.4, 0.05);
  // The cases.json "coverage" visitors.
  std::map<std::string, bool> expected = {{"1", false}, {"2", true}, {"4", false}, {"5", true}};
  for (const auto& [id, in] : expected) EXPECT_EQ(RunExperiment(Compile(Json::parse(
      R"({"key": "my-test", "variations": [0, 1], "coverage": 0.4})")), Visitor(id)).in_experiment, in) << id;
}

// ---- compile once, evaluate many times ----

TEST(Experiment, CompiledOnceEvaluatedManyTimes) {
  ExperimentSpec spec = Compile(Json::parse(
      R"({"key": "hero", "variations": ["a", "b"], "hashVersion": 2, "condition": {"plan": {"$in": ["free", "pro"]}}})"));
  std::vector<int> first;
  int counts[2] = {0, 0};
  for (int pass = 0; pass < 3; ++pass) {
    for (int i = 0; i < 1000; ++i) {
      EvalContext ctx = Visitor("id" + std::to_string(i), {{"plan", i % 2 ? "free" : "pro"}});
      ExperimentResult r = RunExperiment(spec, ctx);
      ASSERT_TRUE(r.in_experiment);
      // Same answer as the bucketing primitives.
      std::optional<double> n = GrowthBookHash("hero", "id" + std::to_string(i), 2);
      ASSERT_TRUE(n.has_value());
      EXPECT_EQ(r.variation_id, ChooseVariation(*n, BucketRanges(2, 1.0, nullptr)));
      EXPECT_EQ(*r.bucket, *n);
      if (pass == 0) {
        first.push_back(r.variation_id);
        ++counts[r.variation_id];
      } else {
        EXPECT_EQ(first[static_cast<size_t>(i)], r.variation_id);
      }
    }
  }
  EXPECT_GT(counts[0], 400);
  EXPECT_GT(counts[1], 400);
  // A visitor outside the targeting is excluded on every call.
  EXPECT_FALSE(RunExperiment(spec, Visitor("x", {{"plan", "enterprise"}})).in_experiment);
}

TEST(Experiment, NumericHashAttributeKeepsItsType) {
  ExperimentSpec spec = Compile(Json::parse(R"({"key": "feature", "variations": [0, 1]})"));
  EvalContext ctx;
  ctx.attributes = {{"id", 123}};
  ExperimentResult r = RunExperiment(spec, ctx);
  EXPECT_EQ(r.hash_value, Json(123));
  EXPECT_DOUBLE_EQ(*r.bucket, 0.863);  // hashes "123"
  EXPECT_EQ(HashAttributeString(ctx.attributes, "id"), "123");
}

TEST(Experiment, CompileErrorsNameThePath) {
  auto bad = ExperimentSpec::Compile(Json::parse(R"({"key": "k", "variations": 3})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().path(), "/variations");
  auto weights = ExperimentSpec::Compile(Json::parse(R"({"key": "k", "variations": [1, 2], "weights": [0.5, "x"]})"));
  ASSERT_FALSE(weights.ok());
  EXPECT_EQ(weights.status().path(), "/weights/1");
  EXPECT_FALSE(ExperimentSpec::Compile(Json::parse(R"({"variations": [1, 2]})")).ok());
  EXPECT_FALSE(ExperimentSpec::Compile(Json::array()).ok());
}

// ---- features ----

TEST(Feature, RulesPrerequisitesAndCycles) {
  auto features = FeatureEvaluator::Compile(Json::parse(R"({
    "cta-color": {"defaultValue": "blue", "rules": [
      {"id": "r1", "condition": {"country": "US"}, "force": "green"},
      {"id": "r2", "variations": ["red", "orange"], "key": "cta-test"}
    ]},
    "gated": {"defaultValue": 1, "rules": [
      {"parentConditions": [{"id": "cta-color", "condition": {"value": "green"}, "gate": true}]}
    ]},
    "a": {"defaultValue": true, "rules": [{"parentConditions": [{"id": "b", "condition": {"value": true}}]}]},
    "b": {"defaultValue": true, "rules": [{"parentConditions": [{"id": "a", "condition": {"value": true}}]}]}
  })"));
  ASSERT_TRUE(features.ok()) << features.status().ToString();
  EXPECT_TRUE(features->Contains("gated"));

  FeatureResult us = features->Evaluate("cta-color", Visitor("v1", {{"country", "US"}}));
  EXPECT_EQ(us.source, FeatureSource::kForce);
  EXPECT_EQ(us.value, "green");
  EXPECT_EQ(us.rule_id, "r1");
  EXPECT_EQ(features->Evaluate("gated", Visitor("v1", {{"country", "US"}})).value, 1);

  FeatureResult fr = features->Evaluate("cta-color", Visitor("v1", {{"country", "FR"}}));
  EXPECT_EQ(fr.source, FeatureSource::kExperiment);
  ASSERT_TRUE(fr.experiment_result.has_value());
  EXPECT_EQ(fr.experiment_result->feature_id, "cta-color");
  EXPECT_EQ((*fr.experiment)["key"], "cta-test");
  FeatureResult gated = features->Evaluate("gated", Visitor("v1", {{"country", "FR"}}));
  EXPECT_EQ(gated.source, FeatureSource::kPrerequisite);
  EXPECT_TRUE(gated.value.is_null());

  EXPECT_EQ(features->Evaluate("a", Visitor("v1")).source, FeatureSource::kCyclicPrerequisite);
  EXPECT_EQ(features->Evaluate("nope", Visitor("v1")).source, FeatureSource::kUnknownFeature);

  EvalContext forced = Visitor("v1");
  forced.forced_feature_values["cta-color"] = "black";
  FeatureResult o = features->Evaluate("cta-color", forced);
  EXPECT_EQ(o.source, FeatureSource::kOverride);
  EXPECT_EQ(o.ToJson()["source"], "override");
}

TEST(Feature, StickyExperimentRuleThroughTheEvaluator) {
  auto features = FeatureEvaluator::Compile(Json::parse(R"({
    "form": {"defaultValue": "none", "rules": [
      {"key": "form-exp", "variations": ["a", "b"], "condition": {"country": "US"},
       "meta": [{"key": "a"}, {"key": "b"}], "fallbackAttribute": "deviceId"}
    ]}
  })"));
  ASSERT_TRUE(features.ok()) << features.status().ToString();
  EXPECT_EQ(features->StickyBucketIdentifierAttributes(), (std::vector<std::string>{"id", "deviceId"}));
  InMemoryStickyBucketStore store;
  EvalContext ctx;
  ctx.attributes = {{"deviceId", "d1"}, {"country", "US"}};
  ctx.sticky_bucket_store = &store;
  FeatureResult first = features->Evaluate("form", ctx);
  ASSERT_EQ(first.source, FeatureSource::kExperiment);
  ctx.attributes["country"] = "DE";
  FeatureResult later = features->Evaluate("form", ctx);
  EXPECT_EQ(later.source, FeatureSource::kExperiment);
  EXPECT_EQ(later.value, first.value);
  EXPECT_TRUE(later.experiment_result->sticky_bucket_used);
  EXPECT_EQ(store.ToJson().begin().key(), "deviceId||d1");
}

TEST(StickyAssignmentDoc, JsonRoundTrip) {
  Json j = Json::parse(R"({"attributeName": "id", "attributeValue": "1", "assignments": {"e__0": "1"}})");
  auto doc = StickyAssignmentDoc::FromJson(j);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->ToJson(), j);
  EXPECT_EQ(StickyAttributeKey("id", "1"), "id||1");
  auto bad = StickyAssignmentDoc::FromJson(Json::parse(R"({"attributeName": "id", "attributeValue": "1", "assignments": {"e__0": 1}})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().path(), "/assignments/e__0");
}

}  // namespace
}  // namespace leadseg
