// The "predictive" section (scoring/predictive.h): hand-computed
// probabilities, missing values, one-hot on arrays, points rounding, where
// the points land in the score and the grade, validation, and the compiled
// format.
#include "scoring/predictive.h"

#include <gtest/gtest.h>

#include <cmath>

#include "leadseg/compiled_config.h"
#include "config/config.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "test_data.h"

namespace leadseg {
namespace {

constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

std::shared_ptr<const CompiledConfig> Compile(const std::string& text, Diagnostics* d = nullptr) {
  Diagnostics local;
  if (!d) d = &local;
  auto c = CompileConfigText(text, d);
  EXPECT_TRUE(c) << d->Format();
  return std::shared_ptr<const CompiledConfig>(std::move(c));
}

// intercept -2; pricing views standardised (mean 1, scale 2, weight 0.8);
// Software +0.5; "security" among the tags +0.3; no company_size -0.4.
const char* kConfig = R"({
  "metrics": [{"id": "pricing_views", "aggregate": "count", "where": {"type": "page_view", "path": "/pricing"}}],
  "segments": [{"id": "likely", "condition": {"score": {"$gte": 12}}}],
  "scoring": {"rules": []},
  "grading": {"rules": [{"id": "tech", "points": 30, "condition": {"industry": "Software"}}]},
  "predictive": {
    "id": "conv", "name": "Converts", "model": "logistic", "intercept": -2,
    "features": [
      {"attribute": "pricing_views", "mean": 1, "scale": 2, "weight": 0.8},
      {"attribute": "industry", "equals": "Software", "weight": 0.5},
      {"attribute": "tags", "equals": "security", "weight": 0.3},
      {"attribute": "company_size", "missing": true, "weight": -0.4}
    ],
    "scoring": {"points": 40}, "grading": {"points": 50},
    "trainedOn": {"rows": 1000, "auc": 0.8}
  }
})";

TEST(Predictive, HandComputedProbabilityAndPoints) {
  Engine e(Compile(kConfig));
  ASSERT_TRUE(e.Identify(Json{{"industry", "Software"}, {"tags", Json::array({"cloud", "security"})}}, kT0).ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(e.Track("page_view", Json{{"path", "/pricing"}}, kT0 + i).ok());
  // logit = -2 + 0.8 * (3 - 1) / 2 + 0.5 + 0.3 - 0.4 = -0.8
  // p = 1 / (1 + e^0.8) = 0.310025518872387...
  Json b = e.ScoreBreakdown();
  const Json& p = b["predictive"];
  EXPECT_EQ(p["id"], "conv");
  EXPECT_EQ(p["rule"], "predictive:conv");
  EXPECT_NEAR(p["logit"].get<double>(), -0.8, 1e-12);
  EXPECT_NEAR(p["probability"].get<double>(), 0.31002551887238755, 1e-12);
  EXPECT_EQ(p["points"], 12.0);       // 40 * 0.3100 = 12.40 -> 12
  EXPECT_EQ(p["gradePoints"], 16.0);  // 50 * 0.3100 = 15.50128 -> 16
  // Contributions in feature order, each with the value the model saw.
  ASSERT_EQ(p["contributions"].size(), 4u);
  EXPECT_EQ(p["contributions"][0]["attribute"], "pricing_views");
  EXPECT_EQ(p["contributions"][0]["kind"], "numeric");
  EXPECT_EQ(p["contributions"][0]["value"], 3);
  EXPECT_NEAR(p["contributions"][0]["contribution"].get<double>(), 0.8, 1e-12);
  EXPECT_EQ(p["contributions"][2]["kind"], "equals");
  EXPECT_EQ(p["contributions"][2]["value"], Json::array({"cloud", "security"}));
  EXPECT_EQ(p["contributions"][3]["kind"], "missing");
  EXPECT_EQ(p["contributions"][3]["value"], nullptr);
  EXPECT_NEAR(p["contributions"][3]["contribution"].get<double>(), -0.4, 1e-12);
  // The points land in the score as a trait-like rule, and in the fit.
  EXPECT_EQ(b["score"], 12.0);
  EXPECT_EQ(b["traits"]["value"], 12.0);
  EXPECT_EQ(b["traits"]["rules"].back(), (Json{{"rule", "predictive:conv"}, {"points", 12.0}, {"matched", true}}));
  EXPECT_EQ(b["fit"]["points"], 46.0);  // tech 30 + 16
  EXPECT_EQ(b["fit"]["rules"].back(), (Json{{"rule", "predictive:conv"}, {"points", 16.0}, {"matched", true}}));
  // A segment on the score sees the model's points (evaluation order).
  EXPECT_EQ(e.Segments(), std::vector<std::string>{"likely"});
}

TEST(Predictive, ExplainShowsTheModelBehindAScoreCondition) {
  auto config = Compile(R"({"segments": [{"id": "likely", "condition": {"score": {"$gte": 12}}},
                                        {"id": "software", "condition": {"industry": "Software"}}],
    "scoring": {"rules": []},
    "predictive": {"id": "conv", "model": "logistic", "intercept": 0,
      "features": [{"attribute": "industry", "equals": "Software", "weight": 1}], "scoring": {"points": 40}}})");
  Engine e(config);
  ASSERT_TRUE(e.Identify(Json{{"industry", "Software"}}, kT0).ok());
  auto x = e.Explain("likely");
  ASSERT_TRUE(x.ok());
  EXPECT_TRUE((*x)["member"].get<bool>());
  EXPECT_EQ((*x)["predictive"]["points"], 29.0);  // round(40 / (1 + e^-1)) = round(29.24)
  EXPECT_EQ((*x)["predictive"]["contributions"][0]["value"], "Software");
  EXPECT_EQ((*x)["leaves"][0]["actual"], 29.0);
  auto other = e.Explain("software");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE((*other)["predictive"].is_null());
}

