// The wasm module's raw exports, in node.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadLeadseg } from './load.mjs';

let leadseg;
before(async () => {
  leadseg = await loadLeadseg();
});

test('exports the documented functions', () => {
  for (const name of ['version', 'evalCondition', 'jsonLogicApply', 'runConformance']) {
    assert.equal(typeof leadseg[name], 'function', `${name} is exported`);
  }
});

test('version() is a non-empty string', () => {
  const v = leadseg.version();
  assert.equal(typeof v, 'string');
  assert.ok(v.length > 0);
});

test('evalCondition: a matching condition is true', () => {
  assert.equal(leadseg.evalCondition('{"age":{"$gt":18}}', '{"age":30}'), true);
});

test('evalCondition: a non-matching condition is false', () => {
  assert.equal(leadseg.evalCondition('{"age":{"$gt":18}}', '{"age":12}'), false);
});

test('evalCondition: the realistic B2B lead example from the demo', () => {
  const condition = JSON.stringify({
    job_title: { $in: ['CTO', 'IT Manager'] },
    industry: 'Technology',
    pricing_views: { $gte: 2 },
  });
  const lead = { job_title: 'CTO', industry: 'Technology', pricing_views: 3 };
  assert.equal(leadseg.evalCondition(condition, JSON.stringify(lead)), true);
  assert.equal(
    leadseg.evalCondition(condition, JSON.stringify({ ...lead, pricing_views: 1 })),
    false,
  );
});

test('evalCondition: saved groups ($inGroup)', () => {
  const groups = JSON.stringify({ vip: ['acme.com', 'globex.com'] });
  assert.equal(
    leadseg.evalCondition('{"domain":{"$inGroup":"vip"}}', '{"domain":"acme.com"}', groups),
    true,
  );
  assert.equal(
    leadseg.evalCondition('{"domain":{"$inGroup":"vip"}}', '{"domain":"initech.com"}', groups),
    false,
  );
});

test('evalCondition: invalid JSON throws an Error, and the module stays usable', () => {
  let caught;
  try {
    leadseg.evalCondition('{"age":{"$gt":', '{"age":30}');
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, 'invalid JSON must throw');
  assert.ok(caught instanceof Error, `expected an Error, got ${typeof caught}: ${String(caught)}`);
  assert.equal(typeof caught.message, 'string');
  assert.ok(caught.message.length > 0, 'the message says what is wrong');
  assert.equal(typeof caught.path, 'string', 'errors carry a JSON pointer `path` (maybe "")');
  // Still usable after the error.
  assert.equal(leadseg.evalCondition('{"age":{"$gt":18}}', '{"age":30}'), true);
  assert.equal(typeof leadseg.version(), 'string');
});

test('evalCondition: invalid attributes JSON throws an Error', () => {
  assert.throws(
    () => leadseg.evalCondition('{"age":{"$gt":18}}', '{"age":'),
    (err) => err instanceof Error && typeof err.message === 'string' && typeof err.path === 'string',
  );
  assert.equal(leadseg.evalCondition('{}', '{}'), true);
});

test('evalCondition: a rule error names its JSON path', () => {
  assert.throws(
    () => leadseg.evalCondition('{"pricing_views":{"$gtee":2}}', '{"pricing_views":3}'),
    (err) => err instanceof Error && /\$gtee/.test(err.message) && err.path === '/pricing_views/$gtee',
  );
  assert.throws(
    () => leadseg.evalCondition('{"tags":{"$in":"x"}}', '{}'),
    (err) => err instanceof Error && err.path === '/tags/$in',
  );
});

test('many failing calls in a row do not break the module', () => {
  for (let i = 0; i < 200; i++) {
    assert.throws(
      () => leadseg.evalCondition('{', '{}'),
      (err) => err instanceof Error && typeof err.path === 'string',
    );
  }
  assert.equal(leadseg.evalCondition('{"n":{"$lt":5}}', '{"n":4}'), true);
});

test('jsonLogicApply returns the JSON of the result', () => {
  assert.deepEqual(JSON.parse(leadseg.jsonLogicApply('{"+":[1,2]}', 'null')), 3);
  assert.deepEqual(
    JSON.parse(leadseg.jsonLogicApply('{"var":"a.b"}', '{"a":{"b":[1,"x"]}}')),
    [1, 'x'],
  );
  assert.deepEqual(
    JSON.parse(leadseg.jsonLogicApply('{"and":[{">=":[{"var":"score"},50]},{"in":["pricing",{"var":"pages"}]}]}',
      '{"score":72,"pages":["home","pricing"]}')),
    true,
  );
});

test('jsonLogicApply: invalid JSON throws an Error', () => {
  assert.throws(
    () => leadseg.jsonLogicApply('{"+":[1,', 'null'),
    (err) => err instanceof Error && typeof err.message === 'string' && typeof err.path === 'string',
  );
  assert.deepEqual(JSON.parse(leadseg.jsonLogicApply('{"==":[1,1]}', '{}')), true);
});
