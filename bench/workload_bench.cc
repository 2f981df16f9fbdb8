// The shared segmentation workload (../shared/bench-workload: 10,000
// profiles x 30 segments) through the native core, the numbers the
// WebAssembly build is compared with (bench/run.sh prints the table).
//
//   build/bench/leadseg_bench --benchmark_filter=Workload
//
// Each iteration is one pass over all 10,000 profiles; items_per_second is
// evaluations (profile x segment checks) per second.
//   BM_Workload_DecodeAndEvaluate  the wasm Segmenter.evaluateFrame path:
//       decode the binary attribute frame (value_codec.h, the bytes the
//       JavaScript encoder writes) and evaluate every segment;
//   BM_Workload_EvaluateOnly       frames decoded once up front (into one
//       arena); only CompiledConfig::EvaluateSegments is timed;
//   BM_Workload_DecodeOnly         DecodeFrame alone;
//   BM_Workload_TreeWalk           frames decoded once; every segment's
//       Condition::Evaluate, the evaluator segments used before
//       segments/segment_program.h (issue 15), for the ratio;
//   BM_Workload_ProgramBitset      frames decoded once; the segment
//       program's batch call (EvaluateAll into a bitset, one State).
// Before timing, both check every profile's memberships against
// expected-membership.txt and fail (SkipWithError) on any difference.
//
// BM_Track50 (only when LEADSEG_BENCH_TRACK_CONFIG names a config file,
// which bench/run.mjs generates: the worked example's metrics plus 50
// segments) times one track() at 100 / 1,000 / 10,000 stored events.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/value_codec.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"

namespace leadseg {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The workload, compiled and encoded once per process.
struct Workload {
  std::string error;  // non-empty when the workload cannot be used
  std::unique_ptr<CompiledConfig> config;
  std::vector<std::string> frames;      // one binary attribute frame per profile
  std::vector<std::string> expected;    // "0101..." per profile
  std::vector<std::string> objects;     // each profile as a value frame (identify's input)
  size_t segment_count = 0;
};

const Workload& GetWorkload() {
  static const Workload* workload = [] {
    auto* w = new Workload();
    const std::string dir = std::string(LEADSEG_SHARED_DIR) + "/bench-workload/";
    const std::string segments_text = ReadFile(dir + "segments.json");
    const std::string profiles_text = ReadFile(dir + "profiles.jsonl");
    const std::string expected_text = ReadFile(dir + "expected-membership.txt");
    if (segments_text.empty() || profiles_text.empty() || expected_text.empty()) {
      w->error = "cannot read " + dir + "{segments.json,profiles.jsonl,expected-membership.txt}";
      return w;
    }
    Json config = {{"segments", Json::parse(segments_text)}};
    Diagnostics d;
    w->config = CompileConfig(config, &d);
    if (!w->config) {
      w->error = "segments.json does not compile: " + d.Format();
      return w;
    }
    w->segment_count = w->config->segments().size();
    const AttributeSchema& schema = w->config->schema();
    std::istringstream lines(profiles_text);
    std::string line;
    Document doc;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      Json profile = Json::parse(line);
      // The same frame the JavaScript encoder (bindings/frame.post.js)
      // writes: only the attributes the schema knows, in attribute index order.
      std::string frame;
      std::vector<std::pair<int, Value>> present;
      doc.Clear();
      for (size_t attr = 0; attr < schema.size(); ++attr) {
        auto it = profile.find(schema.name(static_cast<int>(attr)));
        if (it == profile.end()) continue;
        present.emplace_back(static_cast<int>(attr), doc.Add(*it));
      }
      EncodeAttrHeader(static_cast<uint32_t>(present.size()), &frame);
      for (const auto& [attr, value] : present) {
        EncodeAttr(static_cast<uint32_t>(attr), &frame);
        EncodeValue(value, &frame);
      }
      w->frames.push_back(std::move(frame));
      std::string object;
      EncodeValue(doc.Add(profile), &object);
      w->objects.push_back(std::move(object));
    }
    std::istringstream expected_lines(expected_text);
    while (std::getline(expected_lines, line)) {
      if (!line.empty()) w->expected.push_back(line);
    }
    if (w->expected.size() != w->frames.size()) {
      w->error = "expected-membership.txt has " + std::to_string(w->expected.size()) + " lines for " +
                 std::to_string(w->frames.size()) + " profiles";
      return w;
    }
    // Ground truth check, once, through the decode + evaluate path.
    Document arena;
    AttributeSet attributes(&schema);
    std::vector<uint8_t> out;
    size_t mismatches = 0;
    for (size_t i = 0; i < w->frames.size(); ++i) {
      arena.Clear();
      const auto& f = w->frames[i];
      Status s = DecodeFrame(reinterpret_cast<const uint8_t*>(f.data()), f.size(), &arena, &attributes);
      if (!s.ok()) {
        w->error = "profile " + std::to_string(i) + ": " + s.message();
        return w;
      }
      w->config->EvaluateSegments(&attributes, &arena, &out);
      std::string got;
      for (uint8_t b : out) got.push_back(b ? '1' : '0');
      if (got != w->expected[i]) {
        if (mismatches < 5) {
          std::fprintf(stderr, "native: profile %zu memberships %s, expected %s\n", i, got.c_str(),
                       w->expected[i].c_str());
        }
        ++mismatches;
      }
    }
    if (mismatches) {
      w->error = std::to_string(mismatches) + " profiles' memberships differ from expected-membership.txt";
    }
    return w;
  }();
  return *workload;
}

