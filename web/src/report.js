// What a report is about: the visitor's true bits (segments, the one-hot
// score band, experiment exposures and conversions) and the checks of
// report()'s options. How a report randomizes them, what it costs and the
// budget it is paid from live in privacy/ (docs/privacy.md). The items a
// report may carry come from the config and the call, never from the
// visitor, so which item a report carries reveals nothing.
import { leadsegError } from './errors.js';

export const DEFAULT_EPSILON = 1;
export const DEFAULT_MAX_EPSILON = 4;
export const DEFAULT_SCORE_BANDS = Object.freeze([0, 25, 50, 75, 100]);

/** Uniform numbers in [0, 1) from crypto.getRandomValues. */
export function cryptoRandom() {
  const buffer = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buffer);
  return buffer[0] / 0x1_0000_0000;
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

/** Checks score band edges: at least two ascending numbers. */
export function checkBands(bands) {
  if (!Array.isArray(bands) || bands.length < 2 || !bands.every((b, i) => Number.isFinite(b) && (i === 0 || b > bands[i - 1]))) {
    throw leadsegError('report: scoreBands must be at least two ascending numbers, e.g. [0, 25, 50, 75, 100]');
  }
}
