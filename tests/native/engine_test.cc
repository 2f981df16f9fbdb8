// Profile, metrics and real-time segments, with hand-computed expectations.
#include "leadseg/engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/value_codec.h"
#include "decisions/bandit.h"
#include "decisions/bucketing.h"
#include "leadseg/compiler.h"
#include "profile/profile.h"
#include "test_config.h"

namespace leadseg {
namespace {

using testing::Compile;
using testing::kT0;

const char* kConfig = R"({
  "metrics": [
    {"id": "pricing_2d", "aggregate": "count", "window": "2d",
     "where": {"type": "page_view", "path": {"$regex": "^/pricing"}}},
    {"id": "views", "aggregate": "count", "where": {"type": "page_view"}},
    {"id": "spend", "aggregate": "sum", "field": "amount", "where": {"type": "purchase"}},
    {"id": "spend_7d", "aggregate": "sum", "field": "amount", "window": "7d", "where": {"type": "purchase"}},
    {"id": "min_order_7d", "aggregate": "min", "field": "amount", "window": "7d", "where": {"type": "purchase"}},
    {"id": "max_order", "aggregate": "max", "field": "amount", "where": {"type": "purchase"}},
    {"id": "avg_order", "aggregate": "avg", "field": "amount", "where": {"type": "purchase"}},
    {"id": "categories_30d", "aggregate": "distinct", "field": "category", "window": "30d"},
    {"id": "first_source", "aggregate": "first", "field": "source", "where": {"type": "page_view"}},
    {"id": "last_path", "aggregate": "last", "field": "path", "where": {"type": "page_view"}},
    {"id": "days_since_first", "aggregate": "sinceFirst"},
    {"id": "hours_since_visit", "aggregate": "sinceLast", "unit": "1h", "where": {"type": "page_view"}}
  ],
  "segments": [
    {"id": "high_intent", "kind": "behavioral",
     "condition": {"job_title": {"$in": ["CTO", "IT Manager"]}, "pricing_2d": {"$gte": 2}}},
    {"id": "buyer", "condition": {"spend": {"$gt": 0}}},
    {"id": "hot_buyer", "condition": {"segments": {"$all": ["buyer", "high_intent"]}}},
    {"id": "security_fan", "condition": {"declared.interests": {"$in": ["security"]}}}
  ],
  "hygiene": {"maxSegments": 10}
})";

Json Props(const char* json) { return Json::parse(json); }

TEST(Engine, EveryMetricKind) {
  Engine e(Compile(kConfig));
  ASSERT_TRUE(e.Track("page_view", Props(R"({"path": "/pricing", "source": "google", "category": "a"})"), kT0).ok());
  ASSERT_TRUE(e.Track("page_view", Props(R"({"path": "/docs", "source": "bing", "category": "b"})"), kT0 + kHour).ok());
  ASSERT_TRUE(e.Track("purchase", Props(R"({"amount": 100, "category": "a"})"), kT0 + 2 * kHour).ok());
  ASSERT_TRUE(e.Track("purchase", Props(R"({"amount": "50.5"})"), kT0 + 3 * kHour).ok());
  ASSERT_TRUE(e.Track("purchase", Props(R"({"amount": "n/a"})"), kT0 + 3 * kHour).ok());  // not a number: ignored
  ASSERT_TRUE(e.Advance(kT0 + 5 * kHour).ok());
  Json m = e.Metrics();
  EXPECT_EQ(m["pricing_2d"], 1);
  EXPECT_EQ(m["views"], 2);
  EXPECT_EQ(m["spend"], 150.5);
  EXPECT_EQ(m["spend_7d"], 150.5);
  EXPECT_EQ(m["min_order_7d"], 50.5);
  EXPECT_EQ(m["max_order"], 100);
  EXPECT_EQ(m["avg_order"], 75.25);
  EXPECT_EQ(m["categories_30d"], 2);
  EXPECT_EQ(m["first_source"], "google");
  EXPECT_EQ(m["last_path"], "/docs");
  EXPECT_DOUBLE_EQ(m["days_since_first"].get<double>(), 5.0 / 24);
  EXPECT_EQ(m["hours_since_visit"], 4);
}

TEST(Engine, EmptyMetricsReadZeroOrNull) {
  Engine e(Compile(kConfig));
  Json m = e.Metrics();
  EXPECT_EQ(m["views"], 0);
  EXPECT_EQ(m["spend"], 0);
  EXPECT_EQ(m["categories_30d"], 0);
  EXPECT_TRUE(m["max_order"].is_null());
  EXPECT_TRUE(m["avg_order"].is_null());
  EXPECT_TRUE(m["last_path"].is_null());
  EXPECT_TRUE(m["hours_since_visit"].is_null());
}

TEST(Engine, WindowBoundaryIsInclusive) {
  Engine e(Compile(kConfig));
  ASSERT_TRUE(e.Track("page_view", Props(R"({"path": "/pricing"})"), kT0).ok());
  ASSERT_TRUE(e.Advance(kT0 + 2 * kDay).ok());  // exactly two days later
  EXPECT_EQ(e.Metrics()["pricing_2d"], 1);
  ASSERT_TRUE(e.Advance(kT0 + 2 * kDay + 1).ok());  // one millisecond past
  EXPECT_EQ(e.Metrics()["pricing_2d"], 0);
}

