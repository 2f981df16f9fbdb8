// track() cost against history length: the per-event cost must not grow
// with the number of stored events (issue: real-time segments).
//
//   build/native/leadseg_bench --benchmark_filter=Track
//
// Each benchmark fills a profile with N events spread over the last 30
// days, then times one more track() (with its metric updates and the
// re-evaluation of every segment) at N = 100, 1,000 and 10,000.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "config/config.h"
#include "core/value_codec.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"

namespace leadseg {
namespace {

// The worked example config, with retention capped at `max_events` so the
// log stays at that size in steady state (each new event prunes the oldest).
std::shared_ptr<const CompiledConfig> ExampleConfig(int max_events) {
  std::ifstream in(std::string(LEADSEG_SOURCE_DIR) + "/docs/examples/b2b-saas.json");
  std::stringstream s;
  s << in.rdbuf();
  Json config = Json::parse(s.str());
  config["retention"] = {{"maxEvents", max_events}};
  Diagnostics d;
  auto c = CompileConfig(config, &d);
  if (!c) {
    std::fprintf(stderr, "%s", d.Format().c_str());
    std::abort();
  }
  return std::shared_ptr<const CompiledConfig>(std::move(c));
}

constexpr TimeMs kStart = 1767225600000;

void BM_TrackWithHistory(benchmark::State& state) {
  const int history = static_cast<int>(state.range(0));
  auto config = ExampleConfig(history);
  Engine engine(config);
  engine.Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 20}}, kStart);
  const char* types[] = {"page_view", "session_start", "email_open", "download", "cart_add"};
  // History spread evenly over 30 days, so windowed metrics hold many entries.
  const TimeMs span = 30 * kDay;
  for (int i = 0; i < history; ++i) {
    Json props = {{"path", i % 3 ? "/blog/post" : "/pricing"}, {"category", "guide"}, {"value", 10}};
    engine.Track(types[i % 5], props, kStart + span * i / history);
  }
  TimeMs t = kStart + span;
  Json props = {{"path", "/pricing"}};
  // Time moves forward by one second per event; retention keeps the log at
  // `history` events.
  for (auto _ : state) {
    t += kSecond;
    auto r = engine.Track("page_view", props, t);
    benchmark::DoNotOptimize(r);
  }
  state.counters["stored_events"] = static_cast<double>(engine.event_count());
}
BENCHMARK(BM_TrackWithHistory)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// The same through TrackFrame, the props already a value frame: what the
// JavaScript package calls (bindings/frame.post.js), without the JSON ->
// Value conversion above, which only tests and the CLI pay.
void BM_TrackFrameWithHistory(benchmark::State& state) {
  const int history = static_cast<int>(state.range(0));
  auto config = ExampleConfig(history);
  Engine engine(config);
  engine.Identify(Json{{"job_title", "CTO"}, {"industry", "Technology"}, {"company_size", 20}}, kStart);
  const std::string types[] = {"page_view", "session_start", "email_open", "download", "cart_add"};
  auto frame = [](const Json& props) {
    Document doc;
    std::string out;
    EncodeValue(doc.Add(props), &out);
    return out;
  };
  const TimeMs span = 30 * kDay;
  const std::string history_props[] = {frame({{"path", "/pricing"}, {"category", "guide"}, {"value", 10}}),
                                       frame({{"path", "/blog/post"}, {"category", "guide"}, {"value", 10}})};
  for (int i = 0; i < history; ++i) {
    engine.TrackFrame(types[i % 5], history_props[i % 3 ? 1 : 0], kStart + span * i / history);
  }
  TimeMs t = kStart + span;
  const std::string props = frame({{"path", "/pricing"}});
  for (auto _ : state) {
    t += kSecond;
    auto r = engine.TrackFrame(types[0], props, t);
    benchmark::DoNotOptimize(r);
  }
  state.counters["stored_events"] = static_cast<double>(engine.event_count());
}
BENCHMARK(BM_TrackFrameWithHistory)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace leadseg

BENCHMARK_MAIN();
