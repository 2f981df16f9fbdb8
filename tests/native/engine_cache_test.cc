// The engine keeps work from one call to the next (the explicit attributes by
// attribute index, and every condition's last answer, which a call
// re-evaluates only when an attribute the condition reads changed:
// engine/attribute_deps.h). This test checks that nothing it keeps goes stale:
// random sequences of
// track / identify / declare / advance / late events run through one
// long-lived engine, and every step is replayed on a fresh engine restored
// from the long-lived one's snapshot just before the step, which starts
// with nothing kept and evaluates everything from scratch. Both must
// report the same changes and end in the same memberships, score, grade,
// temperature, stage, hand-offs and metrics; and the memberships must be
// what each segment's condition says about the stored profile, decided
// outside the engine (a cache gone stale in both engines alike would pass
// the first comparison, not this one). After each step, an engine restored
// from the live one's snapshot evaluates everything once more and must
// find the same memberships and progress (stage, temperature, hand-offs).
// Walks run on the worked example and on configs with generated segments
// that read the score, grade, stage, hand-offs and other segments.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>

#include "config/config.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "lifecycle/progress.h"
#include "profile/profile.h"

namespace leadseg {
namespace {

constexpr TimeMs kStart = 1767225600000;  // 2026-01-01T00:00:00Z

// The worked example; with `generated` > 0, that many more segments made
// from templates (as bench/lib/track.js makes its 50-segment config), with
// random thresholds from `seed`, some reading what the engine derives
// (score, grade, stage, hand-offs, other segments).
std::shared_ptr<const CompiledConfig> WorkedExample(int max_events, int generated = 0, uint32_t seed = 0) {
  std::ifstream in(std::string(LEADSEG_SOURCE_DIR) + "/docs/examples/b2b-saas.json");
  std::stringstream text;
  text << in.rdbuf();
  Json config = Json::parse(text.str());
  // A short log, so retention prunes (and all-time archives fill) often.
  config["retention"] = {{"maxEvents", max_events}, {"maxAge", "60d"}};
  std::mt19937 rng(seed);
  auto num = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const Json templates[] = {
      {{"page_views_30d", {{"$gte", num(2, 40)}}}, {"job_title", {{"$in", {"CTO", "Developer"}}}}},
      {{"pricing_views_2d", {{"$gte", num(1, 4)}}}, {"company_size", {{"$gte", num(10, 2000)}}}},
      {{"emails_opened_30d", {{"$gte", num(1, 8)}}}, {"newsletter_subscribed", true}},
      {{"visits_30d", {{"$gte", num(1, 10)}}}, {"days_since_visit", {{"$lte", num(1, 14)}}}},
      {{"country", {{"$in", {"US", "DE"}}}}, {"page_views_30d", {{"$gte", num(1, 20)}}}},
      {{"$or", {{{"guides_downloaded", {{"$gte", num(1, 5)}}}}, {{"demo_requests", {{"$gte", 1}}}}}}},
      {{"cart_value", {{"$gte", num(5, 500)}}}, {"last_commerce_step", "cart_add"}},
      {{"referral_source", {{"$regex", "^(google|bing|linkedin)"}}}, {"visits_30d", {{"$gte", num(1, 5)}}}},
      {{"score", {{"$gte", num(5, 80)}}}},
      {{"grade", {{"$in", {"A", "B"}}}}, {"hours_since_commerce", {{"$lt", num(1, 48)}}}},
      {{"stage", {{"$in", {"decision", "customer"}}}}},
      {{"mql", true}, {"sql", false}},
      {{"segments", {{"$in", {"repeat_visitors", "cart_abandoners"}}}}, {"country", "US"}},
      {{"declared.interests", {{"$in", {"analytics"}}}}, {"spend_365d", {{"$gte", num(1, 2000)}}}},
  };
  for (int i = 0; i < generated; ++i) {
    const Json& condition = templates[static_cast<size_t>(num(0, static_cast<int>(std::size(templates)) - 1))];
    config["segments"].push_back({{"id", "generated_" + std::to_string(i)}, {"condition", condition}});
  }
  if (generated > 0) config["hygiene"]["maxSegments"] = 21 + generated;
  Diagnostics d;
  auto compiled = CompileConfig(config, &d);
  EXPECT_TRUE(compiled) << d.Format();
  return std::shared_ptr<const CompiledConfig>(std::move(compiled));
}

std::string Describe(const SegmentChanges& c) {
  std::string out = "entered:";
  for (const auto& id : c.entered) out += " " + id;
  out += " exited:";
  for (const auto& id : c.exited) out += " " + id;
  out += " stages:";
  for (const auto& s : c.stages) out += " " + s.from + "->" + s.to + "@" + std::to_string(s.at);
  out += " temperature:" + c.temperature + " mql:" + std::to_string(c.mql) + " sql:" + std::to_string(c.sql);
  return out;
}

// Everything a page can read about the visitor after a call.
std::string State(const Engine& e) {
  std::string out = "segments:";
  for (const auto& id : e.Segments()) out += " " + id;
  Json score = e.ScoreBreakdown();
  // Not compared: the list of awards. A live engine keeps the awards of
  // events retention already pruned (up to maxEvents of them), a restored
  // one only those of the retained events; the points are the same.
  if (score.contains("behavioral")) score["behavioral"].erase("awards");
  out += "\nscore: " + score.dump();
  out += "\nmetrics: " + e.Metrics().dump();
  out += "\nattributes: " + e.AttributeView().dump();
  out += "\nclock: " + std::to_string(e.clock()) + " events: " + std::to_string(e.event_count());
  return out;
}

// The memberships a visitor's calls should have left, decided without the
// engine's evaluation: every segment's Condition::Evaluate over the final
// attribute view (a condition reading "segments" only names segments
// evaluated before it, and one reading "score" etc. is evaluated after
// those are set, so the final values are the ones it saw), with the
// explicit attributes and declarations taken from the stored profile
// rather than from anything the engine keeps between calls.
std::string MembershipFromScratch(const Engine& e) {
  const CompiledConfig& c = e.config();
  Document doc;
  AttributeSet set(&c.schema());
  const Json view = e.AttributeView();
  static const char* derived[] = {"score", "grade", "leadCell", "temperature", "stage", "mql", "sql"};
  for (auto it = view.begin(); it != view.end(); ++it) {
    bool keep = c.IsReserved(it.key()) && it.key() != "declared";
    for (const char* name : derived) keep = keep || it.key() == name;
    const int attr = c.schema().Find(it.key());
    if (keep && attr >= 0) set.Set(attr, doc.Add(it.value()));
  }
  for (const auto& [name, stored] : e.profile().attributes) {
    const int attr = c.schema().Find(name);
    auto v = stored.Read(&doc);
    if (attr >= 0 && v.ok()) set.Set(attr, *v);
  }
  const auto& declarations = e.profile().declarations;
  Value* members = doc.AllocateChildren(2 * declarations.size());
  uint32_t n = 0;
  for (const auto& [key, d] : declarations) {
    auto v = d.value.Read(&doc);
    members[2 * n] = Value::String(key);
    members[2 * n + 1] = v.ok() ? *v : Value::Null();
    ++n;
  }
  if (c.declared_attr() >= 0) set.Set(c.declared_attr(), Document::MakeObject(members, n));
  std::string out;
  for (const SegmentSpec& spec : c.segments()) {
    if (spec.condition.Evaluate(set)) out += " " + spec.id;
  }
  return out;
}

std::string Membership(const Engine& e) {
  std::string out;
  for (const auto& id : e.Segments()) out += " " + id;
  return out;
}

class Walk {
 public:
  explicit Walk(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T, size_t N>
  const T& Pick(const T (&list)[N]) { return list[Int(0, static_cast<int>(N) - 1)]; }

  Json Props() {
    static const char* paths[] = {"/pricing", "/pricing/enterprise", "/blog/post", "/docs", "/"};
    static const char* categories[] = {"guide", "webinar", "case-study"};
    static const char* forms[] = {"demo", "contact", "newsletter"};
    static const char* sources[] = {"google", "linkedin", "newsletter", "direct"};
    Json props = Json::object();
    if (Int(0, 3)) props["path"] = Pick(paths);
    if (Int(0, 2) == 0) props["category"] = Pick(categories);
    if (Int(0, 2) == 0) props["form"] = Pick(forms);
    if (Int(0, 2) == 0) props["source"] = Pick(sources);
    if (Int(0, 2) == 0) props["value"] = Int(0, 400);  // integers: sums are exact in any order
    if (Int(0, 3) == 0) props["amount"] = Int(1, 2000);
    return props;
  }

  Json Traits() {
    static const char* titles[] = {"CTO", "CEO", "IT Manager", "VP Marketing", "Developer", "Student"};
    static const char* industries[] = {"Technology", "Finance", "Healthcare", "Retail"};
    static const char* countries[] = {"US", "DE", "GB", "FR", "JP"};
    Json traits = Json::object();
    switch (Int(0, 5)) {
      case 0: traits["job_title"] = Int(0, 4) ? Json(Pick(titles)) : Json(nullptr); break;
      case 1: traits["industry"] = Pick(industries); break;
      case 2: traits["company_size"] = Int(0, 8) ? Json(Int(1, 5000)) : Json(nullptr); break;
      case 3: traits["country"] = Pick(countries); break;
      case 4: traits["annual_revenue"] = Int(0, 100) * 1000000; break;
      default:
        traits["job_title"] = Pick(titles);
        traits["newsletter_subscribed"] = Int(0, 1) == 1;
        traits["email"] = "visitor@example.com";
        break;
    }
    return traits;
  }

 private:
  std::mt19937 rng_;
};

// The committed progress, which reading it does not evaluate.
std::string Progress(const Engine& e) {
  const ProgressState& p = e.progress();
  auto at = [](const std::optional<TimeMs>& t) { return t ? std::to_string(*t) : std::string("-"); };
  return "stage " + std::to_string(p.stage) + " temperature " + TemperatureName(p.temperature) + " mql " + at(p.mql_at) +
         " sql " + at(p.sql_at) + " moves " + std::to_string(p.history.size());
}

void RunWalk(uint32_t seed, int steps, int max_events, int generated = 0) {
  auto config = WorkedExample(max_events, generated, seed);
  ASSERT_TRUE(config);
  Engine live(config);
  Walk walk(seed);
  static const char* types[] = {"page_view", "page_view", "page_view", "session_start", "email_open",
                                "download", "cart_add", "purchase", "form_submit", "video_play"};
  static const char* interests[] = {"security", "analytics", "pricing"};
  TimeMs clock = kStart;
  for (int step = 0; step < steps; ++step) {
    const std::string snapshot = live.Snapshot();
    Engine fresh(config);
    ASSERT_TRUE(fresh.Restore(snapshot).ok());
    // Reading the documents evaluates too; most steps leave the live engine
    // to go from call to call without one in between, as a page does.
    const bool read_all = step % 5 == 0;
    if (read_all) {
      ASSERT_EQ(State(fresh), State(live)) << "seed " << seed << " step " << step << ": the snapshot round trip";
    }

    std::string what;
    Result<SegmentChanges> got = SegmentChanges{}, want = SegmentChanges{};
    const int op = walk.Int(0, 99);
    if (op < 60) {
      // Mostly seconds to minutes apart, sometimes days (windows expire).
      clock += walk.Int(0, 9) ? walk.Int(0, 600) * kSecond : walk.Int(1, 5) * kDay;
      const std::string type = walk.Pick(types);
      const Json props = walk.Props();
      what = "track " + type + " " + props.dump();
      got = live.Track(type, props, clock);
      want = fresh.Track(type, props, clock);
    } else if (op < 68) {
      // A late event (another tab, a queued beacon): inserted, rebuilt.
      const TimeMs at = clock - walk.Int(1, 3 * 24 * 60) * kMinute;
      const std::string type = walk.Pick(types);
      const Json props = walk.Props();
      what = "late track " + type + " at " + std::to_string(at);
      got = live.Track(type, props, at);
      want = fresh.Track(type, props, at);
    } else if (op < 80) {
      const Json traits = walk.Traits();
      what = "identify " + traits.dump();
      got = live.Identify(traits, clock);
      want = fresh.Identify(traits, clock);
    } else if (op < 86) {
      const Json value = walk.Int(0, 3) ? Json::array({walk.Pick(interests)}) : Json(nullptr);
      what = "declare interests " + value.dump();
      got = live.Declare("interests", value, clock);
      want = fresh.Declare("interests", value, clock);
    } else {
      clock += walk.Int(0, 3) ? walk.Int(1, 120) * kMinute : walk.Int(1, 20) * kDay;
      what = "advance to " + std::to_string(clock);
      got = live.Advance(clock);
      want = fresh.Advance(clock);
    }
    const std::string where = "seed " + std::to_string(seed) + " step " + std::to_string(step) + ": " + what;
    ASSERT_EQ(got.ok(), want.ok()) << where;
    if (!got.ok()) {
      EXPECT_EQ(got.status().ToString(), want.status().ToString()) << where;
      continue;
    }
    ASSERT_EQ(Describe(*got), Describe(*want)) << where;
    ASSERT_EQ(live.Segments(), fresh.Segments()) << where;
    ASSERT_EQ(Membership(live), MembershipFromScratch(live)) << where;
    // An engine restored from the state after the step evaluates every
    // condition (nothing kept yet); the live engine re-ran only those whose
    // attributes changed, and must agree, progress (stage, temperature,
    // hand-offs) included. `fresh` alone would not tell: it kept the
    // answers of the evaluation before the step, as the live engine did.
    Engine full(config);
    ASSERT_TRUE(full.Restore(live.Snapshot()).ok()) << where;
    ASSERT_EQ(Membership(live), Membership(full)) << where;
    ASSERT_EQ(Progress(live), Progress(full)) << where;
    if (read_all || step == steps - 1) {
      ASSERT_EQ(State(live), State(fresh)) << where;
      ASSERT_EQ(State(live), State(full)) << where;
    }
  }
}

TEST(EngineCache, RandomWalksMatchAFreshEvaluation) {
  for (uint32_t seed = 1; seed <= 6; ++seed) RunWalk(seed, 250, 40);
}

TEST(EngineCache, LongRetentionWalkMatchesAFreshEvaluation) { RunWalk(99, 400, 5000); }

// Configs with 30 generated segments more, several reading the score,
// grade, stage, hand-offs or other segments.
TEST(EngineCache, GeneratedConfigWalksMatchAFullEvaluation) {
  for (uint32_t seed = 11; seed <= 14; ++seed) RunWalk(seed, 250, 40, 30);
}

}  // namespace
}  // namespace leadseg
