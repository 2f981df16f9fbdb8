#include "conditions/jsonlogic.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "conformance/conformance.h"
#include "core/json.h"
#include "core/value.h"

#ifndef LEADSEG_SHARED_DIR
#define LEADSEG_SHARED_DIR "../shared"
#endif

namespace leadseg {
namespace {

Json ParseOrDie(const std::string& text) {
  Result<Json> json = ParseJson(text, "test rule");
  EXPECT_TRUE(json.ok()) << json.status().ToString() << "\n" << text;
  return json.ok() ? *json : Json();
}

JsonLogic CompileOrDie(const std::string& rule_text) {
  Result<JsonLogic> logic = JsonLogic::Compile(ParseOrDie(rule_text));
  EXPECT_TRUE(logic.ok()) << logic.status().ToString();
  if (!logic.ok()) return std::move(JsonLogic::Compile(Json(nullptr)).value());
  return std::move(logic).value();
}

// Evaluates `rule` on `data` and returns the result as compact JSON text
// (non-finite numbers print as null, as JSON.stringify does).
std::string Eval(const std::string& rule, const std::string& data) {
  JsonLogic logic = CompileOrDie(rule);
  Document data_doc, arena;
  Value result = logic.Apply(data_doc.Add(ParseOrDie(data)), &arena);
  if (result.is_number() && !std::isfinite(result.as_number())) return "null";
  return result.ToJson().dump();
}

Status CompileError(const std::string& rule) {
  Result<JsonLogic> logic = JsonLogic::Compile(ParseOrDie(rule));
  return logic.ok() ? Status::Ok() : logic.status();
}

TEST(JsonLogicSuite, SharedSuitePasses) {
  const std::string path = LEADSEG_SHARED_DIR "/conformance/jsonlogic-tests.json";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  Result<Json> tests = ParseJson(text.str(), path);
  ASSERT_TRUE(tests.ok()) << tests.status().ToString();

  std::vector<SectionResult> sections = RunJsonLogicSuite(*tests);
  int passed = 0, failed = 0;
  for (const SectionResult& section : sections) {
    passed += section.passed;
    failed += section.failed;
    for (const std::string& failure : section.failures) {
      ADD_FAILURE() << section.name << ": " << failure;
    }
  }
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(passed, 278);
  ASSERT_EQ(sections.size(), 23u);
  EXPECT_EQ(sections.front().name, "# Non-rules get passed through");
  EXPECT_EQ(sections.front().passed, 7);
  EXPECT_EQ(sections.back().name, "Filter, map, all, none, and some");
  EXPECT_EQ(sections.back().passed, 37);
}

TEST(JsonLogicSuite, ReportsFailuresPerSection) {
  Json tests = ParseOrDie(R"([
    "# first",
    [{"+": [1, 1]}, null, 2],
    [{"+": [1, 1]}, null, 3],
    "# second",
    [{"nope": 1}, null, 1],
    [{"cat": ["a", 1]}, null, "a1"],
    "EOF"
  ])");
  std::vector<SectionResult> sections = RunJsonLogicSuite(tests);
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].name, "# first");
  EXPECT_EQ(sections[0].passed, 1);
  EXPECT_EQ(sections[0].failed, 1);
  ASSERT_EQ(sections[0].failures.size(), 1u);
  EXPECT_NE(sections[0].failures[0].find("#1 "), std::string::npos) << sections[0].failures[0];
  EXPECT_NE(sections[0].failures[0].find("got 2, expected 3"), std::string::npos)
      << sections[0].failures[0];
  EXPECT_EQ(sections[1].passed, 1);
  EXPECT_EQ(sections[1].failed, 1);
  ASSERT_EQ(sections[1].failures.size(), 1u);
  EXPECT_NE(sections[1].failures[0].find("unknown JsonLogic operator"), std::string::npos)
      << sections[1].failures[0];
}