TEST(Engine, SegmentsEnterAndExitAsTimePasses) {
  Engine e(Compile(kConfig));
  auto r = e.Identify(Props(R"({"job_title": "CTO"})"), kT0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  r = e.Track("page_view", Props(R"({"path": "/pricing"})"), kT0);
  EXPECT_TRUE(r->entered.empty());
  r = e.Track("page_view", Props(R"({"path": "/pricing/enterprise"})"), kT0 + kDay);
  ASSERT_EQ(r->entered, std::vector<std::string>{"high_intent"});
  r = e.Track("purchase", Props(R"({"amount": 10})"), kT0 + kDay);
  EXPECT_EQ(r->entered, (std::vector<std::string>{"buyer", "hot_buyer"}));
  // The same segments by index, which the wasm binding sends instead.
  EXPECT_EQ(r->entered_indexes, (std::vector<uint32_t>{1, 2}));
  EXPECT_TRUE(r->exited_indexes.empty());
  // The first pricing view leaves the 2-day window a millisecond after
  // kT0 + 2d: the visitor drops out of high_intent, and so hot_buyer.
  r = e.Advance(kT0 + 2 * kDay + 1);
  EXPECT_EQ(r->exited, (std::vector<std::string>{"high_intent", "hot_buyer"}));
  EXPECT_EQ(r->exited_indexes, (std::vector<uint32_t>{0, 2}));
  EXPECT_TRUE(r->entered_indexes.empty());
  EXPECT_EQ(e.Segments(), std::vector<std::string>{"buyer"});
}

// The wasm binding asks for indexes only: the same segments, no ids.
TEST(Engine, ChangesAsIndexesOnly) {
  Engine e(Compile(kConfig));
  e.ReportChangesAsIndexes();
  ASSERT_TRUE(e.Identify(Props(R"({"job_title": "CTO"})"), kT0).ok());
  ASSERT_TRUE(e.Track("page_view", Props(R"({"path": "/pricing"})"), kT0).ok());
  ASSERT_TRUE(e.Track("page_view", Props(R"({"path": "/pricing/enterprise"})"), kT0 + kDay).ok());
  auto r = e.Track("purchase", Props(R"({"amount": 10})"), kT0 + kDay);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entered_indexes, (std::vector<uint32_t>{1, 2}));
  EXPECT_TRUE(r->entered.empty());
  r = e.Advance(kT0 + 2 * kDay + 1);
  EXPECT_EQ(r->exited_indexes, (std::vector<uint32_t>{0, 2}));
  EXPECT_TRUE(r->exited.empty());
  EXPECT_EQ(e.Segments(), std::vector<std::string>{"buyer"});
}

// identify reads a replaced scalar (a string, a number, a boolean) from
// the bytes it stored rather than decoding them again: what conditions see
// must be the new value, held in the profile's own bytes (the frame it
// came in is reused by the next call).
TEST(Engine, IdentifyReplacesValuesInPlace) {
  Engine e(Compile(R"({"segments": [
    {"id": "cto", "condition": {"job_title": "CTO"}},
    {"id": "big", "condition": {"size": {"$gte": 100}}},
    {"id": "customer", "condition": {"customer": true}},
    {"id": "tagged", "condition": {"tags": "x"}}
  ]})"));
  std::string frame;
  auto identify = [&](const char* json) {
    Document doc;
    frame.clear();
    EncodeValue(doc.Add(Props(json)), &frame);
    auto r = e.IdentifyFrame(frame, kT0);
    // Scribble over the frame: nothing may still point into it.
    std::memset(&frame[0], 0x7f, frame.size());
    return r;
  };
  ASSERT_TRUE(identify(R"({"job_title": "CEO", "size": 5, "customer": false, "tags": ["y"]})").ok());
  EXPECT_TRUE(e.Segments().empty());
  auto r = identify(R"({"job_title": "CTO", "size": 500, "customer": true, "tags": ["x"]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entered, (std::vector<std::string>{"cto", "big", "customer", "tagged"}));
  EXPECT_EQ(e.AttributeView()["job_title"], "CTO");
  EXPECT_EQ(e.AttributeView()["size"], 500);
  r = identify(R"({"job_title": "Founder", "size": 7, "customer": false, "tags": []})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exited, (std::vector<std::string>{"cto", "big", "customer", "tagged"}));
  EXPECT_EQ(e.AttributeView()["job_title"], "Founder");
}

// A condition that reads the membership as a whole ($size, $regex) sees
// every segment that does not itself read "segments", wherever it is listed;
// one naming ids sees those. Both in the engine and in batch evaluation.
TEST(Engine, WholeMembershipConditionsSeeEverySegment) {
  auto config = Compile(R"({"segments": [
    {"id": "unsegmented", "condition": {"segments": {"$size": 0}}},
    {"id": "any_ent", "condition": {"segments": {"$elemMatch": {"$regex": "^ent"}}}},
    {"id": "enterprise", "condition": {"company_size": {"$gte": 1000}}},
    {"id": "tech", "condition": {"industry": "Technology"}},
    {"id": "big_tech", "condition": {"segments": {"$all": ["enterprise", "tech"]}}}
  ]})");
  ASSERT_TRUE(config);
  Engine e(config);
  EXPECT_EQ(e.Segments(), (std::vector<std::string>{"unsegmented"}));
  ASSERT_TRUE(e.Identify(Props(R"({"company_size": 5000, "industry": "Technology"})"), kT0).ok());
  EXPECT_EQ(e.Segments(), (std::vector<std::string>{"any_ent", "enterprise", "tech", "big_tech"}));
  ASSERT_TRUE(e.Identify(Props(R"({"company_size": 5})"), kT0).ok());
  EXPECT_EQ(e.Segments(), (std::vector<std::string>{"tech"}));

  Document doc;
  AttributeSet attributes(&config->schema());
  attributes.SetFromObject(doc.Add(Json{{"company_size", 2000}}));
  std::vector<uint8_t> out;
  config->EvaluateSegments(&attributes, &doc, &out);
  EXPECT_EQ(out, (std::vector<uint8_t>{0, 1, 1, 0, 0}));
}

