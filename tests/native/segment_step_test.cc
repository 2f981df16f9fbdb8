// SegmentStep decides every segment at once (SegmentProgram::EvaluateAll)
// only where that gives each segment the attributes its own step would
// see. A segment that reads the score runs after the score step, which
// runs after the segments that do not; a segment that reads "segments"
// sees the ones decided before it. Either way deciding them all at the
// first segment step would answer from attributes not yet written.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "leadseg/engine.h"
#include "test_config.h"

namespace leadseg {
namespace {

using testing::Compile;
using testing::kT0;

std::vector<std::string> Identify(Engine* e, const char* json, TimeMs at) {
  Document doc;
  auto changes = e->Identify(doc.Add(Json::parse(json)), at);
  EXPECT_TRUE(changes.ok()) << json;
  return e->Segments();
}

TEST(SegmentStep, ASegmentAfterTheScoreSeesIt) {
  Engine e(Compile(R"({
    "segments": [
      {"id": "cto", "condition": {"job_title": "CTO"}},
      {"id": "hot", "condition": {"score": {"$gte": 10}}},
      {"id": "big", "condition": {"company_size": {"$gte": 100}}}
    ],
    "scoring": {"rules": [{"id": "cto", "points": 10, "trait": {"job_title": "CTO"}}]}
  })"));
  EXPECT_EQ(Identify(&e, R"({"job_title": "CTO", "company_size": 5})", kT0),
            (std::vector<std::string>{"cto", "hot"}));
  EXPECT_EQ(Identify(&e, R"({"job_title": "VP", "company_size": 500})", kT0 + 1),
            (std::vector<std::string>{"big"}));
  EXPECT_EQ(Identify(&e, R"({"job_title": "CTO", "company_size": 500})", kT0 + 2),
            (std::vector<std::string>{"cto", "hot", "big"}));
}

TEST(SegmentStep, ASegmentReadingSegmentsSeesTheOnesBeforeIt) {
  Engine e(Compile(R"({
    "segments": [
      {"id": "cto", "condition": {"job_title": "CTO"}},
      {"id": "cto_too", "condition": {"segments": "cto"}},
      {"id": "big", "condition": {"company_size": {"$gte": 100}}}
    ]
  })"));
  EXPECT_EQ(Identify(&e, R"({"job_title": "CTO", "company_size": 5})", kT0),
            (std::vector<std::string>{"cto", "cto_too"}));
  EXPECT_EQ(Identify(&e, R"({"job_title": "VP", "company_size": 500})", kT0 + 1),
            (std::vector<std::string>{"big"}));
}

// Segments decided at once keep answers from the evaluation before (words_,
// and any later cut that keeps the leaves of unchanged attributes): after
// every merge, removal, replaced value and restored snapshot the engine must
// answer as a new engine given the same attributes.
TEST(SegmentStep, KeptLeavesAnswerAsANewEngine) {
  const char* const kConfig = R"({
    "segments": [
      {"id": "cto", "condition": {"job_title": "CTO", "company_size": {"$gte": 100}}},
      {"id": "eu", "condition": {"country": {"$in": ["DE", "FR"]}}},
      {"id": "plans", "condition": {"landing_path": {"$regex": "^/pricing/.*plan"}}},
      {"id": "opted", "condition": {"$or": [{"consent": true}, {"landing_path": {"$regex": "^/pricing/.*plan"}}]}},
      {"id": "small", "condition": {"company_size": {"$lt": 10}, "country": {"$nin": ["US"]}}}
    ]
  })";
  const auto config = Compile(kConfig);
  Engine e(config);
  Json merged = Json::object();
  std::string snapshot;
  Json at_snapshot;
  const char* const kSteps[] = {
      R"({"job_title": "CTO", "company_size": 500, "country": "DE", "landing_path": "/pricing/x-plan"})",
      R"({"company_size": 5})",
      R"({"country": "US"})",
      R"({"landing_path": "/pricing/none", "consent": true})",
      "snapshot",
      R"({"landing_path": null, "job_title": "VP", "country": "FR"})",
      R"({"consent": false, "company_size": 200})",
      "restore",
      R"({"company_size": 200})",
      R"({"landing_path": "/pricing/team-plan"})",
      R"({"job_title": "CTO"})"};
  TimeMs at = kT0;
  for (const char* step : kSteps) {
    if (std::string(step) == "snapshot") {
      snapshot = e.Snapshot();
      at_snapshot = merged;
      continue;
    }
    if (std::string(step) == "restore") {
      ASSERT_TRUE(e.Restore(snapshot).ok());
      merged = at_snapshot;
    } else {
      const Json traits = Json::parse(step);
      for (auto it = traits.begin(); it != traits.end(); ++it) {
        if (it.value().is_null()) merged.erase(it.key());
        else merged[it.key()] = it.value();
      }
      Identify(&e, step, ++at);
    }
    Engine fresh(config);
    EXPECT_EQ(e.Segments(), Identify(&fresh, merged.dump().c_str(), at)) << "after " << step;
  }
}

}  // namespace
}  // namespace leadseg
