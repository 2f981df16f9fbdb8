// The bad-input catalogue: malformed configs, engine calls, snapshots,
// attribute frames, JsonLogic rules and regexes. Each entry must
//   1. fail with an error whose text (message + " (at path)") contains a
//      substring naming what is wrong, and
//   2. leave a running engine exactly as it was: Export(), Segments(),
//      Metrics(), ScoreBreakdown(), clock() and the Snapshot() bytes.
// docs/reliability.md lists the catalogue. The Finding_* tests at the end
// are regressions for the findings of fuzzing (F1..F8 in that file).
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "leadseg/compiled_config.h"
#include "conditions/jsonlogic.h"
#include "conditions/regex.h"
#include "config/config.h"
#include "core/bytes.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/value_codec.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "metrics/metric.h"
#include "decisions/decision_state.h"
#include "profile/snapshot.h"
#include "profile/snapshot_v1.h"
#include "test_data.h"

namespace leadseg {
namespace {

constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

// ---------------------------------------------------------------------------
// Fixtures shared by the tables.

std::shared_ptr<const CompiledConfig> ExampleConfig() {
  static const std::shared_ptr<const CompiledConfig> config = [] {
    Diagnostics d;
    auto c = CompileConfigText(testing::ReadText(testing::SourcePath("docs/examples/b2b-saas.json")), &d);
    EXPECT_TRUE(c) << d.Format();
    return std::shared_ptr<const CompiledConfig>(std::move(c));
  }();
  return config;
}

// An engine with some of everything: attributes, a declaration, events of
// several kinds over two weeks, a score, a stage.
std::unique_ptr<Engine> PopulatedEngine() {
  auto e = std::make_unique<Engine>(ExampleConfig());
  EXPECT_TRUE(e->Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 40}, {"age", 30}},
                          kT0)
                  .ok());
  EXPECT_TRUE(e->Declare("interests", Json::array({"security"}), kT0).ok());
  for (int day = 0; day < 14; ++day) {
    TimeMs t = kT0 + day * kDay;
    EXPECT_TRUE(e->Track("session_start", Json{{"utm_source", "google"}}, t).ok());
    EXPECT_TRUE(e->Track("page_view", Json{{"path", day % 2 ? "/pricing" : "/docs"}}, t + kMinute).ok());
  }
  EXPECT_TRUE(e->Track("purchase", Json{{"amount", 250}}, kT0 + 13 * kDay + kHour).ok());
  EXPECT_TRUE(e->Advance(kT0 + 14 * kDay).ok());
  return e;
}

// Everything observable about an engine.
struct EngineState {
  Json exported, metrics, score;
  std::vector<std::string> segments;
  TimeMs clock;
  std::string snapshot;
  bool operator==(const EngineState& o) const {
    return exported == o.exported && metrics == o.metrics && score == o.score && segments == o.segments &&
           clock == o.clock && snapshot == o.snapshot;
  }
};

EngineState Capture(const Engine& e) {
  return EngineState{e.Export(), e.Metrics(), e.ScoreBreakdown(), e.Segments(), e.clock(), e.Snapshot()};
}

int catalogue_size = 0;  // entries run, reported by the last test
std::string catalogue_parts;  // "configs 98, calls 31, ..."

void Count(const char* category, int n) {
  catalogue_size += n;
  catalogue_parts += (catalogue_parts.empty() ? "" : ", ") + std::string(category) + " " + std::to_string(n);
}

// Checks one failed Status against its expectation.
void ExpectError(const Status& s, const std::string& expect) {
  ASSERT_FALSE(s.ok()) << "accepted, expected an error containing: " << expect;
  EXPECT_NE(s.ToString().find(expect), std::string::npos)
      << "error does not name the problem\n  expected substring: " << expect << "\n  got: " << s.ToString();
}

// ---------------------------------------------------------------------------
// 1. Configs. The error may be any of the reported errors; the substring is
// matched against "message (at path)".

struct ConfigCase {
  std::string name;
  std::string text;
  std::string expect;
};

std::string Segments(const std::string& segments_json) { return R"({"segments": )" + segments_json + "}"; }
std::string WithSection(const std::string& key, const std::string& value) {
  return R"({"segments": [], ")" + key + R"(": )" + value + "}";
}
std::string OneSegment(const std::string& condition) {
  return Segments(R"([{"id": "s", "condition": )" + condition + "}]");
}
std::string OneMetric(const std::string& metric) { return R"({"segments": [], "metrics": [)" + metric + "]}"; }
const char* kRfmMetrics =
    R"("metrics": [{"id": "days", "aggregate": "sinceLast"}, {"id": "n", "aggregate": "count"},
                   {"id": "spend", "aggregate": "sum", "field": "amount"}])";
std::string Rfm(const std::string& rfm) { return std::string(R"({"segments": [], )") + kRfmMetrics + R"(, "rfm": )" + rfm + "}"; }
std::string Scoring(const std::string& scoring) { return WithSection("scoring", scoring); }
std::string ScoringRule(const std::string& rule) { return Scoring(R"({"rules": [)" + rule + "]}"); }
// A predictive model (scoring/predictive.h) whose `fields` replace or add
// to a valid one, in a config with scoring and grading.
std::string Predictive(const std::string& fields) {
  return R"({"segments": [], "scoring": {"rules": []}, "grading": {"rules": []}, "predictive": {)" + fields + "}}";
}
const char* kModelHead = R"("id": "conv", "model": "logistic", "intercept": -1, "scoring": {"points": 40})";
std::string ModelFeatures(const std::string& features) {
  return Predictive(std::string(kModelHead) + R"(, "features": )" + features);
}

