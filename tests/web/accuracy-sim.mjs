// Accuracy of version-2 reports (docs/privacy.md), simulated on counts:
// with `reports` reports each carrying one of `items` items uniformly, a
// cell with true share π gets n ~ Binomial(reports, 1/items) reports and
// ones ~ Binomial(n, πa + (1-π)b) through the channel (a, b) of
// privacy/channels.js; the estimate and its stated 95% interval are what
// the collector's SQL computes from those counts. Shared by
// privacy-accuracy.test.mjs and bench/privacy-accuracy.mjs.
import { channel } from '../../web/src/privacy/channels.js';

const Z95 = 1.959963984540054;

// Binomial(n, p): exact sum of Bernoullis for small n, normal otherwise
// (n p (1 - p) > 1000 here, where the normal's error is far below the noise).
function binomial(n, p, random) {
  if (n * p * (1 - p) < 1000) {
    let k = 0;
    for (let i = 0; i < n; i++) if (random() < p) k += 1;
    return k;
  }
  const u = 1 - random();
  const v = random();
  const gauss = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(n, Math.max(0, Math.round(n * p + gauss * Math.sqrt(n * p * (1 - p)))));
}

/** Estimate, standard error and 95% interval from counts, as ESTIMATES_SQL computes them. */
export function estimateFromCounts(ones, n, { a, b }) {
  const observed = ones / n;
  const share = (observed - b) / (a - b);
  const variance = (observed * (1 - observed) * n) / (n - 1) / ((a - b) * (a - b));
  const stderr = Math.sqrt(variance / n);
  return { share, stderr, ci95: [share - Z95 * stderr, share + Z95 * stderr] };
}

/**
 * One simulated collection: returns per cell {truth, share, stderr, ci95}.
 * cells: [{kind: 'segment'|'score', truth: number}]; a score item is all
 * the band cells of one report, so `scoreCells` true shares sum to ≤ 1.
 */
export function simulateCollection({ reports, segmentShares = [], bandShares = null, epsilon = 1, random }) {
  const items = segmentShares.length + (bandShares ? 1 : 0);
  const results = [];
  let left = reports;
  // Multinomial split of the reports over the items.
  const counts = [];
  for (let i = 0; i < items; i++) {
    const n = i === items - 1 ? left : binomial(left, 1 / (items - i), random);
    counts.push(n);
    left -= n;
  }
  const seg = channel('segment', epsilon);
  segmentShares.forEach((truth, i) => {
    const n = counts[i];
    const ones = binomial(n, truth * seg.a + (1 - truth) * seg.b, random);
    results.push({ cell: `segment:${i}`, truth, n, ...estimateFromCounts(ones, n, seg) });
  });
  if (bandShares) {
    const ch = channel('score', epsilon);
    const n = counts[items - 1];
    // OUE bits of one report are independent given the band, so each
    // band's count of ones is binomial in the band's observed rate.
    bandShares.forEach((truth, i) => {
      const ones = binomial(n, truth * ch.a + (1 - truth) * ch.b, random);
      results.push({ cell: `score:${i}`, truth, n, ...estimateFromCounts(ones, n, ch) });
    });
  }
  return results;
}

/** 21 segment shares from 2% to 50%, as a B2B site's segments might be. */
export const SEGMENT_SHARES = Array.from({ length: 21 }, (_, i) => 0.02 + (0.48 * i) / 20);
export const BAND_SHARES = [0.4, 0.3, 0.2, 0.1];

/** Runs `runs` collections; returns the share within ±points, the coverage of the stated CIs and the largest error. */
export function accuracy({ runs, points, ...collection }) {
  let within = 0;
  let covered = 0;
  let total = 0;
  let worst = 0;
  let halfWidth = 0;
  for (let r = 0; r < runs; r++) {
    for (const c of simulateCollection(collection)) {
      const error = Math.abs(c.share - c.truth);
      if (error <= points / 100) within += 1;
      if (c.ci95[0] <= c.truth && c.truth <= c.ci95[1]) covered += 1;
      worst = Math.max(worst, error);
      halfWidth = Math.max(halfWidth, c.ci95[1] - c.share);
      total += 1;
    }
  }
  return { within: within / total, coverage: covered / total, worst, halfWidth, estimates: total };
}
