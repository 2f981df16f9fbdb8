// The bad-input catalogue through the JavaScript API: the other half of
// tests/native/bad_input_test.cc. Every entry goes through the package as a
// page or a server uses it — createEngine() and the engine's methods,
// segmentLeads(), and the core module loadCore() exposes (Engine, Segmenter,
// evalCondition, jsonLogicApply) — and must
//   1. throw (or reject with) a real Error, never a number or a wasm trap,
//      whose message matches a pattern naming the problem, and whose `path`
//      is the JSON Pointer where the case gives one;
//   2. leave everything observable as it was: export(), segments(),
//      metrics(), score(), attributes(), experiments(), the stored records
//      and the number of storage writes, and emit no engine event; for the
//      core module the snapshot bytes as well;
//   3. leave the engine working: a valid track() succeeds afterwards.
// Entries the core (src/) does not handle yet are kept, skipped with
// `core: <reason>`. Storage corruption is covered by persistence.test.mjs.
// docs/reliability.md lists the catalogue ("JS API catalogue").
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, segmentLeads, loadCore, compileConfig, MemoryStorage, EVENTS } from '../../web/src/node.js';
import { loadRuntimeModule } from '../../web/src/loader.js';
import { exampleConfig, START, HOUR, DAY } from './helpers.mjs';

const TEN_MB = 'x'.repeat(10 << 20);
const T14 = START + 14 * DAY; // the populated engines' clock
const MAX_TIME = 7258118400000; // 2200-01-01, the core's kMaxTime

// ---------------------------------------------------------------------------
// Bookkeeping: what was checked, by part; what was skipped and why.

const checked = new Map();
const skipped = [];
function count(part) {
  checked.set(part, (checked.get(part) ?? 0) + 1);
}

function nested(depth, leaf = 1) {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
function nestedNot(depth) {
  let v = {};
  for (let i = 0; i < depth; i++) v = { $not: v };
  return v;
}
function cyclic() {
  const o = { a: 1 };
  o.self = o;
  return o;
}
const throwingToJson = () => ({ toJSON() { throw new Error('toJSON exploded'); } });

async function outcome(fn) {
  try {
    const value = fn();
    return { value: value && typeof value.then === 'function' ? await value : value };
  } catch (error) {
    return { error, threw: true };
  }
}

/** Asserts the error of a failed call: a real Error, not a trap, that names the problem. */
function assertNamedError(result, c, { leadsegOnly = true } = {}) {
  assert.ok(result.threw, `accepted (returned ${JSON.stringify(result.value)?.slice(0, 200)}); expected an error matching ${c.expect}`);
  const { error } = result;
  assert.ok(error instanceof Error, `threw ${typeof error} ${String(error)}, not an Error`);
  assert.ok(!(error instanceof WebAssembly.RuntimeError), `a WebAssembly trap: ${error.message}`);
  if (leadsegOnly) assert.equal(error.name, 'LeadsegError', `${error.name}: ${error.message}`);
  assert.match(error.message, c.expect);
  if (c.path !== undefined) assert.equal(error.path, c.path, `path of: ${error.message}`);
}

/** Runs one table: a subtest per case, skips included. */
async function runTable(t, part, cases, check) {
  for (const c of cases) {
    if (c.skip) skipped.push({ part, name: c.name, reason: c.skip });
    await t.test(c.name, { skip: c.skip }, async () => {
      await check(c);
      count(part);
    });
  }
}

// ---------------------------------------------------------------------------
// The public engine: one visitor with some of everything, persisted.

class CountingStorage extends MemoryStorage {
  writes = 0;

  async write(batch) {
    this.writes += 1;
    return super.write(batch);
  }
}

async function populatedEngine() {
  const clock = { t: START, override: null };
  const now = () => (clock.override ? clock.override() : clock.t);
  const storage = new CountingStorage();
  const engine = await createEngine({
    config: exampleConfig(), now, storage, consent: { storage: true, personalization: true, measurement: true },
  });
  engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 40, age: 30 });
  engine.declare('interests', ['security']);
  for (let day = 0; day < 14; day++) {
    clock.t = START + day * DAY;
    engine.track('session_start', { utm_source: 'google' });
    clock.t += 60_000;
    engine.track('page_view', { path: day % 2 ? '/pricing' : '/docs' });
  }
  clock.t = START + 13 * DAY + HOUR;
  engine.track('purchase', { amount: 250 });
  clock.t = T14;
  engine.decide('hero');
  engine.decide('lead_form');
  engine.convert('signup');
  await engine.flush();
  return { engine, clock, storage };
}

/** Everything observable about a public engine, its storage included. */
async function capture({ engine, storage, clock }) {
  await engine.flush();
  const stored = await storage.readAll();
  stored.events.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    exported: engine.export(),
    segments: engine.segments(),
    metrics: engine.metrics(),
    score: engine.score(),
    attributes: engine.attributes(),
    experiments: engine.experiments(),
    consent: engine.consent,
    storageKind: engine.storage,
    stored,
    writes: storage.writes,
    clock: clock.t,
  };
}

/** Calls c.call(engine) (with c.now as the clock), checks the error and that nothing changed. */
async function checkEngineCase(fx, c) {
  const before = await capture(fx);
  const emitted = [];
  const handlers = EVENTS.map((name) => [name, (payload) => emitted.push({ name, payload })]);
  for (const [name, handler] of handlers) fx.engine.on(name, handler);
  let result;
  try {
    if (c.now) fx.clock.override = c.now;
    result = await outcome(() => c.call(fx.engine));
  } finally {
    fx.clock.override = null;
    for (const [name, handler] of handlers) fx.engine.off(name, handler);
  }
  assertNamedError(result, c);
  assert.deepEqual(emitted, [], 'a failed call emits nothing');
  const afterwards = await capture(fx);
  assert.equal(afterwards.writes, before.writes, 'a failed call writes nothing to storage');
  assert.deepEqual(afterwards, before, 'a failed call changes nothing');
  // ...and the engine goes on.
  const changes = fx.engine.track('page_view', { path: '/after-a-bad-call' });
  assert.ok(Array.isArray(changes.entered));
}

// ---------------------------------------------------------------------------
// 1. Configs: through createEngine(), segmentLeads() and a reload of the
// core Engine (load() of a new config keeps the visitor and, on failure,
// the old config). `jsOnly`: the problem is a JavaScript value JSON text
// cannot carry, so there is no text for load().

const segment = (condition, extra = {}) => ({ segments: [{ id: 's', condition, ...extra }] });
const withSection = (key, value) => ({ segments: [], [key]: value });
const metric = (m) => ({ segments: [], metrics: [m] });
const rfmMetrics = [
  { id: 'days', aggregate: 'sinceLast' }, { id: 'n', aggregate: 'count' }, { id: 'spend', aggregate: 'sum', field: 'amount' },
];
const rfm = (r) => ({ segments: [], metrics: rfmMetrics, rfm: r });
const axis = (m, bounds = [1, 2, 3, 4]) => ({ metric: m, bounds });
const scoringRule = (rule) => withSection('scoring', { rules: [rule] });
const example = (patch) => ({ ...exampleConfig(), ...patch });
// A valid predictive model (docs/config.md "Predictive scoring") with `patch`
// applied, in a config with scoring and grading.
const predictive = (patch) => ({
  segments: [], scoring: { rules: [] }, grading: { rules: [] },
  predictive: { id: 'conv', model: 'logistic', intercept: -1, features: [{ attribute: 'a', missing: true, weight: 1 }], scoring: { points: 40 }, ...patch },
});
const feature = (f) => predictive({ features: [f] });

