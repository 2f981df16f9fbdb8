// The binary attribute boundary (Segmenter.evaluate) against the shared
// benchmark workload: 10,000 profiles x 30 segments with ground truth.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadLeadseg, SHARED_DIR } from './load.mjs';

const WORKLOAD = path.join(SHARED_DIR, 'bench-workload');
let leadseg;
before(async () => {
  leadseg = await loadLeadseg();
});

test('memberships equal expected-membership.txt through the frame path and the JSON path', () => {
  const segments = JSON.parse(fs.readFileSync(path.join(WORKLOAD, 'segments.json'), 'utf8'));
  const profiles = fs.readFileSync(path.join(WORKLOAD, 'profiles.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const expected = fs.readFileSync(path.join(WORKLOAD, 'expected-membership.txt'), 'utf8').trim().split('\n');
  const s = new leadseg.Segmenter();
  try {
    s.load(JSON.stringify({ segments }));
    assert.equal(s.segmentIds().length, 30);
    let mismatches = 0;
    profiles.forEach((p, i) => {
      if (Array.from(s.evaluate(p)).join('') !== expected[i]) mismatches++;
    });
    assert.equal(mismatches, 0);
    // Spot-check the JSON path on every 50th profile.
    for (let i = 0; i < profiles.length; i += 50) {
      const ids = s.evaluateJson(JSON.stringify(profiles[i]));
      const want = segments.filter((_, k) => expected[i][k] === '1').map((x) => x.id);
      assert.deepEqual(ids, want, `profile ${i}`);
    }
  } finally {
    s.delete();
  }
});

test('the frame path handles every value type and rejects bad input clearly', () => {
  const s = new leadseg.Segmenter();
  try {
    s.load(JSON.stringify({ segments: [
      { id: 'nested', condition: { 'company.size': { $gte: 50 }, tags: { $all: ['a', 'b'] } } },
      { id: 'unicode', condition: { city: { $regex: '^Zü' } } },
      { id: 'nullish', condition: { missing: null, flag: false } },
    ] }));
    assert.deepEqual(s.segmentsOf({ company: { size: 80 }, tags: ['b', 'a', 'c'], city: 'Zürich', flag: false }),
      ['nested', 'unicode', 'nullish']);
    assert.deepEqual(s.segmentsOf({ company: { size: '80' }, tags: ['a'], city: 'Zurich', flag: true }), []);
    assert.throws(() => s.evaluate(null), /attributes must be an object/);
    let deep = {};
    for (let i = 0; i < 100; i++) deep = { x: deep };
    assert.throws(() => s.evaluate({ company: deep }), /nests deeper/);
    assert.deepEqual(s.segmentsOf({ company: { size: 80 }, tags: ['a', 'b'] }), ['nested'], 'usable after errors');
  } finally {
    s.delete();
  }
});
