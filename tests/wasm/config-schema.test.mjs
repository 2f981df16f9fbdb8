// docs/config.schema.json: a valid draft 2020-12 schema that accepts the
// worked example and rejects the mistakes `leadseg check` rejects.
//
//   node --test tests/wasm/config-schema.test.mjs
//
// Needs node and the ajv dev dependency; the test comparing the schema with
// the compiler on slots also needs the wasm build (web/dist).
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
// logger; collect them so the schema is held to "no warnings" -- with one
// deliberate exception: lifecycle.stages is an open tuple (prefixItems for
// the entry stage, which may omit its condition, then items for the rest),
// which Ajv's strictTuples calls incomplete.
const EXPECTED_WARNINGS = [
  'strict mode: "prefixItems" is 1-tuple, but minItems or maxItems/items are not specified or different at path "#/properties/stages"',
];
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
  assert.deepEqual(warnings, EXPECTED_WARNINGS);
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

test('a minimal config is valid and segments is optional', () => {
  assertValid(minimal(), 'a config with no segments');
  assertValid({ version: 1 }, 'a config without segments');
  assertRejectedAt({ segments: {} }, '/segments', 'segments not an array');
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

// ---------------------------------------------------------------------------
// Lead-scoring sections: scoring, grading, temperature, lifecycle.

const scoring = (extra = {}) => ({ segments: [], scoring: { rules: [], ...extra } });
const scoringRule = (rule) => ({ segments: [], scoring: { rules: [rule] } });
const grading = (g) => ({ segments: [], grading: { rules: [], ...g } });
const lifecycle = (l) => ({ segments: [], lifecycle: l });

test('every property of the lead-scoring definitions has a title and a description', () => {
  const missing = [];
  const visit = (node, where) => {
    if (!node || typeof node !== 'object') return;
    for (const [key, prop] of Object.entries(node.properties ?? {})) {
      const onlyRef = Object.keys(prop).length === 1 && '$ref' in prop;
      if (!onlyRef && (typeof prop.title !== 'string' || typeof prop.description !== 'string')) {
        missing.push(`${where}/properties/${key}`);
      }
      visit(prop, `${where}/properties/${key}`);
    }
    for (const [i, branch] of (node.oneOf ?? []).entries()) {
      if (typeof branch.title !== 'string' || typeof branch.description !== 'string') missing.push(`${where}/oneOf/${i}`);
      visit(branch, `${where}/oneOf/${i}`);
    }
    for (const [i, item] of (node.prefixItems ?? []).entries()) visit(item, `${where}/prefixItems/${i}`);
    if (node.items) visit(node.items, `${where}/items`);
    if (node.then) visit(node.then, `${where}/then`);
  };
  for (const def of ['scoring', 'scoringRule', 'decay', 'grading', 'gradingRule', 'temperature', 'lifecycle', 'stage']) {
    assert.ok(schema.$defs[def], `$defs/${def} exists`);
    assert.equal(typeof schema.$defs[def].title, 'string', `$defs/${def} has a title`);
    assert.equal(typeof schema.$defs[def].description, 'string', `$defs/${def} has a description`);
    visit(schema.$defs[def], `#/$defs/${def}`);
  }
  assert.deepEqual(missing, []);
});

test('the example uses all four lead-scoring sections', () => {
  for (const key of ['scoring', 'grading', 'temperature', 'lifecycle']) assert.ok(example[key], key);
  assert.ok(example.scoring.rules.some((r) => r.event && r.maxTimes && r.oncePer), 'an event rule with caps');
  assert.ok(example.scoring.rules.some((r) => r.trait), 'a trait rule');
});

test('scoring rules: exactly one of event and trait, caps on event rules only', () => {
  assertValid(scoringRule({ id: 'r', points: 10, event: { type: 'webinar_attended' } }), 'an event rule');
  assertValid(scoringRule({ id: 'r', points: -10, trait: { days_since_visit: { $gte: 30 } } }), 'a negative trait rule');
  assertValid(scoringRule({ id: 'r', points: 15, event: { type: 'page_view' }, maxTimes: 3, maxPoints: 40, oncePer: '1d' }),
    'an event rule with every cap');
  assertRejectedAt(scoringRule({ id: 'r', points: 1, event: { type: 'x' }, trait: { a: 1 } }), '/scoring/rules/0',
    'a rule with both event and trait');
  assertRejectedAt(scoringRule({ id: 'r', points: 1 }), '/scoring/rules/0', 'a rule with neither event nor trait');
  assertRejectedAt(scoringRule({ id: 'r', event: { type: 'x' } }), '/scoring/rules/0', 'a rule without points');
  assertRejectedAt(scoringRule({ points: 1, event: { type: 'x' } }), '/scoring/rules/0', 'a rule without id');
  assertRejectedAt(scoringRule({ id: 'r-1', points: 1, event: {} }), '/scoring/rules/0/id', 'a bad rule id');
  for (const cap of [{ maxTimes: 3 }, { maxPoints: 10 }, { oncePer: '1d' }]) {
    const [key] = Object.keys(cap);
    assertRejectedAt(scoringRule({ id: 'r', points: 1, trait: { a: 1 }, ...cap }), `/scoring/rules/0/${key}`, `${key} on a trait rule`);
  }
  assertRejectedAt(scoringRule({ id: 'r', points: 1, event: {}, maxTimes: 0 }), '/scoring/rules/0/maxTimes', 'maxTimes 0');
  assertRejectedAt(scoringRule({ id: 'r', points: 1, event: {}, maxTimes: 2.5 }), '/scoring/rules/0/maxTimes', 'maxTimes 2.5');
  assertRejectedAt(scoringRule({ id: 'r', points: 1, event: {}, maxPoints: 0 }), '/scoring/rules/0/maxPoints', 'maxPoints 0');
  assertRejectedAt(scoringRule({ id: 'r', points: 1, event: {}, oncePer: 'all' }), '/scoring/rules/0/oncePer', 'oncePer "all"');
  assertRejectedAt(scoringRule({ id: 'r', points: 1, event: {}, weight: 2 }), '/scoring/rules/0', 'an unknown rule key');
  assertRejectedAt(scoringRule({ id: 'r', points: 1, event: { path: { $regx: '^/' } } }), '/scoring/rules/0/event/path',
    'a bad operator in an event condition');
});

test('scoring: rules are required, min and max are numbers, unknown keys are rejected', () => {
  assertValid(scoring({ min: 0, max: 100 }), 'min and max');
  assertRejectedAt({ segments: [], scoring: {} }, '/scoring', 'scoring without rules');
  assertRejectedAt({ segments: [], scoring: { rules: {} } }, '/scoring/rules', 'rules not an array');
  assertRejectedAt(scoring({ min: '0' }), '/scoring/min', 'a string min');
  assertRejectedAt(scoring({ cap: 100 }), '/scoring', 'an unknown scoring key');
});

test('decay is {halfLife} or {points, every, after}', () => {
  assertValid(scoring({ decay: { halfLife: '30d' } }), 'half-life decay');
  assertValid(scoring({ decay: { points: 5, every: '7d', after: '14d' } }), 'linear decay');
  assertValid(scoring({ decay: { points: 5, every: '7d' } }), 'linear decay without after');
  for (const decay of [
    {},
    { after: '14d' },
    { points: 5 },
    { every: '7d' },
    { halfLife: '30d', points: 5, every: '7d' },
    { halfLife: '30d', after: '7d' },
    { halfLife: 'all' },
    { points: 0, every: '7d' },
    { points: 5, every: '7d', rate: 1 },
    '30d',
  ]) {
    assertRejectedAt(scoring({ decay }), '/scoring/decay', `decay ${JSON.stringify(decay)}`);
  }
});

test('grading: rules with id, points and condition; bands A/B/C; engagement of three numbers', () => {
  assertValid(grading({ rules: [{ id: 'tech', points: 30, condition: { industry: 'Technology' } }],
    bands: { A: 80, B: 60, C: 30 }, engagement: [60, 30, 10] }), 'a full grading section');
  assertValid(grading({ bands: { A: 90 } }), 'partial bands (the others default)');
  assertRejectedAt({ segments: [], grading: {} }, '/grading', 'grading without rules');
  assertRejectedAt(grading({ rules: [{ id: 'g', points: 1 }] }), '/grading/rules/0', 'a grading rule without condition');
  assertRejectedAt(grading({ rules: [{ id: 'g', condition: {} }] }), '/grading/rules/0', 'a grading rule without points');
  assertRejectedAt(grading({ rules: [{ id: 'g', points: 1, condition: {}, event: {} }] }), '/grading/rules/0',
    'an event key on a grading rule');
  for (const bands of [[80, 60, 40], 80, 'A']) {
    assertRejectedAt(grading({ bands }), '/grading/bands', `bands ${JSON.stringify(bands)}`);
  }
  assertRejectedAt(grading({ bands: { A: 80, B: 60, C: 40, D: 0 } }), '/grading/bands', 'a D band');
  assertRejectedAt(grading({ bands: { A: '80' } }), '/grading/bands/A', 'a string band');
  assertRejectedAt(grading({ engagement: [60, 30] }), '/grading/engagement', 'two engagement thresholds');
  assertRejectedAt(grading({ engagement: [60, 30, 10, 0] }), '/grading/engagement', 'four engagement thresholds');
  assertRejectedAt(grading({ engagement: [60, 30, '10'] }), '/grading/engagement/2', 'a string engagement threshold');
});

test('temperature: warm, hot and hysteresis only, and it needs scoring', () => {
  assertValid(scoring({}), 'scoring alone');
  assertValid({ ...scoring(), temperature: { warm: 30, hot: 60, hysteresis: 5 } }, 'a temperature section');
  assertValid({ ...scoring(), temperature: {} }, 'temperature with the defaults');
  assertRejectedAt({ ...scoring(), temperature: { warm: 30, hot: 60, cold: 0 } }, '/temperature', 'an unknown key in temperature');
  assertRejectedAt({ ...scoring(), temperature: { warm: '30' } }, '/temperature/warm', 'a string threshold');
  assertRejectedAt({ ...scoring(), temperature: { hysteresis: -1 } }, '/temperature/hysteresis', 'a negative hysteresis');
  assertRejectedAt({ segments: [], temperature: {} }, '', 'temperature without scoring');
});

test('lifecycle: a non-empty list of stages, only the first may omit its condition', () => {
  const ok = { stages: [{ id: 'awareness' }, { id: 'consideration', name: 'Considering', condition: { score: { $gte: 25 } },
    allowRegression: true }], mql: { score: { $gte: 40 } }, sql: { demo_requests: { $gte: 1 } } };
  assertValid(lifecycle(ok), 'a lifecycle section');
  assertValid(lifecycle({ stages: [{ id: 'only', condition: {} }] }), 'a first stage with a condition');
  assertRejectedAt(lifecycle({ stages: [] }), '/lifecycle/stages', 'empty stages');
  assertRejectedAt(lifecycle({}), '/lifecycle', 'no stages');
  assertRejectedAt(lifecycle({ stages: [{ id: 'a' }, { id: 'b' }] }), '/lifecycle/stages/1', 'a later stage without condition');
  assertRejectedAt(lifecycle({ stages: [{ id: 'a', allowRegression: 'yes' }] }), '/lifecycle/stages/0/allowRegression',
    'a string allowRegression');
  assertRejectedAt(lifecycle({ stages: [{ id: 'a', exit: {} }] }), '/lifecycle/stages/0', 'an unknown stage key');
  assertRejectedAt(lifecycle({ stages: [{ id: 'a' }], crm: {} }), '/lifecycle', 'an unknown lifecycle key');
  assertRejectedAt(lifecycle({ stages: [{ id: 'a' }], mql: [] }), '/lifecycle/mql', 'an mql that is not a condition');
});

test('lead-scoring names are reserved for metric ids and attributes', () => {
  for (const id of ['score', 'grade', 'leadCell', 'temperature', 'stage', 'mql', 'sql']) {
    assertRejectedAt(withMetric({ id, aggregate: 'count' }), '/metrics/0/id', `metric id ${id}`);
    assertRejectedAt(minimal({ attributes: { [id]: 'string' } }), '/attributes', `attribute ${id}`);
  }
});

// ---------------------------------------------------------------------------
// Slots and experiments: the schema checks them as strictly as a schema can,
// and agrees with the compiler wherever it can tell.

const variants = [{ id: 'a' }, { id: 'b', when: { segments: { $in: ['s'] } } }];
const slotsConfig = (slot) => ({ segments: [{ id: 's', condition: {} }], slots: [slot] });
const experimentSlot = (experiment) => ({ id: 'hero', variants, default: 'a', experiment });

// [what, slot, valid?, pointer of the schema error]
const SLOT_CASES = [
  ['a slot with rules and a default', { id: 'hero', name: 'Hero', description: 'd', variants, default: 'a' }, true],
  ['an ab experiment with weights', experimentSlot({ key: 'hero-test', variants: ['a', 'b'], weights: [0.3, 0.7], mode: 'ab',
    when: { country: 'US' } }), true],
  ['a bandit experiment', experimentSlot({ key: 'k', variants: ['a', 'b'], mode: 'bandit' }), true],
  ['a variant with a name and a description', { id: 'x', variants: [{ id: 'a', name: 'A', description: 'd' }], default: 'a' }, true],
  ['a slot without an id', { variants, default: 'a' }, false, '/slots/0'],
  ['a slot id with a hyphen', { id: 'hero-1', variants, default: 'a' }, false, '/slots/0/id'],
  ['a slot without variants', { id: 'hero', default: 'a' }, false, '/slots/0'],
  ['a slot with no variants', { id: 'hero', variants: [], default: 'a' }, false, '/slots/0/variants'],
  ['a slot without a default', { id: 'hero', variants }, false, '/slots/0'],
  ['a default that is not a string', { id: 'hero', variants, default: 0 }, false, '/slots/0/default'],
  ['an unknown slot key', { id: 'hero', variants, default: 'a', rules: [] }, false, '/slots/0'],
  ['a slot name that is not a string', { id: 'hero', name: 1, variants, default: 'a' }, false, '/slots/0/name'],
  ['a variant that is not an object', { id: 'hero', variants: ['a'], default: 'a' }, false, '/slots/0/variants/0'],
  ['a variant without an id', { id: 'hero', variants: [{ when: {} }], default: 'a' }, false, '/slots/0/variants/0'],
  ['an unknown variant key', { id: 'hero', variants: [{ id: 'a', if: {} }], default: 'a' }, false, '/slots/0/variants/0'],
  ['a when that is not an object', { id: 'hero', variants: [{ id: 'a', when: [] }], default: 'a' }, false, '/slots/0/variants/0/when'],
  ['a bad operator in when', { id: 'hero', variants: [{ id: 'a', when: { x: { $gtee: 1 } } }], default: 'a' }, false,
    '/slots/0/variants/0/when/x'],
  ['an experiment without a key', experimentSlot({ variants: ['a', 'b'] }), false, '/slots/0/experiment'],
  ['an empty experiment key', experimentSlot({ key: '', variants: ['a', 'b'] }), false, '/slots/0/experiment/key'],
  ['an experiment without variants', experimentSlot({ key: 'k' }), false, '/slots/0/experiment'],
  ['an experiment with one variant', experimentSlot({ key: 'k', variants: ['a'] }), false, '/slots/0/experiment/variants'],
  ['an experiment variant listed twice', experimentSlot({ key: 'k', variants: ['a', 'a'] }), false, '/slots/0/experiment/variants'],
  ['an experiment variant that is not a string', experimentSlot({ key: 'k', variants: ['a', 1] }), false,
    '/slots/0/experiment/variants/1'],
  ['a negative weight', experimentSlot({ key: 'k', variants: ['a', 'b'], weights: [-0.5, 1.5] }), false,
    '/slots/0/experiment/weights/0'],
  ['weights that are not numbers', experimentSlot({ key: 'k', variants: ['a', 'b'], weights: ['0.5', '0.5'] }), false,
    '/slots/0/experiment/weights/0'],
  ['an unknown mode', experimentSlot({ key: 'k', variants: ['a', 'b'], mode: 'mab' }), false, '/slots/0/experiment/mode'],
  ['an unknown experiment key', experimentSlot({ key: 'k', variants: ['a', 'b'], seed: 3 }), false, '/slots/0/experiment'],
  ['an experiment when that is not an object', experimentSlot({ key: 'k', variants: ['a', 'b'], when: 'US' }), false,
    '/slots/0/experiment/when'],
];

test('slots, variants and experiments: the schema checks every field', () => {
  for (const [what, slot, valid, pointer] of SLOT_CASES) {
    if (valid) assertValid(slotsConfig(slot), what);
    else assertRejectedAt(slotsConfig(slot), pointer, what);
  }
  assertRejectedAt({ slots: {} }, '/slots', 'slots not an array');
  assertRejectedAt({ slots: [1] }, '/slots/0', 'a slot that is not an object');
  assertValid({ slots: [{ id: 'hero', variants: [{ id: 'a' }, { id: 'b' }], default: 'a',
    experiment: { key: 'k', variants: ['a', 'b'] } }] }, 'an experiments-only config (no segments)');
  assertValid(example, 'the example, with its three slots');
});

test('every property of the slot definitions has a title and a description', () => {
  for (const def of ['slot', 'slotVariant', 'slotExperiment']) {
    const node = schema.$defs[def];
    assert.equal(typeof node.title, 'string', `$defs/${def} has a title`);
    for (const [key, prop] of Object.entries(node.properties)) {
      const onlyRef = Object.keys(prop).length === 1 && '$ref' in prop;
      assert.ok(onlyRef || (typeof prop.title === 'string' && typeof prop.description === 'string'), `${def}.${key}`);
    }
  }
});

test('on slots the schema and the compiler agree', async () => {
  const { loadLeadseg } = await import('./load.mjs');
  const leadseg = await loadLeadseg();
  const compiles = (config) => {
    const engine = new leadseg.Engine();
    try {
      engine.load(JSON.stringify(config));
      return true;
    } catch (error) {
      assert.equal(error.name, 'LeadsegError', String(error));
      return false;
    } finally {
      engine.delete();
    }
  };
  const disagreements = [];
  for (const [what, slot] of SLOT_CASES) {
    const config = slotsConfig(slot);
    if (compiles(config) !== validate(config)) disagreements.push(`${what}: compiler ${compiles(config)}, schema ${validate(config)}`);
  }
  for (const config of [{ slots: [{ id: 'h', variants: [{ id: 'a' }], default: 'a' }] }, { version: 1 }, example]) {
    if (compiles(config) !== validate(config)) disagreements.push(`${JSON.stringify(config).slice(0, 60)}: compiler ${compiles(config)}`);
  }
  assert.deepEqual(disagreements, []);
  // What only the compiler can check: references and sums across fields.
  for (const slot of [
    { id: 'hero', variants, default: 'c' },
    experimentSlot({ key: 'k', variants: ['a', 'c'] }),
    experimentSlot({ key: 'k', variants: ['a', 'b'], weights: [0.5, 0.4] }),
    experimentSlot({ key: 'k', variants: ['a', 'b'], weights: [1] }),
  ]) {
    assert.equal(validate(slotsConfig(slot)), true, JSON.stringify(slot));
    assert.equal(compiles(slotsConfig(slot)), false, JSON.stringify(slot));
  }
});

// The predictive section (docs/config.md "Predictive scoring").

const predictiveExample = readJson('docs/examples/predictive.json').predictive;
const withModel = (patch = {}) => ({ ...example, predictive: { ...predictiveExample, ...patch } });
const withFeature = (f) => withModel({ features: [f] });

test('predictive: the worked example is valid, and every field is checked', () => {
  assertValid(withModel(), 'b2b-saas.json with examples/predictive.json');
  assertValid(withModel({ scoring: undefined }), 'grading only');
  assertValid(withFeature({ attribute: 'x', scale: 2, weight: -1 }), 'scale alone');
  assertValid(withFeature({ attribute: 'x', equals: false, weight: 1 }), 'one-hot on a boolean');
  assertRejectedAt(withModel({ scoring: undefined, grading: undefined }), '/predictive', 'neither scoring nor grading');
  assertRejectedAt(withModel({ id: 'Conversion' }), '/predictive/id', 'an id with capitals');
  assertRejectedAt(withModel({ model: 'forest' }), '/predictive/model', 'another kind of model');
  assertRejectedAt(withModel({ intercept: '-2' }), '/predictive/intercept', 'a string intercept');
  assertRejectedAt(withModel({ features: [] }), '/predictive/features', 'no features');
  assertRejectedAt(withModel({ bias: 1 }), '/predictive', 'an unknown key');
  assertRejectedAt(withModel({ scoring: {} }), '/predictive/scoring', 'scoring without points');
  assertRejectedAt(withFeature({ attribute: 'x', scale: 0, weight: 1 }), '/predictive/features/0/scale', 'scale 0');
  assertRejectedAt(withFeature({ attribute: 'x', weight: 1 }), '/predictive/features/0', 'no kind');
  assertRejectedAt(withFeature({ attribute: 'x', mean: 1, equals: 'a', weight: 1 }), '/predictive/features/0', 'two kinds');
  assertRejectedAt(withFeature({ attribute: 'x', equals: null, weight: 1 }), '/predictive/features/0/equals', 'equals null');
  assertRejectedAt(withFeature({ attribute: 'x', missing: false, weight: 1 }), '/predictive/features/0/missing', 'missing false');
  assertRejectedAt(withFeature({ attribute: 'x', mean: 1 }), '/predictive/features/0', 'no weight');
});

test('on predictive models the schema and the compiler agree', async () => {
  const { loadLeadseg } = await import('./load.mjs');
  const leadseg = await loadLeadseg();
  const compiles = (config) => {
    const engine = new leadseg.Engine();
    try {
      engine.load(JSON.stringify(config));
      return true;
    } catch (error) {
      assert.equal(error.name, 'LeadsegError', String(error));
      return false;
    } finally {
      engine.delete();
    }
  };
  const cases = [
    withModel(), withModel({ scoring: undefined }), withModel({ scoring: undefined, grading: undefined }),
    withModel({ id: 'Conversion' }), withModel({ model: 'forest' }), withModel({ intercept: '-2' }),
    withModel({ features: [] }), withModel({ bias: 1 }), withModel({ scoring: {} }), withModel({ scoring: { points: -40 } }),
    withFeature({ attribute: 'x', scale: 2, weight: -1 }), withFeature({ attribute: 'x', scale: 0, weight: 1 }),
    withFeature({ attribute: 'x', weight: 1 }), withFeature({ attribute: 'x', mean: 1, equals: 'a', weight: 1 }),
    withFeature({ attribute: 'x', equals: null, weight: 1 }), withFeature({ attribute: 'x', missing: false, weight: 1 }),
    withFeature({ attribute: 'x', mean: 1 }), withFeature({ attribute: '', missing: true, weight: 1 }),
  ];
  const disagreements = cases
    .filter((config) => compiles(config) !== validate(config))
    .map((config) => `${JSON.stringify(config.predictive).slice(0, 120)}: compiler ${compiles(config)}`);
  assert.deepEqual(disagreements, []);
  // What only the compiler can check: cycles and segment references.
  for (const f of [{ attribute: 'score', mean: 10, weight: 1 }, { attribute: 'segments', equals: 'ghost', weight: 1 }]) {
    assert.equal(validate(withFeature(f)), true, JSON.stringify(f));
    assert.equal(compiles(withFeature(f)), false, JSON.stringify(f));
  }
});
