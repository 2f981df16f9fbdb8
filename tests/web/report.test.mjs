// report(): randomized response, consent, limits; estimator.js recovers
// shares from simulated reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../web/src/node.js';
import { estimate, debias, keepProbability } from '../../web/src/estimator.js';
import { trueBits, scoreBand } from '../../web/src/report.js';
import { randomizeReport } from './report-v1.mjs';
import { exampleConfig, seededRandom, START } from './helpers.mjs';

test('without measurement consent report() builds and sends nothing', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { storage: false, personalization: true } });
  let sent = 0;
  const originalFetch = globalThis.fetch;
  globalThis.fetch = async () => {
    sent += 1;
    return new Response('');
  };
  try {
    assert.equal(await engine.report({ send: () => sent++ }), null);
    assert.equal(await engine.report({ url: 'https://collector.example/r' }), null);
    assert.equal(sent, 0);
  } finally {
    globalThis.fetch = originalFetch;
    engine.destroy();
  }
});

// previewReport() is synchronous: once setConsent() has resolved, the
// consent it gave is there and so is everything a preview needs.
test('measurement consent given mid-page: previewReport() works as soon as setConsent() resolves', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { personalization: true } });
  try {
    assert.equal(engine.previewReport(), null);
    const consent = engine.setConsent({ measurement: true });
    assert.equal(engine.previewReport(), null, 'not yet: the change is applied when the queue runs it');
    assert.equal((await consent).measurement, true);
    const preview = engine.previewReport();
    assert.equal(preview.refused, null);
    assert.equal(preview.payload.version, 2);
    assert.ok((await engine.report({ send: async () => {} })).version === 2);
  } finally {
    engine.destroy();
  }
});

test('report({send}) hands the payload it resolves to; ε defaults to 1', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true } });
  const payloads = [];
  const payload = await engine.report({ send: async (p) => payloads.push(p) });
  assert.deepEqual(payloads, [payload]);
  assert.equal(payload.version, 2);
  assert.equal(payload.epsilon, 1, 'ε defaults to 1');
  const ids = exampleConfig().segments.map((s) => s.id);
  if (payload.segment) assert.ok(ids.includes(payload.segment.id));
  engine.destroy();
});

test('ε is checked against the configured maximum; bad options are errors', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true }, maxEpsilon: 2, reportBudget: { perDay: 2, per30Days: 10 } });
  await assert.rejects(engine.report({ epsilon: 3 }), /epsilon 3 is above the configured maximum 2/);
  await assert.rejects(engine.report({ epsilon: 0 }), /epsilon must be a positive number/);
  await assert.rejects(engine.report({ segments: ['nope'] }), /unknown segment "nope"/);
  await assert.rejects(engine.report({ scoreBands: [50, 10] }), /ascending/);
  assert.equal((await engine.report({ epsilon: 2 })).version, 2);
  engine.destroy();
});

test('report({url}) POSTs JSON without credentials', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true } });
  const calls = [];
  const originalFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    calls.push({ url, init });
    return new Response(null, { status: 204 });
  };
  try {
    const payload = await engine.report({ url: 'https://collector.example/r' });
    assert.equal(calls.length, 1);
    assert.equal(calls[0].init.method, 'POST');
    assert.equal(calls[0].init.credentials, 'omit');
    assert.deepEqual(JSON.parse(calls[0].init.body), payload);
  } finally {
    globalThis.fetch = originalFetch;
    engine.destroy();
  }
});

test('each bit is kept with probability e^ε/(1+e^ε)', () => {
  const random = seededRandom(7);
  const bits = { segments: { ids: ['a'], bits: [1] }, score: { bands: ['0-100'], bits: [0] }, experiments: {} };
  for (const epsilon of [0.5, 1, 2]) {
    let kept = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) kept += randomizeReport(bits, epsilon, random).segments.bits[0];
    const p = Math.exp(epsilon) / (1 + Math.exp(epsilon));
    assert.ok(Math.abs(kept / n - p) < 0.01, `ε ${epsilon}: kept ${kept / n}, expected ${p}`);
  }
  assert.equal(keepProbability(1), Math.E / (1 + Math.E));
  assert.ok(Math.abs(debias(keepProbability(1), 1) - 1) < 1e-12);
  assert.ok(Math.abs(debias(1 - keepProbability(1), 1)) < 1e-12);
});

