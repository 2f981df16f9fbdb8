// Indexed records (src/batch/lead_objects.h): a lead sent by attribute index with its
// strings as ids into the table must get the answers of the same lead sent
// as a value frame, and a malformed buffer must append nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "batch/lead_objects.h"
#include "config/config.h"
#include "core/json.h"
#include "core/value.h"
#include "core/value_codec.h"
#include "leadseg/compiler.h"

namespace leadseg {
namespace batch {
namespace {

constexpr TimeMs kNow = 1768478400000;  // 2026-01-15T12:00:00Z

std::shared_ptr<const CompiledConfig> Compile(const std::string& text) {
  Diagnostics d;
  std::shared_ptr<const CompiledConfig> config = CompileConfigText(text, &d);
  EXPECT_TRUE(config) << d.Format();
  return config;
}

const char* kSegments = R"({"segments": [
  {"id": "us", "condition": {"country": "US"}},
  {"id": "big", "condition": {"company_size": {"$gte": 100}}},
  {"id": "api", "condition": {"interests": {"$elemMatch": {"$eq": "api"}}}},
  {"id": "customer", "condition": {"is_customer": true}},
  {"id": "no_country", "condition": {"country": {"$exists": false}}},
  {"id": "cto_de", "condition": {"$and": [{"job_title": {"$regex": "^CT"}}, {"country": "DE"}]}}
]})";

// Writes records and a string table as web/src/indexed-leads.js does.
class Writer {
 public:
  explicit Writer(const LeadObjects& objects) : objects_(objects) {}

  void U8(uint8_t v) { records_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) { records_.append(reinterpret_cast<const char*>(&v), 4); }
  void F64(double v) { records_.append(reinterpret_cast<const char*>(&v), 8); }

  uint32_t Id(const std::string& s) {
    for (uint32_t i = 0; i < interned_.size(); ++i) {
      if (interned_[i] == s) return i;
    }
    interned_.push_back(s);
    uint32_t n = static_cast<uint32_t>(s.size());
    strings_.append(reinterpret_cast<const char*>(&n), 4);
    strings_ += s;
    return static_cast<uint32_t>(interned_.size() - 1);
  }

  // `lead` as an indexed record: only the attributes a condition reads.
  void Indexed(const Json& lead) {
    std::string body;
    uint32_t count = 0;
    std::string saved;
    records_.swap(saved);
    for (auto it = lead.begin(); it != lead.end(); ++it) {
      const int attr = objects_.AttrOf(it.key());
      if (attr < 0) continue;
      U32(static_cast<uint32_t>(attr));
      if (it->is_array()) {
        U8(5);
        U32(static_cast<uint32_t>(it->size()));
        for (const Json& item : *it) Scalar(item);
      } else {
        Scalar(*it);
      }
      ++count;
    }
    records_.swap(saved);
    body = std::move(saved);
    U8(2);
    U32(static_cast<uint32_t>(body.size() + 4));
    U32(count);
    records_ += body;
    U32(0);  // declarations
    U32(0);  // events
  }

  // `lead` as a value frame record.
  void Frame(const Json& lead) {
    Document doc;
    std::string frame;
    EncodeValue(doc.Add(lead), &frame);
    U8(1);
    U32(static_cast<uint32_t>(frame.size()));
    records_ += frame;
    U32(0);
    U32(0);
  }

  std::string& records() { return records_; }
  std::string& strings() { return strings_; }

 private:
  void Scalar(const Json& v) {
    if (v.is_boolean()) {
      U8(v.get<bool>() ? 2 : 1);
    } else if (v.is_number()) {
      U8(3);
      F64(v.get<double>());
    } else {
      U8(4);
      U32(Id(v.get<std::string>()));
    }
  }

  const LeadObjects& objects_;
  std::string records_, strings_;
  std::vector<std::string> interned_;
};

std::vector<Json> Leads() {
  return {
      Json::parse(R"({"country": "US", "company_size": 500, "interests": ["seo", "api"], "is_customer": true})"),
      Json::parse(R"({"country": "DE", "job_title": "CTO", "company_size": 20, "interests": []})"),
      Json::parse(R"({"company_size": 100, "unread": "x", "is_customer": false})"),
      Json::parse(R"({"country": "US", "job_title": "VP", "interests": ["api", 3, true]})"),
      Json::parse(R"({})"),
  };
}

