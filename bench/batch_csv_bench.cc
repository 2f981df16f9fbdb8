// The CSV path of the batch kernel (src/batch/): the shared workload's
// 10,000 profiles written as csv-gen.mjs writes them (a list column
// `interests` as "a;b;c"), fed to a LeadBatch in 1 MB chunks, as the wasm
// batch module is fed by segmentLeads. Each iteration is one pass over the
// file (a new LeadBatch, so the config's program is shared but the reader
// starts empty); items_per_second is evaluations (rows x segments) per
// second, comparable with BM_Workload_*. Before timing, the per-segment
// counts are checked against expected-membership.txt.
//
//   build/native/leadseg_bench --benchmark_filter=BatchCsv
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "batch/lead_batch.h"
#include "config/config.h"
#include "leadseg/compiler.h"
#include "workload_csv.h"

namespace leadseg {
namespace {

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CsvWorkload {
  std::string error;
  std::shared_ptr<const CompiledConfig> config;
  std::string csv;
  size_t rows = 0;
  std::vector<uint64_t> expected;  // members per segment
};

const CsvWorkload& GetCsvWorkload() {
  static const CsvWorkload* workload = [] {
    auto* w = new CsvWorkload();
    const std::string dir = std::string(LEADSEG_SHARED_DIR) + "/bench-workload/";
    const std::string segments = ReadWhole(dir + "segments.json");
    const std::string profiles = ReadWhole(dir + "profiles.jsonl");
    const std::string expected = ReadWhole(dir + "expected-membership.txt");
    if (segments.empty() || profiles.empty() || expected.empty()) {
      w->error = "cannot read " + dir;
      return w;
    }
    Diagnostics d;
    w->config = CompileConfig(Json{{"segments", Json::parse(segments)}}, &d);
    if (!w->config) {
      w->error = d.Format();
      return w;
    }
    w->csv = workload::ProfilesCsv(profiles, &w->rows);
    std::string line;
    w->expected.assign(w->config->segments().size(), 0);
    std::istringstream truth(expected);
    while (std::getline(truth, line)) {
      for (size_t s = 0; s < line.size() && s < w->expected.size(); ++s) w->expected[s] += line[s] == '1';
    }
    return w;
  }();
  return *workload;
}

// One pass: the summary's per-segment counts (empty on a failure).
std::vector<uint64_t> SegmentFile(const CsvWorkload& w) {
  batch::BatchOptions options;
  options.now = 1768478400000;
  options.list_columns = {"interests"};
  auto created = batch::LeadBatch::Create(w.config, options);
  if (!created.ok()) return {};
  batch::LeadBatch& b = **created;
  constexpr size_t kChunk = 1 << 20;
  std::string_view csv(w.csv);
  for (size_t at = 0; at < csv.size(); at += kChunk) {
    if (!b.FeedCsv(csv.substr(at, kChunk), false).ok()) return {};
    b.results().Clear();
  }
  if (!b.FeedCsv({}, true).ok() || b.summary().errors) return {};
  return b.summary().segments;
}

void BM_BatchCsv_Segments(benchmark::State& state) {
  const CsvWorkload& w = GetCsvWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  if (SegmentFile(w) != w.expected) {
    state.SkipWithError("the batch's per-segment counts differ from expected-membership.txt");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(SegmentFile(w));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.rows * w.expected.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * w.csv.size()));
}
BENCHMARK(BM_BatchCsv_Segments)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace leadseg
