// identify() traits and declare() values cross into wasm as value frames
// (bindings/frame.post.js: identifyObject, declareObject), and every
// mutating call's changes come back with the clock in a result buffer
// (advanceTo too). Both modules must store exactly what the JSON path
// stores, refuse what it refuses with the same message, leave the engine
// as it was on error, and still restore snapshots taken before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { enginePairs, nested } from './frame-engines.mjs';
import { START, HOUR, REPO_ROOT } from './helpers.mjs';
import { loadCore } from '../../web/src/node.js';

// Every kind of value, non-ASCII (the encodeInto path), a string past the
// ASCII fast path's length, escapes, integers beyond 2^53.
const TRAITS = [
  { job_title: 'CTO', company_size: 250, industry: 'software', country: 'DE' },
  { score_hint: 0.1 + 0.2, big: 12345678901234567, neg: -42, city: 'Zürich 日本 🚀', long: 'y'.repeat(300) },
  { quote: 'say "hi"\n\ttab\u0001', tags: ['a', 'b', null, true, { deep: [1, 2.5] }], flags: { beta: true, plan: null }, empty: {} },
];

function expectSameError(name, what, viaText, viaFrame) {
  let expected;
  try {
    viaText();
  } catch (error) {
    expected = error;
  }
  assert.ok(expected, `${name}: the JSON path refuses ${what}`);
  assert.throws(viaFrame, (error) => {
    assert.equal(error.name, 'LeadsegError', `${name}: ${what}`);
    assert.equal(error.message, expected.message, `${name}: ${what}`);
    assert.equal(error.path, expected.path, `${name}: ${what}`);
    return true;
  }, `${name}: ${what} is refused`);
}

test('identifyObject and declareObject store what identify/declare(JSON text) store, in both modules', async () => {
  for (const [name, viaText, viaFrame] of await enginePairs()) {
    TRAITS.forEach((t, i) => {
      const at = START + i * HOUR;
      assert.deepEqual(viaFrame.identifyObject(t, at), viaText.identify(JSON.stringify(t), at), `${name}: identify ${i}`);
      assert.equal(viaFrame.clock(), viaText.clock(), `${name}: clock after identify ${i}`);
    });
    const declarations = [['interests', ['security', 'analytics']], ['budget', { min: 1000, max: 5000.75 }], ['interests', null], ['role', 'buyer']];
    declarations.forEach(([key, value], i) => {
      const at = START + (10 + i) * HOUR;
      assert.deepEqual(viaFrame.declareObject(key, value, at), viaText.declare(key, JSON.stringify(value), at), `${name}: declare ${i}`);
    });
    assert.deepEqual(viaFrame.identifyObject({ job_title: null, never_set: null }, START + 20 * HOUR),
      viaText.identify('{"job_title":null,"never_set":null}', START + 20 * HOUR));
    assert.deepEqual(viaFrame.exportProfile(), viaText.exportProfile(), `${name}: profiles`);
    assert.deepEqual(viaFrame.attributes(), viaText.attributes(), `${name}: attribute views`);
    assert.deepEqual(viaFrame.snapshot(), viaText.snapshot(), `${name}: snapshots byte for byte`);
    viaText.delete();
    viaFrame.delete();
  }
});

test('identifyObject and declareObject refuse what the JSON path refuses, with the same error, and change nothing', async () => {
  for (const [name, viaText, viaFrame] of await enginePairs()) {
    viaText.identify('{"job_title":"CTO"}', START);
    viaFrame.identifyObject({ job_title: 'CTO' }, START);
    const before = viaFrame.snapshot();
    const traits = [
      ['an array', ['x']],
      ['an empty name', { '': 1 }],
      ['a reserved name (a metric id)', { pricing_views_2d: 3 }],
      ['the first error in key order', { segments: 2, '': 1 }],
      ['a value 128 levels deep', { deep: nested(128) }],
      ['traits 129 levels deep (JSON input allows 128)', { deep: nested(129) }],
      ['attributes over 256 KB', { big: 'x'.repeat(256 * 1024) }],
    ];
    for (const [what, t] of traits) {
      expectSameError(name, `identify ${what}`, () => viaText.identify(JSON.stringify(t), START), () => viaFrame.identifyObject(t, START, JSON.stringify(t)));
      assert.deepEqual(viaFrame.snapshot(), before, `${name}: identify ${what} changed nothing`);
    }
    expectSameError(name, 'identify at a time that is not finite', () => viaText.identify('{}', NaN), () => viaFrame.identifyObject({}, NaN));
    const declarations = [
      ['an empty key', '', 1],
      ['a key of 129 characters', 'k'.repeat(129), 1],
      ['a value 129 levels deep', 'deep', nested(129)],
      ['a value 130 levels deep', 'deep', nested(130)],
      ['a value over 64 KB', 'bio', 'x'.repeat(64 * 1024)],
    ];
    for (const [what, key, value] of declarations) {
      expectSameError(name, `declare ${what}`, () => viaText.declare(key, JSON.stringify(value), START), () => viaFrame.declareObject(key, value, START, JSON.stringify(value)));
      assert.deepEqual(viaFrame.snapshot(), before, `${name}: declare ${what} changed nothing`);
    }
    // As deep as JSON input allows still goes by frame and is stored.
    viaText.declare('deep', JSON.stringify(nested(127)), START);
    viaFrame.declareObject('deep', nested(127), START);
    viaText.identify(JSON.stringify({ deep: nested(127) }), START);
    viaFrame.identifyObject({ deep: nested(127) }, START);
    assert.deepEqual(viaFrame.snapshot(), viaText.snapshot(), `${name}: deepest accepted values`);
    viaText.delete();
    viaFrame.delete();
  }
});

