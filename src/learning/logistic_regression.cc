#include "learning/logistic_regression.h"

#include <algorithm>
#include <cmath>

namespace leadseg::learning {

double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  double e = std::exp(z);
  return e / (1.0 + e);
}

double LogisticModel::LogOdds(const double* row) const {
  double eta = intercept;
  for (size_t j = 0; j < weights.size(); ++j) eta += weights[j] * row[j];
  return eta;
}

double LogisticModel::Probability(const double* row) const { return Sigmoid(LogOdds(row)); }

namespace {

// log(1 + exp(eta)) without overflow.
double Softplus(double eta) { return eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta)); }

// Solves A x = b for a symmetric positive definite A (n x n, row-major) by
// Cholesky; false if A is not positive definite.
bool SolveCholesky(std::vector<double> a, std::vector<double>& b, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / d;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    double s = b[i];
    for (size_t k = 0; k < i; ++k) s -= a[i * n + k] * b[k];
    b[i] = s / a[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    double s = b[i];
    for (size_t k = i + 1; k < n; ++k) s -= a[k * n + i] * b[k];
    b[i] = s / a[i * n + i];
  }
  return true;
}

// The objective, its gradient and Hessian over the training rows, in one
// pass: per row one exp and one log1p, then the row's outer product into
// the upper triangle of the Hessian. The features are the table's
// contiguous row-major float64 rows; the intercept is handled apart (its
// Hessian row and column are sums of w and w * x), so the inner loop is a
// plain axpy over the rest of the row that -msimd128 vectorises. Nothing is
// allocated per row.
class Problem {
 public:
  Problem(const FeatureTable& t, const std::vector<double>& y, const std::vector<size_t>& rows, double c)
      : t_(t), y_(y), rows_(rows), c_(c), p_(t.cols()) {}

  size_t count() const { return rows_.empty() ? t_.rows : rows_.size(); }
  size_t row(size_t k) const { return rows_.empty() ? k : rows_[k]; }

  // theta = [intercept, w...]. The objective alone (the line search).
  double Objective(const std::vector<double>& theta) const {
    double loss = 0;
    const size_t n = count();
    for (size_t k = 0; k < n; ++k) {
      size_t i = row(k);
      double eta = Eta(theta, t_.row(i));
      loss += Softplus(eta) - y_[i] * eta;
    }
    return c_ * loss + 0.5 * Penalty(theta);
  }

  // The objective, and its gradient g and Hessian h (d x d, row-major,
  // both triangles filled) at theta, in one pass over the rows.
  double Evaluate(const std::vector<double>& theta, std::vector<double>& g, std::vector<double>& h) const {
    const size_t d = p_ + 1;
    const size_t p = p_;
    g.assign(d, 0.0);
    h.assign(d * d, 0.0);
    double loss = 0;
    double w_sum = 0;  // h[0][0]
    double* g_w = g.data() + 1;
    double* h_0 = h.data() + 1;  // h[0][1..]: sum of w * x
    const size_t n = count();
    for (size_t k = 0; k < n; ++k) {
      const size_t i = row(k);
      const double* x = t_.row(i);
      const double eta = Eta(theta, x);
      // mu = sigmoid(eta) and softplus(eta) from one exp.
      const double e = std::exp(-std::fabs(eta));
      const double mu = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      loss += (eta > 0 ? eta : 0.0) + std::log1p(e) - y_[i] * eta;
      const double r = mu - y_[i];
      const double w = mu * (1.0 - mu);
      g[0] += r;
      w_sum += w;
      for (size_t a = 0; a < p; ++a) {
        const double xa = x[a];
        if (xa == 0.0) continue;  // one-hot and missing features are mostly 0
        g_w[a] += r * xa;
        const double wa = w * xa;
        h_0[a] += wa;
        double* ha = h.data() + (a + 1) * d + 1;
        for (size_t b = a; b < p; ++b) ha[b] += wa * x[b];
      }
    }
    h[0] = w_sum;
    for (size_t a = 0; a < d; ++a) {
      g[a] *= c_;
      for (size_t b = a; b < d; ++b) h[a * d + b] *= c_;
    }
    for (size_t j = 1; j < d; ++j) {
      g[j] += theta[j];
      h[j * d + j] += 1.0;
    }
    for (size_t a = 0; a < d; ++a)
      for (size_t b = 0; b < a; ++b) h[a * d + b] = h[b * d + a];
    return c_ * loss + 0.5 * Penalty(theta);
  }

