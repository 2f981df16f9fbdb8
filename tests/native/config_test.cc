#include "config/config.h"

#include <gtest/gtest.h>

#include "leadseg/compiler.h"
#include "test_data.h"

namespace leadseg {
namespace {

Diagnostics Check(const std::string& text, bool expect_ok) {
  Diagnostics d;
  auto c = CompileConfigText(text, &d);
  EXPECT_EQ(c != nullptr, expect_ok) << d.Format();
  return d;
}

bool Has(const Diagnostics& d, const std::string& code, const std::string& path) {
  for (const auto& x : d.all()) {
    if (x.code == code && x.path == path) return true;
  }
  return false;
}

TEST(Config, ReportsEveryErrorWithItsPath) {
  auto d = Check(R"({
    "segments": [
      {"id": "a", "condition": {"age": {"$gtt": 5}}},
      {"id": "a", "condition": {}},
      {"id": "9bad", "condition": {}},
      {"id": "b"},
      {"id": "c", "condition": {}, "colour": "red"}
    ],
    "metrics": [{"id": "m", "aggregate": "median"}],
    "retention": {"maxAge": "10 days"},
    "typo": 1
  })", false);
  EXPECT_TRUE(Has(d, "condition", "/segments/0/condition/age/$gtt")) << d.Format();
  EXPECT_TRUE(Has(d, "duplicate-id", "/segments/1/id"));
  EXPECT_TRUE(Has(d, "id", "/segments/2/id"));
  EXPECT_TRUE(Has(d, "missing", "/segments/3/condition"));
  EXPECT_TRUE(Has(d, "unknown-key", "/segments/4/colour"));
  EXPECT_TRUE(Has(d, "enum", "/metrics/0/aggregate"));
  EXPECT_TRUE(Has(d, "duration", "/retention/maxAge"));
  EXPECT_TRUE(Has(d, "unknown-key", "/typo"));
}

TEST(Config, RejectsSegmentCyclesWithTheCycle) {
  auto d = Check(R"({"segments": [
    {"id": "a", "condition": {"segments": "b"}},
    {"id": "b", "condition": {"segments": {"$in": ["c"]}}},
    {"id": "c", "condition": {"segments": {"$all": ["a"]}}}
  ]})", false);
  ASSERT_FALSE(d.all().empty());
  EXPECT_EQ(d.all()[0].code, "cycle");
  EXPECT_NE(d.all()[0].message.find("a -> b -> c -> a"), std::string::npos) << d.Format();
  auto unknown = Check(R"({"segments": [{"id": "a", "condition": {"segments": "zzz"}}]})", false);
  EXPECT_TRUE(Has(unknown, "reference", "/segments/0/condition/segments"));
}

TEST(Config, HygieneWarnings) {
  auto d = Check(R"({
    "attributes": {"age": "number"},
    "metrics": [{"id": "unused", "aggregate": "count"}],
    "segments": [
      {"id": "impossible", "condition": {"age": {"$gt": 50, "$lt": 30}}},
      {"id": "nobody", "condition": {"country": {"$in": []}}},
      {"id": "twin_a", "condition": {"country": "US"}},
      {"id": "twin_b", "condition": {"country": "US"}},
      {"id": "size_num", "condition": {"company_size": {"$gte": 50}}},
      {"id": "size_str", "condition": {"company_size": "small"}},
      {"id": "age_str", "condition": {"age": "thirty"}}
    ],
    "hygiene": {"maxSegments": 5}
  })", true);
  EXPECT_TRUE(Has(d, "never-matches", "/segments/0/condition/age")) << d.Format();
  EXPECT_TRUE(Has(d, "never-matches", "/segments/1/condition/country"));
  EXPECT_TRUE(Has(d, "duplicate-condition", "/segments/3/condition"));
  EXPECT_TRUE(Has(d, "unused-metric", "/metrics/0"));
  EXPECT_TRUE(Has(d, "type-mismatch", "/segments/5/condition/company_size"));
  EXPECT_TRUE(Has(d, "type-mismatch", "/segments/6/condition/age"));
  EXPECT_TRUE(Has(d, "over-segmentation", "/segments"));
}

TEST(Config, WorkedExampleIsValid) {
  Diagnostics d;
  auto c = CompileConfigText(testing::ReadText(testing::SourcePath("docs/examples/b2b-saas.json")), &d);
  ASSERT_TRUE(c) << d.Format();
  for (const auto& x : d.all()) ADD_FAILURE() << "unexpected warning: " << x.message << " at " << x.path;
}

TEST(Config, BenchWorkloadSegmentsCompile) {
  Json segments = testing::ReadJson(testing::SharedPath("bench-workload/segments.json"));
  Diagnostics d;
  auto c = CompileConfig(Json{{"segments", segments}}, &d);
  ASSERT_TRUE(c) << d.Format();
  EXPECT_EQ(c->segments().size(), 30u);
}

}  // namespace
}  // namespace leadseg