// Reading the whole membership from a score rule, while a segment reads the
// score, is circular: an error naming the cycle, not a silent partial view.
TEST(Engine, WholeMembershipReadsCanBeCycles) {
  Diagnostics d;
  auto c = CompileConfigText(R"({
    "segments": [{"id": "hot", "condition": {"score": {"$gte": 50}}}],
    "scoring": {"rules": [{"id": "segmented", "points": 10, "trait": {"segments": {"$size": {"$gt": 0}}}}]}
  })", &d);
  EXPECT_EQ(c, nullptr);
  EXPECT_NE(d.Format().find("cycle"), std::string::npos) << d.Format();
}

// A lifecycle whose MQL hand-off reads the stage and whose SQL reads the MQL.
constexpr const char* kHandOffConfig = R"({"segments": [], "lifecycle": {
    "stages": [{"id": "browsing"}, {"id": "evaluating", "condition": {"x": 1}}],
    "mql": {"stage": "evaluating"}, "sql": {"mql": true, "y": 1}}})";

// The hand-offs read what is decided before them: stage, then MQL, then SQL
// (docs/config.md, "Evaluation order and cycles").
TEST(Engine, HandOffsReadTheStageAndTheMql) {
  auto config = Compile(kHandOffConfig);
  ASSERT_TRUE(config);
  Engine e(config);
  auto changes = e.Identify(Props(R"({"x": 1, "y": 1})"), kT0);
  ASSERT_TRUE(changes.ok());
  EXPECT_TRUE(changes->mql);
  EXPECT_TRUE(changes->sql);
}

// A recycled change set lends the next call its storage, never its values:
// after a call that moves everything (both lists, a stage, the temperature,
// both hand-offs) is handed back, a call that moves nothing reports nothing.
TEST(Engine, RecycledChangesCarryNoValues) {
  auto config = Compile(R"({
    "segments": [{"id": "in", "condition": {"x": 1}}, {"id": "out", "condition": {"x": {"$ne": 1}}}],
    "scoring": {"rules": [{"id": "x", "points": 50, "trait": {"x": 1}}]},
    "temperature": {"warm": 20, "hot": 45, "hysteresis": 5},
    "lifecycle": {"stages": [{"id": "browsing"}, {"id": "evaluating", "condition": {"x": 1}}],
                  "mql": {"stage": "evaluating"}, "sql": {"mql": true, "x": 1}}})");
  ASSERT_TRUE(config);
  Engine e(config);
  auto moved = e.Identify(Props(R"({"x": 1})"), kT0);
  ASSERT_TRUE(moved.ok());
  // Every field is set, so the second call's checks below can fail.
  ASSERT_EQ(moved->entered, std::vector<std::string>{"in"});
  ASSERT_EQ(moved->exited, std::vector<std::string>{"out"});
  ASSERT_EQ(moved->entered_indexes, std::vector<uint32_t>{0});
  ASSERT_EQ(moved->exited_indexes, std::vector<uint32_t>{1});
  ASSERT_FALSE(moved->stages.empty());
  ASSERT_EQ(moved->temperature, "hot");
  ASSERT_TRUE(moved->mql);
  ASSERT_TRUE(moved->sql);
  e.Recycle(std::move(moved).value());

  auto still = e.Identify(Props(R"({"y": 2})"), kT0 + 1);
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(still->entered.empty());
  EXPECT_TRUE(still->exited.empty());
  EXPECT_TRUE(still->entered_indexes.empty());
  EXPECT_TRUE(still->exited_indexes.empty());
  EXPECT_TRUE(still->stages.empty());
  EXPECT_TRUE(still->temperature.empty());
  EXPECT_FALSE(still->mql);
  EXPECT_FALSE(still->sql);
  EXPECT_TRUE(still->empty());
}

