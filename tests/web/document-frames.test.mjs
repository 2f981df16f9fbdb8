// The engine's documents (explain, score, metrics, attributes, exportProfile,
// decide/peek, convert, experiments, experimentCounts) cross from wasm as
// value frames decoded by bindings/frame.post.js (readDocument), not as
// JSON text. They must be exactly the objects the JSON-text seam returned:
// fixtures/documents.expected.json was written by the JSON-text build
// (before the change) from the same journey, for both modules, and the
// test compares with deepStrictEqual *and* JSON.stringify (key order).
// Since then `experiments` carries counts only: the package adds the
// statistics (web/src/experiment-stats.js, tests/web/experiment-stats.test.mjs).
//
// To rewrite the fixture (only when a document is meant to change):
//   WRITE_DOCUMENTS_FIXTURE=1 node --test tests/web/document-frames.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compileConfig, loadCore } from '../../web/src/node.js';
import { loadRuntimeModule } from '../../web/src/loader.js';
import { exampleConfig, START, HOUR, REPO_ROOT } from './helpers.mjs';

const FIXTURE = path.join(REPO_ROOT, 'tests/web/fixtures/documents.expected.json');
const PREDICTIVE_CONFIG = path.join(REPO_ROOT, 'docs/examples/predictive.json');

// Every kind of value: non-ASCII, a string past the reader's ASCII fast
// path, escapes, integers beyond 2^53, a "__proto__" attribute, -0.
const TRAITS = {
  job_title: 'CTO', company_size: 250, industry: 'software', country: 'DE',
  score_hint: 0.1 + 0.2, big: 12345678901234567, neg: -42, city: 'Zürich 日本 🚀', long: 'y'.repeat(300),
  quote: 'say "hi"\n\ttab\u0001', tags: ['a', 'b', null, true, { deep: [1, 2.5] }], flags: { beta: true, plan: null },
  empty: {}, ['__proto__']: { polluted: true },
};

// One journey on a raw engine; returns every document it produced, by call.
function journey(raw, config) {
  const out = {};
  let t = START;
  raw.setVisitorId('visitor-42');
  raw.identifyObject(JSON.parse(JSON.stringify(TRAITS)), t);
  raw.declareObject('interests', ['security', 'Überwachung'], t);
  const events = [
    ['session_start', {}], ['page_view', { path: '/pricing' }], ['page_view', { path: '/blog/a', title: 'Ünïcödé' }],
    ['download', { category: 'guide', name: 'x'.repeat(100) }], ['page_view', { path: '/pricing' }],
    ['webinar_attended', { id: 7 }], ['form_submit', { form: 'demo', nested: { a: [1, { b: null }] } }],
  ];
  for (const [type, props] of events) {
    t += HOUR;
    raw.trackObject(type, props, t);
  }
  for (const slot of config.slots ?? []) {
    out[`peek(${slot.id})`] = raw.peek(slot.id, t);
    out[`decide(${slot.id})`] = raw.decide(slot.id, t);
    out[`decide(${slot.id}) again`] = raw.decide(slot.id, t);
  }
  for (const segment of config.segments ?? []) out[`explain(${segment.id})`] = raw.explain(segment.id);
  out.score = raw.score();
  out.metrics = raw.metrics();
  out.attributes = raw.attributes();
  out.experimentCounts = raw.experimentCounts();
  out['convert(signup)'] = raw.convert('signup', t);
  out['convert(signup) again'] = raw.convert('signup', t);
  for (const slot of config.slots ?? []) {
    if (!slot.experiment) continue;
    const [first, second] = slot.experiment.variants;
    raw.addAggregateCounts(slot.experiment.key, JSON.stringify({
      [first]: { exposures: 100, conversions: 7 }, [second]: { exposures: 90, conversions: 0 },
    }));
  }
  out.experiments = raw.experiments();
  out.experimentCountsAfter = raw.experimentCounts();
  t += 40 * 24 * HOUR;
  raw.advanceTo(t);
  out.scoreLater = raw.score();
  out.metricsLater = raw.metrics();
  out.exportProfile = raw.exportProfile();
  return out;
}

async function allDocuments() {
  const modules = [['runtime', await loadRuntimeModule()], ['full', await loadCore()]];
  // The worked example, and with the predictive model (its breakdown in
  // score() and in explain() of segments that read the score or grade).
  const model = JSON.parse(fs.readFileSync(PREDICTIVE_CONFIG, 'utf8')).predictive;
  const configs = [['b2b-saas', exampleConfig()], ['b2b-saas + predictive', { ...exampleConfig(), predictive: model }]];
  const out = {};
  for (const [configName, config] of configs) {
    const bytes = await compileConfig(config);
    for (const [moduleName, module] of modules) {
      const raw = new module.Engine();
      raw.loadCompiled(bytes);
      out[`${configName} / ${moduleName}`] = journey(raw, config);
    }
  }
  return out;
}