std::vector<std::vector<bool>> Memberships(LeadObjects& objects) {
  std::vector<std::vector<bool>> out;
  const ResultBuffer& r = objects.results();
  for (size_t i = 0; i < r.size(); ++i) {
    std::vector<bool> m;
    for (size_t s = 0; s < r.segment_count(); ++s) m.push_back(r.InSegment(i, s));
    out.push_back(m);
  }
  return out;
}

TEST(LeadObjectsIndexed, SameAnswersAsValueFrames) {
  auto config = Compile(kSegments);
  LeadObjects framed(config, kNow, false), indexed(config, kNow, false);
  ASSERT_TRUE(indexed.TakesIndexed());
  Writer frames(framed), indexes(indexed);
  for (const Json& lead : Leads()) {
    frames.Frame(lead);
    indexes.Indexed(lead);
  }
  ASSERT_TRUE(framed.Feed(frames.records(), 0).ok());
  ASSERT_TRUE(indexed.AddStrings(indexes.strings(), /*reset=*/false).ok());
  ASSERT_TRUE(indexed.Feed(indexes.records(), 0).ok());
  const auto want = Memberships(framed);
  EXPECT_EQ(Memberships(indexed), want);
  // The answers told apart, so that a value read wrongly would show.
  EXPECT_EQ(want[0], (std::vector<bool>{true, true, true, true, false, false}));
  EXPECT_EQ(want[1], (std::vector<bool>{false, false, false, false, false, true}));
  EXPECT_EQ(want[4], (std::vector<bool>{false, false, false, false, true, false}));
  for (size_t i = 0; i < indexed.results().size(); ++i) {
    const LeadResult& row = indexed.results().rows()[i];
    EXPECT_EQ(row.error, 0u);
    EXPECT_TRUE(std::isnan(row.score));
    EXPECT_EQ(row.grade, -1);
    EXPECT_EQ(row.stage, -1);
    EXPECT_EQ(row.mql, -1);
  }
}

// A buffer of indexed records with a value frame among them (a lead the
// package could not index) gets the same answers as all frames.
TEST(LeadObjectsIndexed, MixedWithValueFrames) {
  auto config = Compile(kSegments);
  LeadObjects framed(config, kNow, false), mixed(config, kNow, false);
  Writer frames(framed), some(mixed);
  const std::vector<Json> leads = Leads();
  for (size_t i = 0; i < leads.size(); ++i) {
    frames.Frame(leads[i]);
    if (i == 2) {
      some.Frame(leads[i]);
    } else {
      some.Indexed(leads[i]);
    }
  }
  ASSERT_TRUE(framed.Feed(frames.records(), 0).ok());
  ASSERT_TRUE(mixed.AddStrings(some.strings(), false).ok());
  ASSERT_TRUE(mixed.Feed(some.records(), 0).ok());
  EXPECT_EQ(Memberships(mixed), Memberships(framed));
  ASSERT_EQ(mixed.results().size(), leads.size());
  for (size_t i = 0; i < leads.size(); ++i) {
    EXPECT_EQ(mixed.results().rows()[i].lead, i);
    EXPECT_EQ(mixed.FailureOf(i), nullptr);
  }
}

// The segment program's row of a table string is looked up once and kept
// with the string (SegmentRows::SetString): one string under two
// attributes, whose tables differ, takes each attribute's row.
TEST(LeadObjectsIndexed, OneStringUnderTwoAttributes) {
  auto config = Compile(kSegments);
  LeadObjects framed(config, kNow, false), indexed(config, kNow, false);
  Writer frames(framed), indexes(indexed);
  const std::vector<Json> leads = {
      Json::parse(R"({"country": "US", "job_title": "DE"})"),
      Json::parse(R"({"country": "DE", "job_title": "US"})"),
      Json::parse(R"({"country": "US", "job_title": "CTO"})"),
      Json::parse(R"({"job_title": "CTO", "country": "DE"})"),
      Json::parse(R"({"country": "CTO", "job_title": "DE"})"),
      Json::parse(R"({"country": "DE", "job_title": "CTO"})"),
  };
  for (const Json& lead : leads) {
    frames.Frame(lead);
    indexes.Indexed(lead);
  }
  ASSERT_TRUE(framed.Feed(frames.records(), 0).ok());
  ASSERT_TRUE(indexed.AddStrings(indexes.strings(), false).ok());
  ASSERT_TRUE(indexed.Feed(indexes.records(), 0).ok());
  const auto want = Memberships(framed);
  EXPECT_EQ(Memberships(indexed), want);
  EXPECT_EQ(want[0][0], true);   // us
  EXPECT_EQ(want[1][0], false);
  EXPECT_EQ(want[3][5], true);   // cto_de
  EXPECT_EQ(want[4][5], false);
  EXPECT_EQ(want[5][5], true);
}

