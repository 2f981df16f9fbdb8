// Persistence through a storage adapter, in node: reload, snapshot plus
// later events, corrupted data, quota, consent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, MemoryStorage } from '../../web/src/node.js';
import { exampleConfig, fakeClock, DAY, HOUR, START } from './helpers.mjs';

async function journey(engine, clock) {
  engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20, age: 29 });
  engine.track('session_start', { utm_source: 'google' });
  for (let i = 0; i < 5; i++) {
    clock.advance(HOUR);
    engine.track('page_view', { path: i % 2 ? '/pricing' : '/blog' });
  }
  engine.declare('interests', ['security']);
  engine.track('download', { category: 'guide' });
}

function view(engine) {
  const { score, grade, stage, temperature } = engine.score();
  return { segments: engine.segments(), metrics: engine.metrics(), score, grade, stage, temperature, profile: engine.export() };
}

/** A copy of an adapter's content in a new MemoryStorage. */
async function copyOf(storage) {
  const { events, state } = await storage.readAll();
  const copy = new MemoryStorage();
  await copy.write({ events, put: state });
  return copy;
}

test('a reload finds the same profile (snapshot), and the same from the event log alone', async () => {
  const clock = fakeClock();
  const storage = new MemoryStorage();
  const first = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
  assert.equal(first.storage, 'memory');
  await journey(first, clock);
  const before = view(first);
  await first.flush();
  first.destroy();
  const { state } = await storage.readAll();
  assert.ok(state.snapshot?.bytes instanceof Uint8Array, 'flush() writes a snapshot');
  assert.equal(storage.eventCount, 7, 'one record per event');

  const second = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
  assert.deepEqual(view(second), before);
  second.destroy();

  const logOnly = await copyOf(storage);
  await logOnly.write({ remove: ['snapshot'] });
  const third = await createEngine({ config: exampleConfig(), now: clock.now, storage: logOnly, consent: { storage: true } });
  assert.deepEqual(view(third), before);
  third.destroy();
});

test('a snapshot plus the events written after it: each event is applied once', async () => {
  const clock = fakeClock();
  const storage = new MemoryStorage();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
  await journey(engine, clock);
  await engine.flush();
  clock.advance(HOUR);
  engine.track('page_view', { path: '/pricing/enterprise' });
  engine.identify({ company_size: 2000 });
  await new Promise((resolve) => setTimeout(resolve, 0)); // the write, not yet a snapshot
  const atThatPoint = await copyOf(storage);
  const expected = view(engine);
  engine.destroy();

  const reloaded = await createEngine({ config: exampleConfig(), now: clock.now, storage: atThatPoint, consent: { storage: true } });
  assert.deepEqual(view(reloaded), expected);
  assert.equal(reloaded.export().events.length, 8);
  reloaded.destroy();
});

test('replayed history does not emit events; the page sees only new changes', async () => {
  const clock = fakeClock();
  const storage = new MemoryStorage();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
  await journey(engine, clock);
  await engine.flush();
  engine.destroy();
  const entered = [];
  const again = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true }, on: { 'segment:enter': (e) => entered.push(e.segment) } });
  assert.deepEqual(entered, []);
  again.destroy();
});

async function corruptedCase(mutate) {
  const clock = fakeClock();
  const storage = new MemoryStorage();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
  await journey(engine, clock);
  await engine.flush();
  engine.destroy();
  await mutate(storage);
  const corrupted = [];
  const errors = [];
  const reloaded = await createEngine({
    config: exampleConfig(), now: clock.now, storage, consent: { storage: true },
    on: { 'storage:corrupted': (e) => corrupted.push(e), 'storage:error': (e) => errors.push(e) },
  });
  return { reloaded, corrupted, errors, storage, clock };
}

