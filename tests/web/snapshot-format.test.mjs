// Snapshot format 2 (docs/snapshots.md): attributes, declarations and the
// experiment state as value frames, so the runtime module reads and writes
// snapshots without JSON text. Format 1 snapshots, which visitors' storage
// still holds, restore with nothing lost: the full module reads them
// (Engine.restore converts, upgradeSnapshot() converts for the runtime
// module), and the web package converts one found in storage at
// createEngine. The fixtures were written by main's build before format 2
// (tests/web/fixtures/make-*.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compileConfig, createEngine, loadCore, MemoryStorage } from '../../web/src/node.js';
import { loadRuntimeModule } from '../../web/src/loader.js';
import { exampleConfig, REPO_ROOT, HOUR } from './helpers.mjs';

const FIXTURES = path.join(REPO_ROOT, 'tests', 'web', 'fixtures');
const fixture = (name) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
const json = (name) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

async function engines() {
  const compiled = await compileConfig(exampleConfig());
  const runtime = await loadRuntimeModule();
  const full = await loadCore();
  const make = (module) => {
    const raw = new module.Engine();
    raw.loadCompiled(compiled);
    return raw;
  };
  return { runtime, full, make };
}

// Everything the full fixture recorded, read from `raw`.
function state(raw, expected) {
  const { predictive, ...score } = raw.score();
  return {
    segments: raw.segments(),
    exportProfile: raw.exportProfile(),
    attributes: raw.attributes(),
    metrics: raw.metrics(),
    score,
    clock: raw.clock(),
    eventCount: raw.eventCount(),
    leadForm: raw.peek('lead_form', expected.clock + HOUR),
    experimentCounts: raw.experimentCounts(),
  };
}

function recorded(expected) {
  const { made, config, decided, ...rest } = expected;
  return rest;
}

