// The native batch kernel gives every lead what the package's segmentLeads
// gives it: tests/native/batch_fixture/expected.json holds segmentLeads's
// answers (written by scripts/batch-fixture.mjs from the wasm build) for
// lead lists with awkward values, quoted fields, CRLF, a BOM, a column map,
// duplicate and short rows, and an activity table with malformed, late and
// unknown-lead rows.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "batch/lead_batch.h"
#include "config/config.h"
#include "leadseg/compiler.h"
#include "test_data.h"

namespace leadseg {
namespace batch {
namespace {

using testing::ReadJson;
using testing::ReadText;
using testing::SourcePath;

std::string Fixture(const std::string& name) { return SourcePath("tests/native/batch_fixture/" + name); }

std::shared_ptr<const CompiledConfig> ExampleConfig() {
  Diagnostics d;
  return CompileConfigText(ReadText(SourcePath("docs/examples/b2b-saas.json")), &d);
}

Json NullOr(const char* text) { return text ? Json(text) : Json(); }

class BatchFixture : public ::testing::TestWithParam<size_t> {};

TEST_P(BatchFixture, EveryLeadAsSegmentLeads) {
  const Json expected = ReadJson(Fixture("expected.json"));
  const Json& c = expected["cases"][GetParam()];
  SCOPED_TRACE(c["name"].get<std::string>());
  auto config = ExampleConfig();
  ASSERT_TRUE(config);
  BatchOptions options;
  options.now = expected["now"].get<TimeMs>();
  options.types = c["options"]["types"].get<bool>();
  for (auto it = c["options"]["columnMap"].begin(); it != c["options"]["columnMap"].end(); ++it) {
    options.column_map.emplace_back(it.key(), it->get<std::string>());
  }
  const Json config_json = ReadJson(SourcePath("docs/examples/b2b-saas.json"));
  for (auto it = config_json["attributes"].begin(); it != config_json["attributes"].end(); ++it) {
    options.declared_attributes.push_back(it.key());
  }
  auto created = LeadBatch::Create(config, options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  LeadBatch& batch = **created;
  if (c["options"]["events"].get<bool>()) {
    std::string events = ReadText(Fixture("events.csv"));
    for (size_t at = 0; at < events.size(); at += 1000) {
      ASSERT_TRUE(batch.FeedEventsCsv(std::string_view(events).substr(at, 1000), false).ok());
    }
    ASSERT_TRUE(batch.FeedEventsCsv({}, true).ok());
  }
  const std::string file = c["name"] == "refused" ? "refused.csv" : "leads.csv";
  const std::string leads = ReadText(Fixture(file));
  // Odd-sized chunks, drained after each: rows cut anywhere.
  std::vector<LeadResult> rows;
  std::vector<std::vector<std::string>> segments;
  std::vector<std::string> errors;
  auto drain = [&] {
    ResultBuffer& out = batch.results();
    for (size_t i = 0; i < out.size(); ++i) {
      rows.push_back(out.rows()[i]);
      segments.emplace_back();
      for (size_t s = 0; s < config->segments().size(); ++s) {
        if (out.InSegment(i, s)) segments.back().push_back(config->segments()[s].id);
      }
      errors.push_back(out.ErrorOf(i) ? *out.ErrorOf(i) : std::string());
    }
    out.Clear();
  };
  for (size_t at = 0; at < leads.size(); at += 777) {
    ASSERT_TRUE(batch.FeedCsv(std::string_view(leads).substr(at, 777), false).ok());
    drain();
  }
  Status end = batch.FeedCsv({}, true);
  ASSERT_TRUE(end.ok()) << end.ToString();
  drain();

  const Json& want = c["leads"];
  ASSERT_EQ(rows.size(), want.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("lead " + std::to_string(i));
    const Json& w = want[i];
    EXPECT_EQ(rows[i].lead, i);
    EXPECT_EQ(Json(segments[i]), w["segments"]);
    if (w["score"].is_null()) {
      EXPECT_TRUE(std::isnan(rows[i].score));
    } else {
      // wasm's and glibc's exp() may differ in the last bits of a decayed score.
      EXPECT_NEAR(rows[i].score, w["score"].get<double>(), 1e-9);
    }
    EXPECT_EQ(NullOr(rows[i].grade >= 0 ? kGradeNames[rows[i].grade] : nullptr), w["grade"]);
    EXPECT_EQ(NullOr(rows[i].temperature >= 0 ? kTemperatureNames[rows[i].temperature] : nullptr), w["temperature"]);
    EXPECT_EQ(rows[i].stage >= 0 ? Json(config->lifecycle()->stages[static_cast<size_t>(rows[i].stage)].id) : Json(),
              w["stage"]);
    EXPECT_EQ(errors[i].empty() ? Json() : Json(errors[i]), w["error"]);
  }

  const BatchSummary& s = batch.summary();
  const Json& ws = c["summary"];
  EXPECT_EQ(s.count, ws["count"].get<uint64_t>());
  EXPECT_EQ(s.errors, ws["errors"].get<uint64_t>());
  for (size_t i = 0; i < config->segments().size(); ++i) {
    EXPECT_EQ(s.segments[i], ws["segments"][config->segments()[i].id].get<uint64_t>()) << config->segments()[i].id;
  }
  for (int g = 0; g < 4; ++g) EXPECT_EQ(s.grades[g], ws["grades"][kGradeNames[g]].get<uint64_t>());
  for (int t = 0; t < 3; ++t) EXPECT_EQ(s.temperatures[t], ws["temperatures"][kTemperatureNames[t]].get<uint64_t>());
  for (size_t i = 0; i < s.stages.size(); ++i) {
    EXPECT_EQ(s.stages[i], ws["stages"][config->lifecycle()->stages[i].id].get<uint64_t>());
  }
  const Json& we = ws["events"];
  EXPECT_EQ(s.events.read, we["read"].get<uint64_t>());
  EXPECT_EQ(s.events.replayed, we["replayed"].get<uint64_t>());
  EXPECT_EQ(s.events.after_now, we["afterNow"].get<uint64_t>());
  EXPECT_EQ(s.events.unknown_lead, we["unknownLead"].get<uint64_t>());
  EXPECT_EQ(Json(s.events.unknown_lead_ids), we["unknownLeadIds"]);
  EXPECT_EQ(s.events.leads_without_id, we["leadsWithoutId"].get<uint64_t>());
  EXPECT_EQ(Json(s.columns.read), ws["columns"]["read"]);
  EXPECT_EQ(Json(s.columns.ignored), ws["columns"]["ignored"]);
  EXPECT_EQ(Json(s.columns.missing), ws["columns"]["missing"]);
}

INSTANTIATE_TEST_SUITE_P(Cases, BatchFixture, ::testing::Values(0, 1, 2, 3));

}  // namespace
}  // namespace batch
}  // namespace leadseg
