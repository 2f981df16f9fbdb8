// Statistics for marketers reading an experiment: per variant, the
// observed conversion rate, a credible interval for the true rate, and the
// probability that the variant is the best one.
//
// The model is the bandit's (decisions/bandit.h): a variant with e
// exposures and c conversions has the posterior Beta(1 + c, 1 + e - c) for
// its conversion rate (uniform prior). From it:
//  - the equal-tailed credible interval at level L is the pair of
//    posterior quantiles (1-L)/2 and (1+L)/2: "the rate is in [lo, hi]
//    with probability L";
//  - P(best) of variant i is P(X_i > X_j for all j != i) with independent
//    X_j ~ Beta_j, i.e. the integral of f_i(x) * prod_{j!=i} F_j(x) over
//    [0, 1] (f density, F distribution function), computed numerically
//    (Gauss-Legendre on a grid fitted to every posterior): errors ~1e-10
//    for hundreds of conversions, ~1e-8 for tens of millions of exposures
//    (lgamma's cancellation), far below the three decimals a report shows.
//
// Everything is implemented here (regularized incomplete beta by its
// continued fraction, its inverse by safeguarded Newton) so the numbers are
// the same natively and in WebAssembly up to libm's last-bit differences
// in lgamma/log/exp.
//
// The special functions return NaN for arguments outside their domain;
// ComputeVariantStats validates its input and returns a Status instead.
#pragma once

#include <vector>

#include "leadseg/status.h"
#include "decisions/bandit.h"

namespace leadseg {

// ---------------------------------------------------------------------------
// Special functions (a, b > 0 and finite)
// ---------------------------------------------------------------------------

// ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b).
double LogBeta(double a, double b);

// The Beta(a, b) density at x in [0, 1] (0 outside; +inf where it
// diverges at an end).
double BetaPdf(double a, double b, double x);

// The regularized incomplete beta function I_x(a, b) = P(X <= x) for
// X ~ Beta(a, b); x is clamped to [0, 1]. Relative accuracy ~1e-14 for
// moderate a, b; the continued fraction needs O(sqrt(max(a, b)))
// iterations, so counts in the millions cost a few thousand.
double RegularizedIncompleteBeta(double a, double b, double x);

// The inverse of x -> I_x(a, b): the p-quantile of Beta(a, b), for p in
// [0, 1]. Newton's method inside a shrinking bisection bracket, so it always
// converges; accurate to a few ulps of the result.
double InverseRegularizedIncompleteBeta(double a, double b, double p);

// ---------------------------------------------------------------------------
// Posterior comparisons
// ---------------------------------------------------------------------------

struct BetaParams {
  double a = 1;
  double b = 1;
};

// The posterior of an arm: Beta(1 + conversions, 1 + exposures - conversions).
BetaParams Posterior(const ArmCounts& counts);

// P(X2 > X1) for X1 ~ Beta(a1, b1), X2 ~ Beta(a2, b2), in closed form
// (Evan Miller, "Formulas for Bayesian A/B testing"):
//   sum_{i=0}^{a2-1} B(a1+i, b1+b2) / ((b2+i) B(1+i, b2) B(a1, b1)).
// Needs a2 or a1 to be a positive integer (posteriors from counts always
// are); sums over the smaller integer one, using P(X2 > X1) = 1 - P(X1 >
// X2). One term per unit of that shape, so NaN when neither is an integer
// of at most 1e6.
double ProbabilityGreater(const BetaParams& x1, const BetaParams& x2);

// P(arm i has the largest value) for each arm, by numerical integration
// (see the top of the file); any number of arms. Accurate for shapes
// >= 1, which every posterior from counts has (a shape below 1 puts an
// integrable singularity at 0 or 1 that the rule resolves less well). The
// results sum to 1 within ~1e-8. An empty input gives an empty vector; a
// shape that is not positive and finite gives NaN for every arm. Cost:
// ~64 * k^2 incomplete-beta evaluations for k arms (a few ms for three).
std::vector<double> ProbabilityBest(const std::vector<BetaParams>& arms);

// ---------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------

struct VariantStats {
  int64_t exposures = 0;
  int64_t conversions = 0;
  double conversion_rate = 0;  // conversions / exposures; 0 without exposures
  double posterior_mean = 0;   // (1 + c) / (2 + e)
  double interval_low = 0;     // credible interval of the true rate
  double interval_high = 0;
  double probability_best = 0;
};

// The credible level of the engine's experiment report (and of the
// package's, web/src/experiment-stats.js).
constexpr double kReportCredibleLevel = 0.95;

// Statistics for each arm, in input order. `level` is the credible
// interval's probability, in (0, 1). InvalidArgument for negative counts,
// conversions above exposures or a level out of range.
//
// The package computes the same figures in JavaScript from the report's
// counts, so that the page's wasm carries no lgamma/log (web/src/
// experiment-stats.js, a line-for-line port). tests/native/stats_fixture_test.cc
// writes these functions' figures for random count tables to
// tests/web/fixtures/experiment-stats.json and tests/web/experiment-stats.test.mjs
// holds the JavaScript to them: change both or neither.
Result<std::vector<VariantStats>> ComputeVariantStats(const std::vector<ArmCounts>& arms,
                                                      double level = kReportCredibleLevel);

}  // namespace leadseg