std::vector<ConfigCase> ConfigCases() {
  const std::string ten_mb(10 << 20, 'x');
  std::string deep_array = std::string(10000, '[') + std::string(10000, ']');
  std::string deep_condition;
  for (int i = 0; i < 10000; ++i) deep_condition += R"({"$not": )";
  deep_condition += "{}" + std::string(10000, '}');
  return {
      // --- JSON syntax and limits
      {"empty text", "", "config is not valid JSON"},
      {"not JSON", "segments: []", "config is not valid JSON: unexpected"},
      {"trailing comma", R"({"segments": [],})", "config is not valid JSON"},
      {"truncated", R"({"segments": [{"id": "a", )", "config is not valid JSON"},
      {"number overflow 1e400", OneSegment(R"({"x": 1e400})"), "unexpected '1e400'"},
      {"NaN literal", OneSegment(R"({"x": NaN})"), "config is not valid JSON"},
      {"Infinity literal", OneSegment(R"({"x": {"$lt": Infinity}})"), "config is not valid JSON"},
      {"10,000 nested arrays", deep_array, "config nests deeper than 128 levels"},
      {"10,000 nested conditions", OneSegment(deep_condition), "nests deeper than 128 levels"},
      {"invalid UTF-8 in a string", OneSegment("{\"x\": \"\xc3\x28\"}"), "config is not valid JSON"},
      {"invalid UTF-8 in a key", "{\"segments\": [], \"\xff\xfe\": 1}", "config is not valid JSON"},
      {"lone surrogate escape", OneSegment(R"({"x": "\ud800"})"), "config is not valid JSON"},
      {"10 MB segment id", Segments(R"([{"id": ")" + ten_mb + R"(", "condition": {}}])"), "(at most 64)"},
      {"10 MB regex", OneSegment(R"({"x": {"$regex": ")" + std::string(10 << 20, 'a') + R"("}})"),
       "/segments/0/condition/x/$regex"},
      // --- top level
      {"top level array", "[]", "a config must be an object, got array"},
      {"top level string", R"("segments")", "a config must be an object, got string"},
      {"top level null", "null", "a config must be an object, got null"},
      {"unknown top-level key", R"({"segments": [], "segmnets": []})", "unknown key \"segmnets\" (at /segmnets)"},
      {"version 2", R"({"version": 2, "segments": []})", "unsupported config version 2"},
      {"version as string", R"({"version": "1", "segments": []})", "unsupported config version \"1\""},
      // (a config without "segments" is valid: an experiments-only site)
      {"broken segment named by another",
       Segments(R"([{"id": "a", "condition": {"x": {"$gtee": 1}}}, {"id": "b", "condition": {"segments": {"$in": ["a"]}}}])"),
       "unknown operator $gtee (at /segments/0/condition/x/$gtee)"},
      {"segments not an array", R"({"segments": {}})", "segments must be an array (at /segments)"},
      {"attributes not an object", WithSection("attributes", "[]"), "attributes must be an object"},
      {"attribute type unknown", WithSection("attributes", R"({"born": "date"})"),
       "attribute type must be string, number, boolean, array or object (at /attributes/born)"},
      {"savedGroups not an object", WithSection("savedGroups", "[]"), "savedGroups must be an object"},
      // --- metrics
      {"metrics not an array", WithSection("metrics", "{}"), "metrics must be an array (at /metrics)"},
      {"metric not an object", OneMetric("3"), "a metric must be an object (at /metrics/0)"},
      {"metric without id", OneMetric(R"({"aggregate": "count"})"), "needs a string \"id\" (at /metrics/0/id)"},
      {"metric id not an identifier", OneMetric(R"({"id": "page views", "aggregate": "count"})"),
       "must start with a letter"},
      {"duplicate metric id",
       R"({"segments": [], "metrics": [{"id": "m", "aggregate": "count"}, {"id": "m", "aggregate": "count"}]})",
       "metric id \"m\" is used twice (at /metrics/1/id)"},
      {"reserved metric id", OneMetric(R"({"id": "segments", "aggregate": "count"})"), "is a reserved attribute name"},
      {"unknown aggregate", OneMetric(R"({"id": "m", "aggregate": "median"})"),
       "aggregate must be one of count, sum"},
      {"aggregate wrong type", OneMetric(R"({"id": "m", "aggregate": 1})"), "(at /metrics/0/aggregate)"},
      {"sum without field", OneMetric(R"({"id": "m", "aggregate": "sum"})"), "aggregate \"sum\" needs \"field\""},
      {"count with a field", OneMetric(R"({"id": "m", "aggregate": "count", "field": "x"})"),
       "aggregate \"count\" reads no field"},
      {"window unknown unit", OneMetric(R"({"id": "m", "aggregate": "count", "window": "7y"})"),
       "has unknown unit \"y\" (use ms, s, m, h, d or w) (at /metrics/0/window)"},
      {"window as a number", OneMetric(R"({"id": "m", "aggregate": "count", "window": 7})"),
       "window must be a string like \"7d\""},
      {"window zero", OneMetric(R"({"id": "m", "aggregate": "count", "window": "0d"})"),
       "must be a positive whole number"},
      {"window too long", OneMetric(R"({"id": "m", "aggregate": "count", "window": "99999999999999d"})"),
       "is too long"},
      {"unit all", OneMetric(R"({"id": "m", "aggregate": "sinceLast", "unit": "all"})"), "unit cannot be \"all\""},
      {"unknown metric key", OneMetric(R"({"id": "m", "aggregate": "count", "windw": "7d"})"),
       "unknown key \"windw\" (at /metrics/0/windw)"},
      {"where not an object", OneMetric(R"({"id": "m", "aggregate": "count", "where": []})"),
       "a condition must be an object, got array (at /metrics/0/where)"},
      // --- rfm
      {"rfm not an object", Rfm(R"("rfm")"), "rfm must be an object with recency, frequency and monetary"},
      {"rfm axis missing",
       Rfm(R"({"recency": {"metric": "days", "bounds": [1, 2, 3, 4]}, "frequency": {"metric": "n", "bounds": [1, 2, 3, 4]}})"),
       "rfm needs \"monetary\""},
      {"rfm unknown metric",
       Rfm(R"({"recency": {"metric": "nope", "bounds": [1, 2, 3, 4]}, "frequency": {"metric": "n", "bounds": [1, 2, 3, 4]},
               "monetary": {"metric": "spend", "bounds": [1, 2, 3, 4]}})"),
       "the id of a metric in this config (at /rfm/recency/metric)"},
      {"rfm bounds not ascending",
       Rfm(R"({"recency": {"metric": "days", "bounds": [1, 2, 3, 4]}, "frequency": {"metric": "n", "bounds": [4, 3, 2, 1]},
               "monetary": {"metric": "spend", "bounds": [1, 2, 3, 4]}})"),
       "bounds must be 4 strictly ascending numbers (at /rfm/frequency/bounds)"},
      {"rfm bounds wrong type",
       Rfm(R"({"recency": {"metric": "days", "bounds": "1,2,3,4"}, "frequency": {"metric": "n", "bounds": [1, 2, 3, 4]},
               "monetary": {"metric": "spend", "bounds": [1, 2, 3, 4]}})"),
       "(at /rfm/recency/bounds)"},
      // --- retention
      {"retention not an object", WithSection("retention", "[]"), "retention must be an object (at /retention)"},
      {"maxAge as a number", WithSection("retention", R"({"maxAge": 180})"), "maxAge must be a string like"},
      {"maxAge bad duration", WithSection("retention", R"({"maxAge": "half a year"})"), "(at /retention/maxAge)"},
      {"maxEvents zero", WithSection("retention", R"({"maxEvents": 0})"), "maxEvents must be an integer from 1 to"},
      {"maxEvents too large", WithSection("retention", R"({"maxEvents": 10000000})"), "(at /retention/maxEvents)"},
      {"maxEvents beyond uint64", WithSection("retention", R"({"maxEvents": 18446744073709551616})"),
       "maxEvents must be an integer"},
      {"maxEvents fractional", WithSection("retention", R"({"maxEvents": 1.5})"), "maxEvents must be an integer"},
      {"maxEvents as a string", WithSection("retention", R"({"maxEvents": "100"})"), "maxEvents must be an integer"},
      {"unknown retention key", WithSection("retention", R"({"maxAgeDays": 3})"), "unknown key \"maxAgeDays\""},
      // --- hygiene
      {"hygiene not an object", WithSection("hygiene", "3"), "hygiene must be an object (at /hygiene)"},
      {"maxSegments zero", WithSection("hygiene", R"({"maxSegments": 0})"),
       "maxSegments must be a positive integer (at /hygiene/maxSegments)"},
      // --- scoring
      {"scoring not an object", Scoring("[]"), "scoring must be an object (at /scoring)"},
      {"scoring without rules", Scoring("{}"), "scoring needs a \"rules\" array"},
      {"scoring rule without id", ScoringRule(R"({"points": 1, "event": {"type": "x"}})"),
       "a rule needs an \"id\" of letters, digits and _ (at /scoring/rules/0/id)"},
      {"duplicate scoring rule id",
       Scoring(R"({"rules": [{"id": "r", "points": 1, "event": {}}, {"id": "r", "points": 2, "event": {}}]})"),
       "rule id \"r\" is used twice (at /scoring/rules/1/id)"},
      {"points as a string", ScoringRule(R"({"id": "r", "points": "10", "event": {}})"),
       "points must be a number (at most 1e12 in size) (at /scoring/rules/0/points)"},
      {"points huge", ScoringRule(R"({"id": "r", "points": 1e300, "event": {}})"), "points must be a number"},
      {"event and trait", ScoringRule(R"({"id": "r", "points": 1, "event": {}, "trait": {}})"),
       "exactly one of \"event\""},
      {"maxTimes zero", ScoringRule(R"({"id": "r", "points": 1, "event": {}, "maxTimes": 0})"),
       "maxTimes must be a positive integer"},
      {"maxPoints negative", ScoringRule(R"({"id": "r", "points": 1, "event": {}, "maxPoints": -5})"),
       "maxPoints must be positive"},
      {"caps on a trait rule", ScoringRule(R"({"id": "r", "points": 1, "trait": {}, "oncePer": "1d"})"),
       "caps (maxTimes, maxPoints, oncePer) apply to event rules only"},
      {"decay both kinds", Scoring(R"({"rules": [], "decay": {"halfLife": "30d", "points": 1, "every": "1d"}})"),
       "decay is either {halfLife} or {points, every, after}"},
      {"decay halfLife all", Scoring(R"({"rules": [], "decay": {"halfLife": "all"}})"), "halfLife cannot be \"all\""},
      {"score min above max", Scoring(R"({"rules": [], "min": 10, "max": 0})"), "scoring min is above max"},
      // --- grading
      {"grading not an object", WithSection("grading", R"("A")"), "grading must be an object (at /grading)"},
      {"grading rule without condition", WithSection("grading", R"({"rules": [{"id": "g", "points": 1}]})"),
       "a grading rule needs a \"condition\""},
      {"bands not descending", WithSection("grading", R"({"rules": [], "bands": {"A": 10, "B": 20, "C": 5}})"),
       "bands must satisfy A > B > C"},
      {"engagement wrong length", WithSection("grading", R"({"rules": [], "engagement": [60, 30]})"),
       "engagement must be 3 descending score thresholds"},
      // --- temperature
      {"temperature not an object", R"({"segments": [], "scoring": {"rules": []}, "temperature": 5})",
       "temperature must be an object (at /temperature)"},
      {"temperature without scoring", WithSection("temperature", R"({"warm": 1, "hot": 2, "hysteresis": 0})"),
       "temperature needs a scoring section"},
      {"hot not above warm", R"({"segments": [], "scoring": {"rules": []}, "temperature": {"warm": 50, "hot": 40}})",
       "hot must be above warm"},
      {"hysteresis too large",
       R"({"segments": [], "scoring": {"rules": []}, "temperature": {"warm": 30, "hot": 60, "hysteresis": 30}})",
       "hysteresis must be at least 0 and below hot - warm"},
      // --- lifecycle
      {"lifecycle not an object", WithSection("lifecycle", "[]"), "lifecycle must be an object (at /lifecycle)"},
      {"lifecycle without stages", WithSection("lifecycle", R"({"stages": []})"),
       "lifecycle needs a non-empty \"stages\" array"},
      {"later stage without condition", WithSection("lifecycle", R"({"stages": [{"id": "a"}, {"id": "b"}]})"),
       "only the first stage may omit \"condition\" (at /lifecycle/stages/1/condition)"},
      {"allowRegression not boolean",
       WithSection("lifecycle", R"({"stages": [{"id": "a", "allowRegression": "yes"}]})"),
       "allowRegression must be true or false"},
      // --- predictive
      {"predictive not an object", WithSection("predictive", "[]"), "predictive must be an object (at /predictive)"},
      {"predictive without id", Predictive(R"("model": "logistic", "intercept": 0, "features": [{"attribute": "a", "missing": true, "weight": 1}], "scoring": {"points": 1})"),
       "(at /predictive/id)"},
      {"predictive id with capitals", Predictive(R"("id": "Conv", "model": "logistic", "intercept": 0, "features": [{"attribute": "a", "missing": true, "weight": 1}], "scoring": {"points": 1})"),
       "lowercase letters, digits and _ (at most 64) (at /predictive/id)"},
      {"predictive model unknown", Predictive(R"("id": "m", "model": "forest", "intercept": 0, "features": [{"attribute": "a", "missing": true, "weight": 1}], "scoring": {"points": 1})"),
       "model must be \"logistic\""},
      {"predictive without intercept", Predictive(R"("id": "m", "model": "logistic", "features": [{"attribute": "a", "missing": true, "weight": 1}], "scoring": {"points": 1})"),
       "(at /predictive/intercept)"},
      {"predictive intercept a string", Predictive(R"("id": "m", "model": "logistic", "intercept": "-2", "features": [{"attribute": "a", "missing": true, "weight": 1}], "scoring": {"points": 1})"),
       "intercept must be a number (at most 1e12 in size) (at /predictive/intercept)"},
      {"predictive unknown key", Predictive(std::string(kModelHead) + R"(, "features": [{"attribute": "a", "missing": true, "weight": 1}], "bias": 1)"),
       "unknown key \"bias\" (at /predictive/bias)"},
      {"predictive without scoring or grading", Predictive(R"("id": "m", "model": "logistic", "intercept": 0, "features": [{"attribute": "a", "missing": true, "weight": 1}])"),
       "predictive has neither scoring nor grading"},
      {"predictive scoring without points", Predictive(R"("id": "m", "model": "logistic", "intercept": 0, "features": [{"attribute": "a", "missing": true, "weight": 1}], "scoring": {})"),
       "(at /predictive/scoring/points)"},
      {"predictive grading points not a number", Predictive(R"("id": "m", "model": "logistic", "intercept": 0, "features": [{"attribute": "a", "missing": true, "weight": 1}], "grading": {"points": true})"),
       "points must be a number (at most 1e12 in size) (at /predictive/grading/points)"},
      {"predictive scoring without a scoring section",
       WithSection("predictive", std::string("{") + kModelHead + R"(, "features": [{"attribute": "a", "missing": true, "weight": 1}]})"),
       "needs a scoring section (\"scoring\": {\"rules\": []} to score with the model alone) (at /predictive/scoring)"},
      {"predictive trainedOn not an object", Predictive(std::string(kModelHead) + R"(, "features": [{"attribute": "a", "missing": true, "weight": 1}], "trainedOn": 10000)"),
       "(at /predictive/trainedOn)"},
      {"predictive features empty", ModelFeatures("[]"), "an array of 1 to 200 features (at /predictive/features)"},
      {"predictive 201 features", ModelFeatures("[" + [] {
         std::string f;
         for (int i = 0; i < 201; ++i) f += std::string(i ? "," : "") + R"({"attribute": "a", "missing": true, "weight": 1})";
         return f;
       }() + "]"),
       "an array of 1 to 200 features (at /predictive/features)"},
      {"predictive feature not an object", ModelFeatures("[1]"), "a feature must be an object (at /predictive/features/0)"},
      {"predictive feature scale 0",
       ModelFeatures(R"([{"attribute": "a", "mean": 0, "weight": 1}, {"attribute": "b", "missing": true, "weight": 1},
                         {"attribute": "c", "equals": "x", "weight": 1}, {"attribute": "d", "mean": 1, "scale": 0, "weight": 1}])"),
       "scale must be above 0 (at /predictive/features/3/scale)"},
      {"predictive feature two kinds", ModelFeatures(R"([{"attribute": "a", "mean": 0, "equals": "x", "weight": 1}])"),
       "a feature is exactly one of numeric"},
      {"predictive feature without weight", ModelFeatures(R"([{"attribute": "a", "mean": 0}])"),
       "a feature needs \"weight\" (at /predictive/features/0/weight)"},
      {"predictive feature equals an object", ModelFeatures(R"([{"attribute": "a", "equals": {"$in": ["x"]}, "weight": 1}])"),
       "equals must be a string, a number or a boolean (at /predictive/features/0/equals)"},
      {"predictive feature missing false", ModelFeatures(R"([{"attribute": "a", "missing": false, "weight": 1}])"),
       "missing must be true (a missing indicator) (at /predictive/features/0/missing)"},
      {"predictive feature reads the score", ModelFeatures(R"([{"attribute": "score", "mean": 10, "scale": 5, "weight": 1}])"),
       "cycle: predictive:conv -> score -> predictive:conv (at /predictive/features/0/attribute)"},
      // --- segments and conditions
      {"segment not an object", Segments("[1]"), "a segment must be an object (at /segments/0)"},
      {"segment without condition", Segments(R"([{"id": "s"}])"), "segment \"s\" needs a \"condition\""},
      {"condition not an object", OneSegment("[]"), "a condition must be an object, got array (at /segments/0/condition)"},
      {"unknown operator", OneSegment(R"({"age": {"$gte": 18, "$frobnicate": 1}})"),
       "unknown operator $frobnicate (at /segments/0/condition/age/$frobnicate)"},
      {"unknown logical operator", OneSegment(R"({"$xor": [{"a": 1}]})"), "unknown logical operator $xor"},
      {"$in needs an array", OneSegment(R"({"country": {"$in": "US"}})"), "$in needs an array, got string"},
      {"invalid regex", OneSegment(R"({"path": {"$regex": "a**"}})"), "nothing to repeat"},
      {"unsupported regex", OneSegment(R"j({"path": {"$regex": "(?=x)"}})j"), "lookahead"},
      {"unknown saved group", OneSegment(R"({"company": {"$inGroup": "nope"}})"), "unknown saved group \"nope\""},
      {"duplicate segment ids", Segments(R"([{"id": "a", "condition": {}}, {"id": "a", "condition": {}}])"),
       "segment id \"a\" is used twice (at /segments/1/id)"},
      {"cyclic segment references",
       Segments(R"([{"id": "a", "condition": {"segments": {"$in": ["b"]}}},
                    {"id": "b", "condition": {"segments": {"$in": ["c"]}}},
                    {"id": "c", "condition": {"segments": {"$all": ["a"]}}}])"),
       "these depend on each other in a cycle: a -> b -> c -> a"},
      {"segment reading itself", Segments(R"([{"id": "a", "condition": {"segments": {"$in": ["a"]}}}])"),
       "cycle: a -> a"},
      {"unknown segment reference", OneSegment(R"({"segments": {"$in": ["ghost"]}})"), "unknown segment \"ghost\""},
      {"score without scoring", OneSegment(R"({"score": {"$gte": 10}})"), "\"score\" needs a scoring section"},
      {"segment kind unknown", Segments(R"([{"id": "s", "kind": "psychographic", "condition": {}}])"),
       "kind must be \"characteristic\" or \"behavioral\""},
      {"segment name not a string", Segments(R"([{"id": "s", "name": 5, "condition": {}}])"),
       "name must be a string (at /segments/0/name)"},
  };
}

