// docs/config.schema.json: a valid draft 2020-12 schema that accepts the
// worked example and rejects the mistakes `leadseg check` rejects.
//
//   node --test tests/wasm/config-schema.test.mjs
//
// Needs only node and the ajv dev dependency (not the wasm build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8'));

const schema = readJson('docs/config.schema.json');
const example = readJson('docs/examples/b2b-saas.json');

// Ajv's strict mode reports questionable schema constructs through the
// logger; collect them so the schema is held to "no warnings".
const warnings = [];
const ajv = new Ajv2020({
  allErrors: true,
  logger: { log() {}, warn: (...m) => warnings.push(m.join(' ')), error: (...m) => warnings.push(m.join(' ')) },
});
const validate = ajv.compile(schema);

function errorsOf(config) {
  const ok = validate(config);
  return ok ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.keyword} ${e.message}`);
}

function assertValid(config, what) {
  const errors = errorsOf(config);
  assert.deepEqual(errors, [], `${what} should be valid`);
}

// Rejected, with at least one error at `pointer`.
function assertRejectedAt(config, pointer, what) {
  assert.equal(validate(config), false, `${what} should be rejected`);
  const paths = validate.errors.map((e) => e.instancePath);
  assert.ok(paths.includes(pointer), `${what}: expected an error at ${pointer}, got ${JSON.stringify(paths)}`);
}

const minimal = (extra = {}) => ({ version: 1, segments: [], ...extra });
const withMetric = (metric) => ({ metrics: [metric], segments: [{ id: 's', condition: { [metric.id]: { $gte: 1 } } }] });
const withCondition = (condition) => ({ segments: [{ id: 's', condition }] });

test('the schema is draft 2020-12 and compiles without strict-mode warnings', () => {
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.deepEqual(warnings, []);
});

test('every top-level property has a title and a description', () => {
  for (const [key, prop] of Object.entries(schema.properties)) {
    assert.equal(typeof prop.title, 'string', `${key} has a title`);
    assert.equal(typeof prop.description, 'string', `${key} has a description`);
  }
});

test('docs/examples/b2b-saas.json is valid', () => {
  assertValid(example, 'the worked example');
});

test('a minimal config is valid and segments is required', () => {
  assertValid(minimal(), 'a config with no segments');
  assertRejectedAt({ version: 1 }, '', 'a config without segments');
});

test('an unknown top-level key is rejected', () => {
  assertRejectedAt(minimal({ segmnets: [] }), '', 'a misspelt top-level key');
  assert.ok(
    validate.errors.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'segmnets'),
    'the error names the unknown key',
  );
});

test('an unsupported version is rejected', () => {
  assertRejectedAt(minimal({ version: 2 }), '/version', 'version 2');
});

test('bad durations are rejected, good ones accepted', () => {
  for (const window of ['500ms', '90s', '30m', '12h', '2d', '1w', '007d', 'all']) {
    assertValid(withMetric({ id: 'm', aggregate: 'count', window }), `window ${window}`);
  }
  for (const window of ['0d', '7', 'd', '1.5d', '1y', '1D', ' 1d', '-1d', '7 d', 'forever', 7]) {
    assertRejectedAt(withMetric({ id: 'm', aggregate: 'count', window }), '/metrics/0/window', `window ${JSON.stringify(window)}`);
  }
  assertRejectedAt(withMetric({ id: 'm', aggregate: 'sinceLast', unit: 'all' }), '/metrics/0/unit', 'unit "all"');
  assertRejectedAt(minimal({ retention: { maxAge: '6mo' } }), '/retention/maxAge', 'maxAge "6mo"');
});

test('a bad aggregate is rejected', () => {
  assertRejectedAt(withMetric({ id: 'm', aggregate: 'median', field: 'v' }), '/metrics/0/aggregate', 'aggregate "median"');
  assertRejectedAt(withMetric({ id: 'm', aggregate: 'Count' }), '/metrics/0/aggregate', 'aggregate "Count"');
});

test('field is required by value aggregates and refused by the others', () => {
  assertRejectedAt(withMetric({ id: 'm', aggregate: 'sum' }), '/metrics/0', 'sum without field');
  assertRejectedAt(withMetric({ id: 'm', aggregate: 'count', field: 'v' }), '/metrics/0', 'count with field');
  assertValid(withMetric({ id: 'm', aggregate: 'avg', field: 'v' }), 'avg with field');
  assertValid(withMetric({ id: 'm', aggregate: 'lastGap', unit: '1h' }), 'lastGap with unit');
});

test('bad ids are rejected', () => {
  for (const id of ['1abc', 'a-b', 'a b', '', 'a'.repeat(65), 'é']) {
    assertRejectedAt({ segments: [{ id, condition: {} }] }, '/segments/0/id', `segment id ${JSON.stringify(id)}`);
  }
  assertValid({ segments: [{ id: '_a1', condition: {} }, { id: 'a'.repeat(64), condition: {} }] }, 'good ids');
  assertRejectedAt(withMetric({ id: 'rfm', aggregate: 'count' }), '/metrics/0/id', 'a reserved metric id');
  assertRejectedAt(minimal({ attributes: { segments: 'array' } }), '/attributes', 'a reserved attribute name');
});

test('unknown keys inside metrics, segments, rfm and retention are rejected', () => {
  assertRejectedAt(withMetric({ id: 'm', aggregate: 'count', windw: '2d' }), '/metrics/0', 'metric key');
  assertRejectedAt({ segments: [{ id: 's', condition: {}, conditon: {} }] }, '/segments/0', 'segment key');
  assertRejectedAt(minimal({ retention: { maxAge: '30d', max_events: 10 } }), '/retention', 'retention key');
  const axis = { metric: 'm', bounds: [1, 2, 3, 4] };
  const rfm = { metrics: [{ id: 'm', aggregate: 'count' }], segments: [] };
  assertValid({ ...rfm, rfm: { recency: axis, frequency: axis, monetary: axis } }, 'an rfm block');
  assertRejectedAt({ ...rfm, rfm: { recency: axis, frequency: axis, monetary: axis, loyalty: axis } }, '/rfm', 'rfm key');
  assertRejectedAt({ ...rfm, rfm: { recency: axis, frequency: axis } }, '/rfm', 'rfm without monetary');
  assertRejectedAt({ ...rfm, rfm: { recency: { ...axis, bounds: [1, 2, 3] }, frequency: axis, monetary: axis } },
    '/rfm/recency/bounds', 'three bounds');
});

test('the condition language: operators, nesting and strict-mode mistakes', () => {
  const good = [
    { age: '30' },
    { age: { $gte: 18, $lte: 35 } },
    { $or: [{ country: 'US' }, { country: 'CA' }], $not: { blocked: true } },
    { tags: { $all: ['a', { $regex: '^b' }] } },
    { items: { $elemMatch: { sku: 'x', qty: { $gt: 1 } } } },
    { items: { $elemMatch: { $gt: 5 } } },
    { tags: { $size: { $gte: 2 } } },
    { title: { $not: { $regexi: '^test' } } },
    { app: { $vgte: '2.1.0' } },
    { company: { name: 'Acme' } },
    { 'company.size': { $type: 'number' } },
  ];
  for (const c of good) assertValid(withCondition(c), JSON.stringify(c));
  assertRejectedAt(withCondition({ x: { $foo: 1 } }), '/segments/0/condition/x', 'unknown operator');
  assertRejectedAt(withCondition({ x: { $gt: 1, y: 2 } }), '/segments/0/condition/x', 'operators mixed with plain keys');
  assertRejectedAt(withCondition({ x: { $in: 'a' } }), '/segments/0/condition/x/$in', '$in with a non-array');
  assertRejectedAt(withCondition({ $or: { a: 1 } }), '/segments/0/condition/$or', '$or with a non-array');
  assertRejectedAt(withCondition({ x: { $type: 'int' } }), '/segments/0/condition/x/$type', 'bad $type');
  assertRejectedAt({ segments: [{ id: 's', condition: [] }] }, '/segments/0/condition', 'a non-object condition');
});
