// The runtime module reads no JSON text (bindings/engine.cc): its Engine's
// text methods (identify, declare, track, addAggregateCounts: tab sync and
// the journal replay send JSON.stringify's text) parse the text in
// JavaScript and send the value as a frame the core reads as it read the
// text (bindings/engine.post.js). Whatever the package can send must come
// out as the full module's core, which parses the text itself, answers:
// the same changes, the same stored profile and the same errors, word for
// word, for values as deep as the limits and for lone surrogates escaped
// in the text. Text that is not JSON is refused by both, the full module
// with the token and byte it stopped at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enginePairs, nested } from './frame-engines.mjs';
import { START, HOUR } from './helpers.mjs';

const utf8 = (s) => new TextEncoder().encode(s);

function outcome(call) {
  try {
    return { value: call() };
  } catch (error) {
    return { error: error.message, path: error.path, name: error.name };
  }
}

// Runs `call` on a runtime engine and a full-module engine, each fresh;
// the outcomes and what each engine holds afterwards must be the same.
async function same(label, call) {
  const pairs = await enginePairs();
  const [[, runtime, spareRuntime], [, full, spareFull]] = pairs;
  try {
    const a = outcome(() => call(runtime));
    const b = outcome(() => call(full));
    assert.deepEqual(a, b, `${label}: the runtime answers as the full module`);
    assert.deepEqual(runtime.exportProfile(), full.exportProfile(), `${label}: the same profile`);
    assert.deepEqual(runtime.experimentCounts(), full.experimentCounts(), `${label}: the same counts`);
    assert.deepEqual(Array.from(runtime.snapshot()), Array.from(full.snapshot()), `${label}: the same snapshot`);
    return a;
  } finally {
    for (const e of [runtime, spareRuntime, full, spareFull]) e.delete();
  }
}

const T = START + HOUR;

test('identify, declare and track text: the runtime answers as the full module\'s JSON reader', async () => {
  const values = [
    { job_title: 'CTO', company_size: 120, tags: ['a', 'b'], nested: { x: [1, { y: null }] } },
    { 'ünï': 'cödé 😀', big: 2 ** 64, tiny: 5e-324, frac: 0.1 + 0.2, neg: -12.5, e: 1e21 },
    { 2: 'two', b: 'b', 1: 'one' },
    { __proto__: null, plain: true },
    { deep: nested(62) },
    { deep: nested(100) },
    { deep: nested(126) },
    { deep: nested(127) },
    { deep: nested(200) },
  ];
  for (const v of values) {
    const text = JSON.stringify(v);
    const r1 = await same(`identify ${text.slice(0, 40)}`, (e) => e.identify(text, T));
    const r2 = await same(`declare ${text.slice(0, 40)}`, (e) => e.declare('interests', text, T));
    const r3 = await same(`track ${text.slice(0, 40)}`, (e) => e.track('page_view', text, T));
    if (text.includes(JSON.stringify(nested(100)))) assert.ok(r3.error, 'a stored event nests at most 64 levels');
    if (text.includes(JSON.stringify(nested(200)))) {
      for (const r of [r1, r2, r3]) assert.match(r.error, /nests deeper than 128 levels \(at byte \d+\)$/);
    }
  }
});

test('the object forms too deep for a frame answer as the text forms did', async () => {
  for (const depth of [70, 126, 127, 128, 200]) {
    const v = { p: nested(depth) };
    const text = JSON.stringify(v);
    await same(`trackObject ${depth}`, (e) => e.trackObject('page_view', v, T));
    await same(`trackObject ${depth} with its text`, (e) => e.trackObject('page_view', v, T, text));
    await same(`identifyObject ${depth}`, (e) => e.identifyObject(v, T));
    await same(`declareObject ${depth}`, (e) => e.declareObject('interests', v, T, text));
  }
});

test('lone surrogates escaped in the text, empty properties, a byte order mark and UTF-8 bytes', async () => {
  // The core's word for each: the token up to the byte it stopped at.
  const lone = [JSON.stringify({ q: '\uDC00' }), JSON.stringify({ q: 'a\uD800' }), JSON.stringify({ ['k\uD800']: 1 }),
    JSON.stringify({ q: ['x', { r: '\uDFFF' }] }), JSON.stringify({ q: 'é€😀 \n\t"\\ \uD800\n' }),
    JSON.stringify({ q: '\uD800😀' }), JSON.stringify({ q: '\uD800\uD800' }), JSON.stringify({ q: '\uD800x' }),
    JSON.stringify({ long: 'x'.repeat(50) + '\uDBFF' }), JSON.stringify({ a: 'ok \uD83D\uDE00', b: 'é\uDC00' }),
    '{"q":"\\ud800\\u0041"}', '{"q":"\\\\ud800", "r": "\\udc00"}', '\uFEFF{"q":"\\udc00"}'];
  for (const text of lone) {
    const r = await same(`identify ${text}`, (e) => e.identify(text, T));
    assert.match(r.error, /^attributes is not valid JSON/);
    const t = await same(`track ${text}`, (e) => e.track('page_view', text, T));
    assert.match(t.error, /^event properties is not valid JSON: unexpected '.*' at byte \d+$/);
    await same(`track ${text} as bytes`, (e) => e.track('page_view', utf8(text), T));
    await same(`declare ${text}`, (e) => e.declare('interests', text, T));
  }
  // A pair written as escapes is one character, as JSON has it.
  await same('an escaped pair', (e) => e.identify('{"q":"\\ud83d\\ude00"}', T));
  await same('empty properties', (e) => e.track('page_view', '', T));
  await same('empty properties as bytes', (e) => e.track(utf8('page_view'), new Uint8Array(0), T));
  await same('a byte order mark', (e) => e.identify('\uFEFF{"a":1}', T));
  await same('UTF-8 bytes', (e) => e.declare(utf8('interests'), utf8('["sécurité"]'), T));
  await same('an event type as bytes', (e) => e.track(utf8('page_view'), utf8('{"path":"/x"}'), T));
  await same('a time that is refused before the value', (e) => e.track('page_view', JSON.stringify({ p: nested(200) }), NaN));
  for (const bad of ['{bad', '{"age": NaN}', '[1,]', '', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])]) {
    const r = await same('not JSON', (e) => outcome(() => e.identify(bad, T)).error?.replace(/: unexpected .*$/, ''));
    assert.equal(r.value, 'attributes is not valid JSON');
  }
});

test('addAggregateCounts: counts as text cross as a frame and are refused as the full module refuses them', async () => {
  const cases = [
    { short: { exposures: 10, conversions: 2 }, long: { exposures: 4, conversions: 1 } },
    { short: { exposures: 10, conversions: 2 }, segments: { high_intent_tech: { short: { exposures: 3, conversions: 1 } } } },
    { short: { exposures: 1, conversions: 2 } },
    { short: { exposures: 1.5, conversions: 0 } },
    { short: nested(200) },
    [],
  ];
  for (const counts of cases) {
    await same(`counts ${JSON.stringify(counts).slice(0, 40)}`, (e) => e.addAggregateCounts('lead-form-tournament', JSON.stringify(counts)));
  }
  await same('counts with a lone surrogate', (e) => e.addAggregateCounts('lead-form-tournament', '{"\\udc00":1}'));
});
