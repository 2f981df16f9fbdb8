#include "learning/model_training.h"

#include <cmath>
#include <limits>
#include <string>

namespace leadseg::learning {

namespace {
constexpr size_t kMaxFeatures = 200;  // the `predictive` section's limit
}

Result<TrainingRun> TrainingRun::Start(FeatureTable table, std::vector<double> y, const TrainingOptions& options) {
  if (table.cols() > kMaxFeatures) {
    return InvalidArgument("the lead list gives " + std::to_string(table.cols()) + " features, more than the " +
                               std::to_string(kMaxFeatures) + " a model may have: lower maxLevels or pass fewer features",
                           "/features");
  }
  if (y.size() != table.rows) return InvalidArgument("the outcome has a different number of rows than the features", "/outcome");
  for (double v : y) {
    if (v != 0 && v != 1) return InvalidArgument("the outcome must be 0 or 1 in every row", "/outcome");
  }
  if (!(options.C > 0) || !std::isfinite(options.C)) return InvalidArgument("C must be a positive number", "/C");
  Result<Validation> validation = options.folds == 1 ? Holdout(y, options.holdout, options.seed)
                                                     : KFold(y, options.folds, options.seed);
  if (!validation.ok()) return validation.status();
  TrainingRun run(std::move(table), std::move(y), std::move(*validation), options);
  run.out_of_fold_.assign(run.y_.size(), std::numeric_limits<double>::quiet_NaN());
  return run;
}

Status TrainingRun::FitFinal() {
  LogisticOptions lo;
  lo.C = options_.C;
  Result<LogisticModel> model = FitLogistic(table_, y_, {}, lo);
  if (!model.ok()) return model.status();
  model_ = std::move(*model);
  fitted_ = true;
  return Status::Ok();
}

Status TrainingRun::RunRound(int round) {
  if (!fitted_) return FailedPrecondition("the final model is fitted before the validation rounds");
  if (round < 0 || round >= validation_.rounds) return OutOfRange("no such validation round");
  std::vector<size_t> train, test;
  validation_.Split(round, train, test);
  LogisticOptions lo;
  lo.C = options_.C;
  // A fold's model only predicts its held-out rows: 1e-6 on every
  // coefficient moves no probability visibly, and saves a Newton pass or
  // two over the rows per fold.
  lo.tolerance = 1e-6;
  Result<LogisticModel> model = FitLogistic(table_, y_, train, lo, &model_);
  if (!model.ok()) return model.status();
  for (size_t i : test) out_of_fold_[i] = model->Probability(table_.row(i));
  return Status::Ok();
}

TrainingReport TrainingRun::Report() const {
  TrainingReport report;
  report.rows = y_.size();
  std::vector<double> y, p;
  for (size_t i = 0; i < y_.size(); ++i) {
    report.positives += y_[i] > 0.5 ? 1 : 0;
    if (std::isnan(out_of_fold_[i])) continue;
    y.push_back(y_[i]);
    p.push_back(out_of_fold_[i]);
  }
  report.validated = p.size();
  report.auc = Auc(y, p);
  report.log_loss = LogLoss(y, p);
  report.brier = Brier(y, p);
  report.calibration = Calibration(y, p);
  report.roc = RocCurve(y, p);
  return report;
}

}  // namespace leadseg::learning
