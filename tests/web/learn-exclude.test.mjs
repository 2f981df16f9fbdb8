// discoverSegments() leaves the outcome column and identifier-like columns
// out of the clustering (web/src/learn-exclude.js, docs/predictive.md
// "Segment discovery"): given as options.outcome / options.exclude, or
// inferred from the column's name and values; each is reported in
// `skipped` with the reason, and naming a column in `features` keeps it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverSegments } from '../../web/src/node.js';

const CONFIG = { version: 1, segments: [] };

// Two groups by visits and spend; a yes/no outcome and a running lead number beside them.
function leads(outcomeName = 'converted') {
  const out = [];
  for (let i = 0; i < 200; i++) {
    const g = i % 2;
    out.push({
      email: `l${i}@example.com`,
      lead_id: 1000 + i,
      visits: g ? 12 + (i % 5) : 2 + (i % 3),
      spend: g ? 300 + (i % 7) * 5 : 20 + (i % 4) * 5,
      [outcomeName]: i % 3 === 0 ? 'yes' : 'no',
    });
  }
  return out;
}

const clusteredOn = (found) => Object.keys(found.clusters[0].centroid);

test('the outcome and an id-like column are left out by default, and reported', async () => {
  const found = await discoverSegments(CONFIG, leads(), { k: 2 });
  assert.deepEqual(clusteredOn(found).sort(), ['spend', 'visits']);
  const reasons = Object.fromEntries(found.skipped.map((s) => [s.column, s.reason]));
  assert.match(reasons.converted, /outcome/);
  assert.match(reasons.lead_id, /identifier/);
});

test('options.outcome names an outcome column whatever it is called', async () => {
  const found = await discoverSegments(CONFIG, leads('became_customer'), { k: 2, outcome: 'became_customer' });
  assert.deepEqual(clusteredOn(found).sort(), ['spend', 'visits']);
  assert.match(found.skipped.find((s) => s.column === 'became_customer').reason, /options\.outcome/);
  // Not inferable from its name: without the option it is clustered on.
  const without = await discoverSegments(CONFIG, leads('became_customer'), { k: 2 });
  assert.ok(clusteredOn(without).some((f) => f.startsWith('became_customer')), clusteredOn(without).join());
});

test('options.exclude leaves out more columns; features keeps what it names', async () => {
  const found = await discoverSegments(CONFIG, leads(), { k: 2, exclude: ['spend'] });
  assert.deepEqual(clusteredOn(found), ['visits']);
  const named = await discoverSegments(CONFIG, leads(), { k: 2, features: ['visits', 'lead_id'] });
  assert.deepEqual(clusteredOn(named).sort(), ['lead_id', 'visits']);
});

test('bad outcome / exclude options reject naming the option', async () => {
  for (const [options, path] of [[{ outcome: 3 }, '/outcome'], [{ exclude: 'spend' }, '/exclude'], [{ exclude: [1] }, '/exclude']]) {
    await assert.rejects(discoverSegments(CONFIG, leads(), options), (error) => {
      assert.equal(error.name, 'LeadsegError');
      assert.equal(error.path, path, error.message);
      return true;
    });
  }
});