for (const [name, reason, mutate] of [
  ['a garbage event record', 'event', (s) => s.write({ events: [{ id: 'zz:1', garbage: true }] })],
  ['an event with a non-object props', 'event', (s) => s.write({ events: [{ id: 'zz:1', type: 'x', ts: START, props: 'oops' }] })],
  ['a snapshot restore() rejects', 'snapshot', async (s) => {
    const { state } = await s.readAll();
    const bytes = state.snapshot.bytes.slice();
    bytes[bytes.length >> 1] ^= 0xff;
    await s.write({ put: { snapshot: { ...state.snapshot, bytes } } });
  }],
  ['a snapshot record of the wrong shape', 'snapshot', (s) => s.write({ put: { snapshot: 'nonsense' } })],
  ['a future storage format', 'version', (s) => s.write({ put: { meta: { format: 99 } } })],
  ['an unknown state record', 'record', (s) => s.write({ put: { 'q:what': 1 } })],
  ['a malformed attribute record', 'record', (s) => s.write({ put: { 't:job_title': 'CTO' } })],
  ['an event the engine rejects', 'record', (s) => s.write({ events: [{ id: 'zz:1', type: 'x'.repeat(500), ts: START + DAY, props: {} }] })],
]) {
  test(`corrupted storage (${name}) is reported and replaced by a fresh profile`, async () => {
    const { reloaded, corrupted, errors, storage, clock } = await corruptedCase(mutate);
    assert.equal(corrupted.length, 1, 'storage:corrupted once');
    assert.equal(corrupted[0].reason, reason);
    assert.ok(corrupted[0].error instanceof Error);
    assert.deepEqual(errors, []);
    assert.deepEqual(reloaded.export().events, [], 'a fresh profile');
    assert.deepEqual(reloaded.segments(), []);
    assert.equal(storage.eventCount, 0, 'the corrupted data is gone');
    // ...and the engine works and persists again.
    clock.advance(HOUR);
    reloaded.identify({ age: 30 });
    reloaded.track('page_view', { path: '/' });
    await reloaded.flush();
    reloaded.destroy();
    const next = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
    assert.deepEqual(next.segments(), ['age_18_35']);
    assert.equal(next.export().events.length, 1);
    next.destroy();
  });
}

class QuotaStorage extends MemoryStorage {
  constructor(capacity) {
    super();
    this.capacity = capacity;
    this.rejected = 0;
  }