 private:
  double Eta(const std::vector<double>& theta, const double* x) const {
    const double* w = theta.data() + 1;
    double eta = theta[0];
    for (size_t j = 0; j < p_; ++j) eta += w[j] * x[j];
    return eta;
  }

  double Penalty(const std::vector<double>& theta) const {
    double penalty = 0;
    for (size_t j = 1; j <= p_; ++j) penalty += theta[j] * theta[j];
    return penalty;
  }

  const FeatureTable& t_;
  const std::vector<double>& y_;
  const std::vector<size_t>& rows_;
  double c_;
  size_t p_;
};

}  // namespace

Result<LogisticModel> FitLogistic(const FeatureTable& table, const std::vector<double>& y,
                                  const std::vector<size_t>& rows, const LogisticOptions& options,
                                  const LogisticModel* start) {
  if (!(options.C > 0) || !std::isfinite(options.C)) return InvalidArgument("C must be a positive number", "/C");
  if (y.size() != table.rows) return InvalidArgument("the outcome has a different number of rows than the features", "/outcome");
  const size_t p = table.cols();
  const size_t d = p + 1;
  Problem problem(table, y, rows, options.C);
  if (problem.count() == 0) return InvalidArgument("no rows to train on", "/outcome");

  std::vector<double> theta(d, 0.0);
  if (start != nullptr && start->weights.size() == p) {
    theta[0] = start->intercept;
    std::copy(start->weights.begin(), start->weights.end(), theta.begin() + 1);
  } else {
    // Start at the base rate: the optimum when every weight is 0.
    double positives = 0;
    for (size_t k = 0; k < problem.count(); ++k) positives += y[problem.row(k)];
    double rate = std::clamp(positives / static_cast<double>(problem.count()), 1e-6, 1 - 1e-6);
    theta[0] = std::log(rate / (1 - rate));
  }

  // Newton's method. Each iteration is one fused pass (objective, gradient
  // and Hessian at the point the previous step reached); the backtracking
  // line search costs extra passes only when the full Newton step does not
  // lower the objective, which near the optimum it always does.
  LogisticModel model;
  std::vector<double> g, h, step(d), next(d), g_next, h_next;
  double f = problem.Evaluate(theta, g, h);
  for (int it = 1; it <= options.max_iterations; ++it) {
    step = g;
    if (!SolveCholesky(h, step, d)) {
      // Only the intercept's direction can be flat (every probability 0 or
      // 1); a tiny ridge keeps the step defined.
      for (size_t a = 0; a < d; ++a) h[a * d + a] += 1e-8;
      step = g;
      if (!SolveCholesky(h, step, d)) return FailedPrecondition("the training problem is degenerate", "");
    }
    double moved = 0;
    for (size_t a = 0; a < d; ++a) moved = std::max(moved, std::fabs(step[a]));
    model.iterations = it;
    if (moved < options.tolerance) {
      // Converged: a step this small is taken without another pass.
      for (size_t a = 0; a < d; ++a) theta[a] -= step[a];
      model.converged = true;
      break;
    }
    for (size_t a = 0; a < d; ++a) next[a] = theta[a] - step[a];
    double fn = problem.Evaluate(next, g_next, h_next);
    if (!(fn <= f + 1e-12 * std::fabs(f))) {
      // The full step went too far: halve it until the objective drops,
      // evaluating only the objective, then the derivatives once there.
      double t = 1.0;
      for (int halvings = 0; halvings < 40; ++halvings) {
        t *= 0.5;
        for (size_t a = 0; a < d; ++a) next[a] = theta[a] - t * step[a];
        fn = problem.Objective(next);
        if (fn <= f + 1e-12 * std::fabs(f)) break;
      }
      moved = t * moved;
      fn = problem.Evaluate(next, g_next, h_next);
    }
    theta.swap(next);
    g.swap(g_next);
    h.swap(h_next);
    f = fn;
    if (moved < options.tolerance) {
      model.converged = true;
      break;
    }
  }
  model.intercept = theta[0];
  model.weights.assign(theta.begin() + 1, theta.end());
  return model;
}

}  // namespace leadseg::learning
