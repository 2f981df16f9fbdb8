// The experiment report's statistics on random count tables, as a fixture
// the package's JavaScript port is held to.
//
// The page's wasm does not compute experiments()' rate, interval and
// probability to be best: the package does, in web/src/experiment-stats.js,
// from the counts (so that lgamma/log/log1p stay out of the runtime wasm).
// tests/web/fixtures/experiment-stats.json holds random count tables and
// what ComputeVariantStats gives for them; this test checks the C++ still
// gives those figures, and tests/web/experiment-stats.test.mjs checks the
// JavaScript gives them too (to the tolerance it states). Together: a
// differential test of the two that runs without a native build in node.
//
// To rewrite the fixture (only when the statistics are meant to change):
//   LEADSEG_WRITE_STATS_FIXTURE=1 ./build/native/leadseg_tests --gtest_filter='StatsFixture.*'
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/json.h"
#include "decisions/bandit.h"
#include "decisions/stats.h"
#include "test_data.h"

namespace leadseg {
namespace {

constexpr const char* kFixture = "tests/web/fixtures/experiment-stats.json";

// Count tables over the range a report sees: no data, a handful, thousands,
// tens of millions of exposures; rates from 0 to 1; 1 to 5 variants, arms
// of one table at the same scale or not.
std::vector<std::vector<ArmCounts>> RandomTables(int n) {
  Rng rng(20261204);
  const int64_t scales[] = {0, 3, 10, 100, 1000, 10000, 100000, 1000000, 30000000};
  std::vector<std::vector<ArmCounts>> tables;
  for (int t = 0; t < n; ++t) {
    const int k = 1 + static_cast<int>(rng.Below(5));
    const bool same_scale = rng.Below(2) == 0;
    int64_t scale = scales[rng.Below(9)];
    const double base_rate = rng.Below(4) == 0 ? rng.Uniform() : 0.2 * rng.Uniform();
    std::vector<ArmCounts> table;
    for (int i = 0; i < k; ++i) {
      if (!same_scale) scale = scales[rng.Below(9)];
      ArmCounts c;
      c.exposures = static_cast<int64_t>(std::floor(static_cast<double>(scale) * (0.5 + rng.Uniform())));
      const double rate = std::min(1.0, base_rate * (0.7 + 0.6 * rng.Uniform()));
      c.conversions = rng.Below(10) == 0 ? (rng.Below(2) ? 0 : c.exposures)
                                         : static_cast<int64_t>(std::floor(static_cast<double>(c.exposures) * rate));
      table.push_back(c);
    }
    tables.push_back(table);
  }
  return tables;
}

Json Figures(const std::vector<ArmCounts>& table) {
  auto stats = ComputeVariantStats(table);
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  Json out = Json::array();
  for (size_t i = 0; i < table.size(); ++i) {
    const VariantStats& s = (*stats)[i];
    out.push_back({{"exposures", table[i].exposures},
                   {"conversions", table[i].conversions},
                   {"rate", s.conversion_rate},
                   {"interval", {s.interval_low, s.interval_high}},
                   {"probabilityBest", s.probability_best}});
  }
  return out;
}

TEST(StatsFixture, TheCxxGivesTheFixturesFigures) {
  const std::string path = testing::SourcePath(kFixture);
  if (std::getenv("LEADSEG_WRITE_STATS_FIXTURE")) {
    Json tables = Json::array();
    for (const auto& table : RandomTables(160)) tables.push_back(Figures(table));
    std::ofstream(path) << Json{{"level", kReportCredibleLevel}, {"tables", tables}}.dump(1) << "\n";
  }
  const Json fixture = testing::ReadJson(path);
  ASSERT_EQ(fixture["level"].get<double>(), kReportCredibleLevel);
  const Json& tables = fixture["tables"];
  ASSERT_EQ(tables.size(), 160u);
  for (size_t t = 0; t < tables.size(); ++t) {
    std::vector<ArmCounts> table;
    for (const Json& v : tables[t]) table.push_back({v["exposures"].get<int64_t>(), v["conversions"].get<int64_t>()});
    const Json now = Figures(table);
    for (size_t i = 0; i < table.size(); ++i) {
      const Json &want = tables[t][i], &got = now[i];
      // Written by this code; only a different libm's last bits may move them.
      for (const char* key : {"rate", "probabilityBest"}) {
        EXPECT_NEAR(got[key].get<double>(), want[key].get<double>(), 1e-12) << "table " << t << " arm " << i << " " << key;
      }
      for (int end = 0; end < 2; ++end) {
        EXPECT_NEAR(got["interval"][end].get<double>(), want["interval"][end].get<double>(), 1e-12)
            << "table " << t << " arm " << i << " interval " << end;
      }
    }
  }
}

}  // namespace
}  // namespace leadseg
