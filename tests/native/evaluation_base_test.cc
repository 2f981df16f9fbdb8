// Every evaluation starts from the explicit attributes alone: a condition
// that runs before the step writing a derived attribute sees the value the
// visitor's traits give it (none, usually), never what the previous
// evaluation wrote. Engine::Impl::Evaluate copies back only the attributes
// the previous evaluation wrote and those identify replaced; these tests
// fail if a written attribute were left out of that copy.
#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "leadseg/engine.h"
#include "test_config.h"
#include "test_frames.h"

namespace leadseg {
namespace {

using testing::Compile;
using testing::kT0;

Result<SegmentChanges> Identify(Engine* e, const char* json, TimeMs at) {
  Document doc;
  return e->Identify(doc.Add(Json::parse(json)), at);
}

// A stage condition that reads "mql": the lifecycle step writes the stage
// before the hand-offs, so the condition sees no MQL, in every evaluation.
constexpr const char* kStageReadsMql = R"({"segments": [], "lifecycle": {
    "stages": [{"id": "new"}, {"id": "qualified", "condition": {"$or": [{"mql": true}, {"plan": "enterprise"}]}}],
    "mql": {"company_size": {"$gte": 100}}}})";

TEST(EvaluationBase, AStageBeforeTheHandOffNeverSeesThePreviousMql) {
  auto config = Compile(kStageReadsMql);
  ASSERT_TRUE(config);
  Engine e(config);
  auto first = Identify(&e, R"({"company_size": 500, "plan": "free"})", kT0);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->mql);
  EXPECT_EQ(e.Summary().stage, "new");
  // The stage's condition runs again (its "plan" changed), with "mql" still
  // unwritten when it runs.
  auto second = Identify(&e, R"({"plan": "team"})", kT0 + 1);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->stages.empty());
  EXPECT_EQ(e.Summary().stage, "new");
}

// The same through identify's usual call, a frame of the stored names in
// the stored order (Engine::Impl::ReplaceStoredFrame's pass).
TEST(EvaluationBase, TheSameThroughAFrameOfStoredNames) {
  auto config = Compile(kStageReadsMql);
  ASSERT_TRUE(config);
  Engine e(config);
  ASSERT_TRUE(Identify(&e, R"({"company_size": 500, "plan": "free"})", kT0).ok());
  EXPECT_TRUE(e.Summary().mql);
  for (const char* plan : {"team", "pro", "free"}) {
    const std::string traits = std::string(R"({"company_size": 600, "plan": ")") + plan + "\"}";
    ASSERT_TRUE(e.IdentifyFrame(testing::Frame(traits), kT0 + 1).ok()) << traits;
    EXPECT_EQ(e.Summary().stage, "new") << traits;
  }
  ASSERT_TRUE(e.IdentifyFrame(testing::Frame(R"({"company_size": 600, "plan": "enterprise"})"), kT0 + 2).ok());
  EXPECT_EQ(e.Summary().stage, "qualified");
}

}  // namespace
}  // namespace leadseg
