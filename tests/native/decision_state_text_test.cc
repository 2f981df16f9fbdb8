// The experiment state in snapshots (format 1) is JSON text. It is now
// written and read through core/value_json.h instead of nlohmann; the text
// must stay what nlohmann wrote (the reference below is the former
// DecisionState::ToJson), and damaged text must keep its error.
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "decisions/decision_state.h"

namespace leadseg {
namespace {

// DecisionState::ToJson().dump() as it was before value_json.
std::string NlohmannText(const DecisionState& s) {
  auto counts_json = [](const std::map<std::string, ArmCounts>& by_variant) {
    Json out = Json::object();
    for (const auto& [variant, c] : by_variant) out[variant] = {c.exposures, c.conversions};
    return out;
  };
  Json assigned = Json::object();
  for (const auto& [key, a] : s.assignments) assigned[key] = {a.variant, a.at};
  Json goals = Json::object();
  for (const auto& [key, set] : s.converted) goals[key] = Json(set);
  Json counts = Json::object();
  for (const auto& [key, by_variant] : s.counts) counts[key] = counts_json(by_variant);
  Json segments = Json::object();
  for (const auto& [key, by_segment] : s.segment_counts) {
    Json by = Json::object();
    for (const auto& [segment, by_variant] : by_segment) by[segment] = counts_json(by_variant);
    segments[key] = by;
  }
  return Json{{"visitor", s.visitor_id}, {"assignments", assigned}, {"converted", goals},
              {"counts", counts}, {"segmentCounts", segments}}
      .dump();
}

DecisionState Sample() {
  DecisionState s;
  s.visitor_id = "v-\"quoted\"\n\xc3\xa9";
  s.assignments["hero"] = {"b", 1767225600000};
  s.assignments["form"] = {"control", 0};
  s.converted["hero"] = {"signup", "demo"};
  s.converted["empty"] = {};
  s.counts["hero"]["a"] = {3, 1};
  s.counts["hero"]["b"] = {9007199254740992, 0};
  s.segment_counts["hero"]["cto"]["a"] = {1, 0};
  s.segment_counts["hero"]["big"] = {};
  return s;
}

TEST(DecisionStateText, WritesWhatNlohmannWrote) {
  EXPECT_EQ(DecisionState().ToJsonText(), NlohmannText(DecisionState()));
  EXPECT_EQ(Sample().ToJsonText(), NlohmannText(Sample()));
  EXPECT_EQ(DecisionState().ToJsonText(),
            R"({"visitor":"","assignments":{},"converted":{},"counts":{},"segmentCounts":{}})");
}

TEST(DecisionStateText, ReadsBackToTheSameText) {
  DecisionState sample = Sample();
  sample.converted.erase("empty");  // an empty goal list reads back as none (as it did through nlohmann)
  const std::string text = sample.ToJsonText();
  auto read = DecisionState::FromJsonText(text);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->ToJsonText(), text);
  EXPECT_EQ(read->assignments.at("hero").at, 1767225600000);
}

TEST(DecisionStateText, DamagedTextIsCorrupted) {
  const std::pair<const char*, const char*> cases[] = {
      {"{", "experiment state"},
      {"[]", "experiment state"},
      {R"({"assignments":[]})", "experiment assignments"},
      {R"({"assignments":{"x":["a"]}})", "experiment assignments"},
      {R"({"assignments":{"x":["a",1.5]}})", "experiment assignments"},
      {R"({"converted":{"x":[1]}})", "experiment conversions"},
      {R"({"counts":{"x":{"a":[1,2]}}})", "experiment counts"},
      {R"({"counts":{"x":{"a":[-1,0]}}})", "experiment counts"},
      {R"({"segmentCounts":{"x":[]}})", "experiment segment counts"},
  };
  for (const auto& [text, what] : cases) {
    auto read = DecisionState::FromJsonText(text);
    ASSERT_FALSE(read.ok()) << text;
    EXPECT_EQ(read.status().message(), std::string("snapshot is corrupted: ") + what) << text;
  }
}

}  // namespace
}  // namespace leadseg
