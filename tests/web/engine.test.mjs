// createEngine() in node: the documented API, its events and its errors.
// The scenario tests/scenarios/b2b-journey.json is replayed through the
// wrapper: the events it emits must match the core's expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createEngine, EVENTS } from '../../web/src/node.js';
import { REPO_ROOT, exampleConfig, fakeClock, record, START, HOUR } from './helpers.mjs';

const UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };
const parseOffset = (text) => [...text.matchAll(/(\d+)([a-z]*)/g)].reduce((t, [, n, u]) => t + Number(n) * (UNITS[u] ?? 1), 0);

test('the b2b journey through the wrapper: same segments, metrics, score and events as the core', async () => {
  const scenario = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests/scenarios/b2b-journey.json'), 'utf8'));
  const clock = fakeClock(scenario.start);
  const engine = await createEngine({ config: exampleConfig(), now: clock.now });
  const log = record(engine, 'segment:enter', 'segment:exit', 'stage', 'temperature', 'mql', 'sql');
  try {
    scenario.steps.forEach((step, i) => {
      clock.t = scenario.start + parseOffset(step.at);
      log.length = 0;
      let changes;
      if (step.identify) changes = engine.identify(step.identify);
      else if (step.track) changes = engine.track(step.track, step.props ?? {});
      else if (step.declare) changes = engine.declare(step.declare, step.value);
      else if (step.advance) engine.segments(); // reads advance the clock to now()
      const where = `step ${i} (${JSON.stringify(step).slice(0, 70)})`;
      const { expect } = step;
      const of = (name) => log.filter((e) => e.event === name);
      if (expect.entered) assert.deepEqual(of('segment:enter').map((e) => e.segment), expect.entered, where);
      if (expect.exited) assert.deepEqual(of('segment:exit').map((e) => e.segment), expect.exited, where);
      if (changes && expect.entered) assert.deepEqual(changes.entered, expect.entered, where);
      if (expect.stages) assert.deepEqual(of('stage').map(({ from, to }) => ({ from, to })), expect.stages, where);
      if ('temperature' in expect) {
        assert.deepEqual(of('temperature').map((e) => e.temperature), expect.temperature === null ? [] : [expect.temperature], where);
      }
      if ('mql' in expect) assert.equal(of('mql').length, expect.mql ? 1 : 0, where);
      if ('sql' in expect) assert.equal(of('sql').length, expect.sql ? 1 : 0, where);
      if (expect.segments) assert.deepEqual(engine.segments(), expect.segments, where);
      if (expect.metrics) {
        const metrics = engine.metrics();
        for (const [k, v] of Object.entries(expect.metrics)) assert.deepEqual(metrics[k], v, `${where}: ${k}`);
      }
      if (expect.score) {
        const breakdown = engine.score();
        for (const [k, v] of Object.entries(expect.score)) {
          if (typeof v === 'number') assert.ok(Math.abs(breakdown[k] - v) < 1e-9, `${where}: ${k} = ${breakdown[k]}, expected ${v}`);
          else assert.deepEqual(breakdown[k], v, `${where}: ${k}`);
        }
      }
      for (const e of log) assert.equal(typeof e.at, 'number', `${where}: events carry a time`);
    });
  } finally {
    engine.destroy();
  }
});

