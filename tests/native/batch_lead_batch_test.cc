// src/batch/lead_batch.h: options, column handling, row and file errors,
// the result buffer. (batch_fixture_test.cc checks the answers against
// segmentLeads's on larger inputs.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "batch/lead_batch.h"
#include "config/config.h"
#include "leadseg/compiler.h"

namespace leadseg {
namespace batch {
namespace {

constexpr TimeMs kNow = 1768478400000;  // 2026-01-15T12:00:00Z

std::shared_ptr<const CompiledConfig> Config() {
  Diagnostics d;
  std::shared_ptr<const CompiledConfig> config = CompileConfigText(R"({"segments": [
    {"id": "big", "condition": {"size": {"$gte": 100}}},
    {"id": "cto", "condition": {"title": "CTO"}},
    {"id": "vip", "condition": {"tags": {"$in": ["vip"]}}},
    {"id": "text_size", "condition": {"size": {"$type": "string"}}}
  ], "metrics": [{"id": "visits", "aggregate": "count", "where": {"type": "visit"}}]})",
                                                                   &d);
  EXPECT_TRUE(config) << d.Format();
  return config;
}

struct Outcome {
  Status status;
  std::vector<std::string> members;  // per row: the segments' ids joined with ","
  std::vector<std::string> errors;
  std::vector<uint64_t> rows;
  BatchSummary summary;
};

// Feeds `csv` in chunks of `chunk` bytes (0: whole), draining after each.
Outcome Segment(const std::string& csv, BatchOptions options = {}, size_t chunk = 0, const std::string& events = "") {
  Outcome run;
  auto config = Config();
  if (options.now == 0) options.now = kNow;
  auto created = LeadBatch::Create(config, options);
  if (!created.ok()) {
    run.status = created.status();
    return run;
  }
  LeadBatch& batch = **created;
  if (!events.empty()) {
    run.status = batch.FeedEventsCsv(events, true);
    if (!run.status.ok()) return run;
  }
  auto drain = [&] {
    ResultBuffer& out = batch.results();
    for (size_t i = 0; i < out.size(); ++i) {
      std::string ids;
      for (size_t s = 0; s < out.segment_count(); ++s) {
        if (out.InSegment(i, s)) ids += (ids.empty() ? "" : ",") + config->segments()[s].id;
      }
      run.members.push_back(ids);
      run.errors.push_back(out.ErrorOf(i) ? *out.ErrorOf(i) : "");
      run.rows.push_back(out.rows()[i].row);
    }
    out.Clear();
  };
  size_t step = chunk ? chunk : csv.size() + 1;
  for (size_t at = 0; at < csv.size(); at += step) {
    run.status = batch.FeedCsv(std::string_view(csv).substr(at, step), false);
    if (!run.status.ok()) return run;
    drain();
  }
  run.status = batch.FeedCsv({}, true);
  drain();
  run.summary = batch.summary();
  return run;
}

TEST(BatchLeadBatch, OptionsAreChecked) {
  BatchOptions options;
  options.now = 1700000000;  // seconds
  EXPECT_NE(Segment("size\n1\n", options).status.message().find("now must be a time"), std::string::npos);
  options.now = kNow;
  options.column_map = {{"A", "size"}, {"B", "size"}};
  Status s = Segment("A,B\n1,2\n", options).status;
  EXPECT_EQ(s.message(), "columnMap maps both \"A\" and \"B\" to \"size\"");
  EXPECT_EQ(s.path(), "/columnMap");
  options.column_map = {{"A", " "}};
  EXPECT_EQ(Segment("A\n1\n", options).status.path(), "/columnMap/A");
  options.column_map = {};
  options.id_column = " ";
  EXPECT_EQ(Segment("size\n1\n", options).status.path(), "/idColumn");
}