// Summary() (segmentLeads's headline numbers) says whether the lead is an
// MQL / SQL by now; without a lifecycle it says false.
TEST(Engine, SummaryReportsMqlAndSql) {
  auto config = Compile(kHandOffConfig);
  ASSERT_TRUE(config);
  Engine e(config);
  ASSERT_TRUE(e.Identify(Props(R"({"x": 0})"), kT0).ok());
  EXPECT_FALSE(e.Summary().mql);
  EXPECT_FALSE(e.Summary().sql);
  ASSERT_TRUE(e.Identify(Props(R"({"x": 1})"), kT0 + 1).ok());
  EXPECT_TRUE(e.Summary().mql);
  EXPECT_FALSE(e.Summary().sql);
  ASSERT_TRUE(e.Identify(Props(R"({"y": 1})"), kT0 + 2).ok());
  EXPECT_TRUE(e.Summary().mql);
  EXPECT_TRUE(e.Summary().sql);

  auto no_lifecycle = Compile(R"({"segments": [{"id": "x", "condition": {"x": 1}}]})");
  ASSERT_TRUE(no_lifecycle);
  Engine plain(no_lifecycle);
  ASSERT_TRUE(plain.Identify(Props(R"({"x": 1})"), kT0).ok());
  EXPECT_FALSE(plain.Summary().mql);
  EXPECT_FALSE(plain.Summary().sql);
}

// Restored under an edited config, cap counters follow their rule's id and
// the stage its id, not their position (docs/config.md, "Snapshots and
// config changes"). Retention deletes the events, so only the stored
// counters can keep the caps.
TEST(Engine, ConfigEditsCarryCountersAndStagesById) {
  const char* before = R"({"segments": [], "retention": {"maxEvents": 1},
    "scoring": {"rules": [
      {"id": "webinar", "points": 10, "event": {"type": "webinar"}, "maxTimes": 1},
      {"id": "download", "points": 5, "event": {"type": "download"}, "maxTimes": 1}]},
    "lifecycle": {"stages": [{"id": "new"}, {"id": "engaged", "condition": {"score": {"$gte": 10}}}]}})";
  const char* after = R"({"segments": [], "retention": {"maxEvents": 1},
    "scoring": {"rules": [
      {"id": "download", "points": 5, "event": {"type": "download"}, "maxTimes": 1},
      {"id": "webinar", "points": 10, "event": {"type": "webinar"}, "maxTimes": 1}]},
    "lifecycle": {"stages": [{"id": "new"}, {"id": "trial", "condition": {"never": true}},
                             {"id": "engaged", "condition": {"score": {"$gte": 10}}}]}})";
  Engine e(Compile(before));
  ASSERT_TRUE(e.Track("webinar", nullptr, kT0).ok());
  ASSERT_TRUE(e.Track("page_view", nullptr, kT0 + 1000).ok());  // prunes the webinar
  ASSERT_EQ(e.ScoreBreakdown()["stage"], "engaged");
  Engine edited(Compile(after));
  ASSERT_TRUE(edited.Restore(e.Snapshot()).ok());
  EXPECT_EQ(edited.ScoreBreakdown()["stage"], "engaged");
  // The webinar's cap came along: a second webinar scores nothing, while
  // the first download (whose rule now sits where webinar was) scores 5.
  ASSERT_TRUE(edited.Track("webinar", nullptr, kT0 + 2000).ok());
  EXPECT_EQ(edited.ScoreBreakdown()["score"], 10);
  ASSERT_TRUE(edited.Track("download", nullptr, kT0 + 3000).ok());
  EXPECT_EQ(edited.ScoreBreakdown()["score"], 15);
}

TEST(Engine, DeclarationsAreAttributes) {
  Engine e(Compile(kConfig));
  auto r = e.Declare("interests", Props(R"(["security", "api"])"), kT0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entered, std::vector<std::string>{"security_fan"});
  r = e.Declare("interests", nullptr, kT0 + 1);
  EXPECT_EQ(r->exited, std::vector<std::string>{"security_fan"});
}

TEST(Engine, LateEventsAreInsertedInOrder) {
  Engine in_order(Compile(kConfig));
  Engine late(Compile(kConfig));
  for (TimeMs t : {kT0, kT0 + kHour, kT0 + 2 * kHour}) {
    in_order.Track("purchase", Props(R"({"amount": 1})"), t);
  }
  late.Track("purchase", Props(R"({"amount": 1})"), kT0 + 2 * kHour);
  late.Track("purchase", Props(R"({"amount": 1})"), kT0);
  late.Track("purchase", Props(R"({"amount": 1})"), kT0 + kHour);
  EXPECT_EQ(in_order.Metrics(), late.Metrics());
  EXPECT_EQ(late.profile().events.front().ts, kT0);
}