// Restart: a LeadObjects that ran once (results, a string table) answers
// another run as one made anew does: no results kept, the string table
// empty (the package numbers its strings from 0 again).
TEST(LeadObjectsIndexed, RestartStartsOver) {
  auto config = Compile(kSegments);
  LeadObjects reused(config, kNow, false);
  {
    // Other strings first (a table carried over would give them the ids
    // of the strings below).
    Writer first(reused);
    first.Indexed(Json::parse(R"({"country": "FR", "job_title": "CEO", "interests": ["seo", "ads", "crm"]})"));
    first.Indexed(Json::parse(R"({"country": "GB", "job_title": "CFO", "interests": ["api"]})"));
    ASSERT_TRUE(reused.AddStrings(first.strings(), false).ok());
    ASSERT_TRUE(reused.Feed(first.records(), 0).ok());
    ASSERT_EQ(reused.results().size(), 2u);
  }
  reused.Restart(kNow + 1, false);
  EXPECT_EQ(reused.results().size(), 0u);
  std::vector<Json> leads = Leads();
  std::reverse(leads.begin(), leads.end());
  LeadObjects made(config, kNow + 1, false);
  Writer again(reused), fresh(made);
  for (const Json& lead : leads) {
    again.Indexed(lead);
    fresh.Indexed(lead);
  }
  ASSERT_TRUE(reused.AddStrings(again.strings(), false).ok());
  ASSERT_TRUE(reused.Feed(again.records(), 0).ok());
  ASSERT_TRUE(made.AddStrings(fresh.strings(), false).ok());
  ASSERT_TRUE(made.Feed(fresh.records(), 0).ok());
  EXPECT_EQ(Memberships(reused), Memberships(made));
  EXPECT_EQ(Memberships(made)[4], (std::vector<bool>{true, true, true, true, false, false}));
}

TEST(LeadObjectsIndexed, AttrsOfNames) {
  auto config = Compile(kSegments);
  LeadObjects objects(config, kNow, false);
  EXPECT_GE(objects.AttrOf("country"), 0);
  EXPECT_EQ(objects.AttrOf("unread"), LeadObjects::kUnread);
  EXPECT_EQ(objects.AttrOf(""), LeadObjects::kRefused);
  EXPECT_EQ(objects.AttrOf("segments"), LeadObjects::kRefused);
  EXPECT_EQ(objects.AttrOf("\xff"), LeadObjects::kRefused);
}

TEST(LeadObjectsIndexed, OnlyForSegmentsOnlyConfigs) {
  auto config = Compile(R"({"segments": [{"id": "a", "condition": {"x": 1}}], "scoring": {"rules": []}})");
  ASSERT_TRUE(config);
  LeadObjects objects(config, kNow, false);
  EXPECT_FALSE(objects.TakesIndexed());
  Writer w(objects);
  w.Indexed(Json::parse(R"({"x": 1})"));
  EXPECT_FALSE(objects.Feed(w.records(), 0).ok());
  EXPECT_EQ(objects.results().size(), 0u);
}

