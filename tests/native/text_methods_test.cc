// The binding's JSON-text methods (identify, declare, track,
// addAggregateCounts) read their text with core/value_json.h and call the
// Engine's Value forms. They must behave exactly as the nlohmann path did
// (ParseJson, then the Json forms): same changes, same stored bytes, same
// errors, also for values as deep as the limits.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "core/json.h"
#include "core/value_json.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"

namespace leadseg {
namespace {

constexpr TimeMs kT0 = 1767225600000;  // 2026-01-01T00:00:00Z

const char* kConfig = R"({
  "metrics": [{"id": "views", "aggregate": "count", "where": {"type": "page_view"}}],
  "segments": [{"id": "cto", "condition": {"job_title": "CTO"}}],
  "slots": [{"id": "hero", "variants": [{"id": "a"}, {"id": "b"}], "default": "a",
             "experiment": {"key": "hero-test", "variants": ["a", "b"]}}]
})";

std::string Nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') + "1" + std::string(static_cast<size_t>(depth), ']');
}

// Runs `text` through both paths on two engines and expects the same.
template <typename ViaJson, typename ViaValue>
void ExpectSame(const std::string& what, const std::string& text, ViaJson via_json, ViaValue via_value) {
  static Diagnostics d;
  static const std::shared_ptr<const CompiledConfig> config(CompileConfigText(kConfig, &d));
  ASSERT_TRUE(config) << d.Format();
  Engine a(config), b(config);
  Status old_status, new_status;
  auto json = ParseJson(text, what);
  if (!json.ok()) old_status = json.status();
  else old_status = via_json(&a, *json);
  Document arena;
  auto value = ParseJsonValue(text, &arena, what);
  if (!value.ok()) new_status = value.status();
  else new_status = via_value(&b, *value);
  EXPECT_EQ(new_status.ToString(), old_status.ToString()) << text.substr(0, 80);
  EXPECT_EQ(new_status.path(), old_status.path()) << text.substr(0, 80);
  EXPECT_EQ(b.Snapshot(), a.Snapshot()) << text.substr(0, 80);
}

TEST(TextMethods, TrackAsTheJsonPathDid) {
  const std::string cases[] = {
      "{}", "null", "[]", "3", R"({"path": "/pricing", "n": 1.5, "big": 12345678901234567890, "z": -0})",
      R"({"p": )" + Nested(63) + "}", R"({"p": )" + Nested(64) + "}", R"({"p": )" + Nested(100) + "}",
      R"({"p": )" + Nested(127) + "}", R"({"p": )" + Nested(200) + "}", R"({"p": 1e999})", R"({"a": 1,})",
      R"({"a": "\ud800"})", R"({"a": 1, "a": 2})"};
  for (const std::string& text : cases) {
    ExpectSame("event properties", text,
               [](Engine* e, const Json& j) { return e->Track("page_view", j, kT0).status(); },
               [](Engine* e, const Value& v) { return e->Track("page_view", v, kT0).status(); });
  }
}

TEST(TextMethods, IdentifyAndDeclareAsTheJsonPathDid) {
  const std::string cases[] = {"{}", R"({"job_title": "CTO", "n": 0.1})", "[]", R"({"x": )" + Nested(126) + "}",
                               R"({"x": )" + Nested(127) + "}", R"({"x": )" + Nested(128) + "}", "{"};
  for (const std::string& text : cases) {
    ExpectSame("attributes", text, [](Engine* e, const Json& j) { return e->Identify(j, kT0).status(); },
               [](Engine* e, const Value& v) { return e->Identify(v, kT0).status(); });
    ExpectSame("declaration", text, [](Engine* e, const Json& j) { return e->Declare("k", j, kT0).status(); },
               [](Engine* e, const Value& v) { return e->Declare("k", v, kT0).status(); });
  }
}

TEST(TextMethods, AggregateCountsAsTheJsonPathDid) {
  const std::string cases[] = {
      R"({"a": {"exposures": 10, "conversions": 2}, "segments": {"cto": {"b": {"exposures": 3, "conversions": 3}}}})",
      R"({"a": {"exposures": 1.5, "conversions": 0}})", R"({"a": {"exposures": 1e21, "conversions": 0}})",
      R"({"a": {"exposures": 9007199254740992, "conversions": 0}})", R"({"a": {"exposures": 2, "conversions": 3}})",
      R"({"a": {"exposures": -1, "conversions": 0}})", R"({"c": {"exposures": 1, "conversions": 0}})",
      R"({"segments": []})", R"({"segments": {"cto": 1}})", R"({"segments": {"cto": {"zz": {}}}})", "[]", "{"};
  for (const std::string& text : cases) {
    ExpectSame("counts", text,
               [](Engine* e, const Json& j) { return e->AddAggregateCounts("hero-test", j); },
               [](Engine* e, const Value& v) { return e->AddAggregateCounts("hero-test", v); });
  }
}

}  // namespace
}  // namespace leadseg