TEST(Engine, RetentionPrunesButAllTimeMetricsStayExact) {
  std::string config = kConfig;
  config.replace(config.find(R"("hygiene")"), 0, R"("retention": {"maxAge": "30d", "maxEvents": 5}, )");
  Engine e(Compile(config));
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(e.Track("purchase", Props(R"({"amount": 10})"), kT0 + i * kHour).ok());
  }
  EXPECT_EQ(e.event_count(), 5u);
  EXPECT_EQ(e.Metrics()["spend"], 80);      // all time: includes pruned
  EXPECT_EQ(e.Metrics()["spend_7d"], 50);   // window sees retained events only
  ASSERT_TRUE(e.Advance(kT0 + 40 * kDay).ok());
  EXPECT_EQ(e.event_count(), 0u);
  EXPECT_EQ(e.Metrics()["spend"], 80);
  EXPECT_EQ(e.Metrics()["max_order"], 10);
  // An event older than the retention window is refused and changes nothing.
  auto r = e.Track("purchase", Props(R"({"amount": 10})"), kT0);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(e.Metrics()["spend"], 80);
}

TEST(Engine, SnapshotRoundTripIsExact) {
  std::string config = kConfig;
  config.replace(config.find(R"("hygiene")"), 0, R"("retention": {"maxEvents": 3}, )");
  auto compiled = Compile(config);
  Engine a(compiled);
  a.Identify(Props(R"({"job_title": "CTO", "company": {"size": 80}})"), kT0);
  a.Declare("interests", Props(R"(["security"])"), kT0);
  for (int i = 0; i < 6; ++i) a.Track("page_view", Props(R"({"path": "/pricing", "source": "x"})"), kT0 + i * kHour);
  a.Track("purchase", Props(R"({"amount": 12.5})"), kT0 + 7 * kHour);
  std::string bytes = a.Snapshot();
  Engine b(compiled);
  ASSERT_TRUE(b.Restore(bytes).ok());
  EXPECT_EQ(a.Export(), b.Export());
  EXPECT_EQ(a.Metrics(), b.Metrics());
  EXPECT_EQ(a.Segments(), b.Segments());
  EXPECT_EQ(b.Snapshot(), bytes);
  EXPECT_EQ(b.Metrics()["views"], 6);  // 3 of them pruned, still counted
}