TEST(Predictive, MissingAndNonNumericValues) {
  Engine e(Compile(kConfig));
  // Nothing known: pricing views 0 -> z = -0.5 (a metric is never missing),
  // no industry, no tags, company_size missing.
  // logit = -2 - 0.4 - 0.4 = -2.8
  Json p = e.ScoreBreakdown()["predictive"];
  EXPECT_NEAR(p["logit"].get<double>(), -2.8, 1e-12);
  EXPECT_NEAR(p["probability"].get<double>(), 1 / (1 + std::exp(2.8)), 1e-15);
  // A value of the wrong type: the one-hot does not match "software" or a
  // number; company_size present (even as a string) is not missing.
  ASSERT_TRUE(e.Identify(Json{{"industry", "software"}, {"tags", 7}, {"company_size", "n/a"}}, kT0).ok());
  p = e.ScoreBreakdown()["predictive"];
  EXPECT_NEAR(p["logit"].get<double>(), -2.4, 1e-12);
  ASSERT_EQ(p["contributions"].size(), 1u);  // only non-zero ones
  // null is missing.
  ASSERT_TRUE(e.Identify(Json{{"company_size", nullptr}}, kT0).ok());
  EXPECT_NEAR(e.ScoreBreakdown()["predictive"]["logit"].get<double>(), -2.8, 1e-12);
}

TEST(Predictive, NumericReadsNumbersAndBooleansOnly) {
  const char* config = R"({"scoring": {"rules": []}, "predictive": {"id": "m", "model": "logistic", "intercept": 0,
    "features": [{"attribute": "x", "mean": 2, "scale": 4, "weight": 2}], "scoring": {"points": 100}}})";
  Engine e(Compile(config));
  auto logit = [&] { return e.ScoreBreakdown()["predictive"]["logit"].get<double>(); };
  EXPECT_EQ(logit(), 0);  // missing: imputed at the mean
  ASSERT_TRUE(e.Identify(Json{{"x", 10}}, kT0).ok());
  EXPECT_DOUBLE_EQ(logit(), 4);  // 2 * (10 - 2) / 4
  ASSERT_TRUE(e.Identify(Json{{"x", true}}, kT0).ok());
  EXPECT_DOUBLE_EQ(logit(), -0.5);  // 2 * (1 - 2) / 4
  ASSERT_TRUE(e.Identify(Json{{"x", false}}, kT0).ok());
  EXPECT_DOUBLE_EQ(logit(), -1);
  for (const Json& v : {Json("10"), Json::array({10}), Json{{"a", 1}}}) {
    ASSERT_TRUE(e.Identify(Json{{"x", v}}, kT0).ok());
    EXPECT_EQ(logit(), 0) << v.dump();  // no coercion of strings, arrays or objects
  }
  // Huge inputs saturate instead of turning the sum into NaN.
  ASSERT_TRUE(e.Identify(Json{{"x", 1e308}}, kT0).ok());
  Json p = e.ScoreBreakdown()["predictive"];
  EXPECT_EQ(p["probability"], 1.0);
  EXPECT_EQ(p["points"], 100.0);
}