TEST(BadInput, ConfigsAreRejectedWithTheirProblemNamed) {
  auto engine = PopulatedEngine();
  const EngineState before = Capture(*engine);
  int n = 0;
  for (const auto& c : ConfigCases()) {
    SCOPED_TRACE("config case: " + c.name);
    ++n;
    Diagnostics d;
    std::unique_ptr<CompiledConfig> compiled;
    ASSERT_NO_THROW(compiled = CompileConfigText(c.text, &d));
    EXPECT_FALSE(compiled) << "accepted";
    EXPECT_TRUE(d.has_errors());
    std::string errors;
    for (const auto& item : d.all()) {
      if (item.severity != Diagnostic::Severity::kError) continue;
      errors += item.message + (item.path.empty() ? "" : " (at " + item.path + ")") + "\n";
    }
    EXPECT_NE(errors.find(c.expect), std::string::npos)
        << "no error names the problem\n  expected substring: " << c.expect << "\n  got:\n"
        << errors.substr(0, 2000);
  }
  // A rejected config never touches a running engine (the bindings keep the
  // old engine when a reload fails).
  EXPECT_TRUE(Capture(*engine) == before);
  Count("configs", n);
}

TEST(BadInput, ConfigsThatLoadWithWarnings) {
  Diagnostics d;
  auto c = CompileConfigText(
      R"({"hygiene": {"maxSegments": 1}, "segments": [{"id": "a", "condition": {"x": 1}}, {"id": "b", "condition": {"x": 2}}]})",
      &d);
  ASSERT_TRUE(c) << d.Format();
  EXPECT_FALSE(d.all().empty()) << "over-segmentation should warn";
  // Duplicate object keys: the last one wins, as in JSON.parse.
  Diagnostics d2;
  auto dup = CompileConfigText(R"({"segments": [{"id": "a", "condition": {}}], "segments": []})", &d2);
  ASSERT_TRUE(dup) << d2.Format();
  EXPECT_TRUE(dup->segments().empty());
  // A 10 MB config string (a segment description) is the config author's
  // choice and loads.
  Diagnostics d3;
  auto big = CompileConfigText(
      R"({"segments": [{"id": "a", "description": ")" + std::string(10 << 20, 'x') + R"(", "condition": {}}]})", &d3);
  ASSERT_TRUE(big) << d3.Format();
  EXPECT_EQ(big->segments()[0].description.size(), size_t{10} << 20);
}

// ---------------------------------------------------------------------------
// 2. Engine calls against a populated engine.