TEST(BatchLeadBatch, SameResultsWhateverTheChunks) {
  const std::string csv = "\xEF\xBB\xBFtitle,size,notes\r\nCTO,120,\"a,\r\nb\"\r\n\r\nIntern,5,x\r\n\"CTO\",100,\"\"\"q\"\"\"";
  Outcome whole = Segment(csv);
  ASSERT_TRUE(whole.status.ok()) << whole.status.ToString();
  EXPECT_EQ(whole.members, (std::vector<std::string>{"big,cto", "", "big,cto"}));
  EXPECT_EQ(whole.rows, (std::vector<uint64_t>{2, 4, 5}));  // the blank line counts
  for (size_t chunk = 1; chunk < csv.size(); ++chunk) {
    Outcome split = Segment(csv, {}, chunk);
    ASSERT_TRUE(split.status.ok()) << chunk;
    EXPECT_EQ(split.members, whole.members) << "chunks of " << chunk;
    EXPECT_EQ(split.rows, whole.rows) << "chunks of " << chunk;
  }
}

TEST(BatchLeadBatch, TypesValuesOnlyWhenAsked) {
  EXPECT_EQ(Segment("size\n120\n007\n").members, (std::vector<std::string>{"big", "text_size"}));
  BatchOptions text;
  text.types = false;
  // GrowthBook compares "120" with 100 as JavaScript does: as numbers.
  EXPECT_EQ(Segment("size\n120\n", text).members, (std::vector<std::string>{"big,text_size"}));
}

TEST(BatchLeadBatch, ColumnMapRenamesAndTheAttributesOwnColumnWins) {
  BatchOptions options;
  options.column_map = {{"Employees", "size"}, {"Job Title", "title"}};
  Outcome run = Segment(" Employees ,Job Title,size\n150,CTO,\n150,CTO,5\n", options);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.members, (std::vector<std::string>{"big,cto", "cto"}));
  EXPECT_EQ(run.summary.columns.read, (std::vector<std::string>{"Employees", "Job Title", "size"}));
  EXPECT_EQ(run.summary.columns.missing, (std::vector<std::string>{"tags"}));
}

TEST(BatchLeadBatch, DuplicateColumnsKeepTheLastValue) {
  EXPECT_EQ(Segment("size,size\n5,150\n150,\n").members, (std::vector<std::string>{"big", "big"}));
}

TEST(BatchLeadBatch, ListColumnsAreArrays) {
  EXPECT_EQ(Segment("tags\nvip;new\n").members, (std::vector<std::string>{""}));
  BatchOptions options;
  options.list_columns = {"tags"};
  EXPECT_EQ(Segment("tags,size\nvip;new,1\nnew,1\n,1\n", options).members, (std::vector<std::string>{"vip", "", ""}));
}

// A column named like a metric (or score, stage, segments, ...) is data:
// left out of the attributes (identify would refuse it on every row),
// reported, and the metric's computed value is what conditions see.
TEST(BatchLeadBatch, ColumnsNamedLikeComputedValuesAreLeftOutAndReported) {
  Outcome run = Segment("title,visits,score\nCTO,,\nCTO,3,99\nCTO,,\n");
  ASSERT_TRUE(run.status.ok());
  EXPECT_EQ(run.members, (std::vector<std::string>{"cto", "cto", "cto"}));
  EXPECT_EQ(run.summary.errors, 0u);
  EXPECT_EQ(run.summary.segments[1], 3u);
  EXPECT_EQ(run.summary.columns.computed, (std::vector<std::string>{"visits", "score"}));
  EXPECT_EQ(run.summary.columns.ignored, (std::vector<std::string>{"visits", "score"}));
}

TEST(BatchLeadBatch, AnUnreadColumnStillCountsTowardsTheSizeLimit) {
  // identify refuses attributes over 256 KB; a column no condition reads
  // is left out of small rows but not of one this large.
  Outcome run = Segment("title,blob\nCTO," + std::string(300 * 1024, 'x') + "\nCTO,y\n");
  ASSERT_TRUE(run.status.ok());
  EXPECT_NE(run.errors[0].find("lead 0 (row 2): attributes would exceed 256 KB"), std::string::npos) << run.errors[0];
  EXPECT_EQ(run.errors[1], "");
}

