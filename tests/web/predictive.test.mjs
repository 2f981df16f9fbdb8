// The `predictive` config section through the package (docs/config.md
// "Predictive scoring"): the worked example's numbers, score() and explain()
// with JSON and compiled configs, reload, and a bad model refused by name.
//
//   node --test tests/web/predictive.test.mjs      (needs the wasm build)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compileConfig, createEngine, MemoryStorage } from '../../web/src/node.js';
import { HOUR, REPO_ROOT, exampleConfig, fakeClock } from './helpers.mjs';

const MODEL = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'examples', 'predictive.json'), 'utf8')).predictive;

/** The worked example: b2b-saas.json with the 20-feature model. */
function workedExample() {
  return { ...exampleConfig(), predictive: structuredClone(MODEL) };
}

/** The docs' journey: a US Software CTO who requests a demo 6 hours in. */
function journey(engine, clock) {
  engine.identify({ job_title: 'CTO', industry: 'Software', company_size: 40, country: 'US', newsletter_subscribed: true });
  engine.declare('interests', ['security']);
  engine.track('session_start', { utm_source: 'google' });
  for (const h of [1, 2, 3]) {
    clock.t = clock.start + h * HOUR;
    engine.track('page_view', { path: '/pricing' });
  }
  clock.t = clock.start + 4 * HOUR;
  engine.track('page_view', { path: '/docs' });
  clock.t = clock.start + 6 * HOUR;
  engine.track('form_submit', { form: 'demo' });
}

async function scored(config, options = {}) {
  const clock = fakeClock();
  clock.start = clock.t;
  const engine = await createEngine({ config, now: clock.now, ...options });
  journey(engine, clock);
  return { engine, clock };
}

test('the worked example: the numbers docs/config.md shows', async () => {
  const { engine } = await scored(workedExample());
  const score = engine.score();
  const p = score.predictive;
  assert.equal(p.id, 'conversion');
  assert.equal(p.name, 'Likely to convert');
  assert.equal(p.rule, 'predictive:conversion');
  // logit = -2.31 + 4.741433..., by hand in the docs' table.
  assert.ok(Math.abs(p.logit - 2.431433712121213) < 1e-12, String(p.logit));
  assert.ok(Math.abs(p.probability - 1 / (1 + Math.exp(-2.431433712121213))) < 1e-12, String(p.probability));
  assert.equal(p.probability.toFixed(4), '0.9192');
  assert.equal(p.points, 37);
  assert.equal(p.gradePoints, 28);
  // 14 features contributed; the first three as in the docs.
  assert.equal(p.contributions.length, 14);
  assert.deepEqual(p.contributions[0], { attribute: 'pricing_views_2d', kind: 'numeric', value: 3, contribution: p.contributions[0].contribution });
  assert.ok(Math.abs(p.contributions[0].contribution - 0.61 * 2.2 / 1.4) < 1e-12);
  const software = p.contributions.find((c) => c.kind === 'equals' && c.attribute === 'industry');
  assert.deepEqual(software, { attribute: 'industry', kind: 'equals', equals: 'Software', value: 'Software', contribution: 0.42 });
  const interests = p.contributions.find((c) => c.attribute === 'declared.interests');
  assert.deepEqual(interests.value, ['security']);
  const missing = p.contributions.filter((c) => c.kind === 'missing');
  assert.deepEqual(missing.map((c) => [c.attribute, c.value, c.contribution]), [['annual_revenue', null, -0.12]]);
  // The model is a rule in the score's traits and in the fit.
  const rule = score.traits.rules.find((r) => r.rule === 'predictive:conversion');
  assert.deepEqual(rule, { rule: 'predictive:conversion', points: 37, matched: true });
  const sumOfTraits = score.traits.rules.filter((r) => r.matched).reduce((s, r) => s + r.points, 0);
  assert.equal(score.traits.value, sumOfTraits);
  assert.deepEqual(score.fit.rules.at(-1), { rule: 'predictive:conversion', points: 28, matched: true });
  assert.equal(score.fit.points, 30 + 40 + 30 + 28);
  engine.destroy();
});

test('the model moves the score, and segments on it see the points', async () => {
  const withModel = await scored(workedExample());
  const without = await scored(exampleConfig());
  const a = withModel.engine.score();
  const b = without.engine.score();
  assert.equal(b.predictive, null);
  assert.ok(Math.abs(a.score - (b.score + 37)) < 1e-9, `${a.score} vs ${b.score}`);
  // sales_ready reads leadCell, which the model's grade points feed.
  const explained = withModel.engine.explain('sales_ready');
  assert.deepEqual(explained.predictive, a.predictive);
  assert.equal(withModel.engine.explain('from_search').predictive, null);
  assert.equal('predictive' in without.engine.explain('sales_ready'), false);
  withModel.engine.destroy();
  without.engine.destroy();
});

test('a compiled config carries the model: the same breakdown as the JSON', async () => {
  const bytes = await compileConfig(workedExample());
  assert.equal(bytes[4], 4, 'format version 4');
  const fromJson = await scored(workedExample());
  const fromBytes = await scored(bytes);
  assert.deepEqual(fromBytes.engine.score(), fromJson.engine.score());
  assert.deepEqual(fromBytes.engine.explain('sales_ready'), fromJson.engine.explain('sales_ready'));
  assert.deepEqual(fromBytes.engine.segments(), fromJson.engine.segments());
  fromJson.engine.destroy();
  fromBytes.engine.destroy();
});

test('after a reload the model scores the restored profile alike (nothing of it is stored)', async () => {
  const storage = new MemoryStorage();
  const first = await scored(workedExample(), { storage, consent: { storage: true } });
  const before = first.engine.score();
  await first.engine.flush();
  first.engine.destroy();
  const again = await createEngine({ config: workedExample(), now: first.clock.now, storage, consent: { storage: true } });
  assert.deepEqual(again.score().predictive, before.predictive);
  assert.equal(again.score().score, before.score);
  again.destroy();
});

test('a bad model is refused with its JSON path, from JSON and from compileConfig()', async () => {
  const config = workedExample();
  config.predictive.features[3].scale = 0;
  for (const attempt of [() => createEngine({ config }), () => compileConfig(config)]) {
    await assert.rejects(attempt, (error) => {
      assert.equal(error.name, 'LeadsegError');
      assert.match(error.message, /scale must be above 0/);
      assert.equal(error.path, '/predictive/features/3/scale');
      return true;
    });
  }
});