struct CallCase {
  std::string name;
  std::function<Status(Engine&)> call;
  std::string expect;
  StatusCode code;
};

template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

std::vector<CallCase> CallCases() {
  const TimeMs now = kT0 + 14 * kDay;
  const std::string ten_mb(10 << 20, 'x');
  return {
      // identify
      {"identify with an array", [=](Engine& e) { return StatusOf(e.Identify(Json::array({1}), now)); },
       "identify needs an object of attributes, got array", StatusCode::kInvalidArgument},
      {"identify with a string", [=](Engine& e) { return StatusOf(e.Identify("CTO", now)); },
       "identify needs an object of attributes, got string", StatusCode::kInvalidArgument},
      {"identify with null", [=](Engine& e) { return StatusOf(e.Identify(nullptr, now)); },
       "identify needs an object of attributes, got null", StatusCode::kInvalidArgument},
      {"identify an empty name", [=](Engine& e) { return StatusOf(e.Identify(Json{{"", 1}}, now)); },
       "attribute names cannot be empty", StatusCode::kInvalidArgument},
      {"identify a metric id", [=](Engine& e) { return StatusOf(e.Identify(Json{{"pricing_views_2d", 9}}, now)); },
       "\"pricing_views_2d\" is a reserved name", StatusCode::kInvalidArgument},
      {"identify segments", [=](Engine& e) { return StatusOf(e.Identify(Json{{"segments", Json::array()}}, now)); },
       "\"segments\" is a reserved name", StatusCode::kInvalidArgument},
      {"identify score (derived)", [=](Engine& e) { return StatusOf(e.Identify(Json{{"score", 100}}, now)); },
       "\"score\" is a reserved name", StatusCode::kInvalidArgument},
      {"identify a 10 MB string",
       [=](Engine& e) { return StatusOf(e.Identify(Json{{"bio", ten_mb}}, now)); }, "attributes would exceed 256 KB",
       StatusCode::kOutOfRange},
      {"identify good and bad keys at once",
       [=](Engine& e) { return StatusOf(e.Identify(Json{{"country", "FR"}, {"rfm", 1}}, now)); },
       "\"rfm\" is a reserved name", StatusCode::kInvalidArgument},
      {"identify at time -1", [=](Engine& e) { return StatusOf(e.Identify(Json{{"age", 40}}, -1)); },
       "time -1 is outside 1970..2200", StatusCode::kOutOfRange},
      {"identify at INT64_MIN", [=](Engine& e) { return StatusOf(e.Identify(Json{{"age", 40}}, INT64_MIN)); },
       "is outside 1970..2200", StatusCode::kOutOfRange},
      // declare
      {"declare an empty key", [=](Engine& e) { return StatusOf(e.Declare("", Json::array({"x"}), now)); },
       "a declaration key must be 1 to 128 characters", StatusCode::kInvalidArgument},
      {"declare a 129-byte key", [=](Engine& e) { return StatusOf(e.Declare(std::string(129, 'k'), 1, now)); },
       "a declaration key must be 1 to 128 characters", StatusCode::kInvalidArgument},
      {"declare a 10 MB value", [=](Engine& e) { return StatusOf(e.Declare("bio", ten_mb, now)); },
       "declaration \"bio\" exceeds 64 KB", StatusCode::kOutOfRange},
      {"declare the 257th key",
       [=](Engine& e) {
         for (int i = 0; i < 255; ++i) {
           if (!e.Declare("k" + std::to_string(i), i, now).ok()) return Status(StatusCode::kInternal, "setup");
         }
         return StatusOf(e.Declare("one_too_many", 1, now));
       },
       "at most 256 declarations are kept", StatusCode::kOutOfRange},
      {"declare at a time beyond 2200",
       [=](Engine& e) { return StatusOf(e.Declare("interests", 1, kMaxTime + 1)); }, "is outside 1970..2200",
       StatusCode::kOutOfRange},
      // track
      {"event without a type", [=](Engine& e) { return StatusOf(e.Track("", Json::object(), now)); },
       "an event type must be 1 to 128 characters", StatusCode::kInvalidArgument},
      {"event type of 129 bytes", [=](Engine& e) { return StatusOf(e.Track(std::string(129, 't'), nullptr, now)); },
       "an event type must be 1 to 128 characters", StatusCode::kInvalidArgument},
      {"event props an array", [=](Engine& e) { return StatusOf(e.Track("page_view", Json::array({1}), now)); },
       "event properties must be an object, got array", StatusCode::kInvalidArgument},
      {"event props a string", [=](Engine& e) { return StatusOf(e.Track("page_view", "/pricing", now)); },
       "event properties must be an object, got string", StatusCode::kInvalidArgument},
      {"event props a number", [=](Engine& e) { return StatusOf(e.Track("purchase", 100, now)); },
       "event properties must be an object, got number", StatusCode::kInvalidArgument},
      {"event with a 10 MB property",
       [=](Engine& e) { return StatusOf(e.Track("page_view", Json{{"path", ten_mb}}, now)); },
       "event properties exceed 64 KB", StatusCode::kOutOfRange},
      {"event at time -1", [=](Engine& e) { return StatusOf(e.Track("page_view", nullptr, -1)); },
       "event time -1 is outside 1970..2200", StatusCode::kOutOfRange},
      {"event in the year 2286", [=](Engine& e) { return StatusOf(e.Track("page_view", nullptr, 10000000000000)); },
       "event time 10000000000000 is outside 1970..2200", StatusCode::kOutOfRange},
      {"event at INT64_MIN", [=](Engine& e) { return StatusOf(e.Track("page_view", nullptr, INT64_MIN)); },
       "event time", StatusCode::kOutOfRange},
      {"event older than retention (401 days ago)",
       [=](Engine& e) { return StatusOf(e.Track("page_view", nullptr, now - 401 * kDay)); },
       "is older than the retention window (400 days before the latest time seen)", StatusCode::kOutOfRange},
      {"event at the epoch", [=](Engine& e) { return StatusOf(e.Track("page_view", nullptr, 0)); },
       "event time 0 is in 1970, before 1973-03-03", StatusCode::kOutOfRange},
      // A time in seconds (2027-04-15 in seconds is 1970-01-21 in ms): every
      // call refuses it, by the one rule of docs/config.md.
      {"identify at a time in seconds", [=](Engine& e) { return StatusOf(e.Identify(Json{{"age", 40}}, 1807812000)); },
       "time 1807812000 is in 1970, before 1973-03-03 (1e11 ms): seconds passed as milliseconds?",
       StatusCode::kOutOfRange},
      {"declare at a time in seconds", [=](Engine& e) { return StatusOf(e.Declare("interests", 1, 1807812000)); },
       "seconds passed as milliseconds?", StatusCode::kOutOfRange},
      {"event at a time in seconds", [=](Engine& e) { return StatusOf(e.Track("page_view", nullptr, 1807812000)); },
       "event time 1807812000 is in 1970", StatusCode::kOutOfRange},
      {"advance to a time in seconds", [=](Engine& e) { return StatusOf(e.Advance(1807812000)); },
       "seconds passed as milliseconds?", StatusCode::kOutOfRange},
      {"event one ms before 1e11", [=](Engine& e) { return StatusOf(e.Track("page_view", nullptr, kEarliestTime - 1)); },
       "event time 99999999999 is in 1973, before 1973-03-03", StatusCode::kOutOfRange},
      // advance / explain
      {"advance to time -1", [=](Engine& e) { return StatusOf(e.Advance(-1)); }, "time -1 is outside 1970..2200",
       StatusCode::kOutOfRange},
      {"advance beyond 2200", [=](Engine& e) { return StatusOf(e.Advance(kMaxTime + 1)); }, "is outside 1970..2200",
       StatusCode::kOutOfRange},
      {"explain an unknown segment", [=](Engine& e) { return StatusOf(e.Explain("no_such_segment")); },
       "unknown segment \"no_such_segment\"", StatusCode::kInvalidArgument},
      {"explain an empty id", [=](Engine& e) { return StatusOf(e.Explain("")); }, "unknown segment \"\"",
       StatusCode::kInvalidArgument},
  };
}

TEST(BadInput, EngineCallsFailAndChangeNothing) {
  int n = 0;
  for (const auto& c : CallCases()) {
    SCOPED_TRACE("call case: " + c.name);
    ++n;
    auto engine = PopulatedEngine();
    // "the 257th key" needs its 255 declarations in the baseline.
    if (c.name == "declare the 257th key") (void)c.call(*engine);
    const EngineState before = Capture(*engine);
    Status s;
    ASSERT_NO_THROW(s = c.call(*engine));
    ExpectError(s, c.expect);
    EXPECT_EQ(s.code(), c.code) << s.ToString();
    EXPECT_TRUE(Capture(*engine) == before) << "the failed call changed the engine";
  }
  Count("engine calls", n);
}

TEST(BadInput, NonFiniteTimestampsAreNamed) {
  // The engine takes int64 milliseconds; doubles from JavaScript go through
  // CheckTimestamp, which must name NaN and the infinities.
  struct {
    double ms;
    const char* expect;
  } cases[] = {{std::nan(""), "time is not a finite number"},
               {INFINITY, "time is not a finite number"},
               {-INFINITY, "time is not a finite number"},
               {-1, "time -1 is outside 1970..2200"},
               {7258118400001.0, "time 7258118400001 is outside 1970..2200"},
               {-9.2e18, "is outside 1970..2200"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.expect);
    ExpectError(CheckTimestamp(c.ms, "time"), c.expect);
  }
  EXPECT_TRUE(CheckTimestamp(static_cast<double>(kT0), "time").ok());
  Count("timestamps", static_cast<int>(std::size(cases)));
}

