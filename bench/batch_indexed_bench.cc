// Lead objects as indexed records (src/batch/lead_objects.h), natively: the
// shared workload's 10,000 profiles written once as web/src/indexed-leads.js
// writes them (only the attributes a condition reads, by attribute index; strings as
// ids into a table sent once), then LeadObjects::Feed pass after pass.
// This is the code bench/node/batch-wasm-eval.mjs times in the batch
// module, so the two give issue 15's wasm / native ratio for one and the
// same path (BM_Workload_ProgramBitset leaves the record reader out).
// Before timing, every profile's memberships are checked against
// expected-membership.txt.
//
//   build/native/leadseg_bench --benchmark_filter=BatchIndexed
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "batch/lead_objects.h"
#include "config/config.h"
#include "core/json.h"
#include "leadseg/compiler.h"

namespace leadseg {
namespace {

constexpr TimeMs kNow = 1768478400000;  // the wasm bench's NOW

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct IndexedWorkload {
  std::string error;
  std::shared_ptr<const CompiledConfig> config;
  std::string records, strings;  // as the package sends them
  std::vector<std::string> expected;
};

template <typename T>
void Put(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);  // little-endian, as the writer
}

const IndexedWorkload& GetIndexedWorkload() {
  static const IndexedWorkload* workload = [] {
    auto* w = new IndexedWorkload();
    const std::string dir = std::string(LEADSEG_SHARED_DIR) + "/bench-workload/";
    const std::string segments = ReadAll(dir + "segments.json");
    std::istringstream profiles(ReadAll(dir + "profiles.jsonl"));
    std::istringstream expected(ReadAll(dir + "expected-membership.txt"));
    Diagnostics d;
    w->config = CompileConfig(Json{{"segments", Json::parse(segments)}}, &d);
    if (!w->config) {
      w->error = "cannot compile " + dir + "segments.json: " + d.Format();
      return w;
    }
    batch::LeadObjects objects(w->config, kNow, false);
    std::map<std::string, uint32_t> ids;
    auto scalar = [&](const Json& v, std::string* out) {
      if (v.is_boolean()) {
        out->push_back(v.get<bool>() ? 2 : 1);
      } else if (v.is_number()) {
        out->push_back(3);
        Put(out, v.get<double>());
      } else if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        auto [at, added] = ids.emplace(s, static_cast<uint32_t>(ids.size()));
        if (added) {
          Put(&w->strings, static_cast<uint32_t>(s.size()));
          w->strings += s;
        }
        out->push_back(4);
        Put(out, at->second);
      } else {
        return false;
      }
      return true;
    };
    std::string line;
    while (std::getline(profiles, line)) {
      if (line.empty()) continue;
      const Json lead = Json::parse(line);
      std::string body;
      uint32_t count = 0;
      for (auto it = lead.begin(); it != lead.end(); ++it) {
        const int attr = objects.AttrOf(it.key());
        if (attr == batch::LeadObjects::kUnread) continue;
        if (attr < 0) {
          w->error = "a profile's attribute name is refused: " + it.key();
          return w;
        }
        Put(&body, static_cast<uint32_t>(attr));
        bool ok = true;
        if (it->is_array()) {
          body.push_back(5);
          Put(&body, static_cast<uint32_t>(it->size()));
          for (const Json& item : *it) ok = ok && scalar(item, &body);
        } else {
          ok = scalar(*it, &body);
        }
        if (!ok) {
          w->error = "a profile's value is not indexed: " + it.key();
          return w;
        }
        ++count;
      }
      w->records.push_back(2);
      Put(&w->records, static_cast<uint32_t>(body.size() + 4));
      Put(&w->records, count);
      w->records += body;
      Put(&w->records, uint32_t{0});  // declarations
      Put(&w->records, uint32_t{0});  // events
    }
    while (std::getline(expected, line)) w->expected.push_back(line);
    return w;
  }();
  return *workload;
}

void BM_BatchIndexed_Feed(benchmark::State& state) {
  const IndexedWorkload& w = GetIndexedWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  batch::LeadObjects objects(w.config, kNow, false);
  if (!objects.TakesIndexed() || !objects.AddStrings(w.strings, true).ok() || !objects.Feed(w.records, 0).ok()) {
    state.SkipWithError("the workload's records were refused");
    return;
  }
  const batch::ResultBuffer& r = objects.results();
  bool same = r.size() == w.expected.size();
  for (size_t i = 0; same && i < r.size(); ++i) {
    for (size_t s = 0; s < r.segment_count(); ++s) same = same && r.InSegment(i, s) == (w.expected[i][s] == '1');
  }
  if (!same) {
    state.SkipWithError("the memberships differ from expected-membership.txt");
    return;
  }
  objects.Clear();
  for (auto _ : state) {
    benchmark::DoNotOptimize(objects.Feed(w.records, 0).ok());
    objects.Clear();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * r.segment_count() * w.expected.size()));
  state.counters["record_bytes"] = static_cast<double>(w.records.size());
}
BENCHMARK(BM_BatchIndexed_Feed)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace leadseg
