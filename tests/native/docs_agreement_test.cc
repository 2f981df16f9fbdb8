// Places where the engine once disagreed with docs/config.md (issue 13):
// each test states the documented rule and checks the engine follows it.
#include <gtest/gtest.h>

#include "config/config.h"
#include "core/duration.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "test_config.h"

namespace leadseg {
namespace {

using testing::Compile;
using testing::kT0;

Diagnostics Errors(const std::string& text) {
  Diagnostics d;
  EXPECT_FALSE(CompileConfigText(text, &d)) << "compiled: " << text;
  return d;
}

// "maxPoints limits positive points only: on a rule with negative points it
// has no effect." The engine used to stop a -12 rule at -5.
TEST(DocsAgreement, MaxPointsDoesNotBoundNegativeRules) {
  auto config = Compile(R"({"segments": [], "scoring": {"rules": [
    {"id": "u", "points": -12, "event": {"type": "x"}, "maxPoints": 5},
    {"id": "p", "points": 4, "event": {"type": "x"}, "maxPoints": 6}]}})");
  Engine e(config);
  ASSERT_TRUE(e.Track("x", nullptr, kT0).ok());
  ASSERT_TRUE(e.Track("x", nullptr, kT0 + kHour).ok());
  Json b = e.ScoreBreakdown();
  // -12 twice, plus 4 then 2 (the positive rule's cap still cuts).
  EXPECT_DOUBLE_EQ(b["behavioral"]["raw"].get<double>(), -24 + 6) << b.dump();
  EXPECT_DOUBLE_EQ(b["score"].get<double>(), -18);
  // The counters survive a snapshot: a third event keeps -12 and the
  // positive rule stays capped.
  Engine restored(config);
  ASSERT_TRUE(restored.Restore(e.Snapshot()).ok());
  ASSERT_TRUE(restored.Track("x", nullptr, kT0 + 2 * kHour).ok());
  EXPECT_DOUBLE_EQ(restored.ScoreBreakdown()["behavioral"]["raw"].get<double>(), -36 + 6);
}

// A segment whose condition has an error is defined: segments naming it must
// not report it as unknown. Only the real error is reported.
TEST(DocsAgreement, ABrokenSegmentIsNotCalledUnknown) {
  Diagnostics d = Errors(R"({"segments": [
    {"id": "a", "condition": {"x": {"$gtee": 1}}},
    {"id": "b", "condition": {"segments": {"$in": ["a"]}}},
    {"id": "c", "condition": {"segments": {"$all": ["a", "b"]}}}]})");
  ASSERT_EQ(d.all().size(), 1u) << d.Format();
  EXPECT_EQ(d.all()[0].code, "condition");
  EXPECT_EQ(d.all()[0].path, "/segments/0/condition/x/$gtee");
  // A segment without a condition is defined too; an id nowhere in the
  // config is still unknown.
  d = Errors(R"({"segments": [{"id": "a"}, {"id": "b", "condition": {"segments": {"$in": ["a", "ghost"]}}}]})");
  ASSERT_EQ(d.all().size(), 2u) << d.Format();
  EXPECT_EQ(d.all()[0].path, "/segments/0/condition");
  EXPECT_EQ(d.all()[1].message, "unknown segment \"ghost\"");
}

