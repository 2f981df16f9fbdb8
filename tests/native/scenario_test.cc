// Replays tests/scenarios/*.json against the native engine. The wasm runner
// (tests/wasm/scenario.test.mjs) replays the same files, so both builds are
// held to the same hand-computed expectations.
#include <gtest/gtest.h>

#include "leadseg/compiled_config.h"
#include "config/config.h"
#include "leadseg/compiler.h"
#include "leadseg/engine.h"
#include "test_data.h"

namespace leadseg {
namespace {

// "2d1h1ms" -> milliseconds.
TimeMs ParseOffset(const std::string& text) {
  TimeMs total = 0;
  size_t i = 0;
  while (i < text.size()) {
    TimeMs n = 0;
    while (i < text.size() && isdigit(static_cast<unsigned char>(text[i]))) n = n * 10 + (text[i++] - '0');
    std::string unit;
    while (i < text.size() && isalpha(static_cast<unsigned char>(text[i]))) unit += text[i++];
    TimeMs scale = unit == "ms" ? 1 : unit == "s" ? kSecond : unit == "m" ? kMinute : unit == "h" ? kHour
                 : unit == "d" ? kDay : 0;
    if (unit.empty()) scale = 1;
    total += n * scale;
  }
  return total;
}

// `compiled`: load the engine from the compiled config's bytes instead.
void RunScenario(const std::string& file, bool compiled = false) {
  Json scenario = testing::ReadJson(testing::SourcePath(file));
  Diagnostics d;
  auto config = CompileConfigText(testing::ReadText(testing::SourcePath(scenario["config"])), &d);
  ASSERT_TRUE(config) << d.Format();
  std::shared_ptr<const CompiledConfig> loaded(std::move(config));
  if (compiled) {
    auto decoded = DecodeCompiledConfig(EncodeCompiledConfig(*loaded, d));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    loaded = decoded->config;
  }
  Engine engine(loaded);
  const TimeMs start = scenario["start"].get<TimeMs>();
  int index = 0;
  for (const Json& step : scenario["steps"]) {
    SCOPED_TRACE("step " + std::to_string(index++) + ": " + step.dump());
    TimeMs at = start + ParseOffset(step["at"].get<std::string>());
    Result<SegmentChanges> r = SegmentChanges{};
    if (step.contains("identify")) r = engine.Identify(step["identify"], at);
    else if (step.contains("track")) r = engine.Track(step["track"], step.value("props", Json::object()), at);
    else if (step.contains("declare")) r = engine.Declare(step["declare"], step["value"], at);
    else if (step.contains("advance")) r = engine.Advance(at);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const Json& expect = step["expect"];
    if (expect.contains("entered")) {
      EXPECT_EQ(Json(r->entered), expect["entered"]);
    }
    if (expect.contains("exited")) {
      EXPECT_EQ(Json(r->exited), expect["exited"]);
    }
    if (expect.contains("segments")) {
      EXPECT_EQ(Json(engine.Segments()), expect["segments"]);
    }
    if (expect.contains("metrics")) {
      Json metrics = engine.Metrics();
      for (auto it = expect["metrics"].begin(); it != expect["metrics"].end(); ++it) {
        EXPECT_EQ(metrics[it.key()], *it) << it.key();
      }
    }
    if (expect.contains("stages")) {
      Json stages = Json::array();
      for (const auto& c : r->stages) stages.push_back({{"from", c.from}, {"to", c.to}});
      EXPECT_EQ(stages, expect["stages"]);
    }
    if (expect.contains("temperature")) {
      Json changed = r->temperature.empty() ? Json() : Json(r->temperature);
      EXPECT_EQ(changed, expect["temperature"]);
    }
    if (expect.contains("mql")) {
      EXPECT_EQ(r->mql, expect["mql"].get<bool>());
    }
    if (expect.contains("sql")) {
      EXPECT_EQ(r->sql, expect["sql"].get<bool>());
    }
    if (expect.contains("score")) {
      Json breakdown = engine.ScoreBreakdown();
      for (auto it = expect["score"].begin(); it != expect["score"].end(); ++it) {
        if (it->is_number()) {
          EXPECT_NEAR(breakdown[it.key()].get<double>(), it->get<double>(), 1e-9) << it.key();
        } else {
          EXPECT_EQ(breakdown[it.key()], *it) << it.key();
        }
      }
    }
    if (expect.contains("attributes")) {
      Json view = engine.AttributeView();
      for (auto it = expect["attributes"].begin(); it != expect["attributes"].end(); ++it) {
        EXPECT_EQ(view[it.key()], *it) << it.key();
      }
    }
  }
}

TEST(Scenario, B2bJourney) { RunScenario("tests/scenarios/b2b-journey.json"); }
TEST(Scenario, B2bJourneyFromCompiledConfig) { RunScenario("tests/scenarios/b2b-journey.json", /*compiled=*/true); }

}  // namespace
}  // namespace leadseg
