// decide() / convert() / exposures against the core's slots (the example's
// "hero", "cta" and the "lead-form-tournament" bandit), under each consent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, MemoryStorage } from '../../web/src/node.js';
import { exampleConfig, fakeClock, record, HOUR } from './helpers.mjs';

async function highIntentCto(options = {}) {
  const clock = fakeClock();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, ...options });
  engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
  engine.track('page_view', { path: '/pricing' });
  clock.advance(HOUR);
  engine.track('page_view', { path: '/pricing/teams' });
  return { engine, clock };
}

test('without personalization consent decide() returns the slot default, and counts nothing', async () => {
  const exposures = [];
  const { engine } = await highIntentCto({ consent: { measurement: true }, onExposure: (e) => exposures.push(e) });
  assert.deepEqual(engine.decide('hero'), { slot: 'hero', variant: 'default', reason: { kind: 'default', rule: null, path: null }, experiment: null });
  assert.equal(engine.decide('lead_form').variant, 'short');
  assert.equal(engine.defaultVariant('cta'), 'newsletter');
  assert.throws(() => engine.decide('footer'), /unknown slot "footer"/);
  assert.deepEqual(exposures, []);
  engine.destroy();
});

test('with personalization the rules decide, with the reason and its JSON pointer', async () => {
  const { engine } = await highIntentCto({ consent: { personalization: true } });
  const hero = engine.decide('hero');
  assert.equal(hero.variant, 'tech_leader');
  assert.deepEqual(hero.reason, { kind: 'rule', rule: 1, path: '/slots/0/variants/1/when' });
  assert.equal(hero.experiment, null);
  assert.equal(engine.decide('cta').variant, 'book_demo', 'stage "decision"');
  assert.throws(() => engine.decide('footer'), (e) => e instanceof Error && /unknown slot "footer"/.test(e.message));
  engine.destroy();
});

test('an experiment slot: exposure once, onExposure, firstExposure, sticky; convert() attributes', async () => {
  const exposures = [];
  const { engine } = await highIntentCto({ consent: { personalization: true, measurement: true }, onExposure: (e) => exposures.push(e) });
  const events = record(engine, 'exposure');
  const first = engine.decide('lead_form');
  assert.ok(['short', 'long', 'quiz'].includes(first.variant));
  assert.equal(first.reason.kind, 'experiment');
  assert.deepEqual(first.experiment, { key: 'lead-form-tournament', variant: first.variant, inExperiment: true, firstExposure: true });
  const second = engine.decide('lead_form');
  assert.equal(second.variant, first.variant, 'sticky');
  assert.equal(second.experiment.firstExposure, false);
  assert.deepEqual(exposures, [{ slot: 'lead_form', experiment: 'lead-form-tournament', variant: first.variant, firstExposure: true }]);
  assert.equal(events.length, 1);
  const conversion = engine.convert('signup');
  assert.deepEqual(conversion.attributed, [{ experiment: 'lead-form-tournament', variant: first.variant }]);
  assert.deepEqual(engine.export().experiments, { 'lead-form-tournament': { variants: { [first.variant]: { exposed: true, converted: true } } } });
  engine.destroy();
});

test('peek() tells the variant decide() will give, recording nothing', async () => {
  const exposures = [];
  const { engine } = await highIntentCto({ consent: { personalization: true, measurement: true }, onExposure: (e) => exposures.push(e) });
  const events = record(engine, 'exposure');
  const before = engine.export();
  const peeked = engine.peek('lead_form');
  assert.equal(peeked.reason.kind, 'experiment');
  assert.equal(peeked.experiment.firstExposure, false);
  assert.deepEqual(engine.peek('lead_form'), peeked, 'the same answer again');
  assert.deepEqual(engine.export(), before, 'no assignment, no exposure stored');
  assert.deepEqual(engine.experiments(), (await highIntentCto({ consent: { personalization: true } })).engine.experiments());
  assert.deepEqual([exposures, events], [[], []]);
  assert.equal(engine.peek('hero').variant, 'tech_leader');
  // The decision it predicted is the one decide() then records.
  const decided = engine.decide('lead_form');
  assert.equal(decided.variant, peeked.variant);
  assert.equal(decided.experiment.firstExposure, true);
  assert.equal(exposures.length, 1);
  assert.throws(() => engine.peek('footer'), /unknown slot "footer"/);
  assert.throws(() => engine.peek(5), /peek\(slotId\): slotId/);
  engine.destroy();
});

test('without measurement consent: variants still personalize, but nothing is counted or attributed', async () => {
  const exposures = [];
  const { engine } = await highIntentCto({ consent: { personalization: true }, onExposure: (e) => exposures.push(e) });
  const d = engine.decide('lead_form');
  assert.equal(d.reason.kind, 'experiment');
  assert.deepEqual(engine.convert('signup'), { attributed: [] });
  assert.deepEqual(exposures, []);
  assert.deepEqual(engine.export().experiments, {});
  // Withdrawing measurement forgets what was counted.
  await engine.setConsent({ measurement: true });
  engine.convert('signup');
  assert.notDeepEqual(engine.export().experiments, {});
  await engine.setConsent({ measurement: false });
  assert.deepEqual(engine.export().experiments, {});
  engine.destroy();
});

test('the assignment and the visitor id survive a reload (storage consent)', async () => {
  const storage = new MemoryStorage();
  const consent = { storage: true, personalization: true, measurement: true };
  const { engine, clock } = await highIntentCto({ storage, consent });
  const variant = engine.decide('lead_form').variant;
  await engine.flush();
  engine.destroy();
  const { state } = await storage.readAll();
  assert.match(state.visitor.id, /^[0-9a-z]{16}$/);
  const again = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent });
  const d = again.decide('lead_form');
  assert.equal(d.variant, variant);
  assert.equal(d.experiment.firstExposure, false);
  assert.deepEqual(Object.keys(again.export().experiments), ['lead-form-tournament']);
  again.destroy();
});

test('experiments() and addAggregateCounts() pass through to the core', async () => {
  const { engine } = await highIntentCto({ consent: { personalization: true, measurement: true } });
  engine.addAggregateCounts('lead-form-tournament', { short: { exposures: 100, conversions: 5 } });
  assert.throws(() => engine.addAggregateCounts('lead-form-tournament', { short: { exposures: 1, conversions: 5 } }), /conversions <= exposures/);
  assert.ok(engine.experiments());
  engine.destroy();
});

test('report() carries the exposure and conversion bits of the ledger', async () => {
  const { engine } = await highIntentCto({ consent: { personalization: true, measurement: true }, maxEpsilon: 50, reportBudget: { perDay: 1e6, per30Days: 1e6 } });
  const { variant } = engine.decide('lead_form');
  engine.convert('signup');
  // A report carries one item: report until each variant was drawn once.
  const bits = {};
  for (let i = 0; i < 500 && Object.keys(bits).length < 3; i++) {
    const { experiment } = await engine.report({ epsilon: 40, segments: [], scoreBands: false });
    assert.equal(experiment.key, 'lead-form-tournament');
    bits[experiment.variant] = experiment.bits;
  }
  for (const v of ['short', 'long', 'quiz']) assert.deepEqual(bits[v], v === variant ? [1, 1] : [0, 0], v);
  engine.destroy();
});