TEST(JsonLogicCompile, UnknownOperatorNamesItsPath) {
  Status status = CompileError(R"({"and": [true, {"frobnicate": [1]}]})");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.path(), "/and/1/frobnicate");
  EXPECT_NE(status.message().find("frobnicate"), std::string::npos);

  // Inside a scoped rule, an array literal, and a unary (non-array) argument.
  EXPECT_EQ(CompileError(R"({"map": [[1], {"+": [{"bogus": 1}]}]})").path(), "/map/1/+/0/bogus");
  EXPECT_EQ(CompileError(R"([1, [2, {"x": 3}]])").path(), "/1/1/x");
  EXPECT_EQ(CompileError(R"({"!": {"a/b": 1}})").path(), "/!/a~1b");
  EXPECT_EQ(CompileError(R"({"frobnicate": 1})").path(), "/frobnicate");
  // json-logic-js method calls are not part of the dialect.
  EXPECT_EQ(CompileError(R"({"method": ["abc", "toUpperCase"]})").code(),
            StatusCode::kInvalidArgument);
}

TEST(JsonLogicCompile, ArityAndShapeErrors) {
  Status status = CompileError(R"({"if": [{"==": [1]}, 1]})");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.path(), "/if/0/==");
  EXPECT_NE(status.message().find("exactly 2"), std::string::npos) << status.message();

  EXPECT_EQ(CompileError(R"({"<": [1, 2, 3, 4]})").path(), "/<");
  EXPECT_EQ(CompileError(R"({"!": []})").path(), "/!");
  EXPECT_EQ(CompileError(R"({"and": []})").path(), "/and");
  EXPECT_EQ(CompileError(R"({"*": []})").path(), "/*");
  EXPECT_EQ(CompileError(R"({"missing_some": [1]})").path(), "/missing_some");
  EXPECT_EQ(CompileError(R"({"var": ["a", 1, 2]})").path(), "/var");
  EXPECT_EQ(CompileError(R"({"map": {"var": "x"}})").path(), "/map");

  // An operator sharing its object with another key is a malformed rule.
  status = CompileError(R"({"or": [{"var": "a", "default": 1}]})");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.path(), "/or/0");

  // Multi-key objects without operators, and {}, are data.
  EXPECT_EQ(Eval(R"({"a": 1, "b": {"var": "x"}})", "{}"), R"({"a":1,"b":{"var":"x"}})");
  EXPECT_EQ(Eval("{}", "null"), "{}");
}

TEST(JsonLogicCompile, ErrorsAreStatusValuesNotExceptions) {
  const char* const kBad[] = {
      R"({"frobnicate": 1})", R"({"==": []})", R"({"var": "a", "if": 1})",
      R"({"reduce": [1]})",   R"({"log": [1, 2]})", R"([[[{"x": []}]]])",
  };
  for (const char* rule : kBad) {
    Json json = ParseOrDie(rule);
    EXPECT_NO_THROW({
      Result<JsonLogic> logic = JsonLogic::Compile(json);
      EXPECT_FALSE(logic.ok()) << rule;
    }) << rule;
  }
  // Types nlohmann would throw on if accessed blindly.
  Json binary = Json::binary({1, 2, 3});
  EXPECT_NO_THROW({
    Result<JsonLogic> logic = JsonLogic::Compile(binary);
    EXPECT_TRUE(logic.ok());
  });
}

// {"!": {"!": ... true}} nested `levels` objects deep.
std::string NestedNots(int levels) {
  std::string text;
  for (int i = 0; i < levels; ++i) text += R"({"!":)";
  text += "true";
  text.append(static_cast<size_t>(levels), '}');
  return text;
}

TEST(JsonLogicCompile, DeepNestingUpToTheJsonLimit) {
  Json deepest = ParseOrDie(NestedNots(kMaxJsonDepth));
  Result<JsonLogic> logic = JsonLogic::Compile(deepest);
  ASSERT_TRUE(logic.ok()) << logic.status().ToString();
  Document arena;
  // An even number of negations gives back true.
  EXPECT_TRUE(logic->Test(Value::Null(), &arena));

  // The parser refuses one level more...
  EXPECT_FALSE(ParseJson(NestedNots(kMaxJsonDepth + 1)).ok());
  // ...and so does Compile for a tree built without the parser.
  Json too_deep = true;
  for (int i = 0; i < kMaxJsonDepth + 1; ++i) too_deep = Json{{"!", std::move(too_deep)}};
  Result<JsonLogic> rejected = JsonLogic::Compile(too_deep);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), StatusCode::kOutOfRange);

  // Deep data literals count too.
  Json deep_array = Json::array();
  for (int i = 0; i < kMaxJsonDepth + 5; ++i) deep_array = Json::array({std::move(deep_array)});
  EXPECT_EQ(JsonLogic::Compile(deep_array).status().code(), StatusCode::kOutOfRange);
}

