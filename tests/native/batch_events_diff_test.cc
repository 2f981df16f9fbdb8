// The bulk path with scoring and events (LeadBatch: the activity table read
// once and grouped per lead, each row's attributes as Values, its events
// replayed from frames) against the per-lead definition: a fresh Engine fed
// JSON (identify at the first event, track in time order, advance to now),
// as segmentLeads' per-lead path does. Random leads and histories over the
// worked example (docs/examples/b2b-saas.json: metrics, RFM, scoring with
// caps and decay, grading, temperature with hysteresis, lifecycle), and a
// config whose segments read score, grade and stage.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "batch/lead_batch.h"
#include "batch/lead_objects.h"
#include "config/config.h"
#include "core/json.h"
#include "core/value.h"
#include "core/value_codec.h"
#include "leadseg/engine.h"
#include "test_config.h"
#include "test_data.h"

namespace leadseg {
namespace batch {
namespace {

using testing::Compile;

constexpr TimeMs kNow = 1768478400000;  // 2026-01-15T12:00:00Z
constexpr TimeMs kHour = 3600 * 1000;

struct RandomEvent {
  TimeMs ts;
  std::string type;
  Json props;  // an object (possibly empty)
};

struct RandomLead {
  Json attributes;  // typed as the CSV reader types the row
  std::vector<std::string> fields;
  std::vector<RandomEvent> events;
  Json declarations = Json::object();  // lead objects only (the CSV has no column for them)
};

const std::vector<std::string> kLeadColumns = {"email", "job_title", "industry", "age", "annual_revenue",
                                               "company_size", "newsletter_subscribed", "country"};
const std::vector<std::string> kEventColumns = {"email", "type", "at", "path", "utm_source",
                                                "category", "form", "value", "amount"};

template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& from) {
  return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
}

std::vector<RandomLead> MakeLeads(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  const std::vector<std::string> titles = {"CTO", "IT Manager", "VP Engineering", "CEO", "Developer", "Intern"};
  const std::vector<std::string> industries = {"Technology", "Software", "Retail", "Health"};
  const std::vector<std::string> countries = {"US", "DE", "FR", "GB"};
  const std::vector<std::string> paths = {"/pricing", "/pricing/team", "/careers", "/blog/a", "/"};
  const std::vector<std::string> types = {"page_view", "page_view", "page_view", "session_start", "email_open",
                                          "download", "form_submit", "webinar_attended", "cart_add", "purchase"};
  std::vector<RandomLead> leads(n);
  for (size_t i = 0; i < n; ++i) {
    RandomLead& lead = leads[i];
    lead.attributes = Json::object();
    lead.fields.assign(kLeadColumns.size(), "");
    auto set = [&](size_t column, const std::string& raw, Json typed) {
      lead.fields[column] = raw;
      lead.attributes[kLeadColumns[column]] = std::move(typed);
    };
    lead.fields[0] = "lead" + std::to_string(i) + "@example.com";
    lead.attributes["email"] = lead.fields[0];
    auto text = [&](size_t column, const std::string& value) { set(column, value, value); };
    if (chance(0.9)) text(1, Pick(rng, titles));
    if (chance(0.9)) text(2, Pick(rng, industries));
    if (chance(0.8)) {
      int age = std::uniform_int_distribution<int>(16, 70)(rng);
      set(3, std::to_string(age), static_cast<double>(age));
    }
    if (chance(0.7)) {
      int revenue = std::uniform_int_distribution<int>(1, 30)(rng) * 500000;
      set(4, std::to_string(revenue), static_cast<double>(revenue));
    }
    if (chance(0.8)) {
      int size = std::uniform_int_distribution<int>(1, 3000)(rng);
      set(5, std::to_string(size), static_cast<double>(size));
    }
    if (chance(0.7)) {
      bool b = chance(0.5);
      set(6, b ? "true" : "FALSE", b);
    }
    if (chance(0.5)) text(7, Pick(rng, countries));
    if (chance(0.3)) lead.declarations["interests"] = Json::array({Pick(rng, industries)});
    if (chance(0.1)) lead.declarations["budget"] = std::uniform_int_distribution<int>(0, 9)(rng) * 1000;
    // 0 to 30 events over the last 60 days (some later than now, which
    // both paths leave out), most leads ~20.
    size_t events = chance(0.1) ? 0 : std::uniform_int_distribution<size_t>(1, 30)(rng);
    for (size_t e = 0; e < events; ++e) {
      RandomEvent ev;
      ev.ts = kNow - std::uniform_int_distribution<TimeMs>(-2 * kHour, 60 * 24 * kHour)(rng);
      ev.type = Pick(rng, types);
      ev.props = Json::object();
      if (ev.type == "page_view") ev.props["path"] = Pick(rng, paths);
      if (ev.type == "session_start" && chance(0.6)) ev.props["utm_source"] = chance(0.5) ? "google" : "newsletter";
      if (ev.type == "download") ev.props["category"] = chance(0.7) ? "guide" : "whitepaper";
      if (ev.type == "form_submit") ev.props["form"] = chance(0.5) ? "demo" : "contact";
      if (ev.type == "cart_add") ev.props["value"] = static_cast<double>(std::uniform_int_distribution<int>(0, 500)(rng));
      if (ev.type == "purchase") ev.props["amount"] = static_cast<double>(std::uniform_int_distribution<int>(1, 900)(rng));
      lead.events.push_back(std::move(ev));
    }
  }
  return leads;
}

std::string LeadsCsv(const std::vector<RandomLead>& leads) {
  std::string out;
  for (size_t k = 0; k < kLeadColumns.size(); ++k) out += (k ? "," : "") + kLeadColumns[k];
  out += "\n";
  for (const auto& lead : leads) {
    for (size_t k = 0; k < lead.fields.size(); ++k) out += (k ? "," : "") + lead.fields[k];
    out += "\n";
  }
  return out;
}

// The events of every lead, interleaved across leads (the table is grouped
// per lead by the batch, not by the file).
std::string EventsCsv(const std::vector<RandomLead>& leads) {
  std::string out;
  for (size_t k = 0; k < kEventColumns.size(); ++k) out += (k ? "," : "") + kEventColumns[k];
  out += "\n";
  size_t most = 0;
  for (const auto& lead : leads) most = std::max(most, lead.events.size());
  for (size_t e = 0; e < most; ++e) {
    for (const auto& lead : leads) {
      if (e >= lead.events.size()) continue;
      const RandomEvent& ev = lead.events[e];
      out += lead.fields[0] + "," + ev.type + "," + std::to_string(ev.ts);
      for (size_t k = 3; k < kEventColumns.size(); ++k) {
        out += ",";
        auto found = ev.props.find(kEventColumns[k]);
        if (found == ev.props.end()) continue;
        if (found->is_string()) out += found->get<std::string>();
        else out += std::to_string(static_cast<long long>(found->get<double>()));
      }
      out += "\n";
    }
  }
  return out;
}

struct Answer {
  std::vector<uint8_t> membership;
  double score;
  std::string grade, temperature, stage;
  bool mql, sql;
};

// The per-lead definition: what segmentLeads' per-lead path does with one
// engine (src/engine/, JSON in).
Answer PerLead(Engine* engine, const RandomLead& lead, bool declare = false) {
  engine->Erase();
  std::vector<const RandomEvent*> events;
  for (const auto& e : lead.events) {
    if (e.ts <= kNow) events.push_back(&e);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const RandomEvent* a, const RandomEvent* b) { return a->ts < b->ts; });
  const TimeMs start = events.empty() ? kNow : events.front()->ts;
  EXPECT_TRUE(engine->Identify(lead.attributes, start).ok());
  if (declare) {
    for (auto it = lead.declarations.begin(); it != lead.declarations.end(); ++it) {
      EXPECT_TRUE(engine->Declare(it.key(), *it, start).ok());
    }
  }
  for (const RandomEvent* e : events) {
    auto tracked = engine->Track(e->type, e->props, e->ts);
    EXPECT_TRUE(tracked.ok()) << tracked.status().message();
  }
  if (!events.empty()) {
    EXPECT_TRUE(engine->Advance(kNow).ok());
  }
  Engine::LeadSummary s = engine->Summary();
  return Answer{engine->membership(), s.score, s.grade, s.temperature, s.stage, s.mql, s.sql};
}

void ExpectSameAnswers(const std::string& config_text, size_t n, uint64_t seed, size_t chunk) {
  auto config = Compile(config_text);
  ASSERT_TRUE(config);
  std::vector<RandomLead> leads = MakeLeads(n, seed);
  BatchOptions options;
  options.now = kNow;
  auto created = LeadBatch::Create(config, options);
  ASSERT_TRUE(created.ok()) << created.status().message();
  LeadBatch& batch = **created;
  const std::string events = EventsCsv(leads), csv = LeadsCsv(leads);
  for (size_t at = 0; at < events.size(); at += chunk) {
    ASSERT_TRUE(batch.FeedEventsCsv(std::string_view(events).substr(at, chunk), at + chunk >= events.size()).ok());
  }
  std::vector<LeadResult> rows;
  std::vector<std::vector<uint8_t>> members;
  for (size_t at = 0; at < csv.size(); at += chunk) {
    Status s = batch.FeedCsv(std::string_view(csv).substr(at, chunk), at + chunk >= csv.size());
    ASSERT_TRUE(s.ok()) << s.message();
    ResultBuffer& out = batch.results();
    for (size_t i = 0; i < out.size(); ++i) {
      ASSERT_EQ(out.ErrorOf(i), nullptr) << *out.ErrorOf(i);
      rows.push_back(out.rows()[i]);
      std::vector<uint8_t> m(out.segment_count());
      for (size_t k = 0; k < m.size(); ++k) m[k] = out.InSegment(i, k) ? 1 : 0;
      members.push_back(std::move(m));
    }
    out.Clear();
  }
  ASSERT_EQ(rows.size(), leads.size());

  // The same leads as lead objects (segmentLeads on an array): records
  // as web/src/lead-records.js writes them, with declarations, events in
  // time order and none later than now.
  std::vector<LeadResult> object_rows;
  std::vector<std::vector<uint8_t>> object_members;
  {
    LeadObjects objects(config, kNow, /*with_metrics=*/false);
    std::string records;
    auto u32 = [&](uint32_t v) { records.append(reinterpret_cast<const char*>(&v), 4); };
    auto text = [&](const std::string& t) {
      u32(static_cast<uint32_t>(t.size()));
      records += t;
    };
    Document doc;
    for (size_t i = 0; i < leads.size(); ++i) {
      const RandomLead& lead = leads[i];
      // Attributes as a value frame (flat leads) or as JSON text (the
      // others), alternately: both kinds must give the same answers.
      if (i % 2 == 0) {
        std::string frame;
        EncodeValue(doc.Add(lead.attributes), &frame);
        records.push_back('\1');
        text(frame);
      } else {
        records.push_back('\0');
        text(lead.attributes.dump());
      }
      u32(static_cast<uint32_t>(lead.declarations.size()));
      for (auto it = lead.declarations.begin(); it != lead.declarations.end(); ++it) {
        text(it.key());
        text(it->dump());
      }
      std::vector<const RandomEvent*> events;
      for (const auto& e : lead.events) {
        if (e.ts <= kNow) events.push_back(&e);
      }
      std::stable_sort(events.begin(), events.end(),
                       [](const RandomEvent* a, const RandomEvent* b) { return a->ts < b->ts; });
      u32(static_cast<uint32_t>(events.size()));
      for (const RandomEvent* e : events) {
        double ts = static_cast<double>(e->ts);
        records.append(reinterpret_cast<const char*>(&ts), 8);
        text(e->type);
        text(e->props.dump());
      }
    }
    ASSERT_TRUE(objects.Feed(records, 0).ok());
    ResultBuffer& out = objects.results();
    ASSERT_EQ(out.size(), leads.size());
    for (size_t i = 0; i < out.size(); ++i) {
      ASSERT_EQ(objects.FailureOf(i), nullptr) << objects.FailureOf(i)->message;
      object_rows.push_back(out.rows()[i]);
      std::vector<uint8_t> m(out.segment_count());
      for (size_t k = 0; k < m.size(); ++k) m[k] = out.InSegment(i, k) ? 1 : 0;
      object_members.push_back(std::move(m));
    }
  }

  Engine engine(config);
  std::vector<std::string> stages;
  if (config->lifecycle()) {
    for (const auto& stage : config->lifecycle()->stages) stages.push_back(stage.id);
  }
  size_t scored = 0, with_events = 0, mqls = 0;
  auto expect_same = [&](const LeadResult& got, const std::vector<uint8_t>& membership, const Answer& want,
                         const RandomLead& lead) {
    EXPECT_EQ(membership, want.membership);
    if (std::isnan(want.score)) {
      EXPECT_TRUE(std::isnan(got.score));
    } else {
      EXPECT_EQ(got.score, want.score);  // bit for bit: the same arithmetic
    }
    EXPECT_EQ(got.grade < 0 ? "" : kGradeNames[got.grade], want.grade);
    EXPECT_EQ(got.temperature < 0 ? "" : kTemperatureNames[got.temperature], want.temperature);
    EXPECT_EQ(got.stage < 0 ? "" : stages[static_cast<size_t>(got.stage)], want.stage);
    EXPECT_EQ(got.mql, config->lifecycle() ? static_cast<int8_t>(want.mql) : -1);
    EXPECT_EQ(got.sql, config->lifecycle() ? static_cast<int8_t>(want.sql) : -1);
    size_t in_time = 0;
    for (const auto& e : lead.events) in_time += e.ts <= kNow;
    EXPECT_EQ(got.events, in_time);
  };
  for (size_t i = 0; i < leads.size(); ++i) {
    SCOPED_TRACE("lead " + std::to_string(i) + ": " + leads[i].attributes.dump());
    Answer want = PerLead(&engine, leads[i]);
    expect_same(rows[i], members[i], want, leads[i]);
    {
      SCOPED_TRACE("as a lead object, declarations " + leads[i].declarations.dump());
      expect_same(object_rows[i], object_members[i], PerLead(&engine, leads[i], /*declare=*/true), leads[i]);
    }
    size_t in_time = 0;
    for (const auto& e : leads[i].events) in_time += e.ts <= kNow;
    scored += !std::isnan(want.score) && want.score > 0;
    with_events += in_time > 0;
    mqls += want.mql;
  }
  if (config->lifecycle() && config->lifecycle()->mql) {
    EXPECT_GT(mqls, 0u);
  }
  // The random histories exercise what they are meant to.
  EXPECT_GT(scored, n / 4);
  EXPECT_GT(with_events, n / 2);
}

TEST(BatchEventsDiff, WorkedExampleMatchesPerLeadEngine) {
  const std::string text = testing::ReadText(testing::SourcePath("docs/examples/b2b-saas.json"));
  ASSERT_FALSE(text.empty());
  ExpectSameAnswers(text, 400, 1, 1 << 20);
  // Chunks that cut rows, fields and the events table anywhere.
  ExpectSameAnswers(text, 120, 2, 97);
}

TEST(BatchEventsDiff, SegmentsReadingScoreGradeAndStage) {
  const std::string text = R"({
    "metrics": [
      {"id": "views", "aggregate": "count", "where": {"type": "page_view"}},
      {"id": "spend", "aggregate": "sum", "field": "amount", "window": "30d", "where": {"type": "purchase"}}
    ],
    "scoring": {"rules": [
      {"id": "view", "points": 3, "event": {"type": "page_view"}, "maxPoints": 30},
      {"id": "demo", "points": 25, "event": {"type": "form_submit", "form": "demo"}},
      {"id": "cto", "points": 10, "trait": {"job_title": "CTO"}}
    ], "decay": {"halfLife": "7d"}, "max": 80},
    "grading": {"rules": [{"id": "tech", "points": 60, "condition": {"industry": "Technology"}}],
                "bands": {"A": 80, "B": 60, "C": 30}},
    "temperature": {"warm": 20, "hot": 45, "hysteresis": 5},
    "lifecycle": {"stages": [{"id": "new"}, {"id": "engaged", "condition": {"score": {"$gte": 20}}, "allowRegression": true},
                             {"id": "buyer", "condition": {"spend": {"$gt": 0}}}],
                  "mql": {"score": {"$gte": 25}, "segments": {"$in": ["busy"]}},
                  "sql": {"segments": {"$elemMatch": {"$eq": "busy"}}, "views": {"$gte": 8}}},
    "segments": [
      {"id": "hot_b", "condition": {"temperature": "hot", "grade": "B"}},
      {"id": "engaged_stage", "condition": {"stage": "engaged"}},
      {"id": "busy", "condition": {"views": {"$gte": 5}}},
      {"id": "not_busy", "condition": {"segments": {"$nin": ["busy"]}}}
    ]})";
  ExpectSameAnswers(text, 300, 3, 1 << 20);
}

}  // namespace
}  // namespace batch
}  // namespace leadseg