void BM_Workload_DecodeAndEvaluate(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  Document arena;
  AttributeSet attributes(&w.config->schema());
  std::vector<uint8_t> out(w.segment_count);
  size_t members = 0;
  for (auto _ : state) {
    for (const auto& f : w.frames) {
      arena.Clear();
      Status s = DecodeFrame(reinterpret_cast<const uint8_t*>(f.data()), f.size(), &arena, &attributes);
      if (!s.ok()) std::abort();
      w.config->EvaluateSegments(&attributes, &arena, &out);
      members += out[0];
    }
    benchmark::DoNotOptimize(members);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.frames.size() * w.segment_count));
  state.counters["profiles"] = static_cast<double>(w.frames.size());
  state.counters["segments"] = static_cast<double>(w.segment_count);
}
BENCHMARK(BM_Workload_DecodeAndEvaluate)->Unit(benchmark::kMillisecond);

void BM_Workload_EvaluateOnly(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  // Every profile decoded once, all into one arena (so the values lie
  // together in memory, as one reused arena's do), each into its own set.
  Document arena;
  std::vector<AttributeSet> sets;
  sets.reserve(w.frames.size());
  for (const auto& f : w.frames) {
    sets.emplace_back(&w.config->schema());
    Status s = DecodeFrame(reinterpret_cast<const uint8_t*>(f.data()), f.size(), &arena, &sets.back());
    if (!s.ok()) std::abort();
  }
  Document scratch;
  std::vector<uint8_t> out(w.segment_count);
  size_t members = 0;
  for (auto _ : state) {
    for (auto& set : sets) {
      w.config->EvaluateSegments(&set, &scratch, &out);
      members += out[0];
    }
    benchmark::DoNotOptimize(members);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * sets.size() * w.segment_count));
}
BENCHMARK(BM_Workload_EvaluateOnly)->Unit(benchmark::kMillisecond);

// The decoding alone (items are still profile x segment checks, so the
// rates add up: 1/decode+evaluate = 1/decode + 1/evaluate, roughly).
void BM_Workload_DecodeOnly(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  Document arena;
  AttributeSet attributes(&w.config->schema());
  size_t present = 0;
  for (auto _ : state) {
    for (const auto& f : w.frames) {
      arena.Clear();
      Status s = DecodeFrame(reinterpret_cast<const uint8_t*>(f.data()), f.size(), &arena, &attributes);
      if (!s.ok()) std::abort();
      present += attributes.Get(0) != nullptr;
    }
    benchmark::DoNotOptimize(present);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.frames.size() * w.segment_count));
}
BENCHMARK(BM_Workload_DecodeOnly)->Unit(benchmark::kMillisecond);

// The same evaluations through the two evaluators directly, side by side in
// one run (issue 15): every segment's Condition::Evaluate (the recursive
// tree walk every segment used before segments/segment_program.h), and the
// segment program's batch call (Begin + every segment into a bitset, one
// reused State). Profiles are decoded once, as in EvaluateOnly.
std::vector<AttributeSet> DecodeAll(const Workload& w, Document* arena) {
  std::vector<AttributeSet> sets;
  sets.reserve(w.frames.size());
  for (const auto& f : w.frames) {
    sets.emplace_back(&w.config->schema());
    Status s = DecodeFrame(reinterpret_cast<const uint8_t*>(f.data()), f.size(), arena, &sets.back());
    if (!s.ok()) std::abort();
  }
  return sets;
}

void BM_Workload_TreeWalk(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  Document arena;
  std::vector<AttributeSet> sets = DecodeAll(w, &arena);
  size_t members = 0;
  for (auto _ : state) {
    for (const auto& set : sets) {
      for (const SegmentSpec& s : w.config->segments()) members += s.condition.Evaluate(set);
    }
    benchmark::DoNotOptimize(members);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * sets.size() * w.segment_count));
}
BENCHMARK(BM_Workload_TreeWalk)->Unit(benchmark::kMillisecond);

