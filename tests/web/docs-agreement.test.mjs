// Where the engine once disagreed with docs/config.md (issue 13), through
// the JS package (createEngine) and the raw module it wraps (loadCore):
// maxPoints on negative rules, follow-on config errors, times in seconds,
// membership at load, experiments-only configs and cycle paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, loadCore, MemoryStorage } from '../../web/src/node.js';
import { fakeClock, record, START, HOUR } from './helpers.mjs';

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

async function rawEngine(config) {
  const core = await loadCore();
  const raw = new core.Engine();
  raw.load(JSON.stringify(config));
  return raw;
}

async function rejection(promiseOrFn) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    return error;
  }
  assert.fail('accepted');
}

test('maxPoints does not bound a rule with negative points (package and raw module)', async () => {
  const config = {
    scoring: { rules: [{ id: 'u', points: -12, event: { type: 'x' }, maxPoints: 5 },
      { id: 'p', points: 4, event: { type: 'x' }, maxPoints: 6 }] },
  };
  const clock = fakeClock();
  const engine = await createEngine({ config, now: clock.now });
  engine.track('x');
  clock.advance(HOUR);
  engine.track('x');
  // The docs' arithmetic: -12 twice; the positive rule 4, then 2 (capped at 6).
  assert.equal(engine.score().behavioral.raw, -24 + 6);
  assert.deepEqual(engine.score().behavioral.awards.map((a) => a.points), [-12, 4, -12, 2]);
  engine.destroy();

  const raw = await rawEngine(config);
  raw.track('x', '{}', START);
  raw.track('x', '{}', START + HOUR);
  assert.equal(raw.score().behavioral.raw, -18);
  raw.delete();
});

test('a segment with an error is reported once; segments naming it do not call it unknown', async () => {
  const config = { segments: [{ id: 'a', condition: { x: { $gtee: 1 } } }, { id: 'b', condition: { segments: { $in: ['a'] } } }] };
  const expectOneError = (error) => {
    assert.equal(error.name, 'LeadsegError');
    assert.equal(error.path, '/segments/0/condition/x/$gtee');
    assert.deepEqual(error.diagnostics.map((d) => `${d.code} ${d.path}`), ['condition /segments/0/condition/x/$gtee']);
    assert.doesNotMatch(JSON.stringify(error.diagnostics), /unknown segment/);
  };
  expectOneError(await rejection(createEngine({ config })));
  const core = await loadCore();
  const raw = new core.Engine();
  expectOneError(await rejection(() => raw.load(JSON.stringify(config))));
  raw.delete();
});

test('a time in seconds is refused by every call, through the raw module and the package, and changes nothing', async () => {
  const seconds = 1807812000; // 2027-04-15 in seconds; 1970-01-21 in milliseconds
  const message = /time 1807812000 is in 1970, before 1973-03-03 \(1e11 ms\): seconds passed as milliseconds\? \(times are milliseconds since the epoch\)$/;
  const config = { segments: [{ id: 'cto', condition: { job_title: 'CTO' } }],
    slots: [{ id: 'hero', variants: [{ id: 'a' }], default: 'a' }] };

  const raw = await rawEngine(config);
  assert.throws(() => raw.identify('{"job_title":"CTO"}', seconds), message);
  assert.deepEqual(raw.segments(), []);
  assert.deepEqual(raw.exportProfile().attributes, {});
  assert.equal(raw.clock(), 0);
  raw.delete();

  // A new visitor without storage: the engine's clock is 0, so only the
  // core's rule stands between a clock in seconds and the profile.
  const engine = await createEngine({ config, now: () => seconds });
  for (const call of [(e) => e.identify({ job_title: 'CTO' }), (e) => e.declare('k', 1), (e) => e.track('x'),
    (e) => e.decide('hero'), (e) => e.segments()]) {
    assert.throws(() => call(engine), (error) => error.name === 'LeadsegError' && /1807812000 is in 1970, before 1973-03-03/.test(error.message));
  }
  assert.deepEqual(engine.export().attributes, {});
  assert.equal(engine.export().events.length, 0);
  engine.destroy();
});

const CATCH_ALL = { segments: [{ id: 'cto', name: 'CTOs', condition: { job_title: 'CTO' } },
  { id: 'nobody', name: 'In no segment', condition: { segments: { $size: 0 } } }] };

test('raw module: initialChanges() holds what a fresh profile starts in, and nothing after a restore or a reload', async () => {
  const raw = await rawEngine(CATCH_ALL);
  assert.deepEqual(raw.segments(), ['nobody']);
  assert.deepEqual(raw.initialChanges(), { entered: ['nobody'], exited: [], stages: [], temperature: null, mql: false, sql: false });
  // The first call reports against that membership.
  assert.deepEqual(raw.identify('{"job_title":"CTO"}', START).exited, ['nobody']);
  const snapshot = raw.snapshot();
  raw.load(JSON.stringify(CATCH_ALL)); // a reload keeps the visitor
  assert.deepEqual(raw.initialChanges().entered, []);

  const otherTab = await rawEngine(CATCH_ALL);
  assert.deepEqual(otherTab.initialChanges().entered, ['nobody']);
  otherTab.restore(snapshot);
  assert.deepEqual(otherTab.initialChanges().entered, []);
  assert.deepEqual(otherTab.segments(), ['cto']);
  otherTab.delete();
  raw.delete();
});

