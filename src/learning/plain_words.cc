#include "learning/plain_words.h"

#include <cmath>
#include <cstdio>

namespace leadseg::learning {

double PerUnit(const Feature& feature, double weight) {
  return feature.kind == Feature::Kind::kNumeric ? weight / feature.scale : weight;
}

std::string ShortNumber(double v, bool sign) {
  char buffer[64];
  double a = std::fabs(v);
  const char* format = sign ? "%+.2f" : "%.2f";
  if (a != 0 && a < 0.1) format = sign ? "%+.2g" : "%.2g";
  else if (a >= 1000) format = sign ? "%+.0f" : "%.0f";
  std::snprintf(buffer, sizeof buffer, format, v);
  return buffer;
}

namespace {

std::string Odds(double log_odds) {
  return "(odds x" + ShortNumber(std::exp(log_odds)) + ")";
}

std::string LevelText(const Json& level) {
  return level.is_string() ? "\"" + level.get<std::string>() + "\"" : level.dump();
}

}  // namespace

std::string WeightInWords(const Feature& feature, double weight) {
  switch (feature.kind) {
    case Feature::Kind::kNumeric: {
      if (feature.boolean) {
        double w = PerUnit(feature, weight);
        return feature.attribute + " is true: " + ShortNumber(w, true) + " log-odds " + Odds(w);
      }
      double w = PerUnit(feature, weight);
      return feature.attribute + ": " + ShortNumber(w, true) + " log-odds per unit " + Odds(w) + "; " +
             ShortNumber(weight, true) + " per standard deviation (" + ShortNumber(feature.scale) + ")";
    }
    case Feature::Kind::kEquals:
      return feature.attribute + " is " + LevelText(feature.equals) + ": " + ShortNumber(weight, true) +
             " log-odds " + Odds(weight);
    case Feature::Kind::kMissing:
      return feature.attribute + " unknown: " + ShortNumber(weight, true) + " log-odds " + Odds(weight);
  }
  return feature.attribute;
}

}  // namespace leadseg::learning