TEST(Engine, BadSnapshotsAreRejectedAndChangeNothing) {
  auto compiled = Compile(kConfig);
  Engine a(compiled);
  a.Track("page_view", Props(R"({"path": "/pricing"})"), kT0);
  std::string good = a.Snapshot();
  Engine b(compiled);
  b.Identify(Props(R"({"job_title": "CTO"})"), kT0);
  Json before = b.Export();
  std::string truncated = good.substr(0, good.size() - 3);
  std::string flipped = good;
  flipped[flipped.size() - 2] ^= 0x40;
  std::string future = good;
  future[4] = 9;
  for (const std::string* bad : {&truncated, &flipped, &future}) {
    Status s = b.Restore(*bad);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(b.Export(), before);
  }
  EXPECT_EQ(b.Restore(future).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(b.Restore("garbage").code(), StatusCode::kDataLoss);
}

TEST(Engine, ExplainShowsEachLeafWithTheValueSeen) {
  Engine e(Compile(kConfig));
  e.Identify(Props(R"({"job_title": "CTO"})"), kT0);
  e.Track("page_view", Props(R"({"path": "/pricing"})"), kT0);
  auto x = e.Explain("high_intent");
  ASSERT_TRUE(x.ok());
  EXPECT_FALSE((*x)["member"].get<bool>());
  ASSERT_EQ((*x)["leaves"].size(), 2u);
  EXPECT_EQ((*x)["leaves"][0]["actual"], "CTO");
  EXPECT_TRUE((*x)["leaves"][0]["passed"].get<bool>());
  EXPECT_EQ((*x)["leaves"][1]["attribute"], "pricing_2d");
  EXPECT_EQ((*x)["leaves"][1]["actual"], 1);
  EXPECT_FALSE((*x)["leaves"][1]["passed"].get<bool>());
  EXPECT_FALSE(e.Explain("nope").ok());
}

TEST(Engine, BadCallsChangeNothing) {
  Engine e(Compile(kConfig));
  e.Identify(Props(R"({"job_title": "CTO"})"), kT0);
  Json before = e.Export();
  EXPECT_FALSE(e.Identify(Props(R"(["x"])"), kT0).ok());
  EXPECT_FALSE(e.Identify(Props(R"({"views": 3})"), kT0).ok());  // a metric id
  EXPECT_FALSE(e.Track("", Props("{}"), kT0).ok());
  EXPECT_FALSE(e.Track("x", Props("[1]"), kT0).ok());
  EXPECT_FALSE(e.Track("x", Props("{}"), -5).ok());
  EXPECT_FALSE(e.Track("x", Props("{}"), kT0 * 1000).ok());  // microseconds
  EXPECT_FALSE(e.Declare("", Props("1"), kT0).ok());
  EXPECT_EQ(e.Export(), before);
}

// Event properties as the JavaScript package sends them: a value frame.
std::string Frame(const char* json) {
  Document doc;
  std::string out;
  EncodeValue(doc.Add(Json::parse(json)), &out);
  return out;
}

TEST(Engine, TrackFrameIsTrackWithoutJson) {
  auto compiled = Compile(kConfig);
  Engine a(compiled);
  Engine b(compiled);
  const char* props[] = {R"({"path": "/pricing", "source": "google", "category": "a"})",
                         R"({"amount": 100, "nested": {"list": [1, "two", null, true]}})", "{}"};
  const char* types[] = {"page_view", "purchase", "page_view"};
  for (int i = 0; i < 3; ++i) {
    auto x = a.Track(types[i], Props(props[i]), kT0 + i * kHour);
    auto y = b.TrackFrame(types[i], Frame(props[i]), kT0 + i * kHour);
    ASSERT_TRUE(x.ok() && y.ok()) << y.status().message();
    EXPECT_EQ(x->entered, y->entered);
  }
  b.Track("page_view", Props(R"({"path": "/late"})"), kT0 - kHour);  // a late event: rebuilds
  a.TrackFrame("page_view", Frame(R"({"path": "/late"})"), kT0 - kHour);
  EXPECT_EQ(a.Snapshot(), b.Snapshot());
  EXPECT_EQ(a.Metrics(), b.Metrics());
  EXPECT_EQ(a.Export(), b.Export());
}

TEST(Engine, BadFramesAreRefusedAndChangeNothing) {
  Engine e(Compile(kConfig));
  e.TrackFrame("page_view", Frame(R"({"path": "/pricing"})"), kT0);
  Json before = e.Export();
  std::string good = Frame(R"({"path": "/x"})");
  std::string nan = Frame(R"({"n": 1})");
  const double not_a_number = std::nan("");
  std::memcpy(&nan[nan.size() - 8], &not_a_number, 8);
  std::string bad_utf8 = Frame(R"({"s": ["ab"]})");
  bad_utf8[bad_utf8.size() - 1] = '\xff';
  auto message = [&](const std::string& type, const std::string& frame, TimeMs at) {
    auto r = e.TrackFrame(type, frame, at);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message() + " @" + r.status().path();
  };
  EXPECT_EQ(message("x", Frame("[1]"), kT0), "event properties must be an object @");
  EXPECT_EQ(message("x", good.substr(0, good.size() - 1), kT0), "attribute frame is truncated @");
  EXPECT_EQ(message("x", good + "x", kT0), "value has trailing bytes @");
  EXPECT_EQ(message("x", nan, kT0), "event properties holds a number that is not finite (NaN or Infinity) @/n");
  EXPECT_EQ(message("x", bad_utf8, kT0), "event properties holds a string that is not valid UTF-8 @/s/0");
  EXPECT_FALSE(e.TrackFrame("", good, kT0).ok());
  EXPECT_FALSE(e.TrackFrame("x", good, -5).ok());
  EXPECT_EQ(e.Export(), before);
}

TEST(Engine, EraseForgetsEverything) {
  Engine e(Compile(kConfig));
  e.Identify(Props(R"({"job_title": "CTO"})"), kT0);
  e.Track("purchase", Props(R"({"amount": 5})"), kT0);
  e.Erase();
  EXPECT_EQ(e.event_count(), 0u);
  EXPECT_TRUE(e.Segments().empty());
  EXPECT_EQ(e.Export()["attributes"], Json::object());
}

TEST(Engine, RfmScoresAndCell) {
  Engine e(Compile(R"({
    "metrics": [
      {"id": "days_since_purchase", "aggregate": "sinceLast", "where": {"type": "purchase"}},
      {"id": "purchases", "aggregate": "count", "where": {"type": "purchase"}},
      {"id": "spend", "aggregate": "sum", "field": "amount", "where": {"type": "purchase"}}
    ],
    "rfm": {"recency": {"metric": "days_since_purchase", "bounds": [7, 30, 90, 180]},
            "frequency": {"metric": "purchases", "bounds": [1, 2, 4, 8]},
            "monetary": {"metric": "spend", "bounds": [100, 500, 2000, 10000]}},
    "segments": [{"id": "champions", "condition": {"rfm.cell": {"$in": ["555", "554", "545"]}}},
                 {"id": "at_risk", "condition": {"rfm.r": {"$lte": 2}, "rfm.f": {"$gte": 3}}}]
  })"));
  for (int i = 0; i < 8; ++i) e.Track("purchase", Props(R"({"amount": 1500})"), kT0 + i * kDay);
  // r: 0 days -> 5; f: 8 -> 5; m: 12000 -> 5.
  EXPECT_EQ(e.AttributeView()["rfm"]["cell"], "555");
  EXPECT_EQ(e.Segments(), std::vector<std::string>{"champions"});
  e.Advance(kT0 + 7 * kDay + 100 * kDay);  // 100 days since the last purchase -> r = 2
  EXPECT_EQ(e.AttributeView()["rfm"]["cell"], "255");
  EXPECT_EQ(e.Segments(), std::vector<std::string>{"at_risk"});
}

}  // namespace
}  // namespace leadseg

