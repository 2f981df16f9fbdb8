#include "conditions/condition.h"

#include <gtest/gtest.h>

#include "conformance/conformance.h"
#include "test_data.h"

namespace leadseg {
namespace {

struct Evaluated {
  bool ok;
  bool result;
  Status status;
};

Evaluated Eval(const std::string& condition, const std::string& attributes, bool strict = true) {
  AttributeSchema schema;
  ConditionOptions options;
  options.strict = strict;
  auto c = Condition::Compile(Json::parse(condition), &schema, options);
  if (!c.ok()) return {false, false, c.status()};
  Document doc;
  AttributeSet set(&schema);
  set.Clear();
  set.SetFromObject(doc.Add(Json::parse(attributes)));
  return {true, c->Evaluate(set), Status()};
}

TEST(Condition, GrowthBookEvalConditionSuitePasses) {
  Json cases = testing::ReadJson(testing::SharedPath("conformance/growthbook-cases.json"));
  auto sections = RunGrowthBookConditionSections(cases);
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_EQ(sections[0].passed, 248);
  EXPECT_EQ(sections[0].failed, 0);
  for (const auto& f : sections[0].failures) ADD_FAILURE() << f;
}

TEST(Condition, CoercesLikeJavaScript) {
  EXPECT_TRUE(Eval(R"({"age": "30"})", R"({"age": 30})").result);
  EXPECT_TRUE(Eval(R"({"age": 30})", R"({"age": "30"})").result);
  EXPECT_FALSE(Eval(R"({"age": {"$eq": "30"}})", R"({"age": 30})").result);
  EXPECT_TRUE(Eval(R"({"age": {"$gt": -10, "$lt": 10}})", R"({})").result);  // null -> 0
  EXPECT_TRUE(Eval(R"({"v": {"$gt": 5}})", R"({"v": "8"})").result);
  EXPECT_TRUE(Eval(R"({"tags": "a,b"})", R"({"tags": ["a", "b"]})").result);
  EXPECT_TRUE(Eval(R"({"x": null})", R"({})").result);
}

TEST(Condition, NestedPathsAndArrays) {
  EXPECT_TRUE(Eval(R"({"company.size": {"$gte": 50}})", R"({"company": {"size": 80}})").result);
  EXPECT_TRUE(Eval(R"({"tags.length": 2})", R"({"tags": ["a", "b"]})").result);
  EXPECT_TRUE(Eval(R"({"tags.1": "b"})", R"({"tags": ["a", "b"]})").result);
  EXPECT_TRUE(Eval(R"({"tags.01": null})", R"({"tags": ["a", "b"]})").result);
  EXPECT_TRUE(Eval(R"({"orders": {"$elemMatch": {"total": {"$gt": 100}}}})",
                   R"({"orders": [{"total": 20}, {"total": 120}]})")
                  .result);
}

TEST(Condition, StrictModeRejectsWithPath) {
  auto e = Eval(R"({"$or": [{"age": {"$regx": "^1"}}]})", "{}");
  ASSERT_FALSE(e.ok);
  EXPECT_EQ(e.status.path(), "/$or/0/age/$regx");
  EXPECT_NE(e.status.message().find("unknown operator $regx"), std::string::npos);

  e = Eval(R"({"country": {"$in": "US"}})", "{}");
  ASSERT_FALSE(e.ok);
  EXPECT_EQ(e.status.path(), "/country/$in");

  e = Eval(R"({"path": {"$regex": "(a"}})", "{}");
  ASSERT_FALSE(e.ok);
  EXPECT_EQ(e.status.path(), "/path/$regex");

  e = Eval(R"({"path": {"$regex": "(a)\\1"}})", "{}");
  ASSERT_FALSE(e.ok);
  EXPECT_EQ(e.status.code(), StatusCode::kUnsupported);

  e = Eval(R"({"a": {"$gt": 1, "b": 2}})", "{}");
  ASSERT_FALSE(e.ok) << "mixed operator/plain keys are a typo";

  e = Eval(R"(["not", "an", "object"])", "{}");
  ASSERT_FALSE(e.ok);
}

TEST(Condition, CompatibleModeTurnsUnknownIntoFalse) {
  auto e = Eval(R"({"age": {"$regx": "^1"}})", R"({"age": 12})", /*strict=*/false);
  ASSERT_TRUE(e.ok);
  EXPECT_FALSE(e.result);
}

TEST(Condition, HostileRegexIsLinear) {
  // (a+)+$ against 10,000 'a' then '!' takes exponential time in a
  // backtracking engine; here it is one pass of a state-set simulation.
  std::string attrs = R"({"s": ")" + std::string(10000, 'a') + R"(!"})";
  auto e = Eval(R"({"s": {"$regex": "(a+)+$"}})", attrs);
  ASSERT_TRUE(e.ok);
  EXPECT_FALSE(e.result);
  e = Eval(R"({"s": {"$regex": "(a+)+!$"}})", attrs);
  EXPECT_TRUE(e.result);
}

TEST(Condition, DepthIsBounded) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += R"({"$not": )";
  deep += "{}";
  for (int i = 0; i < 100; ++i) deep += "}";
  auto e = Eval(deep, "{}");
  ASSERT_FALSE(e.ok);
  EXPECT_EQ(e.status.code(), StatusCode::kOutOfRange);
}

TEST(Condition, ExplainRecordsLeavesWithValues) {
  AttributeSchema schema;
  auto c = Condition::Compile(
      Json::parse(R"({"job_title": {"$in": ["CTO", "IT Manager"]}, "pricing_views": {"$gte": 2}})"), &schema);
  ASSERT_TRUE(c.ok());
  Document doc;
  AttributeSet set(&schema);
  set.Clear();
  set.SetFromObject(doc.Add(Json::parse(R"({"job_title": "CTO", "pricing_views": 1})")));
  std::vector<LeafTrace> trace;
  EXPECT_FALSE(c->Explain(set, &trace));
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_EQ(trace[0].attribute, "job_title");
  EXPECT_TRUE(trace[0].passed);
  EXPECT_EQ(trace[0].actual.ToJson(), "CTO");
  EXPECT_EQ(trace[1].path, "/pricing_views");
  EXPECT_FALSE(trace[1].passed);
  EXPECT_EQ(trace[1].actual.ToJson(), 1);
  EXPECT_EQ(trace[1].operand.ToJson(), Json::parse(R"({"$gte": 2})"));
}

TEST(Condition, AttrsAreDeduplicated) {
  AttributeSchema schema;
  auto c = Condition::Compile(Json::parse(R"({"a": 1, "$or": [{"a": 2}, {"b.c": 3}]})"), &schema);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->attrs().size(), 2u);
  EXPECT_EQ(schema.size(), 2u);
}

}  // namespace
}  // namespace leadseg