TEST(Predictive, OneHotOnArraysNumbersAndBooleans) {
  const char* config = R"({"scoring": {"rules": []}, "predictive": {"id": "m", "model": "logistic", "intercept": 0,
    "features": [{"attribute": "tags", "equals": "b", "weight": 1},
                 {"attribute": "n", "equals": 3, "weight": 2},
                 {"attribute": "flag", "equals": true, "weight": 4},
                 {"attribute": "declared.interests", "equals": "security", "weight": 8},
                 {"attribute": "company.size", "equals": 50, "weight": 16}],
    "scoring": {"points": 10}}})";
  Engine e(Compile(config));
  auto logit = [&] { return e.ScoreBreakdown()["predictive"]["logit"].get<double>(); };
  ASSERT_TRUE(e.Identify(Json{{"tags", Json::array({"a", "b"})}, {"n", 3}, {"flag", true}}, kT0).ok());
  EXPECT_EQ(logit(), 7);
  // Strict equality: "3" is not 3, 1 is not true, an array must hold the value.
  ASSERT_TRUE(e.Identify(Json{{"tags", Json::array({"ab"})}, {"n", "3"}, {"flag", 1}}, kT0).ok());
  EXPECT_EQ(logit(), 0);
  ASSERT_TRUE(e.Identify(Json{{"tags", "b"}, {"n", Json::array({1, 3})}, {"company", {{"size", 50}}}}, kT0).ok());
  EXPECT_EQ(logit(), 1 + 2 + 16);
  ASSERT_TRUE(e.Declare("interests", Json::array({"pricing", "security"}), kT0).ok());
  EXPECT_EQ(logit(), 1 + 2 + 8 + 16);
}

TEST(Predictive, PointsRoundHalvesAwayFromZero) {
  EXPECT_EQ(PredictivePoints(0.5, 25), 13);
  EXPECT_EQ(PredictivePoints(0.5, -25), -13);
  EXPECT_EQ(PredictivePoints(0.49, 25), 12);
  EXPECT_EQ(PredictivePoints(0.0, 40), 0);
  EXPECT_EQ(PredictivePoints(1.0, 40), 40);
  // Negative points take from the score.
  const char* config = R"({"scoring": {"rules": [{"id": "base", "points": 50, "trait": {}}]},
    "predictive": {"id": "churn", "model": "logistic", "intercept": 0,
    "features": [{"attribute": "x", "missing": true, "weight": 0}], "scoring": {"points": -25}}})";
  Engine e(Compile(config));
  EXPECT_EQ(e.ScoreBreakdown()["score"], 37.0);  // 50 + round(0.5 * -25) = 50 - 13
}

TEST(Predictive, ScoreGradeSegmentsAndCycles) {
  // A model on segments: one-hot on a segment id, evaluated after it.
  const char* config = R"({"segments": [{"id": "pricing_fan", "condition": {"visits": {"$gte": 1}}}],
    "metrics": [{"id": "visits", "aggregate": "count"}],
    "scoring": {"rules": []},
    "predictive": {"id": "m", "model": "logistic", "intercept": 0,
      "features": [{"attribute": "segments", "equals": "pricing_fan", "weight": 3}], "scoring": {"points": 100}}})";
  Engine e(Compile(config));
  EXPECT_EQ(e.ScoreBreakdown()["score"], 50.0);
  ASSERT_TRUE(e.Track("page_view", Json::object(), kT0).ok());
  EXPECT_EQ(e.ScoreBreakdown()["score"], std::round(100 / (1 + std::exp(-3.0))));

  // Reading what the model adds to is a cycle, named at the feature.
  auto errors = [](const std::string& text) {
    Diagnostics d;
    EXPECT_FALSE(CompileConfigText(text, &d));
    return d.Format();
  };
  std::string model = R"("predictive": {"id": "m", "model": "logistic", "intercept": 0, "features": [
      {"attribute": "x", "missing": true, "weight": 1}, {"attribute": "score", "mean": 0, "weight": 1}],
      "scoring": {"points": 10}})";
  EXPECT_NE(errors(R"({"scoring": {"rules": []}, )" + model + "}")
                .find("cycle: predictive:m -> score -> predictive:m (at /predictive/features/1/attribute)"),
            std::string::npos);
  // The grade reads the score (leadCell): a model on the grade feeding the
  // score is a cycle too.
  EXPECT_NE(errors(R"({"scoring": {"rules": []}, "grading": {"rules": []},
      "predictive": {"id": "m", "model": "logistic", "intercept": 0,
      "features": [{"attribute": "grade", "equals": "A", "weight": 1}], "scoring": {"points": 10}}})")
                .find("cycle: predictive:m -> grade -> score -> predictive:m"),
            std::string::npos);
}

