#include "learning/predictive_export.h"

#include <cmath>

namespace leadseg::learning {

Json ExportPredictive(const FeatureTable& table, const LogisticModel& model, const ExportOptions& options) {
  Json out = Json::object();
  out["id"] = options.id;
  if (!options.name.empty()) out["name"] = options.name;
  out["model"] = "logistic";
  out["intercept"] = model.intercept;
  Json features = Json::array();
  for (size_t j = 0; j < table.cols(); ++j) {
    const Feature& f = table.features[j];
    Json item = Json::object();
    item["attribute"] = f.attribute;
    switch (f.kind) {
      case Feature::Kind::kNumeric:
        item["mean"] = f.mean;
        item["scale"] = f.scale;
        break;
      case Feature::Kind::kEquals:
        item["equals"] = f.equals;
        break;
      case Feature::Kind::kMissing:
        item["missing"] = true;
        break;
    }
    item["weight"] = model.weights[j];
    features.push_back(std::move(item));
  }
  out["features"] = std::move(features);
  if (options.scoring_points) out["scoring"] = Json{{"points", *options.scoring_points}};
  if (options.grading_points) out["grading"] = Json{{"points", *options.grading_points}};
  Json trained = Json::object();
  trained["rows"] = options.rows;
  if (std::isfinite(options.auc)) trained["auc"] = std::round(options.auc * 1e4) / 1e4;
  if (!options.at.empty()) trained["at"] = options.at;
  out["trainedOn"] = std::move(trained);
  return out;
}

}  // namespace leadseg::learning