test('score bands: one-hot, clamped, null score reports no band', () => {
  assert.deepEqual(scoreBand(0), { labels: ['0-25', '25-50', '50-75', '75-100'], index: 0 });
  assert.equal(scoreBand(25).index, 1);
  assert.equal(scoreBand(100).index, 3);
  assert.equal(scoreBand(140).index, 3);
  assert.equal(scoreBand(-5).index, 0);
  assert.equal(scoreBand(null).index, -1);
});

test('simulation: the estimator recovers segment shares within ±2 points from 100,000 reports (ε = 1)', () => {
  const random = seededRandom(2026);
  const truth = { enterprise: 0.12, smb: 0.55, returning: 0.31, rare: 0.02 };
  const ids = Object.keys(truth);
  const bandTruth = [0.5, 0.3, 0.15, 0.05];
  const conversion = { short: 0.2, long: 0.1 };
  const n = 100_000;
  const reports = [];
  const actual = Object.fromEntries(ids.map((id) => [id, 0]));
  for (let i = 0; i < n; i++) {
    const member = new Set(ids.filter((id) => random() < truth[id]));
    for (const id of member) actual[id] += 1;
    let u = random();
    let band = 0;
    while (band < 3 && u >= bandTruth[band]) u -= bandTruth[band++];
    const variant = random() < 0.5 ? 'short' : 'long';
    const ledger = { form: { variants: { [variant]: { exposed: true, converted: random() < conversion[variant] } } } };
    reports.push(randomizeReport(trueBits({
      segmentIds: ids,
      member,
      score: band * 25 + 1,
      bands: [0, 25, 50, 75, 100],
      experiments: { form: ['short', 'long'] },
      ledger,
    }), 1, random));
  }
  const result = estimate(reports);
  assert.equal(result.count, n);
  assert.equal(result.rejected, 0);
  for (const id of ids) {
    const { share, stderr, n: count } = result.segments[id];
    const real = actual[id] / n;
    assert.equal(count, n);
    assert.ok(Math.abs(share - real) < 0.02, `${id}: estimated ${share.toFixed(4)}, true ${real.toFixed(4)}`);
    assert.ok(stderr > 0.002 && stderr < 0.005, `${id}: stderr ${stderr}`);
    assert.ok(Math.abs(share - real) < 4.5 * stderr, `${id}: within 4.5 standard errors`);
  }
  ['0-25', '25-50', '50-75', '75-100'].forEach((label, i) => {
    assert.ok(Math.abs(result.scoreBands[label].share - bandTruth[i]) < 0.02, `${label}: ${result.scoreBands[label].share}`);
  });
  const short = result.experiments.form.short;
  assert.ok(Math.abs(short.exposed.share - 0.5) < 0.02, `short exposed ${short.exposed.share}`);
  assert.ok(Math.abs(short.conversionRate - 0.2) < 0.06, `short conversion rate ${short.conversionRate}`);
});

test('the estimator handles mixed ε and skips malformed reports', () => {
  const random = seededRandom(3);
  const reports = [];
  for (let i = 0; i < 20_000; i++) {
    const epsilon = i % 2 ? 0.5 : 2;
    reports.push(randomizeReport(trueBits({ segmentIds: ['a'], member: new Set(i % 4 === 0 ? ['a'] : []), score: null, bands: [0, 100], experiments: {}, ledger: {} }), epsilon, random));
  }
  reports.push({ epsilon: 1, segments: { ids: ['a'], bits: [2] }, score: { bands: [], bits: [] } }, null, { nope: true });
  const result = estimate(reports);
  assert.equal(result.rejected, 3);
  assert.ok(Math.abs(result.segments.a.share - 0.25) < 0.03, `${result.segments.a.share}`);
});
