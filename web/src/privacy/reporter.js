// One report: which item it carries, randomized through that item's
// channel, paid for from the visitor's budget.
//
// A report carries ONE item, drawn uniformly from the segments, the score
// band (when scoreBands is not false) and the experiment variants it covers,
// and spends its whole ε on it, rather than splitting ε over every bit: for
// k items the variance of each share grows k-fold (a k-th of the reports
// carry it) instead of k²-fold (ε/k per bit). The drawn item is public, it
// is independent of the visitor's data. See docs/privacy.md.
import { channel } from './channels.js';
import { instantaneous, permanentAnswer } from './memo.js';
import { dayOf, recentSpends, refusal } from './budget.js';

export const REPORT_VERSION = 2;

/**
 * The items a report may carry, from trueBits() (report.js): each with its
 * kind, its cell name (what the collector counts) and its true value bits.
 */
export function reportItems(bits, { score = true } = {}) {
  const items = bits.segments.ids.map((id, i) => ({ kind: 'segment', cell: `segment:${id}`, id, value: [bits.segments.bits[i]] }));
  if (score) items.push({ kind: 'score', cell: `score:${bits.score.bands.join(',')}`, bands: bits.score.bands, value: bits.score.bits });
  for (const [key, e] of Object.entries(bits.experiments)) {
    e.variants.forEach((variant, i) => {
      const converted = e.converted[i];
      const exposed = e.exposed[i] || converted; // a conversion implies an exposure
      items.push({ kind: 'experiment', cell: `experiment:${key}:${variant}`, key, variant, value: [exposed, converted] });
    });
  }
  return items;
}

/** The payload of `item` with its randomized bits. */
function payloadOf(item, epsilon, bits) {
  const base = { version: REPORT_VERSION, mechanism: item.kind === 'score' ? 'memoized-oue' : 'memoized-rr', epsilon };
  if (item.kind === 'segment') return { ...base, segment: { id: item.id, bit: bits[0] } };
  if (item.kind === 'score') return { ...base, score: { bands: [...item.bands], bits } };
  return { ...base, experiment: { key: item.key, variant: item.variant, bits } };
}

/**
 * Draws an item and randomizes it through its memo (recorded in `memos`)
 * and fresh noise. Returns the payload, or null when there is no item.
 */
export function randomizeItem(items, epsilon, memos, random) {
  if (items.length === 0) return null;
  const item = items[Math.min(items.length - 1, Math.floor(random() * items.length))];
  const ch = channel(item.kind, epsilon);
  const permanent = permanentAnswer(memos, item, ch, random);
  return payloadOf(item, epsilon, instantaneous(permanent, ch.keep, random));
}

/**
 * Plans a report against the state (a ReportState): the refusal when the
 * budget is spent, else the payload and the state to write if it is sent.
 */
export function planReport({ items, epsilon, state, limits, time, random }) {
  const current = state.read();
  const refused = refusal(current.spends, limits, time, epsilon);
  if (refused) return { refused };
  const memos = { ...current.memos };
  const payload = randomizeItem(items, epsilon, memos, random);
  const day = dayOf(time);
  const next = { spends: [...recentSpends(current.spends, day), [day, epsilon]], memos };
  return { payload, previous: current, next };
}