// ---------------------------------------------------------------------------
// 3. Snapshots. Payloads are written field by field as snapshot.cc and
// snapshot_v1.cc lay them out (keep Payload::Encode in step with
// EncodeSnapshot), so that each corruption reaches the check it is meant for
// behind a valid header and checksum. Format 1 cases go through
// UpgradeSnapshot first, as every caller that meets format 1 does.

std::string WithHeader(std::string_view payload, uint8_t version = kSnapshotVersion) {
  std::string out = "LSNP";
  out.push_back(static_cast<char>(version));
  auto put32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  };
  put32(static_cast<uint32_t>(payload.size()));
  put32(bytes::Crc32(payload));
  out.append(payload);
  return out;
}

std::string EncodedProps(const Json& props) {
  Document doc;
  std::string out;
  EncodeValue(doc.Add(props), &out);
  return out;
}

// Format 2 holds values as frames, format 1 as JSON text.
struct Payload {
  explicit Payload(uint8_t format = kSnapshotVersion) : format(format) {
    if (format == 1) {
      attributes_text = R"({"job_title":"CTO"})";
      declarations = {{"interests", kT0, R"(["security"])"}};
    } else {
      attributes = {{"job_title", EncodedProps("CTO")}};
      declarations = {{"interests", kT0, EncodedProps(Json::array({"security"}))}};
      decisions = DecisionState().ToFrame();
    }
  }
  uint8_t format;
  std::string attributes_text;                               // format 1
  std::vector<std::pair<std::string, std::string>> attributes;  // format 2: name, frame
  struct Decl {
    std::string key;
    TimeMs ts;
    std::string value;
  };
  TimeMs clock = kT0 + kDay;
  std::vector<Decl> declarations;
  struct Ev {
    int64_t delta;
    std::string type, props;
  };
  std::vector<Ev> events = {{kT0, "page_view", EncodedProps(Json{{"path", "/pricing"}})},
                            {kHour, "session_start", EncodedProps(Json::object())}};
  struct Archive {
    std::string id, fingerprint, state;
  };
  std::vector<Archive> archives;
  std::string score, progress, decisions, trailing;
  uint64_t attribute_count_override = 0, declaration_count_override = 0, event_count_override = 0;
  bool with_decisions = true;  // false: format 1 as written before experiments

  std::string Encode() const {
    using namespace bytes;
    std::string p;
    PutSigned(clock, &p);
    if (format == 1) {
      PutString(attributes_text, &p);
    } else {
      PutVarint(attribute_count_override ? attribute_count_override : attributes.size(), &p);
      for (const auto& [name, frame] : attributes) {
        PutString(name, &p);
        PutString(frame, &p);
      }
    }
    PutVarint(declaration_count_override ? declaration_count_override : declarations.size(), &p);
    for (const auto& d : declarations) {
      PutString(d.key, &p);
      PutSigned(d.ts, &p);
      PutString(d.value, &p);
    }
    PutVarint(event_count_override ? event_count_override : events.size(), &p);
    for (const auto& e : events) {
      PutSigned(e.delta, &p);
      PutString(e.type, &p);
      PutString(e.props, &p);
    }
    PutVarint(archives.size(), &p);
    for (const auto& a : archives) {
      PutString(a.id, &p);
      PutString(a.fingerprint, &p);
      PutString(a.state, &p);
    }
    PutString(score, &p);
    PutString(progress, &p);
    if (with_decisions) PutString(decisions, &p);
    return WithHeader(p + trailing, format);
  }
};

std::string Fingerprint(const std::string& metric_id) {
  const auto& config = *ExampleConfig();
  return MetricFingerprint(config.metrics()[static_cast<size_t>(config.FindMetric(metric_id))]);
}

// What every caller that may meet format 1 does (the full module's
// restore, the web package at load): upgrade, then restore.
Status UpgradeAndRestore(Engine* e, std::string_view bytes) {
  auto upgraded = UpgradeSnapshot(bytes);
  if (!upgraded.ok()) return upgraded.status();
  return e->Restore(*upgraded);
}

struct SnapshotCase {
  std::string name;
  std::function<std::string(const std::string& good)> make;
  std::string expect;
  StatusCode code;
  bool upgrade = false;  // restored through UpgradeSnapshot (format 1 cases)
};

