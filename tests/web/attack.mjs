// The averaging attack of docs/privacy.md: visitors call report() 100 times
// each (over 30 days); an observer who links every report of a visitor (an
// IP address, a timing pattern) guesses each true segment bit by majority
// vote over the reports that carry it. Shared by privacy-attack.test.mjs and
// bench/node/privacy-attack.mjs.
import { trueBits } from '../../web/src/report.js';
import { planReport, reportItems } from '../../web/src/privacy/reporter.js';
import { ReportState } from '../../web/src/privacy/state.js';
import { DEFAULT_BUDGET } from '../../web/src/privacy/budget.js';
import { randomizeReport } from './report-v1.mjs';

const BANDS = [0, 25, 50, 75, 100];
const START = Date.UTC(2026, 0, 1);
const SPAN_MS = 30 * 86_400_000;

function visitor(segmentIds, share, random) {
  const member = new Set(segmentIds.filter(() => random() < share));
  return trueBits({ segmentIds, member, score: random() * 100, bands: BANDS, experiments: {}, ledger: {} });
}

/**
 * Runs the attack; returns {accuracy, baseline, reportsSent}: the share of
 * (visitor, segment) bits the majority vote gets right, the share guessing
 * "not a member" for everyone gets right, and the reports sent per visitor.
 * mode: 'v1' (report() before docs/privacy.md), 'memo-only' (no budget),
 * 'v2' (memo + the default budget).
 */
export function averagingAttack({ visitors = 10_000, calls = 100, segments = 21, share = 0.3, epsilon = 1, mode = 'v2', random }) {
  const segmentIds = Array.from({ length: segments }, (_, i) => `s${i}`);
  let right = 0;
  let baseline = 0;
  let sent = 0;
  const limits = mode === 'memo-only' ? { perDay: Infinity, per30Days: Infinity } : DEFAULT_BUDGET;
  for (let v = 0; v < visitors; v++) {
    const bits = visitor(segmentIds, share, random);
    const ones = new Array(segments).fill(0);
    const seen = new Array(segments).fill(0);
    if (mode === 'v1') {
      for (let c = 0; c < calls; c++) {
        randomizeReport(bits, epsilon, random).segments.bits.forEach((b, i) => {
          ones[i] += b;
          seen[i] += 1;
        });
      }
      sent += calls;
    } else {
      const state = new ReportState('attack'); // in memory: one visitor's device
      const items = reportItems(bits);
      for (let c = 0; c < calls; c++) {
        const time = START + Math.floor((c * SPAN_MS) / calls);
        const plan = planReport({ items, epsilon, state, limits, time, random });
        if (plan.refused) continue;
        state.write(plan.next);
        sent += 1;
        const { segment } = plan.payload;
        if (!segment) continue;
        const i = segmentIds.indexOf(segment.id);
        ones[i] += segment.bit;
        seen[i] += 1;
      }
    }
    bits.segments.bits.forEach((truth, i) => {
      // Majority of the reports carrying the bit; with none (or a tie) the
      // observer falls back on the likelier value, "not a member".
      const guess = seen[i] > 0 && ones[i] * 2 > seen[i] ? 1 : 0;
      if (guess === truth) right += 1;
      if (truth === 0) baseline += 1;
    });
  }
  const total = visitors * segments;
  return { accuracy: right / total, baseline: baseline / total, reportsSent: sent / visitors };
}