test('plain objects out: segments, metrics, score, attributes, explain, export', async () => {
  const clock = fakeClock();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now });
  engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
  engine.track('page_view', { path: '/pricing' });
  clock.advance(HOUR);
  engine.track('page_view', { path: '/pricing/teams' });
  engine.declare('interests', ['security']);
  assert.deepEqual(engine.segments(), ['high_intent_tech', 'company_small', 'security_minded', 'sales_ready']);
  assert.equal(engine.metrics().pricing_views_2d, 2);
  const score = engine.score();
  assert.equal(score.grade, 'A');
  assert.equal(score.stage, 'decision');
  assert.equal(engine.attributes().industry, 'Technology');
  const why = engine.explain('high_intent_tech');
  assert.equal(why.member, true);
  assert.ok(why.leaves.some((leaf) => leaf.attribute === 'pricing_views_2d' && leaf.actual === 2 && leaf.passed));
  const profile = engine.export();
  assert.deepEqual(profile.attributes, { job_title: 'CTO', industry: 'Technology', company_size: 20 });
  assert.deepEqual(profile.declarations, { interests: { value: ['security'], at: START + HOUR } });
  assert.deepEqual(profile.events.map((e) => [e.type, e.ts, e.props.path]), [
    ['page_view', START, '/pricing'],
    ['page_view', START + HOUR, '/pricing/teams'],
  ]);
  assert.equal(profile.clock, START + HOUR);
  assert.deepEqual(profile.experiments, {});
  assert.equal(engine.storage, 'none', 'no storage consent: nothing persisted');
  assert.deepEqual(engine.consent, { storage: false, personalization: false, measurement: false });
  await engine.erase();
  assert.deepEqual(engine.segments(), []);
  assert.deepEqual(engine.export().events, []);
  engine.destroy();
});

test('time moves on its own: windows expire when the clock passes them', async () => {
  const clock = fakeClock();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now });
  const exits = [];
  engine.on('segment:exit', (e) => exits.push(e.segment));
  engine.identify({ job_title: 'CTO', industry: 'Technology' });
  engine.track('page_view', { path: '/pricing' });
  engine.track('page_view', { path: '/pricing' });
  assert.ok(engine.segments().includes('high_intent_tech'));
  clock.advance(3 * 24 * HOUR);
  assert.ok(!engine.segments().includes('high_intent_tech'));
  assert.deepEqual(exits, ['high_intent_tech']);
  engine.destroy();
});

test('errors are Errors with a message and a path', async () => {
  await assert.rejects(createEngine(), /options must be an object with at least \{config\}/);
  await assert.rejects(createEngine({}), /options.config must be a config object/);
  await assert.rejects(createEngine({ config: exampleConfig(), storag: 'memory' }), (e) => e.message.includes('unknown option "storag"') && e.path === '/storag');
  await assert.rejects(createEngine({ config: '{"segments": [' }), /not valid JSON/);
  await assert.rejects(createEngine({ config: { segments: [{ id: 'a', condition: { age: { $gtee: 1 } } }] } }), (e) => {
    assert.equal(e.name, 'LeadsegError');
    assert.match(e.message, /^createEngine: invalid config: unknown operator/);
    assert.equal(e.path, '/segments/0/condition/age/$gtee');
    assert.ok(Array.isArray(e.diagnostics));
    return true;
  });
  await assert.rejects(createEngine({ config: exampleConfig(), consent: { marketing: true } }), /unknown purpose "marketing"/);
  await assert.rejects(createEngine({ config: exampleConfig(), storage: 'cookies' }), /options.storage must be one of/);

  const engine = await createEngine({ config: exampleConfig(), now: () => START });
  assert.throws(() => engine.track(''), /type must be a non-empty string/);
  assert.throws(() => engine.track('x', [1]), /props must be a plain object, got an array/);
  assert.throws(() => engine.identify('CTO'), /identify\(traits\) must be a plain object/);
  assert.throws(() => engine.identify({ pricing_views_2d: 1 }), (e) => /reserved/.test(e.message) && e.path === '/pricing_views_2d');
  assert.throws(() => engine.declare('interests'), /value is missing/);
  assert.throws(() => engine.explain('nope'), /unknown segment "nope"/);
  assert.throws(() => engine.on('segment:entered', () => {}), /on\("segment:entered"\): unknown event/);
  assert.throws(() => engine.setConsent({ storage: 'yes' }), /setConsent.storage must be true or false/);
  assert.deepEqual(engine.export().events, [], 'failed calls change nothing');
  engine.destroy();
  assert.throws(() => engine.track('x'), /destroyed/);

  const broken = await createEngine({ config: exampleConfig(), now: () => NaN });
  assert.throws(() => broken.track('x'), /now\(\) must return a time in milliseconds/);
  broken.destroy();
});

