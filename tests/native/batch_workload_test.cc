// The shared workload's 10,000 profiles as a CSV (written as
// bench/node/csv-gen.mjs writes it) through its 30 segments: every row's
// memberships equal expected-membership.txt, the ground truth. Run twice:
// with the segments alone (RowEvaluator's segments-only path) and with a
// metric added that no event feeds (the full engine path), so the two paths
// are checked against each other and against the truth.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "batch/lead_batch.h"
#include "config/config.h"
#include "leadseg/compiler.h"
#include "test_data.h"
#include "../../bench/workload_csv.h"

namespace leadseg {
namespace batch {
namespace {

using testing::ReadText;
using testing::SharedPath;

class BatchWorkload : public ::testing::TestWithParam<bool> {};

TEST_P(BatchWorkload, MembershipsEqualTheGroundTruth) {
  const bool with_metric = GetParam();
  std::ifstream profiles(SharedPath("bench-workload/profiles.jsonl"));
  if (!profiles) GTEST_SKIP() << "no shared workload";
  const std::string csv = workload::ProfilesCsv(ReadText(SharedPath("bench-workload/profiles.jsonl")));
  std::string line;
  Json config = {{"segments", Json::parse(ReadText(SharedPath("bench-workload/segments.json")))}};
  if (with_metric) config["metrics"] = Json::parse(R"([{"id": "m_unfed", "aggregate": "count", "where": {"type": "never"}}])");
  Diagnostics d;
  std::shared_ptr<const CompiledConfig> compiled = CompileConfig(config, &d);
  ASSERT_TRUE(compiled) << d.Format();
  BatchOptions options;
  options.now = 1768478400000;
  options.list_columns = {"interests"};
  auto batch = LeadBatch::Create(compiled, options);
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE((*batch)->FeedCsv(csv, true).ok());
  std::istringstream expected(ReadText(SharedPath("bench-workload/expected-membership.txt")));
  const ResultBuffer& out = (*batch)->results();
  size_t wrong = 0, i = 0;
  for (; std::getline(expected, line) && i < out.size(); ++i) {
    std::string got;
    for (size_t s = 0; s < compiled->segments().size(); ++s) got += out.InSegment(i, s) ? '1' : '0';
    if (got != line && wrong++ < 5) ADD_FAILURE() << "profile " << i << ": " << got << " vs " << line;
    EXPECT_EQ(out.ErrorOf(i), nullptr);
  }
  EXPECT_EQ(i, 10000u);
  EXPECT_EQ(out.size(), 10000u);
  EXPECT_EQ(wrong, 0u);
}

INSTANTIATE_TEST_SUITE_P(Paths, BatchWorkload, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "Engine" : "SegmentsOnly"; });

}  // namespace
}  // namespace batch
}  // namespace leadseg