TEST(LeadObjectsIndexed, MalformedBuffersAppendNothing) {
  auto config = Compile(kSegments);
  LeadObjects objects(config, kNow, false);
  const int country = objects.AttrOf("country");
  ASSERT_GE(country, 0);
  auto record = [&](const std::string& body, uint32_t events) {
    std::string r;
    r.push_back('\2');
    uint32_t n = static_cast<uint32_t>(body.size());
    r.append(reinterpret_cast<const char*>(&n), 4);
    r += body;
    uint32_t zero = 0;
    r.append(reinterpret_cast<const char*>(&zero), 4);
    r.append(reinterpret_cast<const char*>(&events), 4);
    return r;
  };
  auto body = [&](uint32_t attr, uint8_t tag, uint32_t payload) {
    std::string b;
    uint32_t one = 1;
    b.append(reinterpret_cast<const char*>(&one), 4);
    b.append(reinterpret_cast<const char*>(&attr), 4);
    b.push_back(static_cast<char>(tag));
    b.append(reinterpret_cast<const char*>(&payload), 4);
    return b;
  };
  // Two attributes, so that the first is read with 13 bytes or more left
  // (the reader's one-check path for a string or a number).
  auto two = [&](uint32_t attr, uint8_t tag, const std::string& payload) {
    std::string b;
    uint32_t n2 = 2, c = static_cast<uint32_t>(country), zero = 0;
    b.append(reinterpret_cast<const char*>(&n2), 4);
    b.append(reinterpret_cast<const char*>(&attr), 4);
    b.push_back(static_cast<char>(tag));
    b += payload;
    b.append(reinterpret_cast<const char*>(&c), 4);
    b.push_back('\4');
    b.append(reinterpret_cast<const char*>(&zero), 4);
    return b;
  };
  auto bytes = [](auto v) { return std::string(reinterpret_cast<const char*>(&v), sizeof v); };
  std::string us = "US";
  uint32_t n = 2;
  std::string table(reinterpret_cast<const char*>(&n), 4);
  table += us;
  ASSERT_TRUE(objects.AddStrings(table, false).ok());
  const std::string good = record(body(static_cast<uint32_t>(country), 4, 0), 0);
  // A string id past the table, an attribute index past the schema, an unknown tag, a
  // history on an indexed record: each fails the whole buffer.
  for (const std::string& bad : {record(body(static_cast<uint32_t>(country), 4, 1), 0),
                                 record(body(1000, 4, 0), 0),
                                 record(body(static_cast<uint32_t>(country), 9, 0), 0),
                                 record(body(static_cast<uint32_t>(country), 4, 0) + "x", 0),
                                 record(two(static_cast<uint32_t>(country), 4, bytes(uint32_t{1})), 0),
                                 record(two(1000, 4, bytes(uint32_t{0})), 0),
                                 record(two(1000, 3, bytes(1.5)), 0),
                                 record(two(static_cast<uint32_t>(country), 3, bytes(HUGE_VAL)), 0)}) {
    EXPECT_FALSE(objects.Feed(good + bad, 0).ok());
    EXPECT_EQ(objects.results().size(), 0u);
  }
  // Nor after rows of an earlier Feed: those stay as they were (the
  // one-pass reader evaluates the good record before it meets the bad one).
  ASSERT_TRUE(objects.Feed(good, 7).ok());
  for (const std::string& bad : {record(body(static_cast<uint32_t>(country), 4, 9), 0), good.substr(0, 9)}) {
    const Status s = objects.Feed(good + good + bad, 8);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), "lead records: record 2 is truncated");
    ASSERT_EQ(objects.results().size(), 1u);
    EXPECT_EQ(objects.results().rows()[0].lead, 7u);
    EXPECT_TRUE(objects.results().InSegment(0, 0));
    EXPECT_EQ(objects.results().memberships().size(), objects.results().words_per_row());
  }
  objects.Clear();
  ASSERT_TRUE(objects.Feed(record(two(static_cast<uint32_t>(country), 4, bytes(uint32_t{0})), 0), 0).ok());
  ASSERT_EQ(objects.results().size(), 1u);
  EXPECT_TRUE(objects.results().InSegment(0, 0));
  objects.Clear();
  std::string with_event = good.substr(0, good.size() - 4);
  uint32_t one = 1;
  with_event.append(reinterpret_cast<const char*>(&one), 4);
  EXPECT_FALSE(objects.Feed(with_event, 0).ok());
  // A table that is not UTF-8 adds nothing.
  std::string invalid(reinterpret_cast<const char*>(&one), 4);
  invalid += "\xff";
  EXPECT_FALSE(objects.AddStrings(invalid, false).ok());
  ASSERT_TRUE(objects.Feed(good, 0).ok());
  ASSERT_EQ(objects.results().size(), 1u);
  EXPECT_TRUE(objects.results().InSegment(0, 0));
  // reset empties the table: id 0 is then the new first string.
  objects.Clear();
  std::string de(reinterpret_cast<const char*>(&n), 4);
  de += "DE";
  ASSERT_TRUE(objects.AddStrings(de, true).ok());
  ASSERT_TRUE(objects.Feed(good, 0).ok());
  EXPECT_FALSE(objects.results().InSegment(0, 0));
}

}  // namespace
}  // namespace batch
}  // namespace leadseg
