// The randomizing channels of a report, per kind of item, and what they cost.
//
// Every bit of a report goes through two stages (RAPPOR's scheme):
//   1. a permanent stage, drawn once per true value and memoized (memo.js),
//      with privacy ε∞ = MEMO_FACTOR · ε: however many reports repeat an
//      unchanged value, an observer learns at most ε∞ about it;
//   2. an instantaneous stage: each reported bit kept with probability r,
//      flipped otherwise, fresh on every report, so two reports of the same
//      value are not identical (no fingerprint).
// A channel is the pair a = P(report 1 | true 1), b = P(report 1 | true 0)
// of the two stages composed; r is chosen so that ONE report costs exactly ε
// for the item it carries:
//   segment     one bit, symmetric randomized response (RR): ε = ln(a/b)
//   score       the one-hot band, optimized unary encoding (OUE, Wang et al.
//               2017) in the permanent stage: two visitors differ in two
//               bits, ε = ln(a(1-b) / (b(1-a)))
//   experiment  [exposed, converted] of one variant, symmetric RR per bit;
//               (0,0) and (1,1) differ in both bits in the same direction,
//               so ε = 2 ln(a/b)
// Whatever the kind, a bit is de-biased as z = (x - b)/(a - b): E[z] is the
// true share, and the estimator (estimator.js, the collector's SQL) needs
// only a and b, which follow from (kind, ε) alone.

export const MEMO_FACTOR = 2;
export const KINDS = Object.freeze(['segment', 'score', 'experiment']);

// Channels by (kind, ε). Bounded: a collector sees whatever ε clients send.
const cache = new Map();
const CACHE_LIMIT = 256;

/** e^ε / (1 + e^ε). */
export function rrKeep(epsilon) {
  return 1 / (1 + Math.exp(-epsilon));
}

/** The permanent stage's (a, b) for `kind` at ε∞. */
export function permanentStage(kind, memoEpsilon) {
  if (kind === 'score') return { a: 0.5, b: 1 / (1 + Math.exp(memoEpsilon)) };
  const perBit = kind === 'experiment' ? memoEpsilon / 2 : memoEpsilon;
  const keep = rrKeep(perBit);
  return { a: keep, b: 1 - keep };
}

/** What one report through channel (a, b) costs for an item of `kind`. */
export function channelEpsilon(kind, { a, b }) {
  if (kind === 'score') return Math.log((a * (1 - b)) / (b * (1 - a)));
  const bit = Math.max(Math.log(a / b), Math.log((1 - b) / (1 - a)));
  return kind === 'experiment' ? 2 * bit : bit;
}

function compose(stage, keep) {
  return {
    a: stage.a * keep + (1 - stage.a) * (1 - keep),
    b: stage.b * keep + (1 - stage.b) * (1 - keep),
  };
}

/**
 * The channel of one report of `kind` at ε: the permanent stage, the
 * instantaneous keep probability r and the composed (a, b).
 * @returns {{kind: string, epsilon: number, memoEpsilon: number, permanent: {a: number, b: number}, keep: number, a: number, b: number}}
 */
export function channel(kind, epsilon) {
  const key = `${kind}:${epsilon}`;
  let found = cache.get(key);
  if (found) return found;
  if (!KINDS.includes(kind)) throw new RangeError(`unknown report item kind "${kind}"`);
  const memoEpsilon = MEMO_FACTOR * epsilon;
  const permanent = permanentStage(kind, memoEpsilon);
  // channelEpsilon grows with r from 0 (r = 1/2) to ε∞ (r = 1): bisect.
  let lo = 0.5;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (channelEpsilon(kind, compose(permanent, mid)) > epsilon) hi = mid;
    else lo = mid;
  }
  found = Object.freeze({ kind, epsilon, memoEpsilon, permanent, keep: lo, ...compose(permanent, lo) });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, found);
  return found;
}
