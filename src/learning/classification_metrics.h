// How good a probability model is, on predictions it did not train on:
// AUC (ties counted half, as scikit-learn's roc_auc_score), log loss
// (probabilities clipped to [1e-15, 1 - 1e-15], as scikit-learn), Brier
// score, a calibration table per decile of prediction, and the ROC curve.
#pragma once

#include <cstddef>
#include <vector>

namespace leadseg::learning {

struct CalibrationBin {
  int decile = 0;       // 1..10, lowest predictions first
  size_t count = 0;
  double predicted = 0;  // mean prediction in the bin
  double observed = 0;   // share of positives in the bin
};

struct RocPoint {
  double fpr = 0;
  double tpr = 0;
  double threshold = 0;  // predictions >= threshold count as positive
};

// `y` is 0/1, `p` the predicted probabilities, same length. AUC is NaN
// when either class is absent.
double Auc(const std::vector<double>& y, const std::vector<double>& p);
double LogLoss(const std::vector<double>& y, const std::vector<double>& p);
double Brier(const std::vector<double>& y, const std::vector<double>& p);
// Bins of equal count by sorted prediction (the last bins one larger when
// the rows do not divide by 10); fewer than 10 rows give fewer bins.
std::vector<CalibrationBin> Calibration(const std::vector<double>& y, const std::vector<double>& p);
// At most about `max_points` points, always (0,0) first and (1,1) last.
std::vector<RocPoint> RocCurve(const std::vector<double>& y, const std::vector<double>& p, size_t max_points = 200);

}  // namespace leadseg::learning