test('advanceTo returns advance()s changes, and clock() follows every call without asking the core', async () => {
  for (const [name, viaText, viaFrame] of await enginePairs()) {
    for (const raw of [viaText, viaFrame]) {
      raw.identify(JSON.stringify({ job_title: 'CTO', company_size: 250 }), START);
      raw.trackObject('page_view', { path: '/pricing' }, START + HOUR);
    }
    for (const t of [START + 2 * HOUR, START + 30 * 24 * HOUR, START + 10 * HOUR, START + 400 * 24 * HOUR]) {
      assert.deepEqual(viaFrame.advanceTo(t), viaText.advance(t), `${name}: advance to ${t}`);
      assert.equal(viaFrame.clock(), viaText.clock(), `${name}: clock at ${t}`);
    }
    const late = START + 401 * 24 * HOUR;
    viaFrame.trackObject('page_view', {}, late);
    assert.equal(viaFrame.clock(), late);
    // Calls outside the result-buffer protocol forget the cached clock.
    const snapshot = viaText.snapshot();
    viaFrame.erase();
    assert.equal(viaFrame.clock(), 0, `${name}: clock after erase`);
    viaFrame.restore(snapshot);
    assert.equal(viaFrame.clock(), viaText.clock(), `${name}: clock after restore`);
    viaFrame.track('page_view', '{}', late + HOUR);
    assert.equal(viaFrame.clock(), late + HOUR, `${name}: clock after track(JSON text)`);
    assert.throws(() => viaFrame.advanceTo(NaN), /time is not a finite number/);
    assert.equal(viaFrame.clock(), late + HOUR, `${name}: a refused call keeps the clock`);
    viaText.delete();
    viaFrame.delete();
  }
});

test('a snapshot taken before attributes were kept as frames restores, and snapshots again as its upgrade', async () => {
  const fixtures = path.join(REPO_ROOT, 'tests', 'web', 'fixtures');
  const bytes = new Uint8Array(fs.readFileSync(path.join(fixtures, 'snapshot-v1.bin')));
  const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'snapshot-v1.expected.json'), 'utf8'));
  // Format 1: the full module restores it, the runtime module its upgrade
  // (docs/snapshots.md).
  const upgraded = (await loadCore()).upgradeSnapshot(bytes);
  for (const [name, raw] of (await enginePairs()).map(([n, a, b]) => (b.delete(), [n, a]))) {
    raw.restore(name === 'runtime module' ? upgraded : bytes);
    assert.deepEqual(raw.segments(), expected.segments, `${name}: segments`);
    assert.deepEqual(raw.exportProfile(), expected.exportProfile, `${name}: export`);
    assert.deepEqual(raw.attributes(), expected.attributes, `${name}: attribute view`);
    // The breakdown gained `predictive` (null without a model) after the
    // fixture was recorded; everything the fixture holds must be unchanged.
    const { predictive, ...score } = raw.score();
    assert.equal(predictive, null, `${name}: no model, no predictive breakdown`);
    assert.deepEqual(score, expected.score, `${name}: score`);
    assert.equal(raw.clock(), expected.clock);
    assert.deepEqual(raw.snapshot(), upgraded, `${name}: format 2, the upgrade's bytes`);
    raw.delete();
  }
});

// writeFlatTraits walks the traits with for-in (bindings/frame.post.js),
// which also visits inherited enumerable keys; such an object is not flat
// and takes the general path, which reads own keys only (Object.keys, as
// JSON.stringify does).
test('writeFlatTraits refuses traits whose prototype has an enumerable key, and writes the same object without it', async () => {
  for (const [name, raw, other] of await enginePairs()) {
    const traits = { country: 'US', tags: ['a', 'b'] };
    const size = raw.writeFlatTraits(traits);
    assert.ok(size > 0, `${name}: flat traits are written`);
    Object.prototype.leadsegInherited = 'x';  // eslint-disable-line no-extend-native
    try {
      assert.equal(raw.writeFlatTraits(traits), -1, `${name}: an inherited key makes them not flat`);
      assert.equal(raw.writeFlatTraits(Object.assign(Object.create(null), traits)), size, `${name}: a null prototype has none`);
    } finally {
      delete Object.prototype.leadsegInherited;
    }
    assert.equal(raw.writeFlatTraits(traits), size, `${name}: and flat again without it`);
    assert.deepEqual(raw.identifyWritten(size, START), other.identify(JSON.stringify(traits), START), `${name}: what the JSON path stores`);
    assert.deepEqual(raw.attributes(), other.attributes(), `${name}: attribute views`);
    raw.delete();
    other.delete();
  }
});