TEST(JsonLogicApply, RepeatableAcrossDataAndArenaReuse) {
  JsonLogic logic = CompileOrDie(R"({"if": [
      {"and": [{">=": [{"var": "age"}, 18]}, {"in": [{"var": "country"}, ["FR", "DE"]]}]},
      {"cat": ["adult-", {"var": "country"}]},
      {"merge": [{"var": "tags"}, "minor"]}]})");
  Document d1, d2, arena;
  Value adult = d1.Add(ParseOrDie(R"({"age": 30, "country": "FR", "tags": ["x"]})"));
  Value minor = d2.Add(ParseOrDie(R"({"age": 12, "country": "DE", "tags": ["y", "z"]})"));

  for (int round = 0; round < 3; ++round) {
    arena.Clear();
    EXPECT_EQ(logic.Apply(adult, &arena).ToJson(), Json("adult-FR"));
    EXPECT_EQ(logic.Apply(minor, &arena).ToJson(), ParseOrDie(R"(["y", "z", "minor"])"));
  }
  // Clear() reuses memory rather than growing it.
  arena.Clear();
  logic.Apply(minor, &arena);
  size_t used = arena.node_count();
  for (int i = 0; i < 100; ++i) {
    arena.Clear();
    logic.Apply(minor, &arena);
  }
  EXPECT_EQ(arena.node_count(), used);
}

TEST(JsonLogicApply, MovedRuleKeepsItsConstants) {
  JsonLogic original = CompileOrDie(
      R"({"if": [{"var": "x"}, ["a long constant string beyond SSO size", {"var": "x"}], "no"]})");
  JsonLogic moved(std::move(original));
  JsonLogic assigned = CompileOrDie("0");
  assigned = std::move(moved);
  Document data_doc, arena;
  Value data = data_doc.Add(ParseOrDie(R"({"x": 7})"));
  EXPECT_EQ(assigned.Apply(data, &arena).ToJson(),
            ParseOrDie(R"(["a long constant string beyond SSO size", 7])"));
}

TEST(JsonLogicApply, JavaScriptCoercions) {
  EXPECT_EQ(Eval(R"({"+": "3.5kg"})", "null"), "3.5");
  EXPECT_EQ(Eval(R"({"+": ["", 1]})", "null"), "null");  // parseFloat("") is NaN
  EXPECT_EQ(Eval(R"({"-": ["", 1]})", "null"), "-1");    // Number("") is 0
  EXPECT_EQ(Eval(R"({"*": "2"})", "null"), "2");
  // Numbers as Number::toString, null as "", arrays joined with ",".
  EXPECT_EQ(Eval(R"({"cat": [0.1, {"+": [0.1, 0.2]}, null, [1, [2, null]], true]})", "null"),
            R"("0.10.300000000000000041,2,true")");
  EXPECT_EQ(Eval(R"({"max": []})", "null"), "null");  // -Infinity
  EXPECT_EQ(Eval(R"({"max": ["3", 1]})", "null"), "3");
  EXPECT_EQ(Eval(R"({"min": [1, "x"]})", "null"), "null");  // NaN
  EXPECT_EQ(Eval(R"({"%": [-5, 2]})", "null"), "-1");
  EXPECT_EQ(Eval(R"({"==": [null, 0]})", "null"), "false");
  EXPECT_EQ(Eval(R"({"==": [[1], "1"]})", "null"), "true");
  EXPECT_EQ(Eval(R"({"<": ["10", "9"]})", "null"), "true");  // string comparison
  EXPECT_EQ(Eval(R"({"<": ["10", 9]})", "null"), "false");   // numeric
  EXPECT_EQ(Eval(R"({"in": [1, "a1b"]})", "null"), "true");
  EXPECT_EQ(Eval(R"({"in": ["a", ""]})", "null"), "false");
  EXPECT_EQ(Eval(R"({"in": ["", ""]})", "null"), "false");  // json-logic-js: !b first
  EXPECT_EQ(Eval(R"({"in": ["", "a"]})", "null"), "true");
  // missing_some: a number key list has no length (NaN), so is never
  // "enough"; a string one has its UTF-16 length, as in JS.
  EXPECT_EQ(Eval(R"({"missing_some": [0, 5]})", "{}"), "[5]");
  EXPECT_EQ(Eval(R"({"missing_some": [0, "a"]})", "{}"), "[]");
  EXPECT_EQ(Eval(R"({"missing_some": [1, ["a", "b"]]})", R"({"b": 1})"), "[]");
  EXPECT_EQ(Eval(R"({"in": [[1], [[1]]]})", "null"), "false");  // === on arrays
}