void BM_Workload_ProgramBitset(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  Document arena;
  std::vector<AttributeSet> sets = DecodeAll(w, &arena);
  if (w.config->segments_attr() >= 0) {
    state.SkipWithError("segments read \"segments\": EvaluateAll does not publish it");
    return;
  }
  const SegmentProgram& program = w.config->segment_program();
  SegmentProgram::State scratch;
  std::vector<uint64_t> words(SegmentProgram::WordsFor(program.size()));
  // The bitset path answers like the ground truth too.
  for (size_t i = 0; i < sets.size(); ++i) {
    program.EvaluateAll(sets[i], &scratch, words.data());
    for (size_t s = 0; s < w.segment_count; ++s) {
      if (((words[s / 64] >> (s % 64)) & 1) != static_cast<uint64_t>(w.expected[i][s] == '1')) {
        state.SkipWithError("EvaluateAll memberships differ from expected-membership.txt");
        return;
      }
    }
  }
  uint64_t members = 0;
  for (auto _ : state) {
    for (const auto& set : sets) {
      program.EvaluateAll(set, &scratch, words.data());
      members += words[0];
    }
    benchmark::DoNotOptimize(members);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * sets.size() * w.segment_count));
}
BENCHMARK(BM_Workload_ProgramBitset)->Unit(benchmark::kMillisecond);

// --- track() with the 50-segment config ----------------------------------

constexpr TimeMs kStart = 1767225600000;

// One visitor through the engine, as engine.identify(profile) +
// engine.segments() in the package (bindings: IdentifyFrame + Segments):
// the profile object as a value frame, merged into the attributes, every
// segment evaluated, the changes committed, the member ids listed.
void BM_Workload_Identify(benchmark::State& state) {
  const Workload& w = GetWorkload();
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  Engine engine(std::shared_ptr<const CompiledConfig>(w.config.get(), [](const CompiledConfig*) {}));
  TimeMs now = 1767225600000;
  size_t members = 0;
  for (auto _ : state) {
    for (const auto& object : w.objects) {
      auto changes = engine.IdentifyFrame(object, ++now);
      if (!changes.ok()) {
        state.SkipWithError(changes.status().message().c_str());
        return;
      }
      members += engine.Segments().size();
    }
  }
  benchmark::DoNotOptimize(members);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * w.objects.size()));
}
BENCHMARK(BM_Workload_Identify)->Unit(benchmark::kMillisecond);

void BM_Track50(benchmark::State& state) {
  const char* path = std::getenv("LEADSEG_BENCH_TRACK_CONFIG");
  if (!path || !*path) {
    state.SkipWithError("LEADSEG_BENCH_TRACK_CONFIG is not set (bench/run.mjs writes the config)");
    return;
  }
  const std::string text = ReadFile(path);
  if (text.empty()) {
    state.SkipWithError("cannot read LEADSEG_BENCH_TRACK_CONFIG");
    return;
  }
  const int history = static_cast<int>(state.range(0));
  Json config = Json::parse(text);
  config["retention"] = {{"maxEvents", history}};
  Diagnostics d;
  auto compiled = CompileConfig(config, &d);
  if (!compiled) {
    state.SkipWithError(d.Format().c_str());
    return;
  }
  Engine engine(std::shared_ptr<const CompiledConfig>(std::move(compiled)));
  auto identified = engine.Identify(
      Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 20}, {"country", "DE"}}, kStart);
  if (!identified.ok()) {
    state.SkipWithError(identified.status().message().c_str());
    return;
  }
  // The same history bench/node/track.mjs builds: five event types spread
  // evenly over 30 days.
  const char* types[] = {"page_view", "session_start", "email_open", "download", "cart_add"};
  const TimeMs span = 30 * kDay;
  for (int i = 0; i < history; ++i) {
    Json props = {{"path", i % 3 ? "/blog/post" : "/pricing"}, {"category", "guide"}, {"value", 10}};
    auto r = engine.Track(types[i % 5], props, kStart + span * i / history);
    if (!r.ok()) {
      state.SkipWithError(r.status().message().c_str());
      return;
    }
  }
  TimeMs t = kStart + span;
  const Json props = {{"path", "/pricing"}};
  for (auto _ : state) {
    t += kSecond;
    auto r = engine.Track("page_view", props, t);
    benchmark::DoNotOptimize(r);
  }
  state.counters["stored_events"] = static_cast<double>(engine.event_count());
}
BENCHMARK(BM_Track50)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace leadseg