if (process.env.WRITE_DOCUMENTS_FIXTURE) {
  fs.writeFileSync(FIXTURE, JSON.stringify(await allDocuments(), null, 1) + '\n');
}

test('every document is the object the JSON-text seam returned, key order included', async () => {
  const expected = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  const actual = await allDocuments();
  assert.deepEqual(Object.keys(actual), Object.keys(expected));
  for (const run of Object.keys(expected)) {
    assert.deepEqual(Object.keys(actual[run]), Object.keys(expected[run]), run);
    for (const call of Object.keys(expected[run])) {
      const a = actual[run][call];
      // Through JSON, as the fixture was stored (-0 and the like would differ).
      assert.equal(JSON.stringify(a), JSON.stringify(expected[run][call]), `${run}: ${call}`);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(a)), expected[run][call], `${run}: ${call}`);
    }
  }
});

test('documents are decoded from frames: no JSON text is parsed', async () => {
  const runtime = await loadRuntimeModule();
  const raw = new runtime.Engine();
  raw.loadCompiled(await compileConfig(exampleConfig()));
  const parse = JSON.parse;
  let parsed = 0;
  JSON.parse = function (...args) {
    parsed++;
    return parse.apply(this, args);
  };
  try {
    raw.identifyObject({ job_title: 'CTO' }, START);
    raw.decide('hero', START);
    raw.peek('cta', START);
    raw.explain('high_intent_tech');
    raw.score();
    raw.metrics();
    raw.attributes();
    raw.exportProfile();
    raw.experiments();
    raw.experimentCounts();
    raw.convert('signup', START);
  } finally {
    JSON.parse = parse;
  }
  assert.equal(parsed, 0);
});

test('a "__proto__" attribute comes back as an own property, not as the prototype', async () => {
  const runtime = await loadRuntimeModule();
  const raw = new runtime.Engine();
  raw.loadCompiled(await compileConfig(exampleConfig()));
  raw.identify('{"__proto__": {"polluted": true}, "job_title": "CTO"}', START);
  for (const doc of [raw.attributes(), raw.exportProfile().attributes]) {
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
    assert.ok(Object.prototype.hasOwnProperty.call(doc, '__proto__'));
    assert.deepEqual(Object.getOwnPropertyDescriptor(doc, '__proto__').value, { polluted: true });
    assert.equal(doc.polluted, undefined);
  }
  assert.equal({}.polluted, undefined);
});

test('a failed document call throws a LeadsegError and the next call still reads its own document', async () => {
  const runtime = await loadRuntimeModule();
  const raw = new runtime.Engine();
  assert.throws(() => raw.metrics(), { name: 'LeadsegError', message: /no config loaded/ });
  assert.throws(() => raw.explain('x'), { name: 'LeadsegError', message: /no config loaded/ });
  raw.loadCompiled(await compileConfig(exampleConfig()));
  const before = raw.score();
  assert.throws(() => raw.explain('no_such_segment'), { name: 'LeadsegError', message: 'unknown segment "no_such_segment"' });
  assert.throws(() => raw.decide('no_such_slot', START), { name: 'LeadsegError', message: 'unknown slot "no_such_slot"' });
  assert.throws(() => raw.convert('', START), { name: 'LeadsegError', message: /a goal must be 1 to 128 characters/ });
  assert.throws(() => raw.decide(42, START), { name: 'LeadsegError', message: /Engine.decide: the slot id must be a string/ });
  assert.deepEqual(raw.score(), before);
  assert.equal(raw.explain('high_intent_tech').segment, 'high_intent_tech');
});

test('a large export (thousands of events) decodes whole', async () => {
  const runtime = await loadRuntimeModule();
  const raw = new runtime.Engine();
  raw.loadCompiled(await compileConfig(exampleConfig()));
  let t = START;
  for (let i = 0; i < 3000; i++) raw.trackObject('page_view', { path: `/p/${i}`, n: i, note: 'é'.repeat(i % 90) }, (t += 1000));
  const exported = raw.exportProfile();
  assert.ok(exported.events.length > 0);
  const last = exported.events[exported.events.length - 1];
  assert.deepEqual(last, { type: 'page_view', ts: t, props: { path: '/p/2999', n: 2999, note: 'é'.repeat(2999 % 90) } });
  assert.equal(exported.clock, t);
});
