// report() as a whole-payload ε-LDP mechanism: channels, OUE, memoization,
// the budget over time, and the attack that averages a visitor's reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../web/src/node.js';
import { channel, channelEpsilon, MEMO_FACTOR, permanentStage } from '../../web/src/privacy/channels.js';
import { unaryRandomize } from '../../web/src/privacy/oue.js';
import { estimate } from '../../web/src/estimator.js';
import { exampleConfig, fakeClock, seededRandom, DAY, START } from './helpers.mjs';
import { withLocalStorage } from './fake-storage.mjs';

const ROOMY = { perDay: 1000, per30Days: 1000 };

test('each kind of item costs exactly ε per report, and the memo at most ε∞ = 2ε forever', () => {
  for (const epsilon of [0.25, 1, 2, 4]) {
    for (const kind of ['segment', 'score', 'experiment']) {
      const ch = channel(kind, epsilon);
      assert.ok(Math.abs(channelEpsilon(kind, ch) - epsilon) < 1e-9, `${kind} at ε ${epsilon}: ${channelEpsilon(kind, ch)}`);
      assert.ok(Math.abs(channelEpsilon(kind, ch.permanent) - MEMO_FACTOR * epsilon) < 1e-9, `${kind} memo stage`);
      assert.ok(ch.keep > 0.5 && ch.keep < 1, 'fresh noise on every report');
      assert.ok(ch.a > ch.b);
    }
  }
  // The score's one-hot vector: any two bands (or a band and no band) are e^ε apart at most.
  const { a, b } = channel('score', 1);
  const oneHot = (bits, x) => bits.reduce((pr, bit, i) => pr * (bit ? (x[i] ? a : 1 - a) : (x[i] ? b : 1 - b)), 1);
  const bands = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]];
  let worst = 0;
  for (let out = 0; out < 16; out++) {
    const x = [0, 1, 2, 3].map((i) => (out >> i) & 1);
    for (const u of bands) for (const v of bands) worst = Math.max(worst, Math.log(oneHot(u, x) / oneHot(v, x)));
  }
  assert.ok(Math.abs(worst - 1) < 1e-9, `worst log-ratio over every output ${worst}`);
});

test('OUE keeps the true band with probability 1/2 and reports another with 1/(e^ε + 1)', () => {
  const random = seededRandom(11);
  const n = 40_000;
  const ones = [0, 0, 0];
  const stage = permanentStage('score', 1);
  for (let i = 0; i < n; i++) unaryRandomize([0, 1, 0], stage, random).forEach((bit, j) => (ones[j] += bit));
  assert.ok(Math.abs(ones[1] / n - 0.5) < 0.01, `kept ${ones[1] / n}`);
  assert.ok(Math.abs(ones[0] / n - 1 / (Math.E + 1)) < 0.01, `other ${ones[0] / n}`);
});

test('a report carries one item with the whole ε; the shape follows the config, not the visitor', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true }, maxEpsilon: 50, reportBudget: { perDay: 1e6, per30Days: 1e6 } });
  engine.identify({ age: 30, company_size: 20, job_title: 'CTO' });
  const seen = new Map();
  for (let i = 0; i < 400; i++) {
    const payload = await engine.report({ segments: ['age_18_35', 'company_small', 'company_large'], epsilon: 40, experiments: {} });
    assert.equal(payload.version, 2);
    assert.equal(payload.epsilon, 40);
    const keys = Object.keys(payload).sort();
    assert.equal(keys.length, 4, JSON.stringify(payload));
    assert.ok(!JSON.stringify(payload).includes('CTO'));
    if (payload.segment) seen.set(payload.segment.id, payload.segment.bit);
    else {
      // OUE keeps the true band with probability 1/2 whatever ε: the memo
      // fixed it once; other bands stay 0 at ε = 40.
      assert.deepEqual(payload.score.bands, ['0-25', '25-50', '50-75', '75-100']);
      assert.deepEqual(payload.score.bits.slice(1), [0, 0, 0], 'score 20');
      assert.equal(payload.mechanism, 'memoized-oue');
      if (seen.has('score')) assert.equal(payload.score.bits[0], seen.get('score'), 'the same memo every time');
      seen.set('score', payload.score.bits[0]);
    }
  }
  assert.deepEqual(Object.fromEntries([...seen].filter(([k]) => k !== 'score')), { age_18_35: 1, company_small: 1, company_large: 0 }, 'bits kept at ε = 40');
  assert.ok(seen.has('score'), 'every item drawn');
  engine.destroy();
});