TEST(Predictive, ValidationErrorsNameTheirPath) {
  struct Case {
    const char* features;
    const char* expect;
  } cases[] = {
      {R"([{"attribute": "a", "mean": 0, "weight": 1}, {"attribute": "b", "missing": true, "weight": 1},
           {"attribute": "c", "equals": "x", "weight": 1}, {"attribute": "d", "scale": 0, "weight": 1}])",
       "scale must be above 0 (at /predictive/features/3/scale)"},
      {R"([{"attribute": "a", "scale": -1, "weight": 1}])", "(at /predictive/features/0/scale)"},
      {R"([{"attribute": "a", "mean": 0}])", "needs \"weight\" (at /predictive/features/0/weight)"},
      {R"([{"mean": 0, "weight": 1}])", "(at /predictive/features/0/attribute)"},
      {R"([{"attribute": "a", "weight": 1}])", "exactly one of numeric"},
      {R"([{"attribute": "a", "equals": "x", "missing": true, "weight": 1}])", "(at /predictive/features/0)"},
      {R"([{"attribute": "a", "equals": null, "weight": 1}])", "(at /predictive/features/0/equals)"},
      {R"([{"attribute": "a", "equals": ["x"], "weight": 1}])", "(at /predictive/features/0/equals)"},
      {R"([{"attribute": "a", "missing": false, "weight": 1}])", "(at /predictive/features/0/missing)"},
      {R"([{"attribute": "a", "mean": "1", "weight": 1}])", "(at /predictive/features/0/mean)"},
      {R"([{"attribute": "a", "mean": 0, "weight": 1, "wieght": 2}])", "unknown key \"wieght\" (at /predictive/features/0/wieght)"},
      {R"([])", "(at /predictive/features)"},
      {R"([{"attribute": "rfm.score", "mean": 0, "weight": 1}])",
       "\"rfm\" needs a rfm section in the config (at /predictive/features/0/attribute)"},
      {R"([{"attribute": "segments", "equals": "ghost", "weight": 1}])",
       "unknown segment \"ghost\" (at /predictive/features/0/equals)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.features);
    Diagnostics d;
    std::string text = R"({"scoring": {"rules": []}, "predictive": {"id": "m", "model": "logistic", "intercept": 0,
        "scoring": {"points": 10}, "features": )" + std::string(c.features) + "}}";
    EXPECT_FALSE(CompileConfigText(text, &d));
    EXPECT_NE(d.Format().find(c.expect), std::string::npos) << d.Format();
  }
}

TEST(Predictive, WarningsForUnknownAndMistypedAttributes) {
  Diagnostics d;
  auto c = Compile(R"({"attributes": {"industry": "string", "size": "number"},
    "metrics": [{"id": "views", "aggregate": "count"}],
    "segments": [{"id": "s", "condition": {"country": "US"}}],
    "scoring": {"rules": []},
    "predictive": {"id": "m", "model": "logistic", "intercept": 0, "scoring": {"points": 10}, "features": [
      {"attribute": "views", "mean": 1, "weight": 1},
      {"attribute": "country", "equals": "US", "weight": 1},
      {"attribute": "industy", "equals": "Software", "weight": 1},
      {"attribute": "industry", "mean": 0, "weight": 1},
      {"attribute": "size", "equals": "big", "weight": 1}]}})",
                   &d);
  ASSERT_TRUE(c);
  std::string text = d.Format();
  // A typo: not declared, no metric, nothing else reads it.
  EXPECT_NE(text.find("warning [unknown-attribute] \"industy\""), std::string::npos) << text;
  EXPECT_NE(text.find("(at /predictive/features/2/attribute)"), std::string::npos) << text;
  EXPECT_NE(text.find("\"industry\" is declared string but the model reads it as a number"), std::string::npos);
  EXPECT_NE(text.find("\"size\" is declared number but the model reads it as a string"), std::string::npos);
  // Read by the model, so the metric is used; "country" is read by a segment.
  EXPECT_EQ(text.find("unused-metric"), std::string::npos) << text;
  EXPECT_EQ(text.find("\"country\""), std::string::npos) << text;
}

