// One training run of a predictive model, in steps a caller can interleave
// with progress reports: the final model on every row first, then one
// validation round at a time (each warm-started from the final model, so
// it takes a few Newton steps), then the report on the out-of-fold
// predictions.
#pragma once

#include <cstdint>
#include <vector>

#include "leadseg/status.h"
#include "learning/classification_metrics.h"
#include "learning/cross_validation.h"
#include "learning/feature_table.h"
#include "learning/logistic_regression.h"

namespace leadseg::learning {

struct TrainingOptions {
  double C = 1.0;
  int folds = 5;         // 1: one held-out split of `holdout`
  double holdout = 0.2;
  uint64_t seed = 1;
};

struct TrainingReport {
  double auc = 0, log_loss = 0, brier = 0;
  std::vector<CalibrationBin> calibration;
  std::vector<RocPoint> roc;
  size_t rows = 0, positives = 0, validated = 0;
};

class TrainingRun {
 public:
  // `y` is 0/1 per table row.
  static Result<TrainingRun> Start(FeatureTable table, std::vector<double> y, const TrainingOptions& options);

  Status FitFinal();
  // Requires FitFinal() first.
  Status RunRound(int round);
  int rounds() const { return validation_.rounds; }
  const Validation& validation() const { return validation_; }
  const LogisticModel& model() const { return model_; }
  const FeatureTable& table() const { return table_; }
  // On the rounds run so far.
  TrainingReport Report() const;

 private:
  TrainingRun(FeatureTable table, std::vector<double> y, Validation validation, const TrainingOptions& options)
      : table_(std::move(table)), y_(std::move(y)), validation_(std::move(validation)), options_(options) {}

  FeatureTable table_;
  std::vector<double> y_;
  Validation validation_;
  TrainingOptions options_;
  LogisticModel model_;
  bool fitted_ = false;
  std::vector<double> out_of_fold_;  // NaN until the row's round ran
};

}  // namespace leadseg::learning
