// Replays tests/scenarios/*.json through the wasm Engine: the same
// hand-computed expectations the native GoogleTest runner checks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadLeadseg, REPO_ROOT } from './load.mjs';

let leadseg;
before(async () => {
  leadseg = await loadLeadseg();
});

const UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

/** "2d1h1ms" -> milliseconds */
function parseOffset(text) {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([a-z]*)/g)) total += Number(n) * (UNITS[unit] ?? 1);
  return total;
}

const scenarioDir = path.join(REPO_ROOT, 'tests', 'scenarios');
for (const file of fs.readdirSync(scenarioDir).filter((f) => f.endsWith('.json'))) {
  test(`scenario ${file}`, () => {
    const scenario = JSON.parse(fs.readFileSync(path.join(scenarioDir, file), 'utf8'));
    const engine = new leadseg.Engine();
    try {
      engine.load(fs.readFileSync(path.join(REPO_ROOT, scenario.config), 'utf8'));
      scenario.steps.forEach((step, i) => {
        const at = scenario.start + parseOffset(step.at);
        let r;
        if (step.identify) r = engine.identify(JSON.stringify(step.identify), at);
        else if (step.track) r = engine.track(step.track, JSON.stringify(step.props ?? {}), at);
        else if (step.declare) r = engine.declare(step.declare, JSON.stringify(step.value), at);
        else if (step.advance) r = engine.advance(at);
        const where = `step ${i} (${JSON.stringify(step).slice(0, 80)})`;
        const { expect } = step;
        if (expect.entered) assert.deepEqual(r.entered, expect.entered, where);
        if (expect.exited) assert.deepEqual(r.exited, expect.exited, where);
        if (expect.segments) assert.deepEqual(engine.segments(), expect.segments, where);
        if (expect.metrics) {
          const metrics = engine.metrics();
          for (const [k, v] of Object.entries(expect.metrics)) assert.deepEqual(metrics[k], v, `${where}: ${k}`);
        }
        if (expect.stages) assert.deepEqual(r.stages.map(({ from, to }) => ({ from, to })), expect.stages, where);
        if ('temperature' in expect) assert.equal(r.temperature, expect.temperature, where);
        if ('mql' in expect) assert.equal(r.mql, expect.mql, where);
        if ('sql' in expect) assert.equal(r.sql, expect.sql, where);
        if (expect.score) {
          const breakdown = engine.score();
          for (const [k, v] of Object.entries(expect.score)) {
            if (typeof v === 'number') assert.ok(Math.abs(breakdown[k] - v) < 1e-9, `${where}: ${k} = ${breakdown[k]}, expected ${v}`);
            else assert.deepEqual(breakdown[k], v, `${where}: ${k}`);
          }
        }
        if (expect.attributes) {
          const view = engine.attributes();
          for (const [k, v] of Object.entries(expect.attributes)) assert.deepEqual(view[k], v, `${where}: ${k}`);
        }
      });
    } finally {
      engine.delete();
    }
  });
}

test('engine errors are Errors and leave the engine as it was', () => {
  const engine = new leadseg.Engine();
  try {
    engine.load(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8'));
    engine.identify('{"job_title":"CTO"}', 1767225600000);
    const before = engine.exportProfile();
    assert.throws(() => engine.track('', '{}', 1767225600000), (e) => e instanceof Error && /event type/.test(e.message));
    assert.throws(() => engine.track('x', '{bad', 1767225600000), (e) => e instanceof Error && /not valid JSON/.test(e.message));
    assert.throws(() => engine.identify('{"pricing_views_2d":1}', 1767225600000), /reserved/);
    assert.throws(() => engine.restore(new Uint8Array([1, 2, 3])), /snapshot/);
    assert.deepEqual(engine.exportProfile(), before);
    const bytes = engine.snapshot();
    assert.ok(bytes instanceof Uint8Array && bytes.length > 13);
    const other = new leadseg.Engine();
    other.load(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8'));
    other.restore(bytes);
    assert.deepEqual(other.exportProfile(), before);
    other.delete();
    assert.throws(() => engine.load('{"segments": [{"id": "x", "condition": {"a": {"$bogus": 1}}}]}'), (e) => {
      return e.path === '/segments/0/condition/a/$bogus' && Array.isArray(e.diagnostics);
    });
    assert.deepEqual(engine.exportProfile(), before, 'a failed load keeps the previous config and profile');
  } finally {
    engine.delete();
  }
});
