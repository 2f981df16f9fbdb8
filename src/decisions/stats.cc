#include "decisions/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace leadseg {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

bool ValidShape(double v) { return v > 0.0 && std::isfinite(v); }

bool IsPositiveInteger(double v) { return v >= 1.0 && v == std::floor(v); }

// Continued fraction for I_x(a, b) (Numerical Recipes' betacf, modified
// Lentz), which converges fast for x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-15;
  // Convergence takes O(sqrt(max(a, b))) steps; the cap only guards
  // against a loop that cannot end.
  constexpr int kMaxIterations = 1000000;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double md = m, m2 = 2.0 * m;
    double aa = md * (b - md) * x / ((qam + m2) * (a + m2));  // even step
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + md) * (qab + md) * x / ((a + m2) * (qap + m2));  // odd step
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return h;
}

// Gauss-Legendre, 5 nodes on [-1, 1]: exact for polynomials of degree 9.
constexpr double kGaussNodes[5] = {-0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831,
                                   0.9061798459386640};
constexpr double kGaussWeights[5] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889,
                                     0.4786286704993665, 0.2369268850561891};

// Mass left outside the interval integrated for each posterior, per tail.
constexpr double kTailMass = 1e-12;
// Panels spread over each posterior's interval. Every posterior gets its
// own, so a narrow one (many exposures) next to a wide one is resolved at
// its own scale: ~0.2 standard deviations per 5-node panel.
constexpr int kPanelsPerArm = 64;

}  // namespace

// ---------------------------------------------------------------------------
// Special functions
// ---------------------------------------------------------------------------

double LogBeta(double a, double b) {
  if (!ValidShape(a) || !ValidShape(b)) return kNaN;
  return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

double BetaPdf(double a, double b, double x) {
  if (!ValidShape(a) || !ValidShape(b) || std::isnan(x)) return kNaN;
  if (x < 0.0 || x > 1.0) return 0.0;
  if (x == 0.0 || x == 1.0) {
    const double shape = x == 0.0 ? a : b;  // the exponent that matters at this end
    if (shape < 1.0) return kInf;
    if (shape > 1.0) return 0.0;
    return std::exp(-LogBeta(a, b));  // (1-x)^(b-1) or x^(a-1) is 1 here
  }
  return std::exp((a - 1.0) * std::log(x) + (b - 1.0) * std::log1p(-x) - LogBeta(a, b));
}

double RegularizedIncompleteBeta(double a, double b, double x) {
  if (!ValidShape(a) || !ValidShape(b) || std::isnan(x)) return kNaN;
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  // x^a (1-x)^b / B(a, b), the factor in front of both continued fractions.
  const double front = std::exp(a * std::log(x) + b * std::log1p(-x) - LogBeta(a, b));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * BetaContinuedFraction(a, b, x) / a;
  // Past the mode the fraction for the mirrored tail converges instead.
  return 1.0 - front * BetaContinuedFraction(b, a, 1.0 - x) / b;
}

double InverseRegularizedIncompleteBeta(double a, double b, double p) {
  if (!ValidShape(a) || !ValidShape(b) || std::isnan(p)) return kNaN;
  if (p <= 0.0) return 0.0;
  if (p >= 1.0) return 1.0;
  // [lo, hi] always brackets the answer; Newton steps that leave it (flat
  // tails, where the density is ~0) fall back to bisection.
  double lo = 0.0, hi = 1.0;
  double x = a / (a + b);
  for (int iteration = 0; iteration < 400; ++iteration) {
    const double f = RegularizedIncompleteBeta(a, b, x) - p;
    if (f == 0.0) return x;
    if (f < 0.0) {
      lo = x;
    } else {
      hi = x;
    }
    double next = x - f / BetaPdf(a, b, x);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - x) <= 4.0 * std::numeric_limits<double>::epsilon() * next) return next;
    if (next == lo || next == hi) return next;  // the bracket is two adjacent doubles
    x = next;
  }
  return x;
}

// ---------------------------------------------------------------------------
// Posterior comparisons
// ---------------------------------------------------------------------------

BetaParams Posterior(const ArmCounts& counts) {
  return BetaParams{1.0 + static_cast<double>(counts.conversions),
                    1.0 + static_cast<double>(counts.exposures - counts.conversions)};
}

namespace {

// Evan Miller's sum for P(X2 > X1), a2 a positive integer. Each term is
// computed from lgamma on its own (no recurrence), so rounding does not
// accumulate along the sum.
double ProbabilityGreaterSum(const BetaParams& x1, const BetaParams& x2) {
  const double n = x2.a;
  // The parts of ln B(a1+i, b1+b2) - ln(b2+i) - ln B(1+i, b2) - ln B(a1, b1)
  // that do not depend on i.
  const double base = std::lgamma(x1.b + x2.b) - std::lgamma(x2.b) - LogBeta(x1.a, x1.b);
  double sum = 0.0;
  for (double i = 0.0; i < n; i += 1.0) {
    const double log_term = base + std::lgamma(x1.a + i) - std::lgamma(x1.a + i + x1.b + x2.b) -
                            std::log(x2.b + i) - std::lgamma(1.0 + i) + std::lgamma(1.0 + i + x2.b);
    sum += std::exp(log_term);
  }
  return std::min(1.0, std::max(0.0, sum));
}

}  // namespace

