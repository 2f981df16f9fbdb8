// Every method of the runtime module's Engine, called once on the runtime
// and once on the full module, from the same compiled config: the results
// must be the same. The Engine (bindings/engine.post.js) is built on the
// module's engine* functions (bindings/engine.cc), which every call below
// reaches, failures included. The runtime links its own short list of
// Embind types (bindings/runtime_embind_types.cc) instead of libembind's;
// a function whose argument or result type is not on that list throws
// "... due to unbound types" when called, which this test would report.
// The list of calls must name every method the runtime's Engine has, so
// that a new method gets a call here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { compileConfig, loadCore } from '../../web/src/node.js';
import { loadRuntimeModule } from '../../web/src/loader.js';
import { exampleConfig, START, HOUR } from './helpers.mjs';

const T = START + 5 * HOUR;
const utf8 = (s) => new TextEncoder().encode(s);

// [method, call, kind]: kind 'same' compares the results across modules;
// 'address' (a buffer in the module's memory) only checks it is one.
const CALLS = [
  ['loadCompiled', (e, m) => e.loadCompiled(m.bytes), 'same'],
  ['facts', (e) => e.facts(), 'same'],
  ['initialChanges', (e) => e.initialChanges(), 'same'],
  ['setVisitorId', (e) => e.setVisitorId('visitor-7'), 'same'],
  ['identify', (e) => e.identify('{"job_title":"CTO","industry":"Technology","company_size":20}', START), 'same'],
  ['declare', (e) => e.declare('interests', '["security"]', START), 'same'],
  ['track', (e) => e.track('page_view', '{"path":"/pricing"}', START + HOUR), 'same'],
  ['trackObject', (e) => [
    e.trackObject('page_view', { path: '/demo' }, START + 2 * HOUR),
    e.trackObject('Ünïcödé', { path: '/x' }, START + 2 * HOUR),
  ], 'same'],
  ['identifyObject', (e) => e.identifyObject({ country: 'US', tags: ['a', { b: 1 }] }, START + 3 * HOUR), 'same'],
  ['writeFlatTraits', (e) => e.writeFlatTraits({ city: 'Zürich' }), 'same'],
  ['identifyWritten', (e, m, last) => e.identifyWritten(last, START + 3 * HOUR), 'same'],
  ['declareObject', (e) => e.declareObject('budget', { amount: 5 }, START + 3 * HOUR), 'same'],
  ['advance', (e) => e.advance(START + 4 * HOUR), 'same'],
  ['advanceTo', (e) => {
    // A failure: the error is read back from the core (engineLastError).
    let message;
    try { e.advanceTo(NaN); } catch (error) { message = error.message; }
    return [message, e.advanceTo(T)];
  }, 'same'],
  ['segments', (e) => e.segments(), 'same'],
  ['clock', (e) => e.clock(), 'same'],
  ['eventCount', (e) => e.eventCount(), 'same'],
  ['metrics', (e) => e.metrics(), 'same'],
  ['score', (e) => e.score(), 'same'],
  ['attributes', (e) => e.attributes(), 'same'],
  ['exportProfile', (e) => e.exportProfile(), 'same'],
  ['explain', (e) => e.explain('high_intent_tech'), 'same'],
  ['peek', (e) => e.peek('lead_form', T), 'same'],
  ['decide', (e) => e.decide('lead_form', T), 'same'],
  ['convert', (e) => e.convert('demo_request', T), 'same'],
  ['addAggregateCounts', (e) => e.addAggregateCounts('lead-form-tournament', '{"short":{"exposures":10,"conversions":2}}'), 'same'],
  ['experiments', (e) => e.experiments(), 'same'],
  ['experimentCounts', (e) => e.experimentCounts(), 'same'],
  ['snapshot', (e) => e.snapshot(), 'same'],
  ['restore', (e) => e.restore(e.snapshot()), 'same'],
  ['erase', (e) => e.erase(), 'same'],
];

