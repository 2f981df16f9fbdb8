#!/usr/bin/env node
// Privacy and accuracy of report() (docs/privacy.md): the accuracy of
// version-2 reports at ε = 1 per report (1,000 simulated collections per
// row, counts-level, fixed seed) and the averaging attack (10,000 visitors
// x 100 report() calls) against version-1 reports, memos alone, and memos
// with the default budget. Targets printed as PASS/MISS, never asserted.
//
//   node bench/privacy-accuracy.mjs
import { accuracy, BAND_SHARES, SEGMENT_SHARES } from '../tests/web/accuracy-sim.mjs';
import { averagingAttack } from '../tests/web/attack.mjs';
import { seededRandom } from '../tests/web/helpers.mjs';

const pct = (x) => `${(x * 100).toFixed(1)}%`;
const pts = (x) => `${(x * 100).toFixed(2)} pts`;
const mark = (ok) => (ok ? 'PASS' : 'MISS');

console.log('Accuracy at ε = 1 per report, 1,000 simulated collections each');
console.log('  reports carry      reports     target   within    CI coverage   95% half-width (max)   worst error');
const rows = [
  ['21 segments', 100_000, { segmentShares: SEGMENT_SHARES }, 3],
  ['21 segments', 1_000_000, { segmentShares: SEGMENT_SHARES }, 1],
  ['4 score bands', 100_000, { bandShares: BAND_SHARES }, 3],
  ['4 score bands', 1_000_000, { bandShares: BAND_SHARES }, 1],
  ['21 seg + bands', 100_000, { segmentShares: SEGMENT_SHARES, bandShares: BAND_SHARES }, 3],
  ['21 seg + bands', 1_000_000, { segmentShares: SEGMENT_SHARES, bandShares: BAND_SHARES }, 1],
];
const random = seededRandom(2026);
for (const [what, reports, collection, points] of rows) {
  const r = accuracy({ runs: 1000, reports, points, random, ...collection });
  const ok = r.within >= 0.95 && r.coverage >= 0.94;
  console.log(`  ${what.padEnd(17)}${String(reports).padStart(9)}   ±${points} pt   ${pct(r.within).padStart(6)}   ${pct(r.coverage).padStart(8)}      ${pts(r.halfWidth).padStart(10)}         ${pts(r.worst).padStart(10)}   ${mark(ok)}`);
}

console.log('\nAveraging attack: 10,000 visitors x 100 report() calls over 30 days, 21 segments (30% members), ε = 1');
console.log('  reports                              sent/visitor   bits recovered   guessing "no"   advantage');
for (const [mode, label] of [['v1', 'version 1 (before)'], ['memo-only', 'version 2, memos, no budget'], ['v2', 'version 2, memos + default budget']]) {
  const r = averagingAttack({ mode, random: seededRandom(17) });
  console.log(`  ${label.padEnd(37)}${String(r.reportsSent).padStart(6)}         ${pct(r.accuracy).padStart(7)}          ${pct(r.baseline).padStart(7)}       ${pts(r.accuracy - r.baseline).padStart(10)}`);
}