namespace leadseg {
namespace {

const char* kSlotsConfig = R"({
  "metrics": [{"id": "pricing_views", "aggregate": "count", "where": {"type": "page_view", "path": "/pricing"}}],
  "segments": [{"id": "pricing_fan", "condition": {"pricing_views": {"$gte": 2}}},
               {"id": "cto", "condition": {"job_title": "CTO"}}],
  "slots": [
    {"id": "hero", "variants": [{"id": "pricing", "when": {"segments": {"$in": ["pricing_fan"]}}},
                                {"id": "cto", "when": {"segments": {"$in": ["cto"]}}},
                                {"id": "default"}], "default": "default"},
    {"id": "form", "variants": [{"id": "short"}, {"id": "long"}], "default": "short",
     "experiment": {"key": "form-test", "variants": ["short", "long"]}}
  ]
})";

TEST(Decisions, SlotRulesInOrderWithReasons) {
  Engine e(Compile(kSlotsConfig));
  auto d = e.Decide("hero", kT0);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->slot.variant, "default");
  e.Identify(Props(R"({"job_title": "CTO"})"), kT0);
  EXPECT_EQ(e.Decide("hero", kT0)->slot.variant, "cto");
  e.Track("page_view", Props(R"({"path": "/pricing"})"), kT0);
  e.Track("page_view", Props(R"({"path": "/pricing"})"), kT0 + 1);
  d = e.Decide("hero", kT0 + 1);
  EXPECT_EQ(d->slot.variant, "pricing");  // first matching rule wins
  EXPECT_EQ(d->ToJson()["reason"]["rule"], 0);
  EXPECT_FALSE(e.Decide("nope", kT0).ok());
}

// A peek (record = false) predicts the recorded decision and stores nothing.
TEST(Decisions, PeekRecordsNothing) {
  Engine e(Compile(kSlotsConfig));
  ASSERT_TRUE(e.SetVisitorId("visitor-42").ok());
  const std::string before = e.Snapshot();
  auto peek = e.Decide("form", kT0, /*record=*/false);
  ASSERT_TRUE(peek.ok());
  EXPECT_EQ(peek->experiment, "form-test");
  EXPECT_FALSE(peek->first_exposure);
  EXPECT_EQ(e.Snapshot(), before);
  EXPECT_EQ(e.ExperimentReport()[0]["variants"][0]["exposures"], 0);
  auto recorded = e.Decide("form", kT0);
  EXPECT_EQ(std::string(recorded->slot.variant), std::string(peek->slot.variant));
  EXPECT_TRUE(recorded->first_exposure);
  EXPECT_NE(e.Snapshot(), before);
}

TEST(Decisions, ExperimentAssignmentIsStickyAndExposesOnce) {
  Engine e(Compile(kSlotsConfig));
  ASSERT_TRUE(e.SetVisitorId("visitor-42").ok());
  auto first = e.Decide("form", kT0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->experiment, "form-test");
  EXPECT_TRUE(first->first_exposure);
  std::string variant(first->slot.variant);
  // The same hash GrowthBook would compute for this id and key.
  auto n = GrowthBookHash("form-test", "visitor-42", 1);
  EXPECT_EQ(variant, *n < 0.5 ? "short" : "long");
  // Attributes change (even an "id" attribute that would hash elsewhere):
  // the visitor keeps the variant, and is not exposed again.
  e.Identify(Props(R"({"id": "someone-else", "job_title": "CTO"})"), kT0 + 1);
  auto again = e.Decide("form", kT0 + 1);
  EXPECT_EQ(std::string(again->slot.variant), variant);
  EXPECT_FALSE(again->first_exposure);
  // Survives a snapshot.
  Engine restored(Compile(kSlotsConfig));
  ASSERT_TRUE(restored.Restore(e.Snapshot()).ok());
  EXPECT_EQ(std::string(restored.Decide("form", kT0 + 2)->slot.variant), variant);
  // Conversions are attributed once per goal.
  auto c = e.Convert("signup", kT0 + 3);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)["attributed"].size(), 1u);
  EXPECT_EQ((*c)["attributed"][0]["variant"], variant);
  EXPECT_EQ(e.Convert("signup", kT0 + 4)->at("attributed").size(), 0u);
  Json report = e.ExperimentReport();
  ASSERT_EQ(report.size(), 1u);
  for (const auto& v : report[0]["variants"]) {
    EXPECT_EQ(v["exposures"], v["id"] == variant ? 1 : 0);
    EXPECT_EQ(v["conversions"], v["id"] == variant ? 1 : 0);
  }
  EXPECT_EQ(report[0]["segments"]["cto"], Json()) << "cto was entered after the exposure";
  // A visitor in a segment at exposure time counts there; conversions stay
  // within exposures per segment, so the snapshot restores.
  Engine f(Compile(kSlotsConfig));
  f.SetVisitorId("visitor-7");
  f.Identify(Props(R"({"job_title": "CTO"})"), kT0);
  std::string v7(f.Decide("form", kT0)->slot.variant);
  f.Track("page_view", Props(R"({"path": "/pricing"})"), kT0 + 1);
  f.Track("page_view", Props(R"({"path": "/pricing"})"), kT0 + 2);  // enters pricing_fan after exposure
  ASSERT_TRUE(f.Convert("signup", kT0 + 3).ok());
  Json fr = f.ExperimentReport();
  EXPECT_EQ(fr[0]["segments"]["cto"][v7]["conversions"], 1);
  EXPECT_FALSE(fr[0]["segments"].contains("pricing_fan"));
  Engine g(Compile(kSlotsConfig));
  EXPECT_TRUE(g.Restore(f.Snapshot()).ok());
}