double ProbabilityGreater(const BetaParams& x1, const BetaParams& x2) {
  if (!ValidShape(x1.a) || !ValidShape(x1.b) || !ValidShape(x2.a) || !ValidShape(x2.b)) return kNaN;
  constexpr double kMaxTerms = 1e6;
  const bool sum_over_a2 = IsPositiveInteger(x2.a) && x2.a <= kMaxTerms;
  const bool sum_over_a1 = IsPositiveInteger(x1.a) && x1.a <= kMaxTerms;
  // Ties have probability 0, so P(X2 > X1) = 1 - P(X1 > X2): sum over the
  // shorter series.
  if (sum_over_a2 && (!sum_over_a1 || x2.a <= x1.a)) return ProbabilityGreaterSum(x1, x2);
  if (sum_over_a1) return 1.0 - ProbabilityGreaterSum(x2, x1);
  return kNaN;
}

std::vector<double> ProbabilityBest(const std::vector<BetaParams>& arms) {
  const size_t k = arms.size();
  if (k == 0) return {};
  for (const BetaParams& p : arms) {
    if (!ValidShape(p.a) || !ValidShape(p.b)) return std::vector<double>(k, kNaN);
  }
  if (k == 1) return {1.0};

  // Each posterior lives (up to 2e-12 of its mass) in [lo, hi].
  std::vector<double> lo(k), hi(k);
  std::vector<double> grid;
  grid.reserve(k * (kPanelsPerArm + 1));
  for (size_t j = 0; j < k; ++j) {
    lo[j] = InverseRegularizedIncompleteBeta(arms[j].a, arms[j].b, kTailMass);
    hi[j] = InverseRegularizedIncompleteBeta(arms[j].a, arms[j].b, 1.0 - kTailMass);
    for (int s = 0; s <= kPanelsPerArm; ++s) {
      grid.push_back(lo[j] + (hi[j] - lo[j]) * s / kPanelsPerArm);
    }
  }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());

  // P(i best) = ∫ f_i(x) prod_{j != i} F_j(x) dx, all arms at once: each
  // node evaluates every density and distribution function once.
  std::vector<double> best(k, 0.0), pdf(k), cdf(k);
  for (size_t g = 0; g + 1 < grid.size(); ++g) {
    const double mid = 0.5 * (grid[g] + grid[g + 1]);
    const double half = 0.5 * (grid[g + 1] - grid[g]);
    bool covered = false;
    for (size_t j = 0; j < k; ++j) covered |= lo[j] <= mid && mid <= hi[j];
    if (!covered) continue;  // a gap between posteriors: no density there
    for (int n = 0; n < 5; ++n) {
      const double x = mid + half * kGaussNodes[n];
      for (size_t j = 0; j < k; ++j) {
        const bool inside = lo[j] <= x && x <= hi[j];
        pdf[j] = inside ? BetaPdf(arms[j].a, arms[j].b, x) : 0.0;
        cdf[j] = x < lo[j] ? 0.0 : x > hi[j] ? 1.0 : RegularizedIncompleteBeta(arms[j].a, arms[j].b, x);
      }
      for (size_t i = 0; i < k; ++i) {
        if (pdf[i] == 0.0) continue;
        double product = pdf[i];
        for (size_t j = 0; j < k && product != 0.0; ++j) {
          if (j != i) product *= cdf[j];
        }
        best[i] += half * kGaussWeights[n] * product;
      }
    }
  }
  for (double& p : best) p = std::min(1.0, std::max(0.0, p));
  return best;
}

// ---------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------

Result<std::vector<VariantStats>> ComputeVariantStats(const std::vector<ArmCounts>& arms, double level) {
  if (!(level > 0.0 && level < 1.0)) return InvalidArgument("the credible level must be in (0, 1)");
  std::vector<BetaParams> posteriors;
  posteriors.reserve(arms.size());
  for (size_t i = 0; i < arms.size(); ++i) {
    const ArmCounts& c = arms[i];
    if (c.exposures < 0 || c.conversions < 0 || c.conversions > c.exposures) {
      return InvalidArgument("variant " + std::to_string(i) +
                             ": counts must satisfy 0 <= conversions <= exposures");
    }
    posteriors.push_back(Posterior(c));
  }
  const std::vector<double> best = ProbabilityBest(posteriors);
  std::vector<VariantStats> out(arms.size());
  for (size_t i = 0; i < arms.size(); ++i) {
    VariantStats& s = out[i];
    const BetaParams& p = posteriors[i];
    s.exposures = arms[i].exposures;
    s.conversions = arms[i].conversions;
    s.conversion_rate =
        s.exposures > 0 ? static_cast<double>(s.conversions) / static_cast<double>(s.exposures) : 0.0;
    s.posterior_mean = p.a / (p.a + p.b);
    s.interval_low = InverseRegularizedIncompleteBeta(p.a, p.b, 0.5 * (1.0 - level));
    s.interval_high = InverseRegularizedIncompleteBeta(p.a, p.b, 0.5 * (1.0 + level));
    s.probability_best = best[i];
  }
  return out;
}

}  // namespace leadseg