test('createEngine: a new visitor gets segment:enter for what holds at load, once, after the await', async () => {
  const fromOptions = [];
  const engine = await createEngine({ config: CATCH_ALL, now: fakeClock().now,
    on: { 'segment:enter': (e) => fromOptions.push(e) } });
  const log = record(engine, 'segment:enter', 'segment:exit');
  assert.deepEqual(log, [], 'not synchronously: the listener above was attached after the await');
  await nextTask();
  assert.deepEqual(engine.segments(), ['nobody']);
  assert.deepEqual(log, [{ event: 'segment:enter', segment: 'nobody', name: 'In no segment', at: START }]);
  assert.deepEqual(fromOptions, [{ segment: 'nobody', name: 'In no segment', at: START }]);
  await nextTask();
  engine.identify({ job_title: 'CTO' });
  assert.deepEqual(log.map((e) => `${e.event} ${e.segment}`), ['segment:enter nobody', 'segment:enter cto', 'segment:exit nobody']);
  engine.destroy();
});

test('createEngine: a call before the next task gets the initial enter first, then its own changes', async () => {
  const engine = await createEngine({ config: CATCH_ALL, now: fakeClock().now });
  const log = record(engine, 'segment:enter', 'segment:exit');
  engine.identify({ job_title: 'CTO' });
  await nextTask();
  assert.deepEqual(log.map((e) => `${e.event} ${e.segment}`), ['segment:enter nobody', 'segment:enter cto', 'segment:exit nobody']);
  engine.destroy();
});

test('createEngine: a visitor restored from storage (reload, second tab) does not enter its segments again', async () => {
  const clock = fakeClock();
  const storage = new MemoryStorage();
  const first = await createEngine({ config: CATCH_ALL, now: clock.now, storage, consent: { storage: true } });
  const firstLog = record(first, 'segment:enter');
  await nextTask();
  assert.deepEqual(firstLog.map((e) => e.segment), ['nobody'], 'storage consent, nothing stored yet: a new visitor');
  first.track('page_view');
  await first.flush();
  first.destroy();

  clock.advance(HOUR);
  const reloaded = await createEngine({ config: CATCH_ALL, now: clock.now, storage, consent: { storage: true } });
  const log = record(reloaded, 'segment:enter', 'segment:exit');
  await nextTask();
  assert.deepEqual(reloaded.segments(), ['nobody']);
  assert.deepEqual(log, [], 'already in "nobody" before the reload');
  reloaded.destroy();
});

test('a config with slots and experiments but no segments works in createEngine and the raw module', async () => {
  const config = { slots: [{ id: 'hero', variants: [{ id: 'a' }, { id: 'b' }], default: 'a',
    experiment: { key: 'hero-test', variants: ['a', 'b'] } }] };
  const engine = await createEngine({ config, now: fakeClock().now, consent: { personalization: true, measurement: true } });
  assert.deepEqual(engine.segments(), []);
  const decision = engine.decide('hero');
  assert.equal(decision.experiment.key, 'hero-test');
  assert.equal(decision.reason.kind, 'experiment');
  engine.destroy();
  const raw = await rawEngine(config);
  raw.setVisitorId('v1');
  assert.ok(['a', 'b'].includes(raw.decide('hero', START).variant));
  raw.delete();
});

test('a scoring cycle is reported at the rule that closes it', async () => {
  const config = { scoring: { rules: [{ id: 'e', points: 5, event: { type: 'x' } },
    { id: 't', points: 1, trait: { job_title: 'CTO' } },
    { id: 'warm_bonus', points: 3, trait: { temperature: 'warm' } }] }, temperature: {} };
  const error = await rejection(createEngine({ config }));
  assert.equal(error.path, '/scoring/rules/2');
  assert.match(error.message, /these depend on each other in a cycle: score -> temperature -> score$/);
});

test('docs/config.md, "The example\'s slots": what hero and cta show along the example journey', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { REPO_ROOT, exampleConfig } = await import('./helpers.mjs');
  const UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };
  const offset = (text) => [...text.matchAll(/(\d+)([a-z]*)/g)].reduce((t, [, n, u]) => t + Number(n) * (UNITS[u] ?? 1), 0);
  const scenario = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests/scenarios/b2b-journey.json'), 'utf8'));
  const raw = await rawEngine(exampleConfig());
  const seen = { hero: [], cta: [] };
  const look = (at, t) => {
    for (const slot of ['hero', 'cta']) {
      const { variant } = raw.peek(slot, t);
      if (seen[slot].at(-1)?.[1] !== variant) seen[slot].push([at, variant]);
    }
  };
  look('load', scenario.start);
  for (const step of scenario.steps) {
    const t = scenario.start + offset(step.at);
    if (step.identify) raw.identify(JSON.stringify(step.identify), t);
    else if (step.track) raw.track(step.track, JSON.stringify(step.props ?? {}), t);
    else if (step.declare) raw.declare(step.declare, JSON.stringify(step.value), t);
    else raw.advance(t);
    look(step.at, t);
  }
  raw.delete();
  assert.deepEqual(seen.hero, [['load', 'default'], ['1d', 'tech_leader'], ['2d1h1ms', 'default'], ['40d', 'welcome_back'], ['41d', 'default']]);
  assert.deepEqual(seen.cta, [['load', 'newsletter'], ['0', 'latest_guides'], ['1h', 'start_trial'], ['1d', 'book_demo'], ['40d3h', 'latest_guides'], ['40d4h', 'demo_booked']]);
});
