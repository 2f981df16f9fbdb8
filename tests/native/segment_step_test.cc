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

}  // namespace
}  // namespace leadseg