  async write(batch) {
    const { events } = await this.readAll();
    const ids = new Set(events.map((e) => e.id));
    for (const id of batch.deleteEvents ?? []) ids.delete(id);
    for (const e of batch.events ?? []) ids.add(e.id);
    if (ids.size > this.capacity) {
      this.rejected += 1;
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return super.write(batch);
  }
}

test('QuotaExceededError: the oldest events are pruned (retention first) and writing goes on', async () => {
  const clock = fakeClock();
  const storage = new QuotaStorage(40);
  const config = exampleConfig();
  config.retention = { maxAge: '30d', maxEvents: 1000 };
  const pruned = [];
  const errors = [];
  const engine = await createEngine({
    config, now: clock.now, storage, consent: { storage: true },
    on: { 'storage:pruned': (e) => pruned.push(e), 'storage:error': (e) => errors.push(e) },
  });
  for (let i = 0; i < 30; i++) {
    engine.track('page_view', { path: `/old/${i}` });
    clock.advance(HOUR);
  }
  await engine.flush();
  assert.equal(storage.eventCount, 30);
  clock.advance(31 * DAY); // the 30 old events are now past retention.maxAge
  for (let i = 0; i < 20; i++) {
    engine.track('page_view', { path: `/new/${i}` });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await engine.flush();
  assert.ok(storage.rejected >= 1, 'the fake storage did refuse a write');
  assert.ok(pruned.length >= 1 && pruned[0].reason === 'quota' && pruned[0].pruned > 0);
  assert.deepEqual(errors, [], 'no unrecovered storage error');
  const { events } = await storage.readAll();
  const paths = events.map((e) => e.props.path);
  assert.equal(paths.filter((p) => p.startsWith('/new/')).length, 20, 'every new event is stored');
  assert.equal(paths.filter((p) => p.startsWith('/old/')).length, 0, 'retention pruned the expired ones first');
  assert.equal(engine.metrics().page_views_30d, 20);

  // Without anything expired, the oldest quarter goes.
  for (let i = 0; i < 40; i++) {
    clock.advance(1000);
    engine.track('page_view', { path: `/more/${i}` });
  }
  await engine.flush();
  assert.ok(storage.eventCount <= 40);
  const after = (await storage.readAll()).events.map((e) => e.props.path);
  assert.ok(after.includes('/more/39'), 'the newest event is stored');
  assert.ok(!after.includes('/new/0'), 'the oldest went first');
  assert.deepEqual(errors, []);
  assert.equal(engine.export().events.length, 60, 'the page keeps everything in memory');
  engine.destroy();
});

class SpyStorage extends MemoryStorage {
  calls = [];
  async open() {
    this.calls.push('open');
  }
  async readAll() {
    this.calls.push('readAll');
    return super.readAll();
  }
  async write(batch) {
    this.calls.push('write');
    return super.write(batch);
  }
  async clear() {
    this.calls.push('clear');
    return super.clear();
  }
}

test('storage consent: nothing touches storage without it; given later, the page so far is stored; withdrawn, storage is erased', async () => {
  const clock = fakeClock();
  const storage = new SpyStorage();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: false } });
  engine.identify({ job_title: 'CTO' });
  engine.track('page_view', { path: '/pricing' });
  engine.declare('interests', ['api']);
  await engine.flush();
  assert.deepEqual(storage.calls, [], 'the adapter was never called');
  assert.equal(engine.storage, 'none');

  await engine.setConsent({ storage: true });
  assert.equal(engine.storage, 'memory');
  await engine.flush();
  const { events, state } = await storage.readAll();
  assert.equal(events.length, 1);
  assert.deepEqual(state['t:job_title'].value, 'CTO');
  assert.deepEqual(state['d:interests'].value, ['api']);

  await engine.setConsent({ storage: false });
  assert.equal(engine.storage, 'none');
  assert.ok(storage.calls.includes('clear'));
  const after = await storage.readAll();
  assert.deepEqual(after, { events: [], state: {} }, 'stored data erased');
  assert.equal(engine.export().events.length, 1, 'the page keeps its in-memory profile');
  engine.track('page_view', { path: '/' });
  await engine.flush();
  assert.deepEqual(await storage.readAll(), { events: [], state: {} }, 'nothing written after withdrawal');
  engine.destroy();
});

test('erase() leaves nothing in storage; a reload starts fresh', async () => {
  const clock = fakeClock();
  const storage = new MemoryStorage();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
  await journey(engine, clock);
  await engine.flush();
  await engine.erase();
  assert.deepEqual(await storage.readAll(), { events: [], state: {} });
  assert.deepEqual(engine.export(), { attributes: {}, declarations: {}, events: [], clock: 0, experiments: {} });
  engine.destroy();
  assert.deepEqual(await storage.readAll(), { events: [], state: {} }, 'destroy() after erase writes nothing');
  const next = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
  assert.deepEqual(next.export().events, []);
  next.destroy();
});

test('storage records are versioned', async () => {
  const storage = new MemoryStorage();
  const engine = await createEngine({ config: exampleConfig(), now: () => START, storage, consent: { storage: true } });
  engine.track('page_view', { path: '/' });
  await engine.flush();
  const { state, events } = await storage.readAll();
  assert.deepEqual(state.meta, { format: 1 });
  assert.match(events[0].id, /^[0-9a-z]+:1$/);
  assert.deepEqual(Object.keys(events[0]).sort(), ['id', 'props', 'ts', 'type']);
  engine.destroy();
});
