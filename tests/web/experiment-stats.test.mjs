// experiments()' statistics are computed by the package in JavaScript
// (web/src/experiment-stats.js) from the counts the wasm reports, so that
// lgamma/log/log1p stay out of the page's runtime wasm. They must be the
// C++'s figures (src/decisions/stats.cc): fixtures/experiment-stats.json
// holds random count tables (no data to 30 million exposures, 1 to 5
// variants) and what the C++ gives for them, written and checked by the
// native suite (tests/native/stats_fixture_test.cc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compileConfig, createEngine } from '../../web/src/node.js';
import { variantStatistics } from '../../web/src/experiment-stats.js';
import { exampleConfig, REPO_ROOT } from './helpers.mjs';

const fixture = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests/web/fixtures/experiment-stats.json'), 'utf8'));

// The tolerance: a report shows three decimals. What the two differ by is
// lgamma's rounding (libm's against Stirling's series here), which the
// log-densities carry: ~1e-15 relative to lgamma, so up to ~1e-8 absolute
// at 30 million exposures (lgamma ~5e8), far less for small counts.
const TOLERANCE = 1e-7;

test('the JavaScript gives the C++ figures on random count tables', () => {
  assert.equal(fixture.tables.length, 160);
  let worst = 0;
  for (const [t, table] of fixture.tables.entries()) {
    const got = variantStatistics(table);
    assert.ok(got, `table ${t}`);
    for (const [i, want] of table.entries()) {
      const pairs = [
        ['rate', got[i].rate, want.rate], ['probabilityBest', got[i].probabilityBest, want.probabilityBest],
        ['interval low', got[i].interval[0], want.interval[0]], ['interval high', got[i].interval[1], want.interval[1]],
      ];
      for (const [name, g, w] of pairs) {
        const diff = Math.abs(g - w);
        worst = Math.max(worst, diff);
        assert.ok(diff <= TOLERANCE, `table ${t} arm ${i} ${name}: ${g} against the C++'s ${w} (${JSON.stringify(table.map(({ exposures, conversions }) => [exposures, conversions]))})`);
      }
    }
  }
  console.log(`# largest difference from the C++: ${worst.toExponential(2)}`);
});

test('counts out of range give no statistics, as the C++ writes none', () => {
  assert.equal(variantStatistics([{ exposures: 10, conversions: 11 }]), null);
  assert.equal(variantStatistics([{ exposures: -1, conversions: -2 }]), null);
  assert.equal(variantStatistics([{ exposures: 10, conversions: 1 }], 1), null);
  assert.deepEqual(variantStatistics([]), []);
});

// What the C++ in the wasm reported for this journey before the statistics
// left it (tests/web/fixtures/documents.expected.json at 98a1f12).
const BEFORE = {
  short: { rate: 0.07920792079207921, interval: [0.041143831377718446, 0.14870188888827304], probabilityBest: 0.08725323238900513 },
  long: { rate: 0, interval: [0.0002781789712100152, 0.03972649769185019], probabilityBest: 0.00015342837694463406 },
  quiz: { rate: 0, interval: [0.025000000000000026, 0.975], probabilityBest: 0.9125933392323993 },
};

for (const [form, runtime] of [['JSON config (full module)', false], ['compiled config (runtime module)', true]]) {
  test(`experiments() carries the statistics after the counts: ${form}`, async () => {
    const config = runtime ? await compileConfig(exampleConfig()) : exampleConfig();
    const engine = await createEngine({ config, now: () => 1_700_000_000_000, consent: { personalization: true, measurement: true } });
    engine.decide('lead_form');
    engine.addAggregateCounts('lead-form-tournament', { short: { exposures: 100, conversions: 7 }, long: { exposures: 90, conversions: 0 } });
    const [report] = engine.experiments();
    assert.deepEqual(Object.keys(report), ['experiment', 'slot', 'mode', 'assigned', 'variants', 'segments']);
    const own = (id) => (id === report.assigned ? 1 : 0);
    assert.deepEqual(report.variants.map((v) => [v.id, v.exposures, v.conversions]),
      [['short', 100 + own('short'), 7], ['long', 90 + own('long'), 0], ['quiz', own('quiz'), 0]]);
    const stats = variantStatistics(report.variants);
    report.variants.forEach((v, i) => {
      assert.deepEqual(Object.keys(v), ['id', 'exposures', 'conversions', 'rate', 'interval', 'probabilityBest']);
      assert.deepEqual({ rate: v.rate, interval: v.interval, probabilityBest: v.probabilityBest }, stats[i]);
    });
    engine.destroy();
  });
}

test('the figures are the ones the wasm reported before, to the tolerance', () => {
  const got = variantStatistics([{ exposures: 101, conversions: 8 }, { exposures: 90, conversions: 0 }, { exposures: 0, conversions: 0 }]);
  for (const [i, id] of ['short', 'long', 'quiz'].entries()) {
    assert.equal(got[i].rate, BEFORE[id].rate);
    for (const end of [0, 1]) assert.ok(Math.abs(got[i].interval[end] - BEFORE[id].interval[end]) <= TOLERANCE, `${id} interval ${end}`);
    assert.ok(Math.abs(got[i].probabilityBest - BEFORE[id].probabilityBest) <= TOLERANCE, `${id} P(best)`);
  }
});