test('a handler that throws does not break the engine or the other handlers', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START });
  const seen = [];
  const original = console.error;
  const logged = [];
  console.error = (...args) => logged.push(args);
  try {
    engine.on('segment:enter', () => {
      throw new Error('handler bug');
    });
    engine.on('segment:enter', (e) => seen.push(e.segment));
    const changes = engine.identify({ age: 30 });
    assert.deepEqual(changes.entered, ['age_18_35']);
    assert.deepEqual(seen, ['age_18_35']);
    assert.match(String(logged[0]?.[1]?.message), /handler bug/);
  } finally {
    console.error = original;
    engine.destroy();
  }
});

test('on/off and handlers given at creation; EVENTS lists the event names', async () => {
  const seen = [];
  const engine = await createEngine({ config: exampleConfig(), now: () => START, on: { 'segment:enter': (e) => seen.push(e.segment) } });
  engine.identify({ age: 30 });
  engine.off('segment:enter');
  engine.identify({ age: 40 });
  assert.deepEqual(seen, ['age_18_35']);
  for (const name of ['segment:enter', 'segment:exit', 'stage', 'temperature', 'mql', 'sql', 'exposure', 'storage:corrupted', 'storage:error', 'consent']) {
    assert.ok(EVENTS.includes(name), name);
  }
  const consents = [];
  engine.on('consent', (c) => consents.push(c));
  assert.deepEqual(await engine.setConsent({ personalization: true }), { storage: false, personalization: true, measurement: false });
  assert.deepEqual(consents, [{ storage: false, personalization: true, measurement: false }]);
  engine.destroy();
});

// With no handler on at all, a call's changes are not dispatched event by
// event (web/src/emitter.js counts the handlers): the count must follow
// on/off exactly, or an event would be lost.
test('change events reach the handlers that are on, whatever on and off did before', async () => {
  const engine = await createEngine({ config: exampleConfig(), now: () => START });
  const entered = [];
  const exited = [];
  const expected = { entered: [], exited: [] };
  // identify(), noting the changes the handlers that are on should see.
  const identify = (traits, on) => {
    const changes = engine.identify(traits);
    for (const what of on) expected[what].push(...changes[what]);
    return changes;
  };
  const enter = (e) => entered.push(e.segment);
  engine.on('segment:enter', enter);
  engine.on('segment:enter', enter); // the same handler: on once
  engine.off('segment:enter', () => {}); // a handler never on: nothing changes
  engine.off('segment:exit'); // an event with no handler: nothing changes
  assert.deepEqual(identify({ age: 30 }, ['entered']).entered, ['age_18_35']);
  engine.on('segment:exit', (e) => exited.push(e.segment));
  engine.off('segment:enter', enter); // off once: gone
  assert.deepEqual(identify({ age: 60 }, ['exited']).exited, ['age_18_35']);
  identify({ age: 30 }, ['exited']);
  engine.off('segment:exit');
  identify({ age: 60 }, []);
  engine.on('segment:enter', enter);
  identify({ age: 30 }, ['entered']);
  assert.deepEqual(entered, expected.entered);
  assert.deepEqual(exited, expected.exited);
  assert.deepEqual(entered.filter((id) => id === 'age_18_35').length, 2);
  assert.ok(exited.length >= 2);
  engine.destroy();
});

test('dataLayer arrays: earlier pushes are processed, later pushes too, GTM internals skipped', async () => {
  const dataLayer = [{ event: 'gtm.js', 'gtm.start': 1 }, { event: 'page_view', path: '/pricing' }, { user_type: 'x' }];
  const engine = await createEngine({ config: exampleConfig(), now: () => START, dataLayer });
  dataLayer.push({ event: 'download', category: 'guide', 'gtm.uniqueEventId': 7 }, ['consent', 'default']);
  assert.deepEqual(engine.export().events.map((e) => [e.type, e.props]), [
    ['page_view', { path: '/pricing' }],
    ['download', { category: 'guide' }],
  ]);
  assert.equal(dataLayer.length, 5, 'push still works');
  engine.destroy();
  dataLayer.push({ event: 'page_view', path: '/after' });
  assert.equal(dataLayer.length, 6);
});