TEST(Predictive, NothingIsStoredInSnapshots) {
  std::string without = kConfig;
  without.erase(without.find(",\n  \"predictive\""), std::string::npos);
  without += "}";
  Engine a(Compile(kConfig));
  Engine b(Compile(without));
  for (Engine* e : {&a, &b}) {
    ASSERT_TRUE(e->Identify(Json{{"industry", "Software"}}, kT0).ok());
    ASSERT_TRUE(e->Track("page_view", Json{{"path", "/pricing"}}, kT0 + 1).ok());
  }
  EXPECT_EQ(a.Snapshot(), b.Snapshot());
  EXPECT_TRUE(b.ScoreBreakdown()["predictive"].is_null());
}

TEST(Predictive, CompiledConfigRoundTrip) {
  Diagnostics d;
  auto config = CompileConfigText(kConfig, &d);
  ASSERT_TRUE(config) << d.Format();
  std::string bytes = EncodeCompiledConfig(*config, d);
  auto loaded = DecodeCompiledConfig(bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_TRUE(loaded->config->predictive());
  EXPECT_EQ(EncodeCompiledConfig(*loaded->config, d), bytes);
  Engine a(std::shared_ptr<const CompiledConfig>(std::move(config)));
  Engine b(loaded->config);
  for (Engine* e : {&a, &b}) {
    ASSERT_TRUE(e->Identify(Json{{"industry", "Software"}, {"tags", Json::array({"security"})}}, kT0).ok());
    ASSERT_TRUE(e->Track("page_view", Json{{"path", "/pricing"}}, kT0 + 1).ok());
  }
  EXPECT_EQ(a.ScoreBreakdown(), b.ScoreBreakdown());
  EXPECT_EQ(a.Segments(), b.Segments());
}

// A compiled config written before the predictive section (format version
// 1, by the build of 2026-12-03: tests/compiled/b2b-saas.v1.lsc) still loads
// and behaves like the JSON it came from.
TEST(Predictive, CompiledConfigsOfVersionOneStillLoad) {
  std::string v1 = testing::ReadText(testing::SourcePath("tests/compiled/b2b-saas.v1.lsc"));
  ASSERT_GT(v1.size(), kCompiledConfigHeaderBytes);
  ASSERT_EQ(v1[4], 1);
  auto loaded = DecodeCompiledConfig(v1);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_FALSE(loaded->config->predictive());
  Engine a(loaded->config);
  Engine b(Compile(testing::ReadText(testing::SourcePath("docs/examples/b2b-saas.json"))));
  for (Engine* e : {&a, &b}) {
    ASSERT_TRUE(e->Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 40}}, kT0).ok());
    ASSERT_TRUE(e->Track("page_view", Json{{"path", "/pricing"}}, kT0 + 1).ok());
    ASSERT_TRUE(e->Track("form_submit", Json{{"form", "demo"}}, kT0 + 2).ok());
  }
  EXPECT_EQ(a.ScoreBreakdown(), b.ScoreBreakdown());
  EXPECT_EQ(a.Segments(), b.Segments());
  // Re-encoded, it is a file of the current version without a model.
  EXPECT_EQ(EncodeCompiledConfig(*loaded->config, Diagnostics())[4], kCompiledConfigVersion);
}

// The worked example of docs/config.md: b2b-saas.json with the 20-feature
// model of examples/predictive.json.
TEST(Predictive, WorkedExampleLoads) {
  Json config = testing::ReadJson(testing::SourcePath("docs/examples/b2b-saas.json"));
  config["predictive"] = testing::ReadJson(testing::SourcePath("docs/examples/predictive.json"))["predictive"];
  Diagnostics d;
  auto compiled = CompileConfig(config, &d);
  ASSERT_TRUE(compiled) << d.Format();
  EXPECT_EQ(d.Format().find("predictive"), std::string::npos) << d.Format();  // no warning about the model
  ASSERT_EQ(compiled->predictive()->features.size(), 20u);
}

}  // namespace
}  // namespace leadseg
