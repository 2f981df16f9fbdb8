// src/batch/segment_rows.h: a segments-only config's rows skip the engine
// and Json (LeadBatch's segment-only loop); a config with an unfed metric
// takes every row through one Engine, as segmentLeads does. The two must
// agree on every row: memberships, errors and counts, on random files that
// mix what the loop handles (typed values, -0, long numbers, lists, mapped
// and duplicate columns, empty fields) with what it hands on (reserved
// names, rows near identify's size limit).
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "batch/lead_batch.h"
#include "config/config.h"
#include "leadseg/compiler.h"

namespace leadseg {
namespace batch {
namespace {

constexpr const char* kSegments = R"([
  {"id": "big", "condition": {"size": {"$gte": 100}}},
  {"id": "small_or_none", "condition": {"$or": [{"size": {"$lt": 10}}, {"size": {"$exists": false}}]}},
  {"id": "neg_zero", "condition": {"size": 0}},
  {"id": "text_size", "condition": {"size": {"$type": "string"}}},
  {"id": "cto", "condition": {"title": {"$in": ["CTO", "cto", "VP"]}}},
  {"id": "c_prefix", "condition": {"title": {"$regex": "^C"}}},
  {"id": "vip", "condition": {"tags": {"$in": ["vip"]}}},
  {"id": "no_tags", "condition": {"tags": {"$size": 0}}},
  {"id": "empty_tag", "condition": {"tags": {"$elemMatch": {"$eq": ""}}}},
  {"id": "flag", "condition": {"active": true}},
  {"id": "flag_text", "condition": {"active": "yes"}},
  {"id": "precise", "condition": {"ratio": {"$gt": 0.1}}},
  {"id": "long_number", "condition": {"ratio": {"$gte": 1234567890123456789}}},
  {"id": "mapped", "condition": {"region": {"$ne": "EU"}}}
])";

std::shared_ptr<const CompiledConfig> Compile(bool with_metric) {
  Json config = {{"segments", Json::parse(kSegments)}};
  if (with_metric) config["metrics"] = Json::parse(R"([{"id": "m_unfed", "aggregate": "count", "where": {"type": "never"}}])");
  Diagnostics d;
  std::shared_ptr<const CompiledConfig> compiled = CompileConfig(config, &d);
  EXPECT_TRUE(compiled) << d.Format();
  return compiled;
}

std::string RandomCsv(std::mt19937_64* random, size_t rows) {
  auto pick = [&](const std::vector<std::string>& from) { return from[(*random)() % from.size()]; };
  const std::vector<std::string> sizes = {"", "0", "-0", "9", "10", "100", "1e2", "99.999", "007", "abc", "-5",
                                          "123456789012345678", "1e400", "true"};
  const std::vector<std::string> titles = {"", "CTO", "cto", "VP", "Chief", "C", "\"C,TO\"", "engineer", "TRUE"};
  const std::vector<std::string> tags = {"", "vip", "a;vip", "a;b", ";", "vip;", "a", "\"vip,x\""};
  const std::vector<std::string> flags = {"", "true", "TRUE", "false", "yes", "1"};
  const std::vector<std::string> ratios = {"", "0.1", "0.10000000000000001", "0.11", "1234567890123456789",
                                           "1234567890123456788", "1e-400", "12345678901234567890"};
  const std::vector<std::string> regions = {"", "EU", "US", "eu"};
  const std::vector<std::string> reserved = {"", "", "", "", "x"};
  // `Region` is mapped to `region`; `size` appears twice (the last
  // non-empty one wins); `segments` is a name identify refuses.
  std::string csv = "size,title,tags,active,ratio,Region,size,segments,note\n";
  for (size_t i = 0; i < rows; ++i) {
    // Near identify's 256 KB: a read column of 40-60 KB that JSON escapes
    // 6-fold (refused or not), an unread one that makes the row too large
    // to leave out.
    std::string title = (*random)() % 40 == 0 ? "C" + std::string(40000 + (*random)() % 20000, '\x01') : pick(titles);
    std::string note = (*random)() % 60 == 0 ? std::string(60000 + (*random)() % 20000, '\x01') : "n";
    csv += pick(sizes) + "," + title + "," + pick(tags) + "," + pick(flags) + "," + pick(ratios) + "," +
           pick(regions) + "," + pick(sizes) + "," + pick(reserved) + "," + note + "\n";
    if ((*random)() % 40 == 0) csv += "\n";  // a blank line
  }
  return csv;
}

struct Outcome {
  std::vector<std::string> rows;  // per row: memberships, then the error with the metric's mention dropped
  BatchSummary summary;
};

Outcome Segment(const std::string& csv, bool with_metric, bool types) {
  Outcome run;
  BatchOptions options;
  options.now = 1768478400000;
  options.types = types;
  options.list_columns = {"tags"};
  options.column_map = {{"Region", "region"}};
  auto batch = LeadBatch::Create(Compile(with_metric), options);
  EXPECT_TRUE(batch.ok());
  EXPECT_TRUE((*batch)->FeedCsv(csv, true).ok());
  const ResultBuffer& out = (*batch)->results();
  for (size_t i = 0; i < out.size(); ++i) {
    std::string row = std::to_string(out.rows()[i].row) + ":";
    for (size_t s = 0; s < out.segment_count(); ++s) row += out.InSegment(i, s) ? '1' : '0';
    if (const std::string* e = out.ErrorOf(i)) row += " " + *e;
    run.rows.push_back(row);
  }
  run.summary = (*batch)->summary();
  return run;
}

TEST(BatchSegmentRows, AnswersAsTheEngineDoesOnRandomFiles) {
  std::mt19937_64 random(15);
  for (int round = 0; round < 20; ++round) {
    const std::string csv = RandomCsv(&random, 400);
    for (bool types : {true, false}) {
      Outcome fast = Segment(csv, false, types);
      Outcome engine = Segment(csv, true, types);
      ASSERT_EQ(fast.rows.size(), engine.rows.size());
      for (size_t i = 0; i < fast.rows.size(); ++i) {
        ASSERT_EQ(fast.rows[i], engine.rows[i]) << "round " << round << ", types " << types << ", lead " << i;
      }
      EXPECT_EQ(fast.summary.segments, engine.summary.segments);
      EXPECT_EQ(fast.summary.count, engine.summary.count);
      EXPECT_EQ(fast.summary.errors, engine.summary.errors);
      EXPECT_GT(fast.summary.errors, 0u);  // the refused names and sizes were exercised
    }
  }
}

}  // namespace
}  // namespace batch
}  // namespace leadseg