test('repeated reports of an unchanged profile reuse the memoized answer', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true }, reportBudget: ROOMY });
  engine.identify({ age: 30 });
  // With the memo, the average of many reports converges to the memo, not to
  // the truth: about 1/(1+e^2) of visitors' memos are wrong (their average is
  // near 1 - keep); without a memo every average is near the truth's, and
  // none is below 1/2. The draws are the engine's own (crypto), so the bounds
  // are set for chance failures below 1e-5 a run: 120 visitors leave no wrong
  // memo with probability (1 - 0.119)^120 ≈ 3e-7; 50 reports put a visitor's
  // average 5.4 standard deviations from 1/2 and 5.3 from the 0.3 bound.
  let wrong = 0;
  const visitors = 120;
  const { keep } = channel('segment', 1);
  for (let v = 0; v < visitors; v++) {
    const ones = [];
    for (let i = 0; i < 50; i++) {
      const p = await engine.report({ segments: ['age_18_35'], scoreBands: false, experiments: {}, epsilon: 1 });
      ones.push(p.segment.bit);
    }
    const mean = ones.reduce((s, x) => s + x, 0) / ones.length;
    assert.ok(Math.abs(mean - keep) < 0.3 || Math.abs(mean - (1 - keep)) < 0.3, `average ${mean} is one memo through fresh noise`);
    if (mean < 0.5) wrong += 1;
    await engine.erase(); // a new visitor: a new memo
    engine.identify({ age: 30 });
  }
  // Expected ≈ 14.3 (sd 3.5).
  assert.ok(wrong >= 1 && wrong <= 40, `${wrong} of ${visitors} memos flipped (expected ≈ ${(visitors / (1 + Math.E ** 2)).toFixed(1)})`);
  engine.destroy();
});

test('past the daily budget report() sends nothing and says why; the next day it sends again', async () => {
  const clock = fakeClock();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, consent: { measurement: true } });
  const sent = [];
  const send = async (p) => sent.push(p);
  assert.equal((await engine.report({ send, epsilon: 0.5 })).version, 2);
  assert.equal((await engine.report({ send, epsilon: 0.5 })).version, 2);
  const refused = await engine.report({ send, epsilon: 0.5 });
  assert.equal(refused.sent, false);
  assert.equal(refused.reason, 'daily-budget');
  assert.match(refused.message, /today's privacy budget left \(0 of 1\); nothing was sent/);
  assert.deepEqual(refused.budget.today, { spent: 1, limit: 1, left: 0 });
  assert.equal(sent.length, 2);
  assert.deepEqual(engine.previewReport().refused.reason, 'daily-budget');
  clock.advance(DAY);
  assert.equal((await engine.report({ send })).version, 2);
  assert.deepEqual(engine.reportBudget().last30Days, { spent: 2, limit: 10, left: 8 });
  engine.destroy();
});

test('the 30-day total caps reports too; the budget is configurable and checked', async () => {
  const clock = fakeClock();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, consent: { measurement: true }, reportBudget: { per30Days: 3 } });
  for (let day = 0; day < 3; day++, clock.advance(DAY)) assert.equal((await engine.report()).version, 2);
  const refused = await engine.report();
  assert.equal(refused.reason, '30-day-budget');
  clock.advance(27 * DAY);
  assert.equal((await engine.report()).version, 2, 'the first day left the 30-day window');
  engine.destroy();
  await assert.rejects(createEngine({ config: exampleConfig(), reportBudget: { perDay: -1 } }), /reportBudget.perDay must be a number ≥ 0/);
  await assert.rejects(createEngine({ config: exampleConfig(), reportBudget: { daily: 1 } }), /unknown key "daily"/);
  await assert.rejects(createEngine({ config: exampleConfig(), reportBudget: { perDay: 5, per30Days: 2 } }), /perDay is above per30Days/);
});

test('a send that fails gives the budget back and leaves the error to the caller', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true } });
  await assert.rejects(engine.report({ send: async () => { throw new Error('offline'); } }), /offline/);
  assert.deepEqual(engine.reportBudget().today, { spent: 0, limit: 1, left: 1 });
  assert.equal((await engine.report({ send: async () => {} })).version, 2);
  engine.destroy();
});