const CONFIG_CASES = [
  // --- JSON text
  { name: 'empty text', config: '', expect: /not valid JSON/ },
  { name: 'not JSON', config: 'segments: []', expect: /not valid JSON/ },
  { name: 'trailing comma', config: '{"segments": [],}', expect: /not valid JSON/ },
  { name: 'truncated text', config: '{"segments": [{"id": "a", ', expect: /not valid JSON/ },
  { name: 'number overflow 1e400 in text', config: '{"segments": [{"id": "s", "condition": {"x": 1e400}}]}', expect: /unexpected '1e400'/ },
  { name: 'NaN literal in text', config: '{"segments": [{"id": "s", "condition": {"x": NaN}}]}', expect: /not valid JSON/ },
  { name: 'Infinity literal in text', config: '{"segments": [{"id": "s", "condition": {"x": {"$lt": Infinity}}}]}', expect: /not valid JSON/ },
  { name: '10,000 nested arrays in text', config: '['.repeat(10000) + ']'.repeat(10000), expect: /nests deeper than 128 levels/ },
  { name: 'lone surrogate escape in text', config: '{"segments": [{"id": "s", "condition": {"x": "\\ud800"}}]}', expect: /not valid JSON: unexpected '"\\ud800"'/ },
  { name: 'lone surrogate in text', config: '{"segments": [{"id": "s\uD800", "condition": {}}]}', expect: /lone surrogate \(U\+D800 at index 23\)/, reload: /Engine\.load: config has a lone surrogate/ },
  { name: 'text "null"', config: 'null', expect: /a config must be an object, got null/ },
  { name: 'text "[]"', config: '[]', expect: /a config must be an object, got array/ },
  { name: 'text of a string', config: '"segments"', expect: /a config must be an object, got string/ },
  { name: 'text of a number', config: '42', expect: /a config must be an object, got number/ },
  // --- JavaScript values that are not a config
  { name: 'config undefined', config: undefined, expect: /config must be a config object or its JSON text/, jsOnly: true },
  { name: 'config null', config: null, expect: /config must be a config object or its JSON text, got null/, jsOnly: true },
  { name: 'config an array', config: [], expect: /config must be a config object or its JSON text, got an array/, jsOnly: true },
  { name: 'config a number', config: 42, expect: /config must be a config object or its JSON text, got the number 42/, jsOnly: true },
  { name: 'config a function', config: () => ({}), expect: /config must be a config object or its JSON text, got a function/, jsOnly: true },
  { name: 'config a Map', config: new Map([['segments', []]]), expect: /config must be a config object or its JSON text, got a Map/, jsOnly: true },
  {
    name: 'config as bytes with invalid UTF-8', config: new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
    // createEngine reads bytes as a compiled config; segmentLeads takes JSON only.
    expect: /not a compiled leadseg config \(it does not start with "LSCF"\)/, batch: /config must be a config object or its JSON text, got a Uint8Array/, reload: /config is not valid JSON|UTF-8/,
  },
  { name: 'invalid UTF-8 bytes in a key, as bytes', config: new Uint8Array([...Buffer.from('{"segments": [], "'), 0xff, 0xfe, ...Buffer.from('": 1}')]), expect: /not a compiled leadseg config/, batch: /got a Uint8Array/, reload: /config is not valid JSON|UTF-8/ },
  // --- JavaScript values inside a config object
  { name: 'NaN in a condition', config: segment({ age: { $gte: NaN } }), expect: /at \/segments\/0\/condition\/age\/\$gte: NaN is not a finite number/, path: '/segments/0/condition/age/$gte', jsOnly: true },
  { name: 'Infinity as points', config: scoringRule({ id: 'r', points: Infinity, event: {} }), expect: /Infinity is not a finite number/, path: '/scoring/rules/0/points', jsOnly: true },
  { name: '-Infinity as a bound', config: segment({ age: { $gt: -Infinity } }), expect: /-Infinity is not a finite number/, path: '/segments/0/condition/age/$gt', jsOnly: true },
  { name: 'BigInt as maxEvents', config: withSection('retention', { maxEvents: 100n }), expect: /a BigInt \(100n\) is not JSON/, path: '/retention/maxEvents', jsOnly: true },
  { name: 'function as a condition', config: segment(() => true), expect: /a function is not JSON data/, path: '/segments/0/condition', jsOnly: true },
  { name: 'symbol as a segment id', config: { segments: [{ id: Symbol('s'), condition: {} }] }, expect: /a symbol is not JSON data/, path: '/segments/0/id', jsOnly: true },
  { name: 'Map as savedGroups', config: withSection('savedGroups', new Map([['vip', ['a']]])), expect: /a Map is not JSON data/, path: '/savedGroups', jsOnly: true },
  { name: 'RegExp as $regex', config: segment({ path: { $regex: /^\/pricing/ } }), expect: /a RegExp is not JSON data/, path: '/segments/0/condition/path/$regex', jsOnly: true },
  { name: 'cyclic config object', config: (() => { const c = { segments: [] }; c.self = c; return c; })(), expect: /cyclic structure \(this refers back to the value itself\)/, path: '/self', jsOnly: true },
  { name: 'toJSON that throws', config: { segments: [], metrics: throwingToJson() }, expect: /cannot be converted to JSON: toJSON exploded/, jsOnly: true },
  { name: 'lone surrogate in a string', config: segment({ job_title: 'CTO\uDC00' }), expect: /the string has a lone surrogate \(U\+DC00 at index 3\)/, path: '/segments/0/condition/job_title', jsOnly: true },
  { name: 'lone surrogate in a key', config: segment({ ['job\uD83D']: 'CTO' }), expect: /the key has a lone surrogate/, path: '/segments/0/condition/job\uD83D', jsOnly: true },
  { name: '10,000 nested $not', config: segment(nestedNot(10000)), text: `{"segments": [{"id": "s", "condition": ${'{"$not": '.repeat(10000)}{}${'}'.repeat(10000)}}]}`, expect: /nests deeper than 128 levels/ },
  { name: 'a Date as the version', config: { version: new Date(START), segments: [] }, expect: /unsupported config version "2026-01-01/ },
  // --- sizes
  { name: '10 MB segment id', config: { segments: [{ id: TEN_MB, condition: {} }] }, expect: /\(at most 64\)/ },
  { name: '10 MB regex', config: segment({ x: { $regex: TEN_MB } }), expect: /./, path: '/segments/0/condition/x/$regex' },
  // --- top level
  { name: 'unknown top-level key', config: { segments: [], segmnets: [] }, expect: /unknown key "segmnets"/, path: '/segmnets' },
  { name: 'version 2', config: { version: 2, segments: [] }, expect: /unsupported config version 2/ },
  { name: 'version as a string', config: { version: '1', segments: [] }, expect: /unsupported config version "1"/ },
  // (a config without "segments" is valid: an experiments-only site)
  { name: 'a broken segment named by another', config: { segments: [{ id: 'a', condition: { x: { $gtee: 1 } } }, { id: 'b', condition: { segments: { $in: ['a'] } } }] }, expect: /unknown operator \$gtee$/, path: '/segments/0/condition/x/$gtee' },
  { name: 'segments an object', config: { segments: {} }, expect: /segments must be an array/, path: '/segments' },
  { name: 'segments a string', config: { segments: 'abc' }, expect: /segments must be an array/, path: '/segments' },
  { name: 'a segment null', config: { segments: [null] }, expect: /a segment must be an object/, path: '/segments/0' },
  { name: 'a segment id a number', config: { segments: [{ id: 5, condition: {} }] }, expect: /id/, path: '/segments/0/id' },
  { name: 'attributes an array', config: withSection('attributes', []), expect: /attributes must be an object/ },
  { name: 'attribute type unknown', config: withSection('attributes', { born: 'date' }), expect: /attribute type must be string, number, boolean, array or object/, path: '/attributes/born' },
  { name: 'savedGroups an array', config: withSection('savedGroups', []), expect: /savedGroups must be an object/ },
  // --- metrics
  { name: 'metrics an object', config: withSection('metrics', {}), expect: /metrics must be an array/, path: '/metrics' },
  { name: 'metric a number', config: metric(3), expect: /a metric must be an object/, path: '/metrics/0' },
  { name: 'metric without id', config: metric({ aggregate: 'count' }), expect: /needs a string "id"/, path: '/metrics/0/id' },
  { name: 'metric id not an identifier', config: metric({ id: 'page views', aggregate: 'count' }), expect: /must start with a letter/ },
  { name: 'duplicate metric ids', config: { segments: [], metrics: [{ id: 'm', aggregate: 'count' }, { id: 'm', aggregate: 'count' }] }, expect: /metric id "m" is used twice/, path: '/metrics/1/id' },
  { name: 'reserved metric id', config: metric({ id: 'segments', aggregate: 'count' }), expect: /is a reserved attribute name/ },
  { name: 'unknown aggregate', config: metric({ id: 'm', aggregate: 'median' }), expect: /aggregate must be one of count, sum/ },
  { name: 'aggregate a number', config: metric({ id: 'm', aggregate: 1 }), expect: /aggregate/, path: '/metrics/0/aggregate' },
  { name: 'sum without field', config: metric({ id: 'm', aggregate: 'sum' }), expect: /aggregate "sum" needs "field"/ },
  { name: 'count with a field', config: metric({ id: 'm', aggregate: 'count', field: 'x' }), expect: /aggregate "count" reads no field/ },
  { name: 'window with an unknown unit', config: metric({ id: 'm', aggregate: 'count', window: '7y' }), expect: /has unknown unit "y"/, path: '/metrics/0/window' },
  { name: 'window a number', config: metric({ id: 'm', aggregate: 'count', window: 7 }), expect: /window must be a string like "7d"/ },
  { name: 'window zero', config: metric({ id: 'm', aggregate: 'count', window: '0d' }), expect: /must be a positive whole number/ },
  { name: 'window too long', config: metric({ id: 'm', aggregate: 'count', window: '99999999999999d' }), expect: /is too long/ },
  { name: 'unit all', config: metric({ id: 'm', aggregate: 'sinceLast', unit: 'all' }), expect: /unit cannot be "all"/ },
  { name: 'unknown metric key', config: metric({ id: 'm', aggregate: 'count', windw: '7d' }), expect: /unknown key "windw"/, path: '/metrics/0/windw' },
  { name: 'where an array', config: metric({ id: 'm', aggregate: 'count', where: [] }), expect: /a condition must be an object, got array/, path: '/metrics/0/where' },
  // --- rfm
  { name: 'rfm a string', config: rfm('rfm'), expect: /rfm must be an object with recency, frequency and monetary/ },
  { name: 'rfm axis missing', config: rfm({ recency: axis('days'), frequency: axis('n') }), expect: /rfm needs "monetary"/ },
  { name: 'rfm unknown metric', config: rfm({ recency: axis('nope'), frequency: axis('n'), monetary: axis('spend') }), expect: /the id of a metric in this config/, path: '/rfm/recency/metric' },
  { name: 'rfm bounds descending', config: rfm({ recency: axis('days'), frequency: axis('n', [4, 3, 2, 1]), monetary: axis('spend') }), expect: /bounds must be 4 strictly ascending numbers/, path: '/rfm/frequency/bounds' },
  // --- retention and hygiene
  { name: 'retention an array', config: withSection('retention', []), expect: /retention must be an object/, path: '/retention' },
  { name: 'maxAge a number', config: withSection('retention', { maxAge: 180 }), expect: /maxAge must be a string like/ },
  { name: 'maxAge unparsable', config: withSection('retention', { maxAge: 'half a year' }), expect: /./, path: '/retention/maxAge' },
  { name: 'maxEvents 0', config: withSection('retention', { maxEvents: 0 }), expect: /maxEvents must be an integer from 1 to/ },
  { name: 'maxEvents 10^7', config: withSection('retention', { maxEvents: 1e7 }), expect: /maxEvents must be an integer/, path: '/retention/maxEvents' },
  { name: 'maxEvents 2^64 in text', config: '{"segments": [], "retention": {"maxEvents": 18446744073709551616}}', expect: /maxEvents must be an integer/ },
  { name: 'maxEvents 1.5', config: withSection('retention', { maxEvents: 1.5 }), expect: /maxEvents must be an integer/ },
  { name: 'maxEvents "100"', config: withSection('retention', { maxEvents: '100' }), expect: /maxEvents must be an integer/ },
  { name: 'unknown retention key', config: withSection('retention', { maxAgeDays: 3 }), expect: /unknown key "maxAgeDays"/ },
  { name: 'hygiene a number', config: withSection('hygiene', 3), expect: /hygiene must be an object/, path: '/hygiene' },
  { name: 'maxSegments 0', config: withSection('hygiene', { maxSegments: 0 }), expect: /maxSegments must be a positive integer/, path: '/hygiene/maxSegments' },
  // --- scoring, grading, temperature, lifecycle
  { name: 'scoring an array', config: withSection('scoring', []), expect: /scoring must be an object/, path: '/scoring' },
  { name: 'scoring without rules', config: withSection('scoring', {}), expect: /scoring needs a "rules" array/ },
  { name: 'scoring rule without id', config: scoringRule({ points: 1, event: { type: 'x' } }), expect: /a rule needs an "id"/, path: '/scoring/rules/0/id' },
  { name: 'duplicate scoring rule ids', config: withSection('scoring', { rules: [{ id: 'r', points: 1, event: {} }, { id: 'r', points: 2, event: {} }] }), expect: /rule id "r" is used twice/, path: '/scoring/rules/1/id' },
  { name: 'points a string', config: scoringRule({ id: 'r', points: '10', event: {} }), expect: /points must be a number/, path: '/scoring/rules/0/points' },
  { name: 'points 1e300', config: scoringRule({ id: 'r', points: 1e300, event: {} }), expect: /points must be a number \(at most 1e12 in size\)/ },
  { name: 'both event and trait', config: scoringRule({ id: 'r', points: 1, event: {}, trait: {} }), expect: /exactly one of "event"/ },
  { name: 'maxTimes 0', config: scoringRule({ id: 'r', points: 1, event: {}, maxTimes: 0 }), expect: /maxTimes must be a positive integer/ },
  { name: 'maxPoints negative', config: scoringRule({ id: 'r', points: 1, event: {}, maxPoints: -5 }), expect: /maxPoints must be positive/ },
  { name: 'caps on a trait rule', config: scoringRule({ id: 'r', points: 1, trait: {}, oncePer: '1d' }), expect: /caps \(maxTimes, maxPoints, oncePer\) apply to event rules only/ },
  { name: 'decay of both kinds', config: withSection('scoring', { rules: [], decay: { halfLife: '30d', points: 1, every: '1d' } }), expect: /decay is either \{halfLife\} or \{points, every, after\}/ },
  { name: 'score min above max', config: withSection('scoring', { rules: [], min: 10, max: 0 }), expect: /scoring min is above max/ },
  { name: 'grading a string', config: withSection('grading', 'A'), expect: /grading must be an object/, path: '/grading' },
  { name: 'grading bands not descending', config: withSection('grading', { rules: [], bands: { A: 10, B: 20, C: 5 } }), expect: /bands must satisfy A > B > C/ },
  { name: 'temperature without scoring', config: withSection('temperature', { warm: 1, hot: 2, hysteresis: 0 }), expect: /temperature needs a scoring section/ },
  { name: 'temperature hot not above warm', config: { segments: [], scoring: { rules: [] }, temperature: { warm: 50, hot: 40 } }, expect: /hot must be above warm/ },
  { name: 'lifecycle without stages', config: withSection('lifecycle', { stages: [] }), expect: /lifecycle needs a non-empty "stages" array/ },
  { name: 'later stage without condition', config: withSection('lifecycle', { stages: [{ id: 'a' }, { id: 'b' }] }), expect: /only the first stage may omit "condition"/, path: '/lifecycle/stages/1/condition' },
  { name: 'allowRegression not a boolean', config: withSection('lifecycle', { stages: [{ id: 'a', allowRegression: 'yes' }] }), expect: /allowRegression must be true or false/ },
  // --- predictive
  { name: 'predictive an array', config: withSection('predictive', []), expect: /predictive must be an object/, path: '/predictive' },
  { name: 'predictive id with capitals', config: predictive({ id: 'Conv' }), expect: /predictive needs an "id" of lowercase letters, digits and _/, path: '/predictive/id' },
  { name: 'predictive model unknown', config: predictive({ model: 'forest' }), expect: /model must be "logistic"/, path: '/predictive/model' },
  { name: 'predictive intercept a string', config: predictive({ intercept: '-1' }), expect: /intercept must be a number/, path: '/predictive/intercept' },
  { name: 'predictive unknown key', config: predictive({ bias: 1 }), expect: /unknown key "bias"/, path: '/predictive/bias' },
  { name: 'predictive without scoring or grading', config: predictive({ scoring: undefined }), expect: /predictive has neither scoring nor grading/, path: '/predictive' },
  { name: 'predictive scoring points missing', config: predictive({ scoring: {} }), expect: /scoring needs "points"/, path: '/predictive/scoring/points' },
  { name: 'predictive scoring without a scoring section', config: { ...predictive({}), scoring: undefined }, expect: /predictive scoring adds to the score, which needs a scoring section/, path: '/predictive/scoring' },
  { name: 'predictive features empty', config: predictive({ features: [] }), expect: /predictive needs "features": an array of 1 to 200 features/, path: '/predictive/features' },
  { name: 'predictive 201 features', config: predictive({ features: Array.from({ length: 201 }, () => ({ attribute: 'a', missing: true, weight: 1 })) }), expect: /an array of 1 to 200 features/, path: '/predictive/features' },
  { name: 'predictive feature scale 0', config: predictive({ features: [{ attribute: 'a', mean: 0, weight: 1 }, { attribute: 'b', missing: true, weight: 1 }, { attribute: 'c', equals: 'x', weight: 1 }, { attribute: 'd', mean: 1, scale: 0, weight: 1 }] }), expect: /scale must be above 0/, path: '/predictive/features/3/scale' },
  { name: 'predictive feature of two kinds', config: feature({ attribute: 'a', mean: 0, missing: true, weight: 1 }), expect: /a feature is exactly one of numeric/, path: '/predictive/features/0' },
  { name: 'predictive feature without weight', config: feature({ attribute: 'a', equals: 'x' }), expect: /a feature needs "weight"/, path: '/predictive/features/0/weight' },
  { name: 'predictive feature equals null', config: feature({ attribute: 'a', equals: null, weight: 1 }), expect: /equals must be a string, a number or a boolean/, path: '/predictive/features/0/equals' },
  { name: 'predictive feature missing false', config: feature({ attribute: 'a', missing: false, weight: 1 }), expect: /missing must be true/, path: '/predictive/features/0/missing' },
  { name: 'predictive feature reads the score', config: feature({ attribute: 'score', mean: 10, scale: 5, weight: 1 }), expect: /cycle: predictive:conv -> score -> predictive:conv/, path: '/predictive/features/0/attribute' },
  // --- segments and conditions
  { name: 'segment without condition', config: { segments: [{ id: 's' }] }, expect: /segment "s" needs a "condition"/ },
  { name: 'condition an array', config: segment([]), expect: /a condition must be an object, got array/, path: '/segments/0/condition' },
  { name: 'unknown operator', config: segment({ age: { $gte: 18, $frobnicate: 1 } }), expect: /unknown operator \$frobnicate/, path: '/segments/0/condition/age/$frobnicate' },
  { name: 'unknown logical operator', config: segment({ $xor: [{ a: 1 }] }), expect: /unknown logical operator \$xor/ },
  { name: '$in without an array', config: segment({ country: { $in: 'US' } }), expect: /\$in needs an array, got string/ },
  { name: 'invalid regex', config: segment({ path: { $regex: 'a**' } }), expect: /nothing to repeat/ },
  { name: 'unsupported regex (lookahead)', config: segment({ path: { $regex: '(?=x)' } }), expect: /lookahead/ },
  { name: 'unknown saved group', config: segment({ company: { $inGroup: 'nope' } }), expect: /unknown saved group "nope"/ },
  { name: 'duplicate segment ids', config: { segments: [{ id: 'a', condition: {} }, { id: 'a', condition: {} }] }, expect: /segment id "a" is used twice/, path: '/segments/1/id' },
  {
    name: 'cyclic segment references',
    config: { segments: [
      { id: 'a', condition: { segments: { $in: ['b'] } } },
      { id: 'b', condition: { segments: { $in: ['c'] } } },
      { id: 'c', condition: { segments: { $all: ['a'] } } },
    ] },
    expect: /these depend on each other in a cycle: a -> b -> c -> a/,
  },
  { name: 'a segment reading itself', config: { segments: [{ id: 'a', condition: { segments: { $in: ['a'] } } }] }, expect: /cycle: a -> a/ },
  { name: 'unknown segment reference', config: segment({ segments: { $in: ['ghost'] } }), expect: /unknown segment "ghost"/ },
  { name: 'score read without scoring', config: segment({ score: { $gte: 10 } }), expect: /"score" needs a scoring section/ },
  { name: 'segment kind unknown', config: segment({}, { kind: 'psychographic' }), expect: /kind must be "characteristic" or "behavioral"/ },
  { name: 'segment name a number', config: segment({}, { name: 5 }), expect: /name must be a string/, path: '/segments/0/name' },
  // --- slots (the JavaScript side reads them too, once the core accepted them)
  { name: 'slots a string', config: example({ slots: 'hero' }), expect: /slots must be an array/, path: '/slots' },
  { name: 'slot without id', config: example({ slots: [{ variants: [{ id: 'a' }], default: 'a' }] }), expect: /a slot needs an "id"/, path: '/slots/0/id' },
  { name: 'slot default not a variant', config: example({ slots: [{ id: 's', variants: [{ id: 'a' }], default: 'b' }] }), expect: /default "b" is not a variant of slot "s"/, path: '/slots/0/default' },
  { name: 'duplicate slot ids', config: example({ slots: [{ id: 's', variants: [{ id: 'a' }], default: 'a' }, { id: 's', variants: [{ id: 'a' }], default: 'a' }] }), expect: /slot id "s" is used twice/, path: '/slots/1/id' },
  { name: 'experiment with unknown variants', config: example({ slots: [{ id: 's', variants: [{ id: 'a' }], default: 'a', experiment: { key: 'k', variants: ['zz'] } }] }), expect: /an experiment needs a "variants" array of at least two variant ids of the slot/, path: '/slots/0/experiment/variants' },
];

// Shared by the config, clock and engine-call tables.
let shared;
async function sharedEngine() {
  shared ??= await populatedEngine();
  return shared;
}
after(() => shared?.engine.destroy());

test('configs: rejected by createEngine(), segmentLeads() and a reload, naming the problem; nothing changes', async (t) => {
  const fx = await sharedEngine();
  const core = await loadCore();
  const raw = new core.Engine();
  raw.load(JSON.stringify(exampleConfig()));
  raw.identify(JSON.stringify({ job_title: 'CTO', age: 30 }), START);
  raw.track('page_view', '{"path":"/pricing"}', START + HOUR);
  try {
    await runTable(t, 'configs', CONFIG_CASES, async (c) => {
      const before = await capture(fx);
      const rawBefore = captureCore(raw);
      const emitted = [];
      const handler = (payload) => emitted.push(payload);
      for (const name of EVENTS) fx.engine.on(name, handler);
      try {
        // createEngine: the populated engine's own storage, with consent: a
        // rejected config must not touch it.
        const created = await outcome(() => createEngine({ config: c.config, now: () => T14, storage: fx.storage, consent: { storage: true } }));
        if (!created.threw) created.value.destroy();
        assertNamedError(created, c);
        assert.match(created.error.message, /^createEngine: /);
        const batch = await outcome(() => segmentLeads(c.config, [{ job_title: 'CTO' }], { now: T14 }));
        assertNamedError(batch, { ...c, expect: c.batch ?? c.expect });
      } finally {
        for (const name of EVENTS) fx.engine.off(name, handler);
      }
      if (!c.jsOnly) {
        const text = c.text ?? (typeof c.config === 'string' || c.config instanceof Uint8Array ? c.config : JSON.stringify(c.config));
        const reloaded = await outcome(() => raw.load(text));
        assertNamedError(reloaded, { ...c, expect: c.reload ?? c.expect });
        assert.deepEqual(captureCore(raw), rawBefore, 'a failed reload keeps the engine as it was');
      }
      assert.deepEqual(emitted, []);
      assert.deepEqual(await capture(fx), before, 'a rejected config changes nothing');
    });
  } finally {
    raw.delete();
  }
});

// ---------------------------------------------------------------------------
// 2. Engine calls with bad arguments, on the populated engine.

const ENGINE_CALL_CASES = [
  // identify
  { name: 'identify()', call: (e) => e.identify(), expect: /identify\(traits\) must be a plain object, got undefined/ },
  { name: 'identify(null)', call: (e) => e.identify(null), expect: /must be a plain object, got null/ },
  { name: 'identify("CTO")', call: (e) => e.identify('CTO'), expect: /must be a plain object, got a string/ },
  { name: 'identify([1])', call: (e) => e.identify([1]), expect: /must be a plain object, got an array/ },
  { name: 'identify(a Map)', call: (e) => e.identify(new Map([['age', 30]])), expect: /must be a plain object, got a Map/ },
  { name: 'identify(a function)', call: (e) => e.identify(() => ({ age: 30 })), expect: /must be a plain object, got a function/ },
  { name: 'identify(a symbol)', call: (e) => e.identify(Symbol('traits')), expect: /must be a plain object, got a symbol/ },
  { name: 'identify(a BigInt)', call: (e) => e.identify(30n), expect: /must be a plain object, got a BigInt/ },
  { name: 'identify an empty name', call: (e) => e.identify({ '': 1 }), expect: /attribute names cannot be empty/ },
  { name: 'identify a metric id', call: (e) => e.identify({ pricing_views_2d: 9 }), expect: /"pricing_views_2d" is a reserved name/, path: '/pricing_views_2d' },
  { name: 'identify segments', call: (e) => e.identify({ segments: [] }), expect: /"segments" is a reserved name/, path: '/segments' },
  { name: 'identify score (derived)', call: (e) => e.identify({ score: 100 }), expect: /"score" is a reserved name/, path: '/score' },
  { name: 'identify good and bad keys at once', call: (e) => e.identify({ country: 'FR', rfm: 1 }), expect: /"rfm" is a reserved name/, path: '/rfm' },
  { name: 'identify a 10 MB string', call: (e) => e.identify({ bio: TEN_MB }), expect: /attributes would exceed 256 KB/ },
  { name: 'identify NaN', call: (e) => e.identify({ age: NaN }), expect: /identify\(traits\) at \/age: NaN is not a finite number/, path: '/age' },
  { name: 'identify Infinity', call: (e) => e.identify({ annual_revenue: Infinity }), expect: /Infinity is not a finite number/, path: '/annual_revenue' },
  { name: 'identify -Infinity', call: (e) => e.identify({ annual_revenue: -Infinity }), expect: /-Infinity is not a finite number/, path: '/annual_revenue' },
  { name: 'identify a BigInt value', call: (e) => e.identify({ company_size: 40n }), expect: /a BigInt \(40n\) is not JSON/, path: '/company_size' },
  { name: 'identify a function value', call: (e) => e.identify({ age: () => 30 }), expect: /a function is not JSON data/, path: '/age' },
  { name: 'identify a symbol value', call: (e) => e.identify({ age: Symbol('age') }), expect: /a symbol is not JSON data/, path: '/age' },
  { name: 'identify a Set value', call: (e) => e.identify({ tags: new Set(['a']) }), expect: /a Set is not JSON data/, path: '/tags' },
  { name: 'identify a typed array value', call: (e) => e.identify({ raw: new Uint8Array(3) }), expect: /a Uint8Array is not JSON data/, path: '/raw' },
  { name: 'identify a cyclic value', call: (e) => e.identify({ company: cyclic() }), expect: /cyclic structure \(this refers back to \/company\)/, path: '/company/self' },
  { name: 'identify a toJSON that throws', call: (e) => e.identify({ company: throwingToJson() }), expect: /identify\(traits\) cannot be converted to JSON: toJSON exploded/ },
  { name: 'identify a lone surrogate', call: (e) => e.identify({ job_title: 'CT\uD800O' }), expect: /lone surrogate \(U\+D800 at index 2\)/, path: '/job_title' },
  { name: 'identify a lone surrogate in a key', call: (e) => e.identify({ ['age\uDC00']: 1 }), expect: /the key has a lone surrogate/, path: '/age\uDC00' },
  { name: 'identify 10,000 levels deep', call: (e) => e.identify({ x: nested(10000) }), expect: /nests deeper than 128 levels/ },
  { name: 'identify 128 levels deep (one too many as attributes)', call: (e) => e.identify({ x: nested(128) }), expect: /nests deeper than 128 levels/ },
  // declare
  { name: 'declare()', call: (e) => e.declare(), expect: /declare\(key, value\): key must be a non-empty string, got undefined/ },
  { name: 'declare an empty key', call: (e) => e.declare('', ['x']), expect: /key must be a non-empty string/ },
  { name: 'declare a number key', call: (e) => e.declare(5, ['x']), expect: /key must be a non-empty string, got the number 5/ },
  { name: 'declare a symbol key', call: (e) => e.declare(Symbol('k'), 1), expect: /key must be a non-empty string, got a symbol/ },
  { name: 'declare a 129-character key', call: (e) => e.declare('k'.repeat(129), 1), expect: /a declaration key must be 1 to 128 characters/ },
  { name: 'declare a key with a lone surrogate', call: (e) => e.declare('interests\uD800', 1), expect: /key has a lone surrogate/ },
  { name: 'declare without a value', call: (e) => e.declare('interests'), expect: /value is missing \(null withdraws a declaration\)/ },
  { name: 'declare NaN (would withdraw it)', call: (e) => e.declare('interests', NaN), expect: /declare\("interests", value\): NaN is not a finite number/, path: '' },
  { name: 'declare [Infinity]', call: (e) => e.declare('budget', [Infinity]), expect: /Infinity is not a finite number/, path: '/0' },
  { name: 'declare a function', call: (e) => e.declare('interests', () => ['x']), expect: /a function is not JSON data/ },
  { name: 'declare a symbol', call: (e) => e.declare('interests', Symbol('x')), expect: /a symbol is not JSON data/ },
  { name: 'declare a BigInt', call: (e) => e.declare('budget', 10n), expect: /a BigInt \(10n\) is not JSON/ },
  { name: 'declare a cyclic value', call: (e) => e.declare('interests', cyclic()), expect: /cyclic structure/, path: '/self' },
  { name: 'declare a toJSON that throws', call: (e) => e.declare('interests', throwingToJson()), expect: /cannot be converted to JSON: toJSON exploded/ },
  { name: 'declare a lone surrogate', call: (e) => e.declare('interests', ['sec\uDFFFurity']), expect: /lone surrogate \(U\+DFFF at index 3\)/, path: '/0' },
  { name: 'declare a 10 MB value', call: (e) => e.declare('bio', TEN_MB), expect: /declaration "bio" exceeds 64 KB/ },
  { name: 'declare 10,000 levels deep', call: (e) => e.declare('interests', nested(10000)), expect: /nests deeper than 128 levels/ },
  // track
  { name: 'track()', call: (e) => e.track(), expect: /track\(type, props\): type must be a non-empty string, got undefined/ },
  { name: 'track("")', call: (e) => e.track(''), expect: /type must be a non-empty string/ },
  { name: 'track(42)', call: (e) => e.track(42), expect: /type must be a non-empty string, got the number 42/ },
  { name: 'track(null)', call: (e) => e.track(null), expect: /type must be a non-empty string, got null/ },
  { name: 'track a 129-character type', call: (e) => e.track('t'.repeat(129)), expect: /an event type must be 1 to 128 characters/ },
  { name: 'track a type with a lone surrogate', call: (e) => e.track('page\uD800view'), expect: /type has a lone surrogate \(U\+D800 at index 4\)/ },
  { name: 'track props an array', call: (e) => e.track('page_view', [1]), expect: /props must be a plain object, got an array/ },
  { name: 'track props a string', call: (e) => e.track('page_view', '/pricing'), expect: /props must be a plain object, got a string/ },
  { name: 'track props a number', call: (e) => e.track('purchase', 100), expect: /props must be a plain object, got the number 100/ },
  { name: 'track props a Date', call: (e) => e.track('page_view', new Date(START)), expect: /props must be a plain object, got a Date/ },
  { name: 'track a 10 MB property', call: (e) => e.track('page_view', { path: TEN_MB }), expect: /event properties exceed 64 KB/ },
  { name: 'track NaN', call: (e) => e.track('purchase', { amount: NaN }), expect: /at \/amount: NaN is not a finite number/, path: '/amount' },
  { name: 'track Infinity', call: (e) => e.track('purchase', { amount: Infinity }), expect: /Infinity is not a finite number/, path: '/amount' },
  { name: 'track a BigInt', call: (e) => e.track('purchase', { amount: 250n }), expect: /a BigInt \(250n\) is not JSON/, path: '/amount' },
  { name: 'track a function', call: (e) => e.track('page_view', { path: () => '/' }), expect: /a function is not JSON data/, path: '/path' },
  { name: 'track a symbol', call: (e) => e.track('page_view', { path: Symbol('p') }), expect: /a symbol is not JSON data/, path: '/path' },
  { name: 'track cyclic props', call: (e) => e.track('page_view', cyclic()), expect: /cyclic structure \(this refers back to the value itself\)/, path: '/self' },
  { name: 'track a toJSON that throws', call: (e) => e.track('page_view', { path: throwingToJson() }), expect: /cannot be converted to JSON: toJSON exploded/ },
  { name: 'track a lone surrogate', call: (e) => e.track('page_view', { q: '\uDC00' }), expect: /lone surrogate \(U\+DC00 at index 0\)/, path: '/q' },
  { name: 'track 10,000 levels deep', call: (e) => e.track('page_view', { p: nested(10000) }), expect: /nests deeper than 128 levels/ },
  { name: 'track 100 levels deep (deeper than stored events)', call: (e) => e.track('page_view', { p: nested(100) }), expect: /nests? (deeper than|too deeply).*64/ },
  { name: 'track a Map', call: (e) => e.track('page_view', { m: new Map() }), expect: /a Map is not JSON data/, path: '/m' },
  // decide, convert, explain, defaultVariant
  { name: 'decide()', call: (e) => e.decide(), expect: /decide\(slotId\): slotId must be a non-empty string, got undefined/ },
  { name: 'decide("")', call: (e) => e.decide(''), expect: /slotId must be a non-empty string/ },
  { name: 'decide(5)', call: (e) => e.decide(5), expect: /slotId must be a non-empty string, got the number 5/ },
  { name: 'decide an unknown slot', call: (e) => e.decide('footer'), expect: /unknown slot "footer"/ },
  { name: 'decide a slot with a lone surrogate', call: (e) => e.decide('hero\uD800'), expect: /slotId has a lone surrogate/ },
  { name: 'defaultVariant of an unknown slot', call: (e) => e.defaultVariant('footer'), expect: /unknown slot "footer"/ },
  { name: 'defaultVariant(null)', call: (e) => e.defaultVariant(null), expect: /unknown slot \(null\)/ },
  { name: 'convert()', call: (e) => e.convert(), expect: /convert\(goal\): goal must be a non-empty string, got undefined/ },
  { name: 'convert("")', call: (e) => e.convert(''), expect: /goal must be a non-empty string/ },
  { name: 'convert a BigInt', call: (e) => e.convert(1n), expect: /goal must be a non-empty string, got a BigInt/ },
  { name: 'convert a 129-character goal', call: (e) => e.convert('g'.repeat(129)), expect: /a goal must be 1 to 128 characters/ },
  { name: 'convert a goal with a lone surrogate', call: (e) => e.convert('sign\uD800up'), expect: /goal has a lone surrogate/ },
  { name: 'explain an unknown segment', call: (e) => e.explain('no_such_segment'), expect: /unknown segment "no_such_segment"/ },
  { name: 'explain("")', call: (e) => e.explain(''), expect: /segmentId must be a non-empty string/ },
  { name: 'explain(null)', call: (e) => e.explain(null), expect: /segmentId must be a non-empty string, got null/ },
  // experiments, consent, reports, events
  { name: 'addAggregateCounts with an empty key', call: (e) => e.addAggregateCounts('', {}), expect: /experimentKey must be a non-empty string/ },
  { name: 'addAggregateCounts counts a string', call: (e) => e.addAggregateCounts('lead-form-tournament', 'lots'), expect: /counts must be a plain object, got a string/ },
  { name: 'addAggregateCounts negative exposures', call: (e) => e.addAggregateCounts('lead-form-tournament', { short: { exposures: -1, conversions: 0 } }), expect: /counts need integers 0 <= conversions <= exposures/, path: '/short' },
  { name: 'addAggregateCounts more conversions than exposures', call: (e) => e.addAggregateCounts('lead-form-tournament', { short: { exposures: 1, conversions: 5 } }), expect: /counts need integers 0 <= conversions <= exposures/, path: '/short' },
  { name: 'addAggregateCounts NaN', call: (e) => e.addAggregateCounts('lead-form-tournament', { short: { exposures: NaN, conversions: 0 } }), expect: /NaN is not a finite number/, path: '/short/exposures' },
  {
    name: 'addAggregateCounts for an unknown experiment', call: (e) => e.addAggregateCounts('lead-form-tournamnet', { short: { exposures: 10, conversions: 1 } }),
    expect: /unknown experiment "lead-form-tournamnet"/,
  },
  { name: 'setConsent({storage: "yes"})', call: (e) => e.setConsent({ storage: 'yes' }), expect: /setConsent.storage must be true or false/ },
  { name: 'setConsent an unknown purpose', call: (e) => e.setConsent({ marketing: true }), expect: /unknown purpose "marketing"/ },
  { name: 'report ε negative', call: (e) => e.report({ epsilon: -1 }), expect: /epsilon/ },
  { name: 'report ε above maxEpsilon', call: (e) => e.report({ epsilon: 100 }), expect: /epsilon/ },
  { name: 'report an unknown segment', call: (e) => e.report({ segments: ['nope'] }), expect: /report: unknown segment "nope"/ },
  { name: 'report send not a function', call: (e) => e.report({ send: 5 }), expect: /send must be a function/ },
  { name: 'report options a string', call: (e) => e.report('now'), expect: /report\(options\): options must be an object/ },
  { name: 'on an unknown event', call: (e) => e.on('segment:entered', () => {}), expect: /on\("segment:entered"\): unknown event/ },
];

test('engine calls: bad arguments are named errors; the engine, its storage and its events are untouched', async (t) => {
  const fx = await sharedEngine();
  await runTable(t, 'engine calls', ENGINE_CALL_CASES, (c) => checkEngineCase(fx, c));
});

// ---------------------------------------------------------------------------
// 3. Clocks: what options.now() returns, for every call that records a time.

const CLOCK_VALUES = [
  { name: 'NaN', now: () => NaN, expect: /options\.now\(\) must return a time in milliseconds .*got the number NaN/ },
  { name: 'Infinity', now: () => Infinity, expect: /got the number Infinity/ },
  { name: '-Infinity', now: () => -Infinity, expect: /got the number -Infinity/ },
  { name: 'undefined', now: () => undefined, expect: /got undefined/ },
  { name: 'null', now: () => null, expect: /got null/ },
  { name: 'a string', now: () => String(T14), expect: new RegExp(`got a string \\("${T14}"\\)`) },
  { name: 'a Date', now: () => new Date(T14), expect: /got a Date/ },
  { name: 'a BigInt', now: () => BigInt(T14), expect: /got a BigInt/ },
  { name: 'a now() that throws', now: () => { throw new Error('clock broke'); }, expect: /options\.now\(\) threw: clock broke/ },
  { name: '1e300', now: () => 1e300, expect: /time 1e\+300 is outside 1970\.\.2200/ },
  { name: '-1', now: () => -1, expect: /time -1 is outside 1970\.\.2200/ },
  { name: 'beyond 2200', now: () => MAX_TIME + 1, expect: /time 7258118400001 is outside 1970\.\.2200/ },
  { name: 'microseconds', now: () => T14 * 1000, expect: new RegExp(`time ${T14 * 1000} is outside 1970\\.\\.2200`) },
  { name: 'seconds instead of milliseconds', now: () => T14 / 1000, expect: new RegExp(`options\\.now\\(\\) returned ${T14 / 1000}, more than the retention's maxAge before the latest time`) },
  { name: '401 days before the clock', now: () => T14 - 401 * DAY, expect: /more than the retention's maxAge before the latest time the engine has seen/ },
];
const CLOCK_CALLS = [
  { name: 'track', call: (e) => e.track('page_view', { path: '/pricing' }) },
  { name: 'identify', call: (e) => e.identify({ age: 41 }) },
  { name: 'declare', call: (e) => e.declare('interests', ['compliance']) },
  { name: 'decide', call: (e) => e.decide('hero') },
  { name: 'convert', call: (e) => e.convert('demo') },
];

test('clocks: NaN, ±Infinity, wrong types, seconds, far past and future are refused by every recording call', async (t) => {
  const fx = await sharedEngine();
  const cases = [];
  for (const v of CLOCK_VALUES) {
    for (const call of CLOCK_CALLS) cases.push({ name: `${call.name} with now() = ${v.name}`, now: v.now, call: call.call, expect: v.expect });
  }
  await runTable(t, 'clock values', cases, (c) => checkEngineCase(fx, c));
});

test('reads with a broken clock throw the same errors and change nothing', async (t) => {
  const fx = await sharedEngine();
  const reads = ['segments', 'metrics', 'score', 'attributes'];
  const cases = [];
  for (const v of CLOCK_VALUES.slice(0, 9)) {
    for (const read of reads) cases.push({ name: `${read}() with now() = ${v.name}`, now: v.now, call: (e) => e[read](), expect: v.expect });
  }
  await runTable(t, 'clock values', cases, (c) => checkEngineCase(fx, c));
});

// ---------------------------------------------------------------------------
// 4. segmentLeads(): its own arguments, and lead rows it cannot evaluate
// (those are per-lead errors: the run goes on).

function invalidUtf8Csv() {
  return [Buffer.from('job_title,company_size\nCTO,40\nCaf'), new Uint8Array([0xc3, 0x28]), Buffer.from(',12\n')];
}

const SEGMENT_LEADS_CASES = [
  { name: 'leads a number', call: () => segmentLeads(exampleConfig(), 42), expect: /leads must be an array of objects, CSV text, a Blob\/File or a ReadableStream/ },
  { name: 'leads null', call: () => segmentLeads(exampleConfig(), null), expect: /leads must be an array/ },
  { name: 'leads undefined', call: () => segmentLeads(exampleConfig()), expect: /leads must be an array/ },
  { name: 'leads a Map', call: () => segmentLeads(exampleConfig(), new Map()), expect: /leads must be an array/ },
  { name: 'CSV with an unclosed quote', call: () => segmentLeads(exampleConfig(), 'age,b\n"unclosed'), expect: /never closed/ },
  { name: 'CSV empty', call: () => segmentLeads(exampleConfig(), ''), expect: /CSV: the input is empty/ },
  { name: 'CSV bytes with invalid UTF-8 (stream)', call: () => segmentLeads(exampleConfig(), (async function* () { yield* invalidUtf8Csv(); })()), expect: /CSV: the input is not valid UTF-8/ },
  { name: 'CSV Blob with invalid UTF-8', call: () => segmentLeads(exampleConfig(), new Blob(invalidUtf8Csv())), expect: /CSV: the input is not valid UTF-8/ },
  { name: 'CSV bytes cut inside a character', call: () => segmentLeads(exampleConfig(), (async function* () { yield Buffer.from('job_title\nCaf'); yield new Uint8Array([0xc3]); })()), expect: /CSV: the input is not valid UTF-8/ },
  { name: 'CSV stream chunk a number', call: () => segmentLeads(exampleConfig(), (async function* () { yield 'age,b\n'; yield 42; })()), expect: /a stream chunk must be text or bytes, got number/ },
  { name: 'options a string', call: () => segmentLeads(exampleConfig(), [], 'fast'), expect: /segmentLeads: options must be an object/ },
  { name: 'CSV with none of the columns the config reads', call: () => segmentLeads(exampleConfig(), 'email,employees,revenue,visits,last_seen\na@x,120,5000000,4,2026-01-01\n'), expect: /the file has none of the columns the config reads .*"employees": "company_size", "revenue": "annual_revenue"/ },
  { name: 'objects with none of the columns the config reads', call: () => segmentLeads(exampleConfig(), [{ Employees: 3 }]), expect: /the file has none of the columns the config reads .*"Employees": "company_size"/ },
  { name: 'columnMap not an object', call: () => segmentLeads(exampleConfig(), [], { columnMap: [['a', 'b']] }), expect: /columnMap must be an object \{fileColumn: attribute\}/ },
  { name: 'columnMap value not a string', call: () => segmentLeads(exampleConfig(), [], { columnMap: { employees: 5 } }), expect: /columnMap\["employees"\] must be an attribute name, got the number 5/ },
  { name: 'columnMap two columns to one attribute', call: () => segmentLeads(exampleConfig(), [], { columnMap: { a: 'age', b: 'age' } }), expect: /columnMap maps both "a" and "b" to "age"/ },
  { name: 'columnMap names a column the file lacks', call: () => segmentLeads(exampleConfig(), 'age\n3\n', { columnMap: { employes: 'company_size' } }), expect: /columnMap names "employes", which the file does not have \(its columns: "age"\)/ },
  { name: 'onProgress not a function', call: () => segmentLeads(exampleConfig(), [], { onProgress: 1 }), expect: /onProgress must be a function/ },
  { name: 'onLead not a function', call: () => segmentLeads(exampleConfig(), [], { onLead: 'log' }), expect: /onLead must be a function/ },
  { name: 'progressEvery 0', call: () => segmentLeads(exampleConfig(), [], { progressEvery: 0 }), expect: /progressEvery must be a positive integer/ },
  { name: 'progressEvery 1.5', call: () => segmentLeads(exampleConfig(), [], { progressEvery: 1.5 }), expect: /progressEvery must be a positive integer/ },
  { name: 'now NaN', call: () => segmentLeads(exampleConfig(), [], { now: NaN }), expect: /now must be a time in milliseconds/ },
  { name: 'now a string', call: () => segmentLeads(exampleConfig(), [], { now: '2026-01-01' }), expect: /now must be a time in milliseconds/ },
  { name: 'now() returning Infinity', call: () => segmentLeads(exampleConfig(), [], { now: () => Infinity }), expect: /now must be a time in milliseconds/ },
  { name: 'now 1e300', call: () => segmentLeads(exampleConfig(), [{ job_title: 'CTO' }], { now: 1e300 }), expect: /lead 0: .*time 1e\+300 is outside 1970\.\.2200/, perLead: true },
  { name: 'an aborted signal', call: () => { const c = new AbortController(); c.abort(new Error('stopped by the user')); return segmentLeads(exampleConfig(), [{}], { signal: c.signal }); }, expect: /stopped by the user/, anyError: true },
];

test('segmentLeads: bad leads, CSV bytes and options reject with named errors', async (t) => {
  await runTable(t, 'segmentLeads', SEGMENT_LEADS_CASES, async (c) => {
    const result = await outcome(c.call);
    if (c.perLead) {
      // The run goes on; the lead carries the error.
      assert.ok(!result.threw, result.error?.message);
      assert.equal(result.value.summary.errors, 1);
      assert.match(`lead 0: ${result.value.leads[0].error}`, c.expect);
      return;
    }
    assertNamedError(result, c, { leadsegOnly: !c.anyError });
  });
});

const LEAD_ROW_CASES = [
  { name: 'a number', row: 42, expect: /lead 1 is not a plain object, got the number 42/ },
  { name: 'null', row: null, expect: /lead 1 is not a plain object, got null/ },
  { name: 'an array', row: ['CTO'], expect: /lead 1 is not a plain object, got an array/ },
  { name: 'a reserved name', row: { pricing_views_2d: 5 }, expect: /"pricing_views_2d" is a reserved name/ },
  { name: 'NaN', row: { age: NaN }, expect: /lead 1 at \/age: NaN is not a finite number/ },
  { name: 'a BigInt', row: { company_size: 10n }, expect: /lead 1 at \/company_size: a BigInt/ },
  { name: 'a function', row: { age: () => 1 }, expect: /lead 1 at \/age: a function is not JSON data/ },
  { name: 'a cyclic value', row: { company: cyclic() }, expect: /lead 1 at \/company\/self: a cyclic structure/ },
  { name: 'a lone surrogate', row: { job_title: '\uD800' }, expect: /lead 1 at \/job_title: the string has a lone surrogate/ },
  { name: 'a 10 MB string', row: { bio: TEN_MB }, expect: /attributes would exceed 256 KB/ },
  { name: '10,000 levels deep', row: { x: nested(10000) }, expect: /nests deeper than 128 levels/ },
];

test('segmentLeads: a lead it cannot evaluate gets an error naming why; the others go on', async (t) => {
  await runTable(t, 'lead rows', LEAD_ROW_CASES, async (c) => {
    const rows = [{ job_title: 'CTO', company_size: 40 }, c.row, { job_title: 'Intern', company_size: 2000 }];
    const { leads, summary } = await segmentLeads(exampleConfig(), rows, { now: START });
    assert.equal(summary.count, 3);
    assert.equal(summary.errors, 1);
    assert.match(leads[1].error, c.expect);
    assert.deepEqual(leads[1].segments, []);
    assert.equal(leads[0].error, undefined);
    assert.equal(leads[2].error, undefined);
    assert.ok(leads[0].segments.includes('company_small'));
    assert.ok(leads[2].segments.includes('company_large'));
  });
});

// ---------------------------------------------------------------------------
// 5. The core module loadCore() returns: Engine (reload, restore, raw
// times and byte strings), Segmenter, evalCondition, jsonLogicApply.

function captureCore(raw) {
  return {
    snapshot: raw.snapshot(),
    exported: raw.exportProfile(),
    segments: raw.segments(),
    metrics: raw.metrics(),
    score: raw.score(),
    attributes: raw.attributes(),
    counts: raw.experimentCounts(),
    clock: raw.clock(),
    events: raw.eventCount(),
  };
}

async function coreEngine() {
  const core = await loadCore();
  const raw = new core.Engine();
  raw.load(JSON.stringify(exampleConfig()));
  raw.setVisitorId('visitor-1');
  raw.identify(JSON.stringify({ job_title: 'CTO', industry: 'Technology', company_size: 40, age: 30 }), START);
  raw.declare('interests', '["security"]', START);
  for (let day = 0; day < 14; day++) {
    raw.track('session_start', '{"utm_source":"google"}', START + day * DAY);
    raw.track('page_view', JSON.stringify({ path: day % 2 ? '/pricing' : '/docs' }), START + day * DAY + 60_000);
  }
  raw.track('purchase', '{"amount":250}', START + 13 * DAY + HOUR);
  raw.advance(T14);
  raw.decide('lead_form', T14);
  return { core, raw };
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    let c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = c ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A snapshot with `word` (which it contains) changed to end in byte 0xFF, header and checksum still valid. */
function withInvalidUtf8(snapshot, word) {
  const s = snapshot.slice();
  const at = Buffer.from(s).indexOf(word);
  assert.ok(at > 0, `${word} is in the snapshot`);
  s[at + word.length - 1] = 0xff;
  new DataView(s.buffer).setUint32(9, crc32(s.subarray(13)), true);
  return s;
}

function coreEngineCases(good, probe) {
  const bytes = (...b) => new Uint8Array(b);
  const edit = (f) => { const s = good.slice(); f(s); return s; };
  return [
    // times as the page would pass them
    { name: 'track at NaN', call: (r) => r.track('page_view', '{}', NaN), expect: /^event time is not a finite number$/ },
    { name: 'track at Infinity', call: (r) => r.track('page_view', '{}', Infinity), expect: /event time is not a finite number/ },
    { name: 'track at -Infinity', call: (r) => r.track('page_view', '{}', -Infinity), expect: /event time is not a finite number/ },
    { name: 'track at 1e300', call: (r) => r.track('page_view', '{}', 1e300), expect: /event time 1e\+300 is outside 1970\.\.2200/ },
    { name: 'track at -1', call: (r) => r.track('page_view', '{}', -1), expect: /event time -1 is outside 1970\.\.2200/ },
    { name: 'track at -9.2e18', call: (r) => r.track('page_view', '{}', -9.2e18), expect: /event time -9\.2e\+18 is outside 1970\.\.2200/ },
    { name: 'track at 2^63', call: (r) => r.track('page_view', '{}', 2 ** 63), expect: /is outside 1970\.\.2200/ },
    { name: 'track at a string time', call: (r) => r.track('page_view', '{}', String(T14)), expect: /Engine\.track: event time must be a number of milliseconds since the epoch, got a string/ },
    { name: 'track at a Date', call: (r) => r.track('page_view', '{}', new Date(T14)), expect: /event time must be a number .*got a Date/ },
    { name: 'track at a BigInt', call: (r) => r.track('page_view', '{}', BigInt(T14)), expect: /event time must be a number .*got a BigInt/ },
    { name: 'track without a time', call: (r) => r.track('page_view', '{}'), expect: /event time must be a number .*got undefined/ },
    { name: 'track seconds instead of milliseconds', call: (r) => r.track('page_view', '{}', T14 / 1000), expect: new RegExp(`event time ${T14 / 1000} is in 1970, before 1973-03-03 \\(1e11 ms\\): seconds passed as milliseconds\\?`) },
    { name: 'track at the epoch', call: (r) => r.track('page_view', '{}', 0), expect: /event time 0 is in 1970, before 1973-03-03/ },
    { name: 'track one ms before 1e11', call: (r) => r.track('page_view', '{}', 1e11 - 1), expect: /event time 99999999999 is in 1973, before 1973-03-03/ },
    { name: 'identify at a time in seconds', call: (r) => r.identify('{"age":40}', 1807812000), expect: /^time 1807812000 is in 1970, before 1973-03-03 \(1e11 ms\): seconds passed as milliseconds\? \(times are milliseconds since the epoch\)$/ },
    { name: 'declare at a time in seconds', call: (r) => r.declare('interests', '["x"]', 1807812000), expect: /seconds passed as milliseconds\?/ },
    { name: 'advance to a time in seconds', call: (r) => r.advance(1807812000), expect: /time 1807812000 is in 1970/ },
    { name: 'decide at a time in seconds', call: (r) => r.decide('hero', 1807812000), expect: /time 1807812000 is in 1970/ },
    { name: 'convert at a time in seconds', call: (r) => r.convert('signup', 1807812000), expect: /time 1807812000 is in 1970/ },
    { name: 'identify at NaN', call: (r) => r.identify('{"age":40}', NaN), expect: /^time is not a finite number$/ },
    { name: 'declare at 1e300', call: (r) => r.declare('interests', '["x"]', 1e300), expect: /time 1e\+300 is outside 1970\.\.2200/ },
    { name: 'advance to NaN', call: (r) => r.advance(NaN), expect: /time is not a finite number/ },
    { name: 'advance to -1', call: (r) => r.advance(-1), expect: /time -1 is outside 1970\.\.2200/ },
    { name: 'advance beyond 2200', call: (r) => r.advance(MAX_TIME + 1), expect: /is outside 1970\.\.2200/ },
    { name: 'decide at NaN', call: (r) => r.decide('hero', NaN), expect: /time is not a finite number/ },
    { name: 'convert at -Infinity', call: (r) => r.convert('signup', -Infinity), expect: /time is not a finite number/ },
    // texts and bytes
    { name: 'identify JSON with NaN', call: (r) => r.identify('{"age": NaN}', T14), expect: /attributes is not valid JSON/ },
    { name: 'identify an array', call: (r) => r.identify('[1]', T14), expect: /identify needs an object of attributes, got array/ },
    { name: 'identify 10,000 levels deep', call: (r) => r.identify('['.repeat(10000) + ']'.repeat(10000), T14), expect: /attributes nests deeper than 128 levels/ },
    { name: 'track props not JSON', call: (r) => r.track('page_view', '{bad', T14), expect: /event properties is not valid JSON/ },
    { name: 'track props with an escaped lone surrogate', call: (r) => r.track('page_view', '{"q": "\\udc00"}', T14), expect: /event properties is not valid JSON/ },
    { name: 'track props with a raw lone surrogate', call: (r) => r.track('page_view', '{"q": "\uDC00"}', T14), expect: /Engine\.track: event properties has a lone surrogate \(U\+DC00 at index 7\)/ },
    { name: 'track props as invalid UTF-8 bytes', call: (r) => r.track('page_view', bytes(0x7b, 0x22, 0x70, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d), T14), expect: /event properties is not valid JSON/ },
    { name: 'track a type with a lone surrogate', call: (r) => r.track('page\uD800view', '{}', T14), expect: /Engine\.track: the event type has a lone surrogate/ },
    { name: 'track a type as invalid UTF-8 bytes', call: (r) => r.track(bytes(0x70, 0xc3, 0x28), '{}', T14), expect: /an event type is not valid UTF-8/ },
    { name: 'track a type that is a number', call: (r) => r.track(42, '{}', T14), expect: /the event type must be a string, got number/ },
    { name: 'track with 2 arguments of 3', call: (r) => r.track('page_view', T14), expect: /event properties must be a string, got number/ },
    { name: 'declare a key as invalid UTF-8 bytes', call: (r) => r.declare(bytes(0xff), '1', T14), expect: /a declaration key is not valid UTF-8/ },
    { name: 'declare a value with invalid UTF-8 bytes', call: (r) => r.declare('interests', bytes(0x22, 0xc3, 0x28, 0x22), T14), expect: /declaration is not valid JSON/ },
    { name: 'decide a slot as invalid UTF-8 bytes', call: (r) => r.decide(bytes(0xe2, 0x82), T14), expect: /a slot id is not valid UTF-8/ },
    { name: 'decide an unknown slot', call: (r) => r.decide('footer', T14), expect: /unknown slot "footer"/ },
    { name: 'convert a goal as invalid UTF-8 bytes', call: (r) => r.convert(bytes(0xc0, 0xaf), T14), expect: /a goal is not valid UTF-8/ },
    { name: 'explain a segment id as invalid UTF-8 bytes', call: (r) => r.explain(bytes(0xed, 0xa0, 0x80)), expect: /a segment id is not valid UTF-8/ },
    { name: 'setVisitorId as invalid UTF-8 bytes', call: (r) => r.setVisitorId(bytes(0x76, 0xff)), expect: /a visitor id is not valid UTF-8/ },
    { name: 'setVisitorId("")', call: (r) => r.setVisitorId(''), expect: /a visitor id must be 1 to 128 characters/ },
    { name: 'addAggregateCounts key as invalid UTF-8 bytes', call: (r) => r.addAggregateCounts(bytes(0xfe), '{}'), expect: /an experiment key is not valid UTF-8/ },
    { name: 'addAggregateCounts counts not an object', call: (r) => r.addAggregateCounts('lead-form-tournament', '[]'), expect: /aggregate counts must be an object/ },
    // restore
    { name: 'restore a snapshot from format 3', call: (r) => r.restore(edit((s) => { s[4] = 3; })), expect: /snapshot format 3 is newer than this engine reads \(2\)/ },
    { name: 'restore a snapshot from format 255', call: (r) => r.restore(edit((s) => { s[4] = 255; })), expect: /snapshot format 255 is newer/ },
    { name: 'restore a snapshot of format 0', call: (r) => r.restore(edit((s) => { s[4] = 0; })), expect: /snapshot is corrupted: format version 0/ },
    { name: 'restore empty bytes', call: (r) => r.restore(new Uint8Array(0)), expect: /snapshot is truncated \(0 bytes\)/ },
    { name: 'restore garbage', call: (r) => r.restore(new TextEncoder().encode('garbage')), expect: /snapshot is truncated/ },
    { name: 'restore JSON bytes', call: (r) => r.restore(new TextEncoder().encode('{"attributes": {}, "events": []}')), expect: /not a leadseg snapshot \(bad magic\)/ },
    { name: 'restore truncated by a byte', call: (r) => r.restore(good.slice(0, -1)), expect: /snapshot is truncated or padded/ },
    { name: 'restore with a flipped bit', call: (r) => r.restore(edit((s) => { s[s.length >> 1] ^= 0x10; })), expect: /snapshot is corrupted: checksum mismatch/ },
    { name: 'restore a number', call: (r) => r.restore(5), expect: /Engine\.restore: a snapshot must be a Uint8Array, got number/ },
    { name: 'restore a string', call: (r) => r.restore('LSNP'), expect: /a snapshot must be a Uint8Array, got a string/ },
    { name: 'restore null', call: (r) => r.restore(null), expect: /a snapshot must be a Uint8Array, got null/ },
    { name: 'restore an array of numbers', call: (r) => r.restore([...good]), expect: /a snapshot must be a Uint8Array, got an array/ },
    {
      name: 'restore an event type of invalid UTF-8 (valid checksum)', call: (r) => r.restore(withInvalidUtf8(probe, 'utf8_probe_type')),
      expect: /snapshot is corrupted/,
    },
    {
      name: 'restore a declaration key of invalid UTF-8 (valid checksum)', call: (r) => r.restore(withInvalidUtf8(probe, 'utf8_probe_key')),
      expect: /snapshot is corrupted/,
    },
  ];
}

test('core module Engine: raw times, byte strings and snapshots are named errors; the engine keeps its exact state', async (t) => {
  const { core, raw } = await coreEngine();
  const probeEngine = new core.Engine();
  probeEngine.load(JSON.stringify(exampleConfig()));
  probeEngine.track('utf8_probe_type', '{}', START);
  probeEngine.declare('utf8_probe_key', '1', START);
  const probe = probeEngine.snapshot();
  probeEngine.delete();
  try {
    await runTable(t, 'core module', coreEngineCases(raw.snapshot(), probe), async (c) => {
      const before = captureCore(raw);
      const result = await outcome(() => c.call(raw));
      assertNamedError(result, c);
      assert.deepEqual(captureCore(raw), before, 'a failed call changes nothing, to the snapshot byte');
      raw.track('page_view', '{"path":"/after-a-bad-call"}', T14);
      assert.equal(typeof core.version(), 'string');
    });
  } finally {
    raw.delete();
  }
});

test('core module Segmenter, evalCondition and jsonLogicApply: named errors, the loaded config kept', async (t) => {
  const core = await loadCore();
  const segmenter = new core.Segmenter();
  segmenter.load(JSON.stringify(exampleConfig()));
  const lead = { job_title: 'CTO', industry: 'Technology', company_size: 40, age: 30 };
  const state = () => ({ schema: segmenter.schema(), ids: segmenter.segmentIds(), members: segmenter.segmentsOf(lead), json: segmenter.evaluateJson(JSON.stringify(lead)) });
  const deep = '{"a":'.repeat(10000) + '1' + '}'.repeat(10000);
  const cases = [
    { name: 'Segmenter.load not JSON', call: () => segmenter.load('{'), expect: /config is not valid JSON/ },
    { name: 'Segmenter.load invalid UTF-8 bytes', call: () => segmenter.load(new Uint8Array([0x7b, 0xff, 0x7d])), expect: /config is not valid JSON|UTF-8/ },
    { name: 'Segmenter.load a lone surrogate', call: () => segmenter.load('{"segments": [{"id": "\uD800", "condition": {}}]}'), expect: /Segmenter\.load: config has a lone surrogate/ },
    { name: 'Segmenter.load an unknown operator', call: () => segmenter.load('{"segments": [{"id": "s", "condition": {"a": {"$frob": 1}}}]}'), expect: /unknown operator \$frob/, path: '/segments/0/condition/a/$frob' },
    { name: 'Segmenter.load a number', call: () => segmenter.load(42), expect: /Segmenter\.load: config must be a string, got number/ },
    { name: 'Segmenter.evaluateJson an array', call: () => segmenter.evaluateJson('[1]'), expect: /attributes must be a JSON object/ },
    { name: 'Segmenter.evaluateJson not JSON', call: () => segmenter.evaluateJson('{"age": NaN}'), expect: /attributes is not valid JSON/ },
    { name: 'Segmenter.evaluate(null)', call: () => segmenter.evaluate(null), expect: /attributes must be an object/ },
    { name: 'Segmenter.evaluate a string', call: () => segmenter.evaluate('CTO'), expect: /attributes must be an object/ },
    { name: 'Segmenter.evaluate 100 levels deep', call: () => segmenter.evaluate({ industry: nested(100) }), expect: /attribute value nests deeper than 64 levels/ },
    { name: 'Segmenter.evaluate before load', call: () => new core.Segmenter().evaluate({}), expect: /no config loaded/ },
    { name: 'evalCondition an unknown operator', call: () => core.evalCondition('{"a": {"$frob": 1}}', '{}'), expect: /unknown operator \$frob/, path: '/a/$frob' },
    { name: 'evalCondition not JSON', call: () => core.evalCondition('{"age": {"$gt": ', '{}'), expect: /condition is not valid JSON/ },
    { name: 'evalCondition attributes an array', call: () => core.evalCondition('{}', '[1]'), expect: /attributes must be a JSON object/ },
    { name: 'evalCondition 10,000 levels deep', call: () => core.evalCondition(deep, '{}'), expect: /condition nests deeper than 128 levels/ },
    { name: 'evalCondition a lookahead', call: () => core.evalCondition('{"p": {"$regex": "(?=x)"}}', '{}'), expect: /lookahead/ },
    { name: 'evalCondition a symbol', call: () => core.evalCondition(Symbol('c')), expect: /evalCondition: condition must be a string, got symbol/ },
    { name: 'evalCondition a lone surrogate', call: () => core.evalCondition('{"a": "\uDBFF"}', '{}'), expect: /evalCondition: condition has a lone surrogate/ },
    { name: 'jsonLogicApply an unknown operator', call: () => core.jsonLogicApply('{"and": [true, {"frobnicate": 1}]}', 'null'), expect: /unknown JsonLogic operator "frobnicate"/, path: '/and/1/frobnicate' },
    { name: 'jsonLogicApply the wrong arity', call: () => core.jsonLogicApply('{"==": [1]}', 'null'), expect: /./, path: '/==' },
    { name: 'jsonLogicApply method', call: () => core.jsonLogicApply('{"method": ["abc", "toUpperCase"]}', 'null'), expect: /unknown JsonLogic operator "method"/ },
    { name: 'jsonLogicApply data not JSON', call: () => core.jsonLogicApply('{"var": "a"}', '{a: 1}'), expect: /data is not valid JSON/ },
    { name: 'runConformance not JSON', call: () => core.runConformance('not json'), expect: /not valid JSON/ },
  ];
  try {
    await runTable(t, 'core module', cases, async (c) => {
      const before = state();
      const result = await outcome(c.call);
      assertNamedError(result, c);
      assert.deepEqual(state(), before, 'the loaded config is kept');
      assert.equal(core.evalCondition('{"age": {"$gte": 18}}', '{"age": 30}'), true, 'the module still works');
    });
  } finally {
    segmenter.delete();
  }
});

// ---------------------------------------------------------------------------
// 6. Compiled configs (docs/compiled-config.md): damaged bytes where a page
// expects what `leadseg compile` wrote, through createEngine() and the
// runtime module's Engine.loadCompiled().

function compiledCases(good) {
  const with_ = (edit) => {
    const b = good.slice();
    edit(b);
    return b;
  };
  return [
    { name: 'compiled: empty bytes', config: new Uint8Array(0), expect: /not a compiled leadseg config/ },
    { name: 'compiled: empty ArrayBuffer', config: new ArrayBuffer(0), expect: /not a compiled leadseg config/ },
    { name: 'compiled: JSON text as bytes', config: new TextEncoder().encode('{"segments": []}'), expect: /not a compiled leadseg config \(it does not start with "LSCF"\)/ },
    { name: 'compiled: magic only', config: good.slice(0, 4), expect: /compiled config is truncated \(4 bytes, the header alone is 16\)/ },
    { name: 'compiled: header cut short', config: good.slice(0, 12), expect: /compiled config is truncated/ },
    { name: 'compiled: last byte missing', config: good.slice(0, good.length - 1), expect: /compiled config is truncated \(payload of \d+ bytes, the header says \d+\)/ },
    { name: 'compiled: half the bytes', config: good.slice(0, good.length >> 1), expect: /compiled config is truncated/ },
    { name: 'compiled: an extra byte', config: Uint8Array.from([...good, 0]), expect: /followed by extra bytes/ },
    { name: 'compiled: one bit flipped', config: with_((b) => { b[b.length >> 1] ^= 0x10; }), expect: /compiled config is corrupted \(checksum mismatch\)/ },
    { name: 'compiled: last byte changed', config: with_((b) => { b[b.length - 1] ^= 0xff; }), expect: /checksum mismatch/ },
    { name: 'compiled: checksum changed', config: with_((b) => { b[12] ^= 1; }), expect: /checksum mismatch/ },
    { name: 'compiled: format version 5', config: with_((b) => { b[4] = 5; }), expect: /compiled config format version 5 is not one this leadseg reads \(1 to 4\): compile the config again/ },
    { name: 'compiled: format version 0', config: with_((b) => { b[4] = 0; }), expect: /format version 0 is not one this leadseg reads/ },
    { name: 'compiled: a version 4 payload under a version 1 header', config: with_((b) => { b[4] = 1; }), expect: /compiled config is corrupted \(its contents do not hold together\)/ },
    { name: 'compiled: a version 4 payload under a version 2 header', config: with_((b) => { b[4] = 2; }), expect: /compiled config is corrupted \(its contents do not hold together\)/ },
    { name: 'compiled: a version 4 payload under a version 3 header', config: with_((b) => { b[4] = 3; }), expect: /compiled config is corrupted \(its contents do not hold together\)/ },
    { name: 'compiled: unknown flags', config: with_((b) => { b[6] = 1; }), expect: /compiled config has unknown flags/ },
  ];
}

test('compiled configs: damaged bytes are named errors from createEngine() and Engine.loadCompiled(); nothing changes', async (t) => {
  const fx = await sharedEngine();
  const good = await compileConfig(exampleConfig());
  const runtime = await loadRuntimeModule();
  const raw = new runtime.Engine();
  raw.loadCompiled(good);
  raw.identify(JSON.stringify({ job_title: 'CTO', age: 30 }), START);
  raw.track('page_view', '{"path":"/pricing"}', START + HOUR);
  try {
    await runTable(t, 'compiled configs', compiledCases(good), async (c) => {
      const before = await capture(fx);
      const rawBefore = captureCore(raw);
      const created = await outcome(() => createEngine({ config: c.config, now: () => T14, storage: fx.storage, consent: { storage: true } }));
      if (!created.threw) created.value.destroy();
      assertNamedError(created, c);
      assert.match(created.error.message, /^createEngine: invalid config: /);
      const bytes = c.config instanceof ArrayBuffer ? new Uint8Array(c.config) : c.config;
      const reloaded = await outcome(() => raw.loadCompiled(bytes));
      assertNamedError(reloaded, c);
      assert.deepEqual(captureCore(raw), rawBefore, 'a failed loadCompiled keeps the engine as it was');
      assert.deepEqual(await capture(fx), before, 'a rejected compiled config changes nothing');
    });
    // Not bytes at all: named by the argument check.
    assertNamedError(await outcome(() => raw.loadCompiled('LSCF')), { expect: /Engine\.loadCompiled: a compiled config must be a Uint8Array, got a string/ });
  } finally {
    raw.delete();
  }
});

// Runs last (node:test keeps the order of a file's tests).
test('catalogue size', () => {
  const total = [...checked.values()].reduce((a, b) => a + b, 0);
  const parts = [...checked].map(([part, n]) => `${part} ${n}`).join(', ');
  console.log(`[ bad-input ] JS catalogue: ${total} malformed inputs checked (${parts}); ${skipped.length} skipped for the core`);
  for (const s of skipped) console.log(`[ bad-input ]   skipped (${s.part}) ${s.name}: ${s.reason}`);
  assert.ok(total >= 50, `only ${total} cases ran`);
});