std::vector<SnapshotCase> SnapshotCases() {
  auto payload = [](std::function<void(Payload*)> edit, uint8_t format = kSnapshotVersion) {
    return [edit, format](const std::string&) {
      Payload p(format);
      edit(&p);
      return p.Encode();
    };
  };
  auto v1 = [payload](std::function<void(Payload*)> edit) { return payload(edit, 1); };
  const std::string nan = "\x03" + std::string("\x00\x00\x00\x00\x00\x00\xf8\x7f", 8);
  return {
      {"empty", [](const std::string&) { return std::string(); }, "snapshot is truncated (0 bytes)",
       StatusCode::kDataLoss},
      {"garbage text", [](const std::string&) { return std::string("garbage"); }, "snapshot is truncated",
       StatusCode::kDataLoss},
      {"JSON instead of a snapshot", [](const std::string&) { return std::string(R"({"attributes": {}, "events": []})"); },
       "not a leadseg snapshot (bad magic)", StatusCode::kDataLoss},
      {"bad magic", [](std::string s) { s[0] = 'X'; return s; }, "bad magic", StatusCode::kDataLoss},
      {"from a future version", [](std::string s) { s[4] = 3; return s; },
       "snapshot format 3 is newer than this engine reads (2)", StatusCode::kFailedPrecondition},
      {"from version 255", [](std::string s) { s[4] = static_cast<char>(255); return s; },
       "snapshot format 255 is newer", StatusCode::kFailedPrecondition},
      {"version 0", [](std::string s) { s[4] = 0; return s; }, "snapshot is corrupted: format version 0",
       StatusCode::kDataLoss},
      {"truncated by one byte", [](std::string s) { s.pop_back(); return s; }, "snapshot is truncated or padded",
       StatusCode::kDataLoss},
      {"truncated to its header", [](std::string s) { return s.substr(0, 13); }, "snapshot is truncated or padded",
       StatusCode::kDataLoss},
      {"truncated inside its header", [](std::string s) { return s.substr(0, 9); }, "snapshot is truncated (9 bytes)",
       StatusCode::kDataLoss},
      {"padded by one byte", [](std::string s) { return s + '\0'; }, "snapshot is truncated or padded",
       StatusCode::kDataLoss},
      {"length field changed", [](std::string s) { s[5] = static_cast<char>(s[5] + 1); return s; },
       "truncated or padded", StatusCode::kDataLoss},
      {"bit flipped in the payload", [](std::string s) { s[s.size() / 2] ^= 0x10; return s; },
       "snapshot is corrupted: checksum mismatch", StatusCode::kDataLoss},
      {"bit flipped in the last byte", [](std::string s) { s.back() ^= 0x01; return s; }, "checksum mismatch",
       StatusCode::kDataLoss},
      {"bit flipped in the checksum", [](std::string s) { s[9] ^= 0x80; return s; }, "checksum mismatch",
       StatusCode::kDataLoss},
      {"valid header, empty payload", [](const std::string&) { return WithHeader(""); },
       "snapshot is corrupted: header fields", StatusCode::kDataLoss},
      // Format 2: values as frames.
      {"attribute count beyond the payload", payload([](Payload* p) { p->attribute_count_override = 1u << 30; }),
       "snapshot is corrupted: attribute count", StatusCode::kDataLoss},
      {"attribute frame truncated", payload([](Payload* p) { p->attributes[0].second.pop_back(); }),
       "snapshot is corrupted: attribute 0 value", StatusCode::kDataLoss},
      {"attribute frame with trailing bytes", payload([](Payload* p) { p->attributes[0].second += '\0'; }),
       "snapshot is corrupted: attribute 0 value", StatusCode::kDataLoss},
      {"attribute frame with an unknown tag", payload([](Payload* p) { p->attributes[0].second = "\x09"; }),
       "snapshot is corrupted: attribute 0 value", StatusCode::kDataLoss},
      {"attribute NaN (JSON could not hold it)", payload([nan](Payload* p) { p->attributes[0].second = nan; }),
       "snapshot is corrupted: attribute 0 value", StatusCode::kDataLoss},
      {"attribute string with invalid UTF-8",
       payload([](Payload* p) { p->attributes[0].second = std::string("\x04\x02\x00\x00\x00\xc3\x28", 7); }),
       "snapshot is corrupted: attribute 0 value", StatusCode::kDataLoss},
      {"attribute name with invalid UTF-8", payload([](Payload* p) { p->attributes[0].first = "\xc3\x28"; }),
       "snapshot is corrupted: attribute 0", StatusCode::kDataLoss},
      {"attribute named twice", payload([](Payload* p) { p->attributes.push_back(p->attributes[0]); }),
       "snapshot is corrupted: an attribute name repeats", StatusCode::kDataLoss},
      {"attribute with a reserved name", payload([](Payload* p) { p->attributes[0].first = "score"; }),
       "attribute \"score\" is a reserved name", StatusCode::kDataLoss},
      {"declaration frame truncated", payload([](Payload* p) { p->declarations[0].value.pop_back(); }),
       "snapshot is corrupted: declaration 0 value", StatusCode::kDataLoss},
      {"declaration key twice", payload([](Payload* p) { p->declarations.push_back(p->declarations[0]); }),
       "snapshot is corrupted: declaration 1", StatusCode::kDataLoss},
      {"declaration count beyond the payload", payload([](Payload* p) { p->declaration_count_override = 1u << 30; }),
       "snapshot is corrupted: declaration count", StatusCode::kDataLoss},
      {"declaration beyond the year 2200", payload([](Payload* p) { p->declarations[0].ts = kMaxTime + 1; }),
       "snapshot is corrupted: declaration 0", StatusCode::kDataLoss},
      {"event with an empty type", payload([](Payload* p) { p->events[1].type = ""; }),
       "an event has malformed properties", StatusCode::kDataLoss},
      {"event properties not an object",
       payload([](Payload* p) { p->events[0].props = EncodedProps(Json::array({1, 2})); }),
       "an event has malformed properties", StatusCode::kDataLoss},
      {"event properties truncated", payload([](Payload* p) { p->events[0].props.pop_back(); }),
       "an event has malformed properties", StatusCode::kDataLoss},
      {"event properties with an unknown tag", payload([](Payload* p) { p->events[0].props = "\x09"; }),
       "an event has malformed properties", StatusCode::kDataLoss},
      {"events out of order (negative delta)", payload([](Payload* p) { p->events[1].delta = -kHour; }),
       "snapshot is corrupted: event 1 time", StatusCode::kDataLoss},
      {"event beyond the year 2200", payload([](Payload* p) { p->events[0].delta = kMaxTime + 1; }),
       "snapshot is corrupted: event 0 time", StatusCode::kDataLoss},
      {"event count beyond the payload", payload([](Payload* p) { p->event_count_override = 1000000; }),
       "snapshot is corrupted: event count", StatusCode::kDataLoss},
      {"metric archive that does not parse", payload([](Payload* p) {
         p->archives.push_back({"guides_downloaded", Fingerprint("guides_downloaded"), "\x01"});
       }),
       "snapshot is corrupted: metric archive \"guides_downloaded\"", StatusCode::kDataLoss},
      {"experiment state not a frame", payload([](Payload* p) { p->decisions = "{assignments"; }),
       "snapshot is corrupted: experiment state", StatusCode::kDataLoss},
      {"experiment state an array", payload([](Payload* p) { p->decisions = EncodedProps(Json::array()); }),
       "snapshot is corrupted: experiment state", StatusCode::kDataLoss},
      {"experiment counts negative",
       payload([](Payload* p) { p->decisions = EncodedProps(Json{{"counts", {{"x", {{"a", {-1, 0}}}}}}}); }),
       "snapshot is corrupted: experiment counts", StatusCode::kDataLoss},
      // One case per part of the experiment state, each named in its message.
      {"experiment assignment without its time",
       payload([](Payload* p) { p->decisions = EncodedProps(Json{{"assignments", {{"x", {"a"}}}}}); }),
       "snapshot is corrupted: experiment assignments", StatusCode::kDataLoss},
      {"experiment conversion goal not a string",
       payload([](Payload* p) { p->decisions = EncodedProps(Json{{"converted", {{"x", {1}}}}}); }),
       "snapshot is corrupted: experiment conversions", StatusCode::kDataLoss},
      {"experiment segment counts not an object",
       payload([](Payload* p) { p->decisions = EncodedProps(Json{{"segmentCounts", {{"x", {1, 2}}}}}); }),
       "snapshot is corrupted: experiment segment counts", StatusCode::kDataLoss},
      {"experiment state missing (format 2 always has it)", payload([](Payload* p) { p->with_decisions = false; }),
       "snapshot is corrupted: experiment state", StatusCode::kDataLoss},
      {"score state that does not parse", payload([](Payload* p) { p->score = "\x01\x02"; }),
       "snapshot is corrupted: score state", StatusCode::kDataLoss},
      {"lifecycle state with temperature 7", payload([](Payload* p) { p->progress = std::string("\x07\x00\x00\x00\x00", 5); }),
       "snapshot is corrupted: lifecycle state", StatusCode::kDataLoss},
      {"trailing bytes after the payload", payload([](Payload* p) { p->trailing = "x"; }),
       "snapshot is corrupted: trailing bytes", StatusCode::kDataLoss},
      // Format 1, restored without the upgrade: refused, saying what to do.
      {"format 1 without the upgrade", v1([](Payload*) {}), kSnapshotNeedsUpgrade, StatusCode::kFailedPrecondition},
      // Format 1 through UpgradeSnapshot: format 1's checks and messages.
      {"format 1 truncated by one byte", [](const std::string&) { std::string s = Payload(1).Encode(); s.pop_back(); return s; },
       "snapshot is truncated or padded", StatusCode::kDataLoss, true},
      {"format 1 bit flipped", [](const std::string&) { std::string s = Payload(1).Encode(); s[s.size() / 2] ^= 0x10; return s; },
       "snapshot is corrupted: checksum mismatch", StatusCode::kDataLoss, true},
      {"format 1 attributes not JSON", v1([](Payload* p) { p->attributes_text = "{job_title: CTO}"; }),
       "snapshot is corrupted: attributes", StatusCode::kDataLoss, true},
      {"format 1 attributes an array", v1([](Payload* p) { p->attributes_text = "[]"; }),
       "snapshot is corrupted: attributes", StatusCode::kDataLoss, true},
      {"format 1 attributes with invalid UTF-8", v1([](Payload* p) { p->attributes_text = "{\"a\":\"\xc3\x28\"}"; }),
       "snapshot is corrupted: attributes", StatusCode::kDataLoss, true},
      {"format 1 attributes 200 levels deep",
       v1([](Payload* p) { p->attributes_text = R"({"a":)" + std::string(200, '[') + std::string(200, ']') + "}"; }),
       "snapshot is corrupted: attributes", StatusCode::kDataLoss, true},
      {"format 1 attribute with a reserved name", v1([](Payload* p) { p->attributes_text = R"({"score": 100})"; }),
       "attribute \"score\" is a reserved name", StatusCode::kDataLoss, true},
      {"format 1 declaration value not JSON", v1([](Payload* p) { p->declarations[0].value = "[security"; }),
       "snapshot is corrupted: declaration 0", StatusCode::kDataLoss, true},
      {"format 1 event properties truncated", v1([](Payload* p) { p->events[0].props.pop_back(); }),
       "an event has malformed properties", StatusCode::kDataLoss, true},
      {"format 1 experiment state not JSON", v1([](Payload* p) { p->decisions = "{assignments"; }),
       "snapshot is corrupted: experiment state", StatusCode::kDataLoss, true},
      {"format 1 trailing bytes", v1([](Payload* p) { p->trailing = "x"; }),
       "snapshot is corrupted: trailing bytes", StatusCode::kDataLoss, true},
  };
}

TEST(BadInput, SnapshotBaselinePayloadRestores) {
  // The hand-written payloads the snapshot cases corrupt are themselves
  // valid: format 2 restored as it is, format 1 (with and without the
  // experiment state, which it gained later) through the upgrade.
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE(variant);
    Engine e(ExampleConfig());
    Payload p(variant == 0 ? kSnapshotVersion : 1);
    p.with_decisions = variant != 2;
    ASSERT_TRUE(UpgradeAndRestore(&e, p.Encode()).ok());
    EXPECT_EQ(e.event_count(), 2u);
    EXPECT_EQ(e.Export()["attributes"]["job_title"], "CTO");
    EXPECT_EQ(e.Export()["declarations"]["interests"]["value"], Json::array({"security"}));
  }
  Engine e(ExampleConfig());
  EXPECT_TRUE(e.Restore(Payload().Encode()).ok());
}

TEST(BadInput, BadSnapshotsAreRejectedAndChangeNothing) {
  auto source = PopulatedEngine();
  const std::string good = source->Snapshot();
  int n = 0;
  for (const auto& c : SnapshotCases()) {
    SCOPED_TRACE("snapshot case: " + c.name);
    ++n;
    auto engine = PopulatedEngine();
    const EngineState before = Capture(*engine);
    Status s;
    const std::string bytes = c.make(good);
    ASSERT_NO_THROW(s = c.upgrade ? UpgradeAndRestore(engine.get(), bytes) : engine->Restore(bytes));
    ExpectError(s, c.expect);
    EXPECT_EQ(s.code(), c.code) << s.ToString();
    EXPECT_TRUE(Capture(*engine) == before) << "the failed restore changed the engine";
  }
  Count("snapshots", n);
}

