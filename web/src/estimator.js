// Server-side (or anywhere) de-biasing of randomized-response reports
// (report.js). Importable on its own: `import { estimate } from 'leadseg/estimator'`.
// Version-2 reports (privacy/) go through other channels; the same
// de-biasing z = (x - b)/(a - b) applies with that channel's a and b.
//
// A bit kept with probability p = e^ε/(1+e^ε) and flipped with q = 1 - p is
// observed as 1 with probability λ = π p + (1 - π) q, so the true share is
//   π = (λ - q) / (p - q).
// Each report is de-biased with its own ε, z = (x - q)/(p - q), and the
// estimate is the mean of z; its standard error is the standard deviation
// of z over √n (for one ε: √(λ(1-λ)/n) / (p - q)).
import { channel } from './privacy/channels.js';

/** p = e^ε / (1 + e^ε). */
export function keepProbability(epsilon) {
  return 1 / (1 + Math.exp(-epsilon));
}

/** De-biases an observed share of ones for one ε: (λ - q) / (p - q). */
export function debias(observedShare, epsilon) {
  const p = keepProbability(epsilon);
  return (observedShare - (1 - p)) / (2 * p - 1);
}

class BitAccumulator {
  n = 0;
  ones = 0;
  sum = 0;
  sumSq = 0;

  add(bit, epsilon) {
    const p = keepProbability(epsilon);
    this.addThrough(bit, { a: p, b: 1 - p });
  }

  // A bit reported through a channel a = P(1 | true 1), b = P(1 | true 0).
  addThrough(bit, { a, b }) {
    const z = (bit - b) / (a - b);
    this.n += 1;
    this.ones += bit;
    this.sum += z;
    this.sumSq += z * z;
  }

  result() {
    const { n } = this;
    if (n === 0) return { n: 0, observed: null, share: null, stderr: null };
    const mean = this.sum / n;
    const variance = n > 1 ? Math.max(0, (this.sumSq - n * mean * mean) / (n - 1)) : NaN;
    return { n, observed: this.ones / n, share: mean, stderr: Math.sqrt(variance / n) };
  }
}

function accumulator(map, key) {
  let acc = map.get(key);
  if (!acc) map.set(key, (acc = new BitAccumulator()));
  return acc;
}

function bitsOk(bits, length) {
  return Array.isArray(bits) && bits.length === length && bits.every((b) => b === 0 || b === 1);
}

/**
 * Estimates shares from a batch of report payloads.
 *
 * Returns, for each segment id, score band and experiment variant, an
 * estimate {n, observed, share, stderr}: `share` is the de-biased fraction
 * of visitors with the bit set (it can fall slightly outside 0..1 by
 * chance), `stderr` its standard error (a 95% interval is share ± 1.96 stderr).
 * `n` counts the reports that carried the item: a version-2 report
 * (privacy/reporter.js) carries one segment, the score band or one
 * experiment variant. For experiment variants, `exposed` and `converted`
 * are such estimates and `conversionRate` is converted.share / exposed.share.
 * Malformed reports are skipped and counted in `rejected`.
 *
 * @param {Iterable<object>} reports
 */
export function estimate(reports) {
  const segments = new Map();
  const bands = new Map();
  const experiments = new Map();
  let count = 0;
  let rejected = 0;
  const variantPair = (key, v) => {
    let variants = experiments.get(key);
    if (!variants) experiments.set(key, (variants = new Map()));
    let pair = variants.get(v);
    if (!pair) variants.set(v, (pair = { exposed: new BitAccumulator(), converted: new BitAccumulator() }));
    return pair;
  };
  for (const r of reports) {
    const epsilon = r?.epsilon;
    if (!r || typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
      rejected += 1;
      continue;
    }
    if (r.version === 2) {
      if (!addVersion2(r, { segments, bands, variantPair })) rejected += 1;
      else count += 1;
      continue;
    }
    if (!r.segments || !Array.isArray(r.segments.ids) || !bitsOk(r.segments.bits, r.segments.ids.length) ||
        !r.score || !Array.isArray(r.score.bands) || !bitsOk(r.score.bits, r.score.bands.length)) {
      rejected += 1;
      continue;
    }
    count += 1;
    r.segments.ids.forEach((id, i) => accumulator(segments, id).add(r.segments.bits[i], epsilon));
    r.score.bands.forEach((label, i) => accumulator(bands, label).add(r.score.bits[i], epsilon));
    for (const [key, e] of Object.entries(r.experiments ?? {})) {
      if (!e || !Array.isArray(e.variants) || !bitsOk(e.exposed, e.variants.length) || !bitsOk(e.converted, e.variants.length)) continue;
      e.variants.forEach((v, i) => {
        const pair = variantPair(key, v);
        pair.exposed.add(e.exposed[i], epsilon);
        pair.converted.add(e.converted[i], epsilon);
      });
    }
  }
  const table = (map) => Object.fromEntries([...map].map(([k, acc]) => [k, acc.result()]));
  const experimentTable = {};
  for (const [key, variants] of experiments) {
    experimentTable[key] = {};
    for (const [v, pair] of variants) {
      const exposed = pair.exposed.result();
      const converted = pair.converted.result();
      experimentTable[key][v] = {
        exposed,
        converted,
        conversionRate: exposed.share > 0 ? converted.share / exposed.share : null,
      };
    }
  }
  return { count, rejected, segments: table(segments), scoreBands: table(bands), experiments: experimentTable };
}

// One version-2 report: one item through its channel (privacy/channels.js).
function addVersion2(r, { segments, bands, variantPair }) {
  const { epsilon } = r;
  if (r.segment && typeof r.segment.id === 'string' && (r.segment.bit === 0 || r.segment.bit === 1)) {
    accumulator(segments, r.segment.id).addThrough(r.segment.bit, channel('segment', epsilon));
    return true;
  }
  if (r.score && Array.isArray(r.score.bands) && bitsOk(r.score.bits, r.score.bands.length)) {
    const ch = channel('score', epsilon);
    r.score.bands.forEach((label, i) => accumulator(bands, label).addThrough(r.score.bits[i], ch));
    return true;
  }
  const e = r.experiment;
  if (e && typeof e.key === 'string' && typeof e.variant === 'string' && bitsOk(e.bits, 2)) {
    const ch = channel('experiment', epsilon);
    const pair = variantPair(e.key, e.variant);
    pair.exposed.addThrough(e.bits[0], ch);
    pair.converted.addThrough(e.bits[1], ch);
    return true;
  }
  return false;
}