TEST(Decisions, SiteCountsFeedTheReport) {
  Engine e(Compile(kSlotsConfig));
  ASSERT_TRUE(e.AddAggregateCounts("form-test", Props(R"({"short": {"exposures": 1000, "conversions": 20},
                                                          "long": {"exposures": 1000, "conversions": 50}})")).ok());
  EXPECT_FALSE(e.AddAggregateCounts("form-test", Props(R"({"short": {"exposures": 1, "conversions": 5}})")).ok());
  Status typo = e.AddAggregateCounts("form-tset", Props(R"({"short": {"exposures": 1, "conversions": 0}})"));
  EXPECT_NE(typo.message().find("unknown experiment \"form-tset\""), std::string::npos) << typo.ToString();
  Status arm = e.AddAggregateCounts("form-test", Props(R"({"segments": {"s": {"shrot": {"exposures": 1, "conversions": 0}}}})"));
  EXPECT_EQ(arm.path(), "/segments/s/shrot") << arm.ToString();
  Json report = e.ExperimentReport();
  EXPECT_EQ(report[0]["variants"][1]["exposures"], 1000);
  EXPECT_GT(report[0]["variants"][1]["probabilityBest"].get<double>(), 0.99);
}

// The engine's bandit arm is ThompsonBandit's choice over the site's counts
// (Engine::Impl::ChooseBanditArm picks it from the counts without building a
// bandit): the global counts, or those of the first segment the visitor is in
// once that segment has min_segment_exposures.
TEST(Decisions, BanditArmIsThompsonBanditsChoice) {
  const char* config = R"({
    "segments": [{"id": "cto", "condition": {"job_title": "CTO"}},
                 {"id": "dev", "condition": {"job_title": "Developer"}}],
    "slots": [{"id": "form", "variants": [{"id": "short"}, {"id": "long"}, {"id": "wizard"}], "default": "short",
               "experiment": {"key": "form-test", "variants": ["short", "long", "wizard"], "mode": "bandit"}}]
  })";
  const char* counts = R"({"short": {"exposures": 1000, "conversions": 20},
                           "long": {"exposures": 1000, "conversions": 60},
                           "wizard": {"exposures": 500, "conversions": 15},
                           "segments": {"cto": {"short": {"exposures": 150, "conversions": 40},
                                                "long": {"exposures": 100, "conversions": 1},
                                                "wizard": {"exposures": 100, "conversions": 2}},
                                        "dev": {"long": {"exposures": 199, "conversions": 150}}}})";
  ThompsonBandit global = *ThompsonBandit::Create(3);
  ASSERT_TRUE(global.AddCounts(0, 1000, 20).ok());
  ASSERT_TRUE(global.AddCounts(1, 1000, 60).ok());
  ASSERT_TRUE(global.AddCounts(2, 500, 15).ok());
  ASSERT_TRUE(global.AddSegmentCounts("cto", 0, 150, 40).ok());
  ASSERT_TRUE(global.AddSegmentCounts("cto", 1, 100, 1).ok());
  ASSERT_TRUE(global.AddSegmentCounts("cto", 2, 100, 2).ok());
  ASSERT_TRUE(global.AddSegmentCounts("dev", 1, 199, 150).ok());
  const char* arms[] = {"short", "long", "wizard"};
  int seen_cto[3] = {0, 0, 0};
  for (const char* title : {"CTO", "Developer", "Designer"}) {
    for (int i = 0; i < 60; ++i) {
      Engine e(Compile(config));
      ASSERT_TRUE(e.AddAggregateCounts("form-test", Props(counts)).ok());
      const std::string visitor = "visitor-" + std::to_string(i);
      ASSERT_TRUE(e.SetVisitorId(visitor).ok());
      const std::string traits = std::string(R"({"job_title": ")") + title + "\"}";
      e.Identify(Props(traits.c_str()), kT0);
      auto d = e.Decide("form", kT0, /*record=*/false);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      Rng rng((static_cast<uint64_t>(Fnv1a32("form-test")) << 32) | Fnv1a32(visitor));
      const std::string segment = std::string(title) == "CTO" ? "cto" : std::string(title) == "Developer" ? "dev" : "";
      const int want = segment.empty() ? global.Choose(rng) : global.Choose(rng, segment);
      EXPECT_EQ(std::string(d->slot.variant), arms[want]) << title << " " << visitor;
      if (segment == "cto") ++seen_cto[want];
    }
  }
  // cto's own counts (350 exposures, short converting best) decide there,
  // where the global counts favour long.
  EXPECT_GT(seen_cto[0], seen_cto[1]);
}

}  // namespace
}  // namespace leadseg