TEST(BatchLeadBatch, FileErrorsStopTheBatch) {
  EXPECT_EQ(Segment("").status.message(), "CSV: the input is empty (expected a header line)");
  EXPECT_EQ(Segment("\xEF\xBB\xBF").status.message(), "CSV: the input is empty (expected a header line)");
  EXPECT_NE(Segment("name,city\nx,y\n").status.message().find("the file has none of the columns the config reads"),
            std::string::npos);
  BatchOptions options;
  options.column_map = {{"Headcount", "size"}};
  Status s = Segment("size\n1\n", options).status;
  EXPECT_EQ(s.message(), "columnMap names \"Headcount\", which the file does not have (its columns: \"size\")");
  EXPECT_EQ(Segment("size\n\"1\n").status.message(), "CSV: the quoted field that starts on line 2 is never closed");
}

TEST(BatchLeadBatch, EventsAreJoinedOnTheIdColumn) {
  const std::string events = "email,type,at\na@x.com,visit,2026-01-15T10:00:00Z\nb@x.com,visit,soon\nz@x.com,visit,1768471200000\n";
  Outcome run = Segment("email,size\na@x.com,150\nb@x.com,1\n,2\n", {}, 0, events);
  ASSERT_TRUE(run.status.ok()) << run.status.ToString();
  EXPECT_EQ(run.members, (std::vector<std::string>{"big", "", ""}));
  EXPECT_EQ(run.errors[1],
            "lead 1 (row 3): events CSV row 3: column \"at\": a string (\"soon\") is not a time (milliseconds since the "
            "epoch, or ISO 8601 text such as \"2026-01-05T10:30:00Z\")");
  EXPECT_EQ(run.summary.events.read, 3u);
  EXPECT_EQ(run.summary.events.replayed, 1u);
  EXPECT_EQ(run.summary.events.unknown_lead, 1u);
  EXPECT_EQ(run.summary.events.unknown_lead_ids, (std::vector<std::string>{"z@x.com"}));
  EXPECT_EQ(run.summary.events.leads_without_id, 1u);
  // Without the id column the join cannot be made.
  EXPECT_NE(Segment("size\n1\n", {}, 0, events).status.message().find("has no column \"email\" to join"),
            std::string::npos);
  // With events, a file without any column the config reads is fine.
  EXPECT_TRUE(Segment("email\na@x.com\n", {}, 0, events).status.ok());
}

TEST(BatchLeadBatch, KeepsRawFieldsWhenAsked) {
  auto config = Config();
  BatchOptions options;
  options.now = kNow;
  options.keep_fields = true;
  auto batch = LeadBatch::Create(config, options);
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE((*batch)->FeedCsv("title,size\n\"C,TO\",007\nx\n", true).ok());
  const ResultBuffer& out = (*batch)->results();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.FieldCount(0), 2u);
  EXPECT_EQ(out.Field(0, 0), "C,TO");
  EXPECT_EQ(out.Field(0, 1), "007");
  EXPECT_EQ(out.FieldCount(1), 1u);
  EXPECT_EQ(out.Field(1, 0), "x");
}

TEST(BatchLeadBatch, MembershipBitsetsSpanWords) {
  std::string json = R"({"segments": [)";
  for (int i = 0; i < 70; ++i) json += std::string(i ? "," : "") + R"({"id": "s)" + std::to_string(i) + R"(", "condition": {"n": {"$gte": )" + std::to_string(i) + "}}}";
  json += "]}";
  Diagnostics d;
  std::shared_ptr<const CompiledConfig> config = CompileConfigText(json, &d);
  ASSERT_TRUE(config) << d.Format();
  BatchOptions options;
  options.now = kNow;
  auto batch = LeadBatch::Create(config, options);
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE((*batch)->FeedCsv("n\n65\n3\n", true).ok());
  const ResultBuffer& out = (*batch)->results();
  EXPECT_EQ(out.words_per_row(), 2u);
  EXPECT_TRUE(out.InSegment(0, 65));
  EXPECT_FALSE(out.InSegment(0, 66));
  EXPECT_TRUE(out.InSegment(1, 3));
  EXPECT_FALSE(out.InSegment(1, 4));
  EXPECT_EQ((*batch)->summary().segments[65], 1u);
  EXPECT_EQ((*batch)->summary().segments[0], 2u);
}

}  // namespace
}  // namespace batch
}  // namespace leadseg