test('the budget and the memos survive a reload, are shared by tabs, and erase() clears them', async () => {
  await withLocalStorage(async (storage) => {
    const options = { config: exampleConfig(), now: () => START, consent: { measurement: true, storage: true }, storage: 'localstorage', reportBudget: { perDay: 2, per30Days: 10 } };
    const first = await createEngine(options);
    const second = await createEngine(options); // another tab of the same site
    assert.equal((await first.report({ epsilon: 1 })).version, 2);
    assert.deepEqual(second.reportBudget().today, { spent: 1, limit: 2, left: 1 }, 'the other tab sees the spend');
    assert.equal((await second.report({ epsilon: 1 })).version, 2);
    assert.equal((await first.report({ epsilon: 1 })).reason, 'daily-budget');
    first.destroy();
    const reloaded = await createEngine(options);
    assert.equal((await reloaded.report({ epsilon: 1 })).reason, 'daily-budget', 'a reload does not reset it');
    const stored = JSON.parse(storage.getItem('leadseg:reports'));
    assert.ok(Object.keys(stored.memos).length >= 1, 'memos stored on the device');
    await reloaded.erase();
    assert.equal(storage.getItem('leadseg:reports'), null);
    assert.deepEqual(second.reportBudget().today.spent, 0, 'erased for every tab');
    second.destroy();
    reloaded.destroy();
  });
});

test('without storage consent nothing about reports is written to the device; withdrawing it removes it', async () => {
  await withLocalStorage(async (storage) => {
    const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true }, storage: 'localstorage', reportBudget: { perDay: 2 } });
    await engine.report();
    assert.equal(storage.getItem('leadseg:reports'), null);
    assert.equal(engine.reportBudget().today.spent, 1, 'counted in memory');
    await engine.setConsent({ storage: true });
    assert.equal(JSON.parse(storage.getItem('leadseg:reports')).spends.length, 1, 'moved to the device with consent');
    await engine.setConsent({ storage: false });
    assert.equal(storage.getItem('leadseg:reports'), null);
    assert.equal(engine.reportBudget().today.spent, 1, 'still counted in this page');
    engine.destroy();
  });
});

test('withdrawing storage consent on a later page removes the stored budget, though that page never reported', async () => {
  await withLocalStorage(async (storage) => {
    const options = { config: exampleConfig(), now: () => START, consent: { measurement: true, storage: true }, storage: 'localstorage', reportBudget: { perDay: 2 } };
    const first = await createEngine(options);
    await first.report();
    first.destroy();
    assert.equal(JSON.parse(storage.getItem('leadseg:reports')).spends.length, 1);
    const reloaded = await createEngine(options);
    await reloaded.setConsent({ storage: false });
    assert.equal(storage.getItem('leadseg:reports'), null, 'nothing left on the device');
    assert.equal(reloaded.reportBudget().today.spent, 1, 'the earlier page\'s spend still counted in this one');
    reloaded.destroy();
  });
});

test('giving storage consent leaves nothing on the device until a report is made', async () => {
  await withLocalStorage(async (storage) => {
    const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true }, storage: 'localstorage' });
    await engine.setConsent({ storage: true });
    assert.equal(storage.getItem('leadseg:reports'), null);
    engine.destroy();
  });
});

test('report() with nothing to carry is an error; previewReport() is null without measurement consent', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true } });
  await assert.rejects(engine.report({ segments: [], scoreBands: false, experiments: {} }), /report: nothing to report/);
  assert.equal(engine.reportBudget().today.spent, 0, 'nothing spent');
  await engine.setConsent({ measurement: false });
  assert.equal(engine.previewReport(), null);
  assert.equal(await engine.report(), null);
  engine.destroy();
});

test('a full device: report() refuses rather than send a report it cannot count', async () => {
  await withLocalStorage(async (storage) => {
    const engine = await createEngine({ config: exampleConfig(), now: () => START, consent: { measurement: true, storage: true }, storage: 'localstorage' });
    storage.full = true;
    let sent = 0;
    const result = await engine.report({ send: () => sent++ });
    assert.equal(result.sent, false);
    assert.equal(result.reason, 'storage-error');
    assert.equal(sent, 0);
    engine.destroy();
  });
});
