// The experiment state in snapshots: a value frame in format 2, JSON text in
// format 1, which UpgradeSnapshot still reads (through core/value_json.h).
// Format 1's text is what nlohmann wrote (the reference below is the former
// DecisionState::ToJson): it must read to the same state, and damaged text
// or frames must keep their errors.
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "core/value.h"
#include "core/value_codec.h"
#include "decisions/decision_state.h"

namespace leadseg {
namespace {

// DecisionState::ToJson().dump() as it was before value_json.
std::string NlohmannText(const DecisionState& s) {
  auto counts_json = [](const ExperimentNode& by_variant) {
    Json out = Json::object();
    for (const auto& [variant, c] : by_variant.children) out[variant] = {c.counts.exposures, c.counts.conversions};
    return out;
  };
  Json assigned = Json::object();
  for (const auto& [key, node] : s.assignments.children) assigned[key] = {node.assignment.variant, node.assignment.at};
  Json goals = Json::object();
  for (const auto& [key, set] : s.converted.children) {
    Json list = Json::array();
    for (const auto& [goal, unused] : set.children) list.push_back(goal);
    goals[key] = list;
  }
  Json counts = Json::object();
  for (const auto& [key, by_variant] : s.counts.children) counts[key] = counts_json(by_variant);
  Json segments = Json::object();
  for (const auto& [key, by_segment] : s.segment_counts.children) {
    Json by = Json::object();
    for (const auto& [segment, by_variant] : by_segment.children) by[segment] = counts_json(by_variant);
    segments[key] = by;
  }
  return Json{{"visitor", s.visitor_id}, {"assignments", assigned}, {"converted", goals},
              {"counts", counts}, {"segmentCounts", segments}}
      .dump();
}

DecisionState Sample() {
  DecisionState s;
  s.visitor_id = "v-\"quoted\"\n\xc3\xa9";
  s.assignments["hero"].assignment = {"b", 1767225600000};
  s.assignments["form"].assignment = {"control", 0};
  s.converted["hero"]["signup"];
  s.converted["hero"]["demo"];
  s.converted["empty"];
  s.counts["hero"]["a"].counts = {3, 1};
  s.counts["hero"]["b"].counts = {9007199254740992, 0};
  s.segment_counts["hero"]["cto"]["a"].counts = {1, 0};
  s.segment_counts["hero"]["big"];
  return s;
}

TEST(DecisionStateText, ReadsWhatNlohmannWrote) {
  DecisionState sample = Sample();
  sample.converted.children.erase("empty");  // an empty goal list reads back as none (as it did through nlohmann)
  auto read = DecisionState::FromJsonText(NlohmannText(sample));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->ToFrame(), sample.ToFrame());
  EXPECT_EQ(read->assignments.children.at("hero").assignment.at, 1767225600000);
  EXPECT_EQ(read->visitor_id, sample.visitor_id);
  EXPECT_EQ(read->counts.children.at("hero").children.at("b").counts.exposures, 9007199254740992);
}

TEST(DecisionStateText, FrameRoundTrips) {
  DecisionState sample = Sample();
  sample.converted.children.erase("empty");
  for (const DecisionState& s : {DecisionState(), sample}) {
    const std::string frame = s.ToFrame();
    DecisionState read;
    Status status = DecisionState::FromFrame(frame, &read);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(read.ToFrame(), frame);
    EXPECT_EQ(read.segment_counts.children.size(), s.segment_counts.children.size());
    EXPECT_EQ(read.converted.children.size(), s.converted.children.size());
  }
}

std::string FrameOf(const char* json) {
  Document doc;
  std::string out;
  EncodeValue(doc.Add(Json::parse(json)), &out);
  return out;
}

// Empty levels read back as the state's maps always read them: an empty
// variant object keeps its key (counts, and a segment's), an experiment's
// empty segment object and an empty goal list leave none. The counts at
// every depth share one tree type and one reader, which must keep this.
TEST(DecisionStateText, EmptyLevelsReadAsBefore) {
  DecisionState read;
  Status status = DecisionState::FromFrame(
      FrameOf(R"({"visitor":"v","converted":{"w":[]},"counts":{"x":{}},)"
              R"("segmentCounts":{"y":{},"z":{"s":{}}}})"),
      &read);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(read.ToFrame(),
            FrameOf(R"({"visitor":"v","assignments":{},"converted":{},"counts":{"x":{}},)"
                    R"("segmentCounts":{"z":{"s":{}}}})"));
}

TEST(DecisionStateText, DamagedFramesAreCorrupted) {
  const std::string good = Sample().ToFrame();
  const std::pair<std::string, const char*> cases[] = {
      {"", "experiment state"},
      {good.substr(0, good.size() - 1), "experiment state"},
      {good + '\0', "experiment state"},
      {FrameOf("[]"), "experiment state"},
      {FrameOf(R"({"visitor":"\u00e9"})").replace(21, 2, "\xc3\x28"), "experiment state"},  // invalid UTF-8
      {FrameOf(R"({"assignments":{"x":["a",1.5]}})"), "experiment assignments"},
      {FrameOf(R"({"converted":{"x":[1]}})"), "experiment conversions"},
      {FrameOf(R"({"counts":{"x":{"a":[1,2]}}})"), "experiment counts"},
      {FrameOf(R"({"segmentCounts":{"x":[]}})"), "experiment segment counts"},
  };
  for (const auto& [frame, what] : cases) {
    DecisionState read;
    Status status = DecisionState::FromFrame(frame, &read);
    ASSERT_FALSE(status.ok()) << what;
    EXPECT_EQ(status.message(), std::string("snapshot is corrupted: ") + what);
  }
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
