// Temperature: cold/warm/hot from score thresholds, with hysteresis.
//
//   "temperature": {"warm": 30, "hot": 60, "hysteresis": 5}
//
// Moving down needs the score to fall `hysteresis` below the threshold, so
// a score hovering at a threshold does not flap. Conditions read it as
// "temperature". Evaluated by engine/temperature_step.h.
#pragma once

namespace leadseg {

struct TemperatureSpec {
  double warm = 30, hot = 60, hysteresis = 5;
};

enum class Temperature { kCold = 0, kWarm = 1, kHot = 2 };
const char* TemperatureName(Temperature t);
// The next temperature for `score`, given the current one.
Temperature NextTemperature(const TemperatureSpec& spec, Temperature current, double score);

}  // namespace leadseg
