// The statistics of experiments(): per variant, the conversion rate, a 95%
// credible interval for the true rate and the probability to be best, from
// the counts the core reports.
//
// A port of src/decisions/stats.cc (read it for the model and the numerics;
// the names are the same). The page's runtime wasm does not carry that C++:
// it and its lgamma, log and log1p cost 3.8 KB gzip of the wasm for a report
// decide() never needs, against 1.2 KB gzip of JavaScript here, where
// Math.log/log1p/exp come with the JavaScript engine. lgamma is the one function
// JavaScript lacks (below). tests/web/experiment-stats.test.mjs holds these
// figures to the C++'s on random count tables (a fixture the native suite
// writes and checks): change both or neither.

// The report's credible level (stats.h kReportCredibleLevel).
const REPORT_CREDIBLE_LEVEL = 0.95;

// Gauss-Legendre, 5 nodes on [-1, 1] (symmetric: 0 and two pairs).
const G1 = 0.5384693101056831, G2 = 0.906179845938664, W1 = 0.4786286704993665, W2 = 0.2369268850561891;
const GAUSS_NODES = [-G2, -G1, 0, G1, G2];
const GAUSS_WEIGHTS = [W2, W1, 0.5688888888888889, W1, W2];
// Mass left outside each posterior's interval, per tail; panels per posterior.
const TAIL_MASS = 1e-12;
const PANELS_PER_ARM = 64;

// ln Γ(x) for x > 0: Stirling's series once x >= 10 (its next term is below
// 1e-17 there), the recurrence Γ(x + 1) = x Γ(x) below. Within a few ulps of
// libm's lgamma over the shapes posteriors have; the report's figures
// differ from the C++'s by far less than the three decimals it shows.
function logGamma(x) {
  let shift = 1;
  for (; x < 10; x += 1) shift *= x;
  const r = 1 / x, r2 = r * r;
  const series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360 - r2 / 156))))));
  return (x - 0.5) * Math.log(x) - x + 0.9189385332046728 + series - Math.log(shift);
}

function logBeta(a, b) {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

// Continued fraction for I_x(a, b) (Numerical Recipes' betacf, modified Lentz).
function betaContinuedFraction(a, b, x) {
  const tiny = 1e-300;
  const qab = a + b, qap = a + 1, qam = a - 1;
  const guard = (v) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - (qab * x) / qap);
  let h = d;
  for (let m = 1; m <= 1e6; ++m) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2)); // even step
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2)); // odd step
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

// The Beta(a, b) density at x, for x strictly inside (0, 1) (every caller's).
function betaPdf(a, b, x) {
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

// I_x(a, b) = P(X <= x), X ~ Beta(a, b).
function incompleteBeta(a, b, x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

// The p-quantile of Beta(a, b): Newton inside a shrinking bisection bracket.
function inverseIncompleteBeta(a, b, p) {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0, hi = 1;
  let x = a / (a + b);
  for (let iteration = 0; iteration < 400; ++iteration) {
    const f = incompleteBeta(a, b, x) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    let next = x - f / betaPdf(a, b, x);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 4 * Number.EPSILON * next) return next;
    if (next === lo || next === hi) return next;
    x = next;
  }
  return x;
}

// P(arm i has the largest value) for posteriors [{a, b}] from counts (both
// shapes >= 1), by integrating f_i(x) * prod_{j != i} F_j(x) on a grid
// fitted to every posterior.
function probabilityBest(arms) {
  const k = arms.length;
  if (k < 2) return arms.map(() => 1);
  const lo = [], hi = [];
  let grid = [];
  for (const { a, b } of arms) {
    const l = inverseIncompleteBeta(a, b, TAIL_MASS), h = inverseIncompleteBeta(a, b, 1 - TAIL_MASS);
    lo.push(l);
    hi.push(h);
    for (let s = 0; s <= PANELS_PER_ARM; ++s) grid.push(l + ((h - l) * s) / PANELS_PER_ARM);
  }
  grid.sort((x, y) => x - y);
  grid = grid.filter((x, g) => g === 0 || x !== grid[g - 1]);

  const best = new Array(k).fill(0), pdf = new Array(k), cdf = new Array(k);
  for (let g = 0; g + 1 < grid.length; ++g) {
    const mid = 0.5 * (grid[g] + grid[g + 1]);
    const half = 0.5 * (grid[g + 1] - grid[g]);
    if (!lo.some((l, j) => l <= mid && mid <= hi[j])) continue; // a gap between posteriors
    for (let n = 0; n < 5; ++n) {
      const x = mid + half * GAUSS_NODES[n];
      for (let j = 0; j < k; ++j) {
        const { a, b } = arms[j];
        pdf[j] = lo[j] <= x && x <= hi[j] ? betaPdf(a, b, x) : 0;
        cdf[j] = x < lo[j] ? 0 : x > hi[j] ? 1 : incompleteBeta(a, b, x);
      }
      for (let i = 0; i < k; ++i) {
        if (pdf[i] === 0) continue;
        let product = pdf[i];
        for (let j = 0; j < k && product !== 0; ++j) if (j !== i) product *= cdf[j];
        best[i] += half * GAUSS_WEIGHTS[n] * product;
      }
    }
  }
  return best.map((p) => Math.min(1, Math.max(0, p)));
}

/**
 * Statistics for each arm [{exposures, conversions}], in input order:
 * [{rate, interval: [low, high], probabilityBest}], or null when a count is
 * not 0 <= conversions <= exposures (stats.cc's ComputeVariantStats).
 * @param {{exposures: number, conversions: number}[]} arms
 * @param {number} [level] the credible interval's probability, in (0, 1)
 */
export function variantStatistics(arms, level = REPORT_CREDIBLE_LEVEL) {
  if (!(level > 0 && level < 1)) return null;
  if (!arms.every(({ exposures: e, conversions: c }) => c >= 0 && e >= c)) return null;
  const posteriors = arms.map(({ exposures: e, conversions: c }) => ({ a: 1 + c, b: 1 + (e - c) }));
  const best = probabilityBest(posteriors);
  return arms.map(({ exposures: e, conversions: c }, i) => {
    const { a, b } = posteriors[i];
    return {
      rate: e > 0 ? c / e : 0,
      interval: [inverseIncompleteBeta(a, b, 0.5 * (1 - level)), inverseIncompleteBeta(a, b, 0.5 * (1 + level))],
      probabilityBest: best[i],
    };
  });
}

/**
 * Adds each variant's rate, interval and probabilityBest (in that order,
 * after its counts) to the core's experiment report, in place.
 * @template R
 * @param {R} report the array the wasm's experiments() returns
 * @returns {R}
 */
export function withStatistics(report) {
  for (const experiment of report) {
    const stats = variantStatistics(experiment.variants);
    if (stats) experiment.variants.forEach((v, i) => Object.assign(v, stats[i]));
  }
  return report;
}
