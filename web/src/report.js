// Privacy-preserving reports: randomized response (local differential
// privacy) over a fixed vector of bits.
//
// Each bit is reported truthfully with probability p = e^ε / (1 + e^ε) and
// flipped otherwise, independently, with a cryptographic random source. For
// one bit that is ε-differentially private; a payload of k bits is at most
// kε-private as a whole (the one-hot score band changes 2 bits between two
// visitors, so it costs 2ε). The shape of the payload (which segment ids,
// bands, experiments and variants) comes from the config and the call, never
// from the visitor, so the shape itself reveals nothing.
import { leadsegError } from './errors.js';

export const DEFAULT_EPSILON = 1;
export const DEFAULT_MAX_EPSILON = 4;
export const DEFAULT_SCORE_BANDS = Object.freeze([0, 25, 50, 75, 100]);
export const REPORT_VERSION = 1;

/** Probability that randomized response keeps a bit: e^ε / (1 + e^ε). */
export function keepProbability(epsilon) {
  return 1 / (1 + Math.exp(-epsilon));
}

/** Uniform numbers in [0, 1) from crypto.getRandomValues. */
export function cryptoRandom() {
  const buffer = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buffer);
  return buffer[0] / 0x1_0000_0000;
}

/** Randomizes an array of 0/1 bits. */
export function randomizeBits(bits, epsilon, random = cryptoRandom) {
  const p = keepProbability(epsilon);
  return bits.map((bit) => (random() < p ? bit : 1 - bit));
}

export function checkEpsilon(epsilon, maxEpsilon) {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0) {
    throw leadsegError(`report: epsilon must be a positive number, got ${String(epsilon)}`);
  }
  if (epsilon > maxEpsilon) {
    throw leadsegError(`report: epsilon ${epsilon} is above the configured maximum ${maxEpsilon} (createEngine({maxEpsilon}))`);
  }
}

/** Labels "0-25", "25-50", ... and the index of the band `score` falls in. */
export function scoreBand(score, edges = DEFAULT_SCORE_BANDS) {
  const labels = [];
  for (let i = 0; i + 1 < edges.length; i++) labels.push(`${edges[i]}-${edges[i + 1]}`);
  let index = -1;
  if (typeof score === 'number' && Number.isFinite(score)) {
    const clamped = Math.min(Math.max(score, edges[0]), edges[edges.length - 1]);
    index = labels.length - 1;
    for (let i = 0; i < labels.length; i++) {
      if (clamped < edges[i + 1]) {
        index = i;
        break;
      }
    }
  }
  return { labels, index };
}

/**
 * The true bits of a report, before randomization.
 * @param {{segmentIds: string[], member: Set<string>, score: number|null, bands: number[],
 *          experiments: Record<string, string[]>, ledger: Record<string, {variants: Record<string, {exposed: boolean, converted: boolean}>}>}} input
 */
export function trueBits({ segmentIds, member, score, bands, experiments, ledger }) {
  const band = scoreBand(score, bands);
  const out = {
    segments: { ids: [...segmentIds], bits: segmentIds.map((id) => (member.has(id) ? 1 : 0)) },
    score: { bands: band.labels, bits: band.labels.map((_, i) => (i === band.index ? 1 : 0)) },
    experiments: {},
  };
  for (const [key, variants] of Object.entries(experiments)) {
    const seen = ledger[key]?.variants ?? {};
    out.experiments[key] = {
      variants: [...variants],
      exposed: variants.map((v) => (seen[v]?.exposed ? 1 : 0)),
      converted: variants.map((v) => (seen[v]?.converted ? 1 : 0)),
    };
  }
  return out;
}

/** The payload report() sends: the same shape with every bit randomized. */
export function randomizeReport(bits, epsilon, random = cryptoRandom) {
  const experiments = {};
  for (const [key, e] of Object.entries(bits.experiments)) {
    experiments[key] = {
      variants: e.variants,
      exposed: randomizeBits(e.exposed, epsilon, random),
      converted: randomizeBits(e.converted, epsilon, random),
    };
  }
  return {
    version: REPORT_VERSION,
    mechanism: 'randomized-response',
    epsilon,
    segments: { ids: bits.segments.ids, bits: randomizeBits(bits.segments.bits, epsilon, random) },
    score: { bands: bits.score.bands, bits: randomizeBits(bits.score.bits, epsilon, random) },
    experiments,
  };
}

/** Checks score band edges: at least two ascending numbers. */
export function checkBands(bands) {
  if (!Array.isArray(bands) || bands.length < 2 || !bands.every((b, i) => Number.isFinite(b) && (i === 0 || b > bands[i - 1]))) {
    throw leadsegError('report: scoreBands must be at least two ascending numbers, e.g. [0, 25, 50, 75, 100]');
  }
}