// The messages that hold numbers, word for word (the catalogue above
// matches substrings): one helper builds them all, and each must read as
// it did when every message had its own operator+ chain.
TEST(BadInput, SnapshotMessagesWithNumbersWordForWord) {
  const std::string good = Payload().Encode();
  const std::string payload_size = std::to_string(good.size() - 13);
  auto edited = [](std::function<void(Payload*)> edit) {
    Payload p;
    edit(&p);
    return p.Encode();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {good.substr(0, 9), "snapshot is truncated (9 bytes)"},
      {std::string(good).replace(4, 1, 1, '\xff'), "snapshot format 255 is newer than this engine reads (2)"},
      {good.substr(0, good.size() - 1), "snapshot is truncated or padded: payload is " +
                                            std::to_string(good.size() - 14) + " bytes, header says " + payload_size},
      {good + "xy", "snapshot is truncated or padded: payload is " + std::to_string(good.size() - 11) +
                        " bytes, header says " + payload_size},
      {edited([](Payload* p) { p->attributes.push_back({"b", "\x09"}); }), "snapshot is corrupted: attribute 1 value"},
      {edited([](Payload* p) { p->attributes.push_back({"\xc3\x28", EncodedProps(1)}); }),
       "snapshot is corrupted: attribute 1"},
      {edited([](Payload* p) { p->attributes.push_back(p->attributes[0]); }),
       "snapshot is corrupted: an attribute name repeats"},
      {edited([](Payload* p) { p->declarations.push_back({"", kT0, EncodedProps(1)}); }),
       "snapshot is corrupted: declaration 1"},
      {edited([](Payload* p) { p->declarations.push_back({"b", kT0, "\x09"}); }),
       "snapshot is corrupted: declaration 1 value"},
      {edited([](Payload* p) { p->declarations.push_back(p->declarations[0]); }),
       "snapshot is corrupted: declaration 1"},
      {edited([](Payload* p) { p->events[1].type = "\xc3\x28"; }), "snapshot is corrupted: event 1 type"},
      {edited([](Payload* p) { p->events[1].delta = -1; }), "snapshot is corrupted: event 1 time"},
  };
  for (const auto& [bytes, expect] : cases) {
    SCOPED_TRACE(expect);
    Engine e(ExampleConfig());
    const Status s = e.Restore(bytes);
    EXPECT_EQ(s.message(), expect);
  }
}

// ---------------------------------------------------------------------------
// 4. Binary attribute frames (core/value_codec.h).

struct FrameCase {
  std::string name;
  std::string bytes;
  std::string expect;
};

std::string U32(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}

std::vector<FrameCase> FrameCases() {
  std::string deep = U32(1) + U32(0);
  for (int i = 0; i < 100; ++i) deep += '\x05' + U32(1);
  deep += '\x00';
  return {
      {"empty frame", "", "attribute frame is truncated"},
      {"count without indexes", U32(2), "attribute frame is truncated"},
      {"index beyond the schema", U32(1) + U32(99) + '\x00', "attribute frame names index 99 but the schema has 2"},
      {"unknown value tag", U32(1) + U32(0) + '\x07', "unknown value tag 7 in attribute frame"},
      {"string longer than the frame", U32(1) + U32(0) + '\x04' + U32(1000) + "abc", "attribute frame is truncated"},
      {"number cut short", U32(1) + U32(0) + '\x03' + "\x01\x02", "attribute frame is truncated"},
      {"array count of 4 billion", U32(1) + U32(0) + '\x05' + U32(0xFFFFFFFF), "attribute frame is truncated"},
      {"object count of 4 billion", U32(1) + U32(0) + '\x06' + U32(0xFFFFFFFF), "attribute frame is truncated"},
      {"array nested 100 deep", deep, "attribute value nests too deeply"},
      {"trailing bytes", U32(1) + U32(0) + '\x00' + "zz", "attribute frame has trailing bytes"},
  };
}

TEST(BadInput, MalformedFramesAreErrors) {
  AttributeSchema schema;
  schema.Intern("a");
  schema.Intern("b");
  int n = 0;
  for (const auto& c : FrameCases()) {
    SCOPED_TRACE("frame case: " + c.name);
    ++n;
    Document arena;
    AttributeSet attributes(&schema);
    ExpectError(DecodeFrame(reinterpret_cast<const uint8_t*>(c.bytes.data()), c.bytes.size(), &arena, &attributes),
                c.expect);
  }
  Count("frames", n);
}

// ---------------------------------------------------------------------------
// 5. Texts the bindings parse before calling the engine (event properties,
// traits), and JsonLogic rules and regexes compiled on their own.

TEST(BadInput, BindingTextsAndStandaloneCompilers) {
  struct TextCase {
    std::string name, text, what, expect;
  } texts[] = {
      {"props with invalid UTF-8", "{\"path\": \"/pricing\xff\"}", "event properties",
       "event properties is not valid JSON"},
      {"props with a lone surrogate", R"({"q": "\udc00"})", "event properties", "event properties is not valid JSON"},
      {"traits with NaN", R"({"age": NaN})", "attributes", "attributes is not valid JSON"},
      {"traits 10,000 levels deep", std::string(10000, '[') + std::string(10000, ']'), "attributes",
       "attributes nests deeper than 128 levels (at byte 128)"},
  };
  int n = 0;
  for (const auto& c : texts) {
    SCOPED_TRACE(c.name);
    ++n;
    ExpectError(ParseJson(c.text, c.what).status(), c.expect);
  }
  struct RuleCase {
    std::string name, rule, expect;
  } rules[] = {
      {"JsonLogic unknown operator", R"({"and": [true, {"frobnicate": 1}]})",
       "unknown JsonLogic operator \"frobnicate\" (at /and/1/frobnicate)"},
      {"JsonLogic wrong arity", R"({"==": [1]})", "(at /==)"},
      {"JsonLogic method call", R"({"method": ["abc", "toUpperCase"]})", "unknown JsonLogic operator \"method\""},
  };
  for (const auto& c : rules) {
    SCOPED_TRACE(c.name);
    ++n;
    ExpectError(JsonLogic::Compile(Json::parse(c.rule)).status(), c.expect);
  }
  struct RegexCase {
    std::string name, pattern, expect;
    StatusCode code;
  } regexes[] = {
      {"regex nothing to repeat", "a**", "nothing to repeat", StatusCode::kInvalidArgument},
      {"regex unterminated group", "(ab", "", StatusCode::kInvalidArgument},
      {"regex backreference", "(a)\\1", "backreference", StatusCode::kUnsupported},
      {"regex invalid UTF-8", "caf\xc3", "not valid UTF-8", StatusCode::kInvalidArgument},
      {"regex too large", "(a{1000}){1000}", "", StatusCode::kOutOfRange},
  };
  for (const auto& c : regexes) {
    SCOPED_TRACE(c.name);
    ++n;
    auto re = Regex::Compile(c.pattern, false);
    ASSERT_FALSE(re.ok());
    EXPECT_EQ(re.status().code(), c.code) << re.status().ToString();
    EXPECT_FALSE(re.status().message().empty());
    if (!c.expect.empty()) ExpectError(re.status(), c.expect);
  }
  Count("binding texts, JsonLogic and regexes", n);
}

// ---------------------------------------------------------------------------
// 6. Compiled configs (leadseg/compiled_config.h): what a page may be served
// instead of the bytes `leadseg compile` wrote.

std::string GoodCompiledConfig() {
  Diagnostics d;
  auto c = CompileConfigText(testing::ReadText(testing::SourcePath("docs/examples/b2b-saas.json")), &d);
  return c ? EncodeCompiledConfig(*c, d) : std::string();
}

// Replaces the payload and fixes the header's length and checksum, so the
// structural checks behind them are what must catch the damage.
std::string WithPayload(const std::string& good, std::string payload) {
  std::string out = good.substr(0, 8);
  for (uint32_t v : {static_cast<uint32_t>(payload.size()), bytes::Crc32(payload)}) out += U32(v);
  return out + payload;
}

