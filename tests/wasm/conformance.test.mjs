// The shared conformance suites, run through the wasm module in node.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadLeadseg, SHARED_DIR } from './load.mjs';

const GROWTHBOOK = path.join(SHARED_DIR, 'conformance', 'growthbook-cases.json');
const JSONLOGIC = path.join(SHARED_DIR, 'conformance', 'jsonlogic-tests.json');

let leadseg;
before(async () => {
  leadseg = await loadLeadseg();
});

function report(file) {
  const text = fs.readFileSync(file, 'utf8');
  const out = leadseg.runConformance(text);
  assert.equal(typeof out, 'string');
  const lines = out.trimEnd().split('\n');
  return { out, lines, last: lines[lines.length - 1] };
}

test('GrowthBook cases: evalCondition passes all 248 cases', () => {
  const { out, lines, last } = report(GROWTHBOOK);
  assert.ok(
    lines.includes('evalCondition: 248 passed, 0 failed'),
    `expected "evalCondition: 248 passed, 0 failed" in:\n${out}`,
  );
  assert.match(last, /^\d+ passed, \d+ failed$/, `last line is the total:\n${out}`);
});

test('JsonLogic suite: the report ends with 0 failed', () => {
  const { out, last } = report(JSONLOGIC);
  assert.match(last, /^\d+ passed, 0 failed$/, `expected "N passed, 0 failed" last:\n${out}`);
  const passed = Number(last.split(' ')[0]);
  assert.ok(passed > 0, 'some JsonLogic cases ran');
});

test('a malformed conformance file throws an Error', () => {
  assert.throws(
    () => leadseg.runConformance('{"evalCondition": ['),
    (err) => err instanceof Error && typeof err.message === 'string',
  );
});