namespace leadseg {
namespace batch {
namespace {

// A config of segments only takes RowEvaluator's short path; what identify
// refuses is still refused, in identify's words.
TEST(BatchLeadBatch, SegmentsOnlyConfigsRefuseWhatIdentifyRefuses) {
  Diagnostics d;
  std::shared_ptr<const CompiledConfig> config =
      CompileConfigText(R"({"segments": [{"id": "cto", "condition": {"title": "CTO"}}]})", &d);
  ASSERT_TRUE(config) << d.Format();
  BatchOptions options;
  options.now = kNow;
  auto batch = LeadBatch::Create(config, options);
  ASSERT_TRUE(batch.ok());
  std::string huge(50 * 1024, '\x01');  // 50 KB that JSON writes as 300 KB of \u0001
  ASSERT_TRUE((*batch)->FeedCsv("title,segments\nCTO,\nCTO,x\n\"CTO" + huge + "\",\n", true).ok());
  const ResultBuffer& out = (*batch)->results();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out.InSegment(0, 0));
  EXPECT_EQ(out.ErrorOf(0), nullptr);
  // A "segments" column is data, not an attribute (see above).
  EXPECT_EQ(out.ErrorOf(1), nullptr);
  EXPECT_TRUE(out.InSegment(1, 0));
  ASSERT_NE(out.ErrorOf(2), nullptr);
  EXPECT_NE(out.ErrorOf(2)->find("attributes would exceed 256 KB"), std::string::npos) << *out.ErrorOf(2);
}

// Each row says whether the lead is an MQL / SQL at `now` (-1 without a
// lifecycle or on error), and the summary counts them, whatever the chunks.
TEST(BatchLeadBatch, MqlAndSqlPerRowAndCounted) {
  Diagnostics d;
  std::shared_ptr<const CompiledConfig> config = CompileConfigText(R"({"segments": [], "lifecycle": {
    "stages": [{"id": "new"}, {"id": "engaged", "condition": {"size": {"$gte": 100}}}],
    "mql": {"stage": "engaged"}, "sql": {"mql": true, "title": "CTO"}}})", &d);
  ASSERT_TRUE(config) << d.Format();
  const std::string csv = "title,size,sql\nCTO,500,\nIntern,500,\nCTO,5,\nCTO,500,true\n";
  for (size_t chunk : {size_t{0}, size_t{7}}) {
    BatchOptions options;
    options.now = kNow;
    auto batch = LeadBatch::Create(config, options);
    ASSERT_TRUE(batch.ok());
    std::vector<std::pair<int, int>> flags;
    for (size_t at = 0; at < csv.size() || at == 0;) {
      size_t n = chunk ? std::min(chunk, csv.size() - at) : csv.size();
      ASSERT_TRUE((*batch)->FeedCsv(std::string_view(csv).substr(at, n), at + n == csv.size()).ok());
      at += n;
      for (const LeadResult& r : (*batch)->results().rows()) flags.emplace_back(r.mql, r.sql);
      (*batch)->results().Clear();
    }
    // The last row gives the computed attribute "sql" as a column: data,
    // left out; the computed hand-off is what counts.
    EXPECT_EQ(flags, (std::vector<std::pair<int, int>>{{1, 1}, {1, 0}, {0, 0}, {1, 1}})) << chunk;
    EXPECT_EQ((*batch)->summary().mql, 3u);
    EXPECT_EQ((*batch)->summary().sql, 2u);
    EXPECT_EQ((*batch)->summary().columns.computed, (std::vector<std::string>{"sql"}));
    BatchSummary twice = (*batch)->summary();
    twice.AddRows((*batch)->summary());
    EXPECT_EQ(twice.mql, 6u);
    EXPECT_EQ(twice.sql, 4u);
  }
  // Without a lifecycle there is nothing to say.
  Outcome plain = Segment("title,size\nCTO,500\n");
  EXPECT_EQ(plain.summary.mql, 0u);
}

}  // namespace
}  // namespace batch
}  // namespace leadseg