// Times: one rule for every call, stated once in docs/config.md.
TEST(DocsAgreement, TimesInSecondsAreRefusedByEveryCall) {
  auto config = Compile(R"({"segments": [{"id": "cto", "condition": {"job_title": "CTO"}}],
    "slots": [{"id": "hero", "variants": [{"id": "a"}], "default": "a"}]})");
  Engine e(config);
  const TimeMs seconds = 1807812000;  // 2027-04-15 in seconds; 1970-01-21 in ms
  Status s = e.Identify(Json{{"job_title", "CTO"}}, seconds).status();
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
  EXPECT_NE(s.message().find("time 1807812000 is in 1970, before 1973-03-03 (1e11 ms): seconds passed as "
                             "milliseconds?"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(e.Segments().empty()) << "the refused identify changed the profile";
  EXPECT_EQ(e.clock(), 0);
  EXPECT_FALSE(e.Declare("k", 1, seconds).ok());
  EXPECT_FALSE(e.Track("x", nullptr, seconds).ok());
  EXPECT_FALSE(e.Advance(seconds).ok());
  EXPECT_FALSE(e.Decide("hero", seconds).ok());
  EXPECT_FALSE(e.Convert("goal", seconds).ok());
  EXPECT_EQ(e.event_count(), 0u);
  // The boundary: 1e11 is accepted, one millisecond less is not.
  EXPECT_FALSE(CheckTimestamp(static_cast<double>(kEarliestTime - 1), "time").ok());
  EXPECT_TRUE(CheckTimestamp(static_cast<double>(kEarliestTime), "time").ok());
  EXPECT_NE(CheckTimestamp(0, "time").message().find("time 0 is in 1970"), std::string::npos);
  EXPECT_NE(CheckTimestamp(99999999999, "time").message().find("is in 1973"), std::string::npos);
  // A snapshot of an engine never called (clock 0) still restores.
  Engine fresh(config);
  EXPECT_TRUE(fresh.Restore(Engine(config).Snapshot()).ok());
}

// What a fresh profile starts in is reported once, as initial changes; a
// restored visitor, already in those segments, reports none.
TEST(DocsAgreement, MembershipAtLoadIsReportedForAFreshProfileOnly) {
  auto config = Compile(R"({"segments": [
    {"id": "cto", "condition": {"job_title": "CTO"}},
    {"id": "nobody", "condition": {"segments": {"$size": 0}}}]})");
  Engine e(config);
  EXPECT_EQ(e.Segments(), std::vector<std::string>{"nobody"});
  EXPECT_EQ(e.initial_changes().entered, std::vector<std::string>{"nobody"});
  EXPECT_TRUE(e.initial_changes().exited.empty());
  // The first call reports against that membership: no second enter.
  auto changes = e.Identify(Json{{"job_title", "CTO"}}, kT0);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->entered, std::vector<std::string>{"cto"});
  EXPECT_EQ(changes->exited, std::vector<std::string>{"nobody"});

  Engine other_tab(config);
  ASSERT_TRUE(other_tab.Restore(e.Snapshot()).ok());
  EXPECT_TRUE(other_tab.initial_changes().empty());
  EXPECT_EQ(other_tab.Segments(), std::vector<std::string>{"cto"});

  e.Erase();  // a fresh profile again
  EXPECT_EQ(e.initial_changes().entered, std::vector<std::string>{"nobody"});
}

// "A config with slots and no segments (an experiments-only site) is valid."
TEST(DocsAgreement, SegmentsAreOptional) {
  auto config = Compile(R"({"slots": [{"id": "hero", "variants": [{"id": "a"}, {"id": "b"}], "default": "a",
    "experiment": {"key": "hero_test", "variants": ["a", "b"]}}]})");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->segments().empty());
  Engine e(config);
  ASSERT_TRUE(e.SetVisitorId("v1").ok());
  auto d = e.Decide("hero", kT0);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->experiment, "hero_test");
  EXPECT_TRUE(Errors(R"({"segments": {}})").Format().find("segments must be an array") != std::string::npos);
}

// A scoring cycle's error points at the rule that closes it.
TEST(DocsAgreement, CycleErrorsNameTheRule) {
  Diagnostics d = Errors(R"({"segments": [], "scoring": {"rules": [
    {"id": "e", "points": 5, "event": {"type": "x"}},
    {"id": "t", "points": 1, "trait": {"job_title": "CTO"}},
    {"id": "warm_bonus", "points": 3, "trait": {"temperature": "warm"}}]},
    "temperature": {}})");
  ASSERT_EQ(d.all().size(), 1u) << d.Format();
  EXPECT_EQ(d.all()[0].code, "cycle");
  EXPECT_EQ(d.all()[0].message, "these depend on each other in a cycle: score -> temperature -> score");
  EXPECT_EQ(d.all()[0].path, "/scoring/rules/2");
  // A grading rule reading grade, a stage reading grade while grading reads stage.
  d = Errors(R"({"segments": [], "grading": {"rules": [
    {"id": "a", "points": 1, "condition": {}}, {"id": "b", "points": 1, "condition": {"grade": "A"}}]}})");
  ASSERT_EQ(d.all().size(), 1u) << d.Format();
  EXPECT_EQ(d.all()[0].path, "/grading/rules/1");
  d = Errors(R"({"segments": [], "grading": {"rules": [{"id": "s", "points": 1, "condition": {"stage": "b"}}]},
    "lifecycle": {"stages": [{"id": "a"}, {"id": "b", "condition": {"grade": "A"}}]}})");
  ASSERT_EQ(d.all().size(), 1u) << d.Format();
  EXPECT_EQ(d.all()[0].message, "these depend on each other in a cycle: grade -> stage -> grade");
  EXPECT_EQ(d.all()[0].path, "/grading/rules/0");
}

}  // namespace
}  // namespace leadseg
