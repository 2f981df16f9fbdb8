#include "scoring/temperature.h"

namespace leadseg {

const char* TemperatureName(Temperature t) {
  switch (t) {
    case Temperature::kCold: return "cold";
    case Temperature::kWarm: return "warm";
    case Temperature::kHot: return "hot";
  }
  return "cold";
}

Temperature NextTemperature(const TemperatureSpec& spec, Temperature current, double score) {
  // Up as soon as a threshold is reached; down only once the score is
  // `hysteresis` below it.
  if (score >= spec.hot) return Temperature::kHot;
  if (current == Temperature::kHot && score >= spec.hot - spec.hysteresis) return Temperature::kHot;
  if (score >= spec.warm) return Temperature::kWarm;
  if (current != Temperature::kCold && score >= spec.warm - spec.hysteresis) return Temperature::kWarm;
  return Temperature::kCold;
}

}  // namespace leadseg