TEST(BadInput, BadCompiledConfigsAreRejected) {
  const std::string good = GoodCompiledConfig();
  ASSERT_GT(good.size(), kCompiledConfigHeaderBytes);
  const std::string payload = good.substr(kCompiledConfigHeaderBytes);
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x40);
  std::string version5 = good;
  version5[4] = 5;
  std::string version0 = good;
  version0[4] = 0;
  // A version 3 payload under a version 1 header: its regexes are programs
  // where version 1 has patterns, and it ends with the predictive section's
  // presence byte, which version 1 does not have.
  std::string as_version1 = good;
  as_version1[4] = 1;
  // The same under a version 2 header: the regexes alone do not fit.
  std::string as_version2 = good;
  as_version2[4] = 2;
  // The program of `"$regex": "^/pricing"` ends with kMatch (6); make the
  // last instruction kAny (1), which would continue past the program.
  std::string regex_damaged = payload;
  {
    std::string program;
    Regex::Compile("^/pricing", false)->Encode(&program);
    const size_t at = regex_damaged.find(program);
    EXPECT_NE(at, std::string::npos) << "the regex program was not found in the payload";
    if (at != std::string::npos) regex_damaged[at + program.size() - 1] = 1;
  }
  std::string flags = good;
  flags[6] = 1;
  // The stored programs (section 16) end the payload.
  std::string programs;
  {
    auto loaded = DecodeCompiledConfig(good);
    EXPECT_TRUE(loaded.ok());
    if (loaded.ok()) {
      loaded->config->segment_program().Encode(&programs);
      loaded->config->event_program().Encode(&programs);
    }
  }
  const size_t programs_at = payload.size() - programs.size();
  std::string other_count = payload;
  other_count[programs_at] = static_cast<char>(other_count[programs_at] + 1);  // the segment count
  struct CompiledCase {
    std::string name, bytes, expect;
    StatusCode code;
  } cases[] = {
      {"empty", "", "not a compiled leadseg config", StatusCode::kDataLoss},
      {"JSON text", "{\"segments\": []}", "not a compiled leadseg config", StatusCode::kDataLoss},
      {"magic only", "LSCF", "compiled config is truncated (4 bytes", StatusCode::kDataLoss},
      {"header cut short", good.substr(0, 10), "compiled config is truncated", StatusCode::kDataLoss},
      {"payload cut short", good.substr(0, good.size() - 1), "compiled config is truncated (payload of",
       StatusCode::kDataLoss},
      {"extra bytes", good + "x", "followed by extra bytes", StatusCode::kDataLoss},
      {"one bit flipped", flipped, "checksum mismatch", StatusCode::kDataLoss},
      {"format version 5", version5, "format version 5 is not one this leadseg reads (1 to 4)",
       StatusCode::kFailedPrecondition},
      {"format version 0", version0, "format version 0 is not one this leadseg reads", StatusCode::kFailedPrecondition},
      {"version 3 payload under a version 1 header", as_version1, "do not hold together", StatusCode::kDataLoss},
      {"version 3 payload under a version 2 header", as_version2, "do not hold together", StatusCode::kDataLoss},
      {"a regex program that runs past its end (checksum fixed)", WithPayload(good, regex_damaged),
       "do not hold together", StatusCode::kDataLoss},
      {"unknown flags", flags, "unknown flags", StatusCode::kDataLoss},
      {"version 4 without its programs (checksum fixed)", WithPayload(good, payload.substr(0, programs_at)),
       "do not hold together", StatusCode::kDataLoss},
      {"a segment program for another number of segments (checksum fixed)", WithPayload(good, other_count),
       "do not hold together", StatusCode::kDataLoss},
      {"payload empty (checksum fixed)", WithPayload(good, ""), "do not hold together", StatusCode::kDataLoss},
      {"payload cut in half (checksum fixed)", WithPayload(good, payload.substr(0, payload.size() / 2)),
       "do not hold together", StatusCode::kDataLoss},
      {"payload with a trailing byte (checksum fixed)", WithPayload(good, payload + "x"), "do not hold together",
       StatusCode::kDataLoss},
      {"payload of 0xFF (checksum fixed)", WithPayload(good, std::string(64, '\xff')), "do not hold together",
       StatusCode::kDataLoss},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE("compiled config case: " + c.name);
    ++n;
    auto loaded = DecodeCompiledConfig(c.bytes);
    ASSERT_FALSE(loaded.ok());
    ExpectError(loaded.status(), c.expect);
    EXPECT_EQ(loaded.status().code(), c.code) << loaded.status().ToString();
  }
  Count("compiled configs", n);
}

// Runs last in this file (gtest keeps definition order within a file).
TEST(BadInput, CatalogueSize) {
  std::printf("[ bad-input ] catalogue: %d malformed inputs checked (%s)\n", catalogue_size, catalogue_parts.c_str());
  if (::testing::GTEST_FLAG(filter) == "*") {
    EXPECT_GE(catalogue_size, 50);
  }
}

// ---------------------------------------------------------------------------
// Known gaps, now fixed: behaviour found missing while fuzzing and writing
// this catalogue (docs/reliability.md, "Findings"), kept as regressions.

// Finding F3: Track stores props deeper than frames can decode (64 levels,
// while JSON from the page may nest 128); the snapshot then cannot be
// restored ("an event has malformed properties"), losing the profile.
TEST(BadInput, Finding_TrackRejectsPropsTooDeepToStore) {
  auto engine = PopulatedEngine();
  const EngineState before = Capture(*engine);
  Json deep = 1;
  for (int i = 0; i < 100; ++i) deep = Json::array({deep});
  Status s = engine->Track("page_view", Json{{"p", deep}}, kT0 + 14 * kDay).status();
  ExpectError(s, "nest");
  EXPECT_TRUE(Capture(*engine) == before);
  Engine fresh(ExampleConfig());
  EXPECT_TRUE(fresh.Restore(engine->Snapshot()).ok());
}

// Finding F4: invalid UTF-8 reaching the native API. Identify throws
// nlohmann type_error 316 out of the core (merged.dump()); Track and Declare
// accept it silently and Export().dump() then throws. The core should
// reject it with InvalidArgument, as ParseJson does for text.
TEST(BadInput, Finding_InvalidUtf8IsRejected) {
  const std::string bad = "\xc3\x28";
  auto engine = PopulatedEngine();
  const EngineState before = Capture(*engine);
  const TimeMs now = kT0 + 14 * kDay;
  Status s;
  ASSERT_NO_THROW(s = engine->Identify(Json{{"job_title", bad}}, now).status());
  ExpectError(s, "UTF-8");
  ASSERT_NO_THROW(s = engine->Track("page_view", Json{{"path", bad}}, now).status());
  ExpectError(s, "UTF-8");
  ASSERT_NO_THROW(s = engine->Track(bad, nullptr, now).status());
  ExpectError(s, "UTF-8");
  ASSERT_NO_THROW(s = engine->Declare(bad, 1, now).status());
  ExpectError(s, "UTF-8");
  EXPECT_TRUE(Capture(*engine) == before);
  EXPECT_NO_THROW((void)engine->Export().dump());
}

TEST(BadInput, Utf8IsCheckedLikeJsonText) {
  struct {
    const char* bytes;
    bool valid;
  } cases[] = {
      {"", true},           {"plain", true},          {"caf\xc3\xa9", true},        {"\xe2\x82\xac", true},
      {"\xf0\x9f\x98\x80", true}, {"\xc3\x28", false},    {"\x80", false},             {"\xc0\xaf", false},
      {"\xe0\x80\xaf", false}, {"\xed\xa0\x80", false}, {"\xf4\x90\x80\x80", false}, {"\xf0\x9f\x98", false},
      {"\xff", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(std::string(c.bytes)));
    EXPECT_EQ(IsValidUtf8(c.bytes), c.valid);
    // The same verdict as nlohmann's parser on JSON text.
    EXPECT_EQ(ParseJson(std::string("\"") + c.bytes + "\"").ok(), c.valid);
  }
  // Finding F10: the parse error quotes the offending token, escaped, so
  // the message itself stays valid UTF-8.
  Status parse = ParseJson("{\"city\": \"\xc3\x28\"}").status();
  EXPECT_TRUE(IsValidUtf8(parse.message())) << parse.message();
  EXPECT_NE(parse.message().find("\\xc3"), std::string::npos) << parse.message();
  // A config built in C++ is held to what JSON text guarantees.
  Json config = Json::parse(R"({"segments": [{"id": "s", "condition": {"city": "x"}}]})");
  config["segments"][0]["condition"]["city"] = "\xc3\x28";
  Diagnostics d;
  EXPECT_EQ(CompileConfig(config, &d), nullptr);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.all()[0].path, "/segments/0/condition/city");
  EXPECT_NE(d.all()[0].message.find("UTF-8"), std::string::npos);
  config["segments"][0]["condition"]["city"] = std::nan("");
  d = Diagnostics();
  EXPECT_EQ(CompileConfig(config, &d), nullptr);
}

// Finding F1: CheckTimestamp casts the rejected double to long long for its
// message, which is undefined behaviour beyond the int64 range (UBSan:
// "9.22337e+18 is outside the range of representable values").
TEST(BadInput, Finding_HugeTimestampsAreRejectedWithoutUB) {
  ExpectError(CheckTimestamp(1e300, "time"), "is outside 1970..2200");
  auto engine = PopulatedEngine();
  const EngineState before = Capture(*engine);
  ExpectError(engine->Track("page_view", nullptr, INT64_MAX).status(), "is outside 1970..2200");
  ExpectError(engine->Advance(INT64_MAX).status(), "is outside 1970..2200");
  EXPECT_TRUE(Capture(*engine) == before);
}

// Finding F5: a snapshot with a valid checksum but out-of-range state is
// accepted: a negative lifecycle stage indexes stages[-1] (heap overflow in
// Evaluate), and clocks / score times near INT64_MIN overflow `clock -
// maxAge` and `now - ref` (UB). Restore should validate them (DataLoss).
TEST(BadInput, Finding_RestoreValidatesStateRanges) {
  std::string negative_stage;
  bytes::PutVarint(0, &negative_stage);   // temperature cold
  bytes::PutSigned(-1, &negative_stage);  // stage -1
  bytes::PutVarint(0, &negative_stage);   // no MQL
  bytes::PutVarint(0, &negative_stage);   // no SQL
  bytes::PutVarint(0, &negative_stage);   // no history
  struct {
    const char* name;
    std::function<void(Payload*)> edit;
  } cases[] = {
      {"lifecycle stage -1", [&](Payload* p) { p->progress = negative_stage; }},
      {"clock at INT64_MIN + 1", [](Payload* p) { p->clock = INT64_MIN + 1; }},
      {"clock before its events", [](Payload* p) { p->clock = 5; }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto engine = PopulatedEngine();
    const EngineState before = Capture(*engine);
    Payload p;
    c.edit(&p);
    Status s = engine->Restore(WithHeader(p.Encode()));
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
    EXPECT_TRUE(Capture(*engine) == before);
  }
}

// Finding F6: experiment state was appended to the format-1 payload without
// a version bump, so format-1 snapshots written before it (score and
// lifecycle state last) are now rejected and stored profiles are lost.
TEST(BadInput, Finding_OlderFormatOneSnapshotsRestore) {
  Engine e(ExampleConfig());
  Payload p(1);
  p.with_decisions = false;
  Status s = UpgradeAndRestore(&e, p.Encode());
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(e.event_count(), 2u);
}

}  // namespace
}  // namespace leadseg
