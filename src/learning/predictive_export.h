// A trained model as the config's `predictive` section (docs/predictive.md,
// format agreed in notes/predictive-format.md): weights only, no lead data.
#pragma once

#include <optional>
#include <string>

#include "core/json.h"
#include "learning/feature_table.h"
#include "learning/logistic_regression.h"

namespace leadseg::learning {

struct ExportOptions {
  std::string id = "conversion";
  std::string name;                      // left out when empty
  std::optional<double> scoring_points;  // at least one of the two
  std::optional<double> grading_points;
  size_t rows = 0;
  double auc = 0;                        // left out of trainedOn when not finite
  std::string at;                        // ISO time, left out when empty
};

Json ExportPredictive(const FeatureTable& table, const LogisticModel& model, const ExportOptions& options);

}  // namespace leadseg::learning
