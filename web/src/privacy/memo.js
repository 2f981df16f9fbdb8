// The permanent randomized response (RAPPOR's first stage): drawn once per
// true value of an item and reused for every later report of that value,
// so that a visitor who reports an unchanged profile a hundred times gives
// an observer who links the reports one noisy answer, not a hundred
// independent ones whose average is the truth.
//
// Memos live in the report state (state.js): on the device with storage
// consent, in memory otherwise. A key names the item, the value and ε∞, so
// a changed value or ε draws a new memo; the value itself is stored only as
// part of the key on the visitor's own device, like the profile it comes from.
import { unaryRandomize } from './oue.js';

/** The memo key of an item's true value at ε∞. */
export function memoKey(item, memoEpsilon) {
  return `${item.cell}|${memoEpsilon}|${item.value.join('')}`;
}

/**
 * The memoized permanent answer for `item`, drawing (and recording in
 * `memos`, a plain object) a new one when there is none.
 */
export function permanentAnswer(memos, item, channel, random) {
  const key = memoKey(item, channel.memoEpsilon);
  const known = memos[key];
  if (Array.isArray(known) && known.length === item.value.length && known.every((b) => b === 0 || b === 1)) return known;
  const drawn = unaryRandomize(item.value, channel.permanent, random);
  memos[key] = drawn;
  return drawn;
}

/** The instantaneous stage: every bit kept with probability `keep`, flipped otherwise, fresh each report. */
export function instantaneous(bits, keep, random) {
  return bits.map((bit) => (random() < keep ? bit : 1 - bit));
}