TEST(JsonLogicApply, SubstrCountsUtf16Units) {
  EXPECT_EQ(Eval(R"({"substr": ["héllo", 1, 3]})", "null"), R"("éll")");
  EXPECT_EQ(Eval(R"({"substr": ["a😀b", 1, 2]})", "null"), R"("😀")");
  EXPECT_EQ(Eval(R"({"substr": ["a😀b", 2]})", "null"), "\"\xEF\xBF\xBD" "b\"");
  EXPECT_EQ(Eval(R"({"substr": ["a😀b", -2, -1]})", "null"), "\"\xEF\xBF\xBD\"");
  EXPECT_EQ(Eval(R"({"substr": [12345, 1, -1]})", "null"), R"("234")");
  EXPECT_EQ(Eval(R"({"substr": ["abc", 1, "-1"]})", "null"), R"("")");
}

TEST(JsonLogicApply, VarPaths) {
  EXPECT_EQ(Eval(R"({"var": "a.1.b"})", R"({"a": [0, {"b": 5}]})"), "5");
  EXPECT_EQ(Eval(R"({"var": ["a.01", "d"]})", R"({"a": [0, 1]})"), R"("d")");
  EXPECT_EQ(Eval(R"({"var": ["a", "d"]})", R"({"a": null})"), "null");
  EXPECT_EQ(Eval(R"({"var": ["a.b", "d"]})", R"({"a": null})"), R"("d")");
  EXPECT_EQ(Eval(R"({"var": 1.5})", R"({"1": {"5": "x"}})"), R"("x")");
  // Strings index UTF-16 units; arrays and strings have a length.
  EXPECT_EQ(Eval(R"({"var": "s.1"})", R"({"s": "abc"})"), R"("b")");
  EXPECT_EQ(Eval(R"({"var": "s.length"})", R"({"s": "a😀"})"), "3");
  EXPECT_EQ(Eval(R"({"var": "a.length"})", R"({"a": [1, 2]})"), "2");
  EXPECT_EQ(Eval(R"({"var": ["a.toString", 0]})", R"({"a": {}})"), "0");
  // missing keys may be [path, default] pairs, like var's arguments.
  EXPECT_EQ(Eval(R"({"missing": ["a", "b"]})", R"({"a": "", "b": 0})"), R"(["a"])");
  // A reduce rule returning its context must not see it overwritten.
  EXPECT_EQ(Eval(R"({"reduce": [[1, 2], {"var": ""}, 0]})", "null"),
            R"({"current":2,"accumulator":{"current":1,"accumulator":0}})");
}

TEST(JsonLogicApply, TestUsesJsonLogicTruthiness) {
  Document arena;
  EXPECT_FALSE(CompileOrDie("[]").Test(Value::Null(), &arena));
  EXPECT_TRUE(CompileOrDie(R"("0")").Test(Value::Null(), &arena));
  EXPECT_TRUE(CompileOrDie("{}").Test(Value::Null(), &arena));
  EXPECT_FALSE(CompileOrDie(R"({"missing": ["a"]})").Test(Document().Add(Json{{"a", 1}}), &arena));
}

}  // namespace
}  // namespace leadseg