test('a format-1 snapshot with every part restores in the full module, and through upgradeSnapshot in the runtime module', async () => {
  const { runtime, full, make } = await engines();
  const bytes = fixture('snapshot-v1-full.bin');
  const expected = json('snapshot-v1-full.expected.json');
  assert.equal(bytes[4], 1, 'the fixture is format 1');
  assert.ok(expected.experimentCounts['lead-form-tournament'], 'the fixture holds experiment state');

  const viaFull = make(full);
  viaFull.restore(bytes);
  assert.deepEqual(state(viaFull, expected), recorded(expected), 'full module: the recorded state');
  const upgraded = full.upgradeSnapshot(bytes);
  assert.equal(upgraded[4], 2, 'upgradeSnapshot writes format 2');
  assert.deepEqual(viaFull.snapshot(), upgraded, 'full module: re-snapshots to the upgrade');

  const viaRuntime = make(runtime);
  const before = viaRuntime.snapshot();
  assert.throws(() => viaRuntime.restore(bytes), (error) => {
    assert.equal(error.name, 'LeadsegError');
    assert.match(error.message, /^snapshot format 1 must be upgraded to format 2 first: the full module reads it \(loadCore\(\): upgradeSnapshot\(\) converts it/);
    return true;
  });
  assert.deepEqual(viaRuntime.snapshot(), before, 'the refused restore changed nothing');
  viaRuntime.restore(upgraded);
  assert.deepEqual(state(viaRuntime, expected), recorded(expected), 'runtime module: the recorded state');
  assert.deepEqual(viaRuntime.snapshot(), upgraded, 'runtime module: a fixed point');
  // What was decided before is still decided: the assignment is sticky.
  assert.equal(viaRuntime.decide('lead_form', expected.clock + 2 * HOUR).variant, expected.decided.variant);
  assert.deepEqual(full.upgradeSnapshot(upgraded), upgraded, 'format 2 passes through upgradeSnapshot');
  viaFull.delete();
  viaRuntime.delete();
});

test('the first format-1 fixture (no experiment state) restores the same in both modules', async () => {
  const { runtime, full, make } = await engines();
  const bytes = fixture('snapshot-v1.bin');
  const expected = json('snapshot-v1.expected.json');
  const upgraded = full.upgradeSnapshot(bytes);
  for (const [name, raw, input] of [['full', make(full), bytes], ['runtime', make(runtime), upgraded]]) {
    raw.restore(input);
    assert.deepEqual(raw.segments(), expected.segments, `${name}: segments`);
    assert.deepEqual(raw.exportProfile(), expected.exportProfile, `${name}: export`);
    assert.deepEqual(raw.attributes(), expected.attributes, `${name}: attribute view`);
    const { predictive, ...score } = raw.score();
    assert.deepEqual(score, expected.score, `${name}: score`);
    assert.deepEqual(raw.snapshot(), upgraded, `${name}: format 2, the upgrade's bytes`);
    raw.delete();
  }
});

test('format 2 round-trips between the modules byte for byte', async () => {
  const { runtime, full, make } = await engines();
  const a = make(runtime);
  a.setVisitorId('visitor-2');
  a.identifyObject({ job_title: 'CTO', big: 12345678901234567, hint: 0.1 + 0.2, city: 'Zürich 日本 🚀', nested: { a: [1, null, true, {}] } }, Date.UTC(2026, 0, 1));
  a.declareObject('interests', ['security', 'analytics'], Date.UTC(2026, 0, 1, 1));
  a.trackObject('page_view', { path: '/pricing' }, Date.UTC(2026, 0, 1, 2));
  a.decide('lead_form', Date.UTC(2026, 0, 1, 3));
  a.convert('signup', Date.UTC(2026, 0, 1, 4));
  const bytes = a.snapshot();
  assert.equal(bytes[4], 2);
  assert.equal(Buffer.from(bytes).indexOf('"security"'), -1, 'no JSON text in format 2');
  for (const module of [full, runtime]) {
    const b = make(module);
    b.restore(bytes);
    assert.deepEqual(b.snapshot(), bytes);
    assert.deepEqual(b.exportProfile(), a.exportProfile());
    assert.deepEqual(b.experimentCounts(), a.experimentCounts());
    b.delete();
  }
  a.delete();
});

test('damaged snapshots of both formats are errors that change nothing', async () => {
  const { runtime, full, make } = await engines();
  const v1 = fixture('snapshot-v1-full.bin');
  const v2 = full.upgradeSnapshot(v1);
  const damaged = (bytes) => [
    ['truncated by a byte', bytes.slice(0, -1), /snapshot is truncated or padded/],
    ['a flipped bit', (() => { const s = bytes.slice(); s[s.length >> 1] ^= 0x10; return s; })(), /checksum mismatch/],
    ['cut inside the header', bytes.slice(0, 9), /snapshot is truncated \(9 bytes\)/],
  ];
  for (const [what, bytes, expect] of damaged(v1)) {
    assert.throws(() => full.upgradeSnapshot(bytes), expect, `upgradeSnapshot of format 1 ${what}`);
  }
  for (const module of [full, runtime]) {
    const raw = make(module);
    raw.restore(v2);
    const before = raw.snapshot();
    for (const [what, bytes, expect] of [...damaged(v1), ...damaged(v2)]) {
      assert.throws(() => raw.restore(bytes), expect, `restore ${what}`);
      assert.deepEqual(raw.snapshot(), before, `restore ${what} changed nothing`);
    }
    raw.delete();
  }
});

async function storageFromFixture() {
  const { storage: { events, state: stored } } = json('storage-v1.json');
  const revive = (v) => (v && typeof v === 'object' && typeof v.$bytes === 'string' ? new Uint8Array(Buffer.from(v.$bytes, 'base64')) : v);
  const put = JSON.parse(JSON.stringify(stored), (k, v) => revive(v));
  const storage = new MemoryStorage();
  await storage.write({ events, put });
  return storage;
}

const viewOf = (engine) => {
  const { score, grade, stage, temperature } = engine.score();
  return { segments: engine.segments(), metrics: engine.metrics(), score, grade, stage, temperature, profile: engine.export() };
};

for (const kind of ['compiled', 'JSON']) {
  test(`createEngine (${kind} config) restores a visitor stored with a format-1 snapshot, and stores format 2 from then on`, async () => {
    const fixtureData = json('storage-v1.json');
    const storage = await storageFromFixture();
    const { state: before } = await storage.readAll();
    assert.equal(before.snapshot.bytes[4], 1, 'the stored snapshot is format 1');
    const config = kind === 'compiled' ? await compileConfig(exampleConfig()) : exampleConfig();
    const now = () => fixtureData.now;
    const corrupted = [];
    const errors = [];
    const engine = await createEngine({
      config, now, storage, consent: { storage: true },
      on: { 'storage:corrupted': (e) => corrupted.push(e), 'storage:error': (e) => errors.push(e) },
    });
    assert.deepEqual(corrupted, []);
    assert.deepEqual(errors, []);
    assert.deepEqual(viewOf(engine), fixtureData.view, 'the visitor as stored');
    await engine.flush();
    engine.destroy();
    const { state: after } = await storage.readAll();
    assert.equal(after.snapshot.bytes[4], 2, 'the next checkpoint stores format 2');
    const again = await createEngine({ config, now, storage, consent: { storage: true } });
    assert.deepEqual(viewOf(again), fixtureData.view, 'and the next page load finds the same visitor');
    again.destroy();
  });
}

test('createEngine treats a format-1 snapshot the converter refuses as corrupted storage', async () => {
  const storage = await storageFromFixture();
  const { state } = await storage.readAll();
  const bytes = state.snapshot.bytes.slice();
  bytes[bytes.length >> 1] ^= 0xff;
  await storage.write({ put: { snapshot: { ...state.snapshot, bytes } } });
  const corrupted = [];
  const engine = await createEngine({
    config: await compileConfig(exampleConfig()), now: () => json('storage-v1.json').now, storage, consent: { storage: true },
    on: { 'storage:corrupted': (e) => corrupted.push(e) },
  });
  assert.equal(corrupted.length, 1);
  assert.equal(corrupted[0].reason, 'snapshot');
  assert.match(corrupted[0].error.message, /checksum mismatch/);
  assert.deepEqual(engine.segments(), []);
  engine.destroy();
});