test('every method of the runtime Engine runs and returns what the full module returns', async () => {
  const bytes = await compileConfig(exampleConfig());
  const runtime = await loadRuntimeModule();
  const full = await loadCore();
  // delete() ends each run below.
  const methods = Object.getOwnPropertyNames(runtime.Engine.prototype)
    .filter((name) => name !== 'constructor' && name !== 'delete' && typeof runtime.Engine.prototype[name] === 'function');
  assert.deepEqual(CALLS.map(([name]) => name).sort(), methods.sort(), 'CALLS names every method of the runtime Engine');
  const results = [];
  for (const module of [runtime, full]) {
    const engine = new module.Engine();
    const out = [];
    let last;
    for (const [name, call, kind] of CALLS) {
      last = call(engine, { bytes }, last);
      if (kind === 'address') assert.ok(Number.isInteger(last) && last > 0, `${name} returns an address`);
      out.push(kind === 'address' ? 'address' : last);
    }
    engine.delete();
    results.push(out);
  }
  for (let i = 0; i < CALLS.length; i++) assert.deepEqual(results[0][i], results[1][i], CALLS[i][0]);
});

test('text arguments as UTF-8 bytes reach the runtime as std::string', async () => {
  const runtime = await loadRuntimeModule();
  const engine = new runtime.Engine();
  engine.loadCompiled(await compileConfig(exampleConfig()));
  engine.track(utf8('page_view'), utf8('{"path":"/pricing"}'), START);
  assert.equal(engine.eventCount(), 1);
  engine.delete();
});

// The runtime links bindings/runtime_abort_on_throw.cc: a throw from
// libc++ (here std::length_error, an input buffer larger than a vector may
// be, asked of engineInput directly) aborts, and the page gets an Error
// rather than the bare number Emscripten's exception support would throw.
// A fresh module instance, since an abort ends it.
test('a C++ throw in the runtime reaches JavaScript as an Error, not a number', async () => {
  const wasmBinary = fs.readFileSync(new URL('../../web/dist/leadseg-runtime.wasm', import.meta.url));
  const runtime = await loadRuntimeModule({ wasmBinary });
  const engine = new runtime.Engine();
  let thrown;
  try {
    runtime.engineInput(engine._h, 0xFFFFFFFF, 0);
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof Error, `an Error, not ${typeof thrown} ${thrown}`);
  assert.match(thrown.message, /abort/i);
});

// loadCompiled's document carries the config's facts (bindings/engine.cc,
// Replace): the first facts() after a load takes those, a later one reads
// them from the core again. Both must be the same facts, and not one object
// that two callers share.
test('the facts that come with a load are the facts the core reads', async () => {
  const runtime = await loadRuntimeModule();
  const engine = new runtime.Engine();
  engine.loadCompiled(await compileConfig(exampleConfig()));
  const fromLoad = engine.facts();
  const read = engine.facts();
  assert.deepEqual(fromLoad, read);
  assert.notStrictEqual(fromLoad, read);
  assert.ok(fromLoad.segments.length > 0);
  // Another config's load brings its own: one segment, with its id.
  const one = { segments: [{ id: 'only_one', condition: { plan: 'pro' } }] };
  engine.loadCompiled(await compileConfig(one));
  assert.deepEqual(engine.facts().segments, [{ id: 'only_one', name: 'only_one' }]);
  assert.deepEqual(engine.identify('{"plan":"pro"}', START).entered, ['only_one']);
  engine.delete();
});

// A load that fails changes nothing: the change sets still name the
// segments of the config that stays.
test('a failed load keeps the loaded config\'s segment ids for the change sets', async () => {
  const runtime = await loadRuntimeModule();
  const engine = new runtime.Engine();
  engine.loadCompiled(await compileConfig({ segments: [{ id: 'pro', condition: { plan: 'pro' } }] }));
  assert.throws(() => engine.loadCompiled(new Uint8Array([76, 83, 67, 70, 9, 0])), /truncated/);
  assert.deepEqual(engine.identify('{"plan":"pro"}', START).entered, ['pro']);
  engine.delete();
});
