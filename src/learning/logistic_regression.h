// L2-regularised logistic regression, fitted by Newton's method (IRLS) with
// a backtracking line search. The objective is scikit-learn's
// LogisticRegression(penalty="l2", C=C):
//
//   C * sum_i [log(1 + exp(eta_i)) - y_i eta_i] + ||w||^2 / 2,
//   eta_i = intercept + w . x_i,
//
// the intercept unpenalised. Features are few (tens, at most a few hundred)
// and rows many, so the (p+1)^2 Hessian is cheap to solve and Newton
// converges in a handful of passes over the rows, to a tolerance far below
// what the reference tests check (1e-3 on each coefficient).
#pragma once

#include <cstddef>
#include <vector>

#include "leadseg/status.h"
#include "learning/feature_table.h"

namespace leadseg::learning {

struct LogisticOptions {
  double C = 1.0;
  // Stops when no coefficient moves by more than this in an iteration.
  double tolerance = 1e-9;
  int max_iterations = 100;
};

struct LogisticModel {
  double intercept = 0;
  std::vector<double> weights;  // one per feature (standardised units)
  int iterations = 0;
  bool converged = false;

  double LogOdds(const double* row) const;
  double Probability(const double* row) const;
};

// Fits on `rows` of the table (all rows when empty); `y` has one 0/1 entry
// per table row. `start`, if given, is the starting point (warm start:
// cross-validation folds start from the model fitted on every row).
Result<LogisticModel> FitLogistic(const FeatureTable& table, const std::vector<double>& y,
                                  const std::vector<size_t>& rows, const LogisticOptions& options,
                                  const LogisticModel* start = nullptr);

// 1 / (1 + exp(-z)), without overflow.
double Sigmoid(double z);

}  // namespace leadseg::learning
