// trainModel() and discoverSegments() (docs/predictive.md) through the
// package's node entry point: planted data is recovered, the exported
// section has the agreed shape and evaluates to the model's own
// probabilities, cluster conditions mean what their precision and recall
// say (checked with segmentLeads, the runtime's own condition evaluator),
// and bad input rejects with a LeadsegError naming the option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverSegments, segmentLeads, trainModel } from '../../web/src/node.js';
import { DAY, exampleConfig, seededRandom, START } from './helpers.mjs';

// Planted model: log-odds = -1 + 0.5 (visits - 4) + 1.2 [industry = Software] - 0.8 [no company_size].
function plantedLeads(n, seed = 1) {
  const r = seededRandom(seed);
  const industries = ['Software', 'Retail', 'Finance'];
  const leads = [];
  for (let i = 0; i < n; i++) {
    const visits = Math.floor(r() * 9);
    const industry = industries[Math.floor(r() * 3)];
    const size = r() < 0.2 ? undefined : Math.round(10 + r() * 990);
    const eta = -1 + 0.5 * (visits - 4) + (industry === 'Software' ? 1.2 : 0) - (size === undefined ? 0.8 : 0);
    const lead = { email: `lead${i}@example.com`, visits, industry, converted: r() < 1 / (1 + Math.exp(-eta)) };
    if (size !== undefined) lead.company_size = size;
    leads.push(lead);
  }
  return leads;
}

const CONFIG = { version: 1, segments: [{ id: 'everyone', condition: {} }] };

test('trainModel recovers a planted model and exports the predictive section', async () => {
  const stages = new Set();
  const result = await trainModel(CONFIG, plantedLeads(3000), {
    outcome: 'converted', now: START, onProgress: (p) => stages.add(p.stage),
  });
  const { predictive, metrics, weights, roc } = result;
  assert.deepEqual([...stages].sort(), ['features', 'final', 'fold']);
  assert.equal(predictive.id, 'conversion');
  assert.equal(predictive.model, 'logistic');
  assert.deepEqual(predictive.scoring, { points: 40 });
  assert.equal(predictive.trainedOn.rows, 3000);
  assert.equal(predictive.trainedOn.at, new Date(START).toISOString());
  assert.ok(!('email' in Object.fromEntries(predictive.features.map((f) => [f.attribute, 1]))), 'the id column is no feature');
  const byLabel = Object.fromEntries(weights.map((w) => [w.feature, w]));
  assert.ok(Math.abs(byLabel.visits.perUnit - 0.5) < 0.1, `visits per unit ${byLabel.visits.perUnit}`);
  assert.ok(byLabel['industry = Software'].weight > 0.6);
  assert.ok(byLabel['company_size missing'].weight < -0.3);
  assert.match(byLabel.visits.text, /^visits: \+0\.\d+ log-odds per unit/);
  for (let i = 1; i < weights.length; i++) assert.ok(Math.abs(weights[i - 1].weight) >= Math.abs(weights[i].weight), 'by |weight|');
  assert.ok(metrics.auc > 0.75 && metrics.auc < 1, `auc ${metrics.auc}`);
  assert.ok(metrics.logLoss > 0 && metrics.brier > 0 && metrics.brier < 0.25);
  assert.equal(metrics.validation.kind, 'cross-validation');
  assert.equal(metrics.validation.folds, 5);
  assert.equal(metrics.validation.rows, 3000);
  assert.equal(metrics.calibration.length, 10);
  for (const bin of metrics.calibration) assert.ok(Math.abs(bin.predicted - bin.observed) < 0.12, JSON.stringify(bin));
  assert.deepEqual([roc[0].fpr, roc[0].tpr], [0, 0]);
  assert.deepEqual([roc.at(-1).fpr, roc.at(-1).tpr], [1, 1]);
  // The same options, the same model.
  const again = await trainModel(CONFIG, plantedLeads(3000), { outcome: 'converted', now: START });
  assert.deepEqual(again.predictive, predictive);
});

test('the exported section, evaluated as docs/predictive.md says, ranks like the planted model', async () => {
  const leads = plantedLeads(2000, 5);
  const { predictive } = await trainModel(CONFIG, leads, { outcome: 'converted', now: START, folds: 1, holdout: 0.25 });
  const probability = (lead) => {
    let eta = predictive.intercept;
    for (const f of predictive.features) {
      const v = lead[f.attribute];
      if (f.missing) eta += v === undefined || v === null ? f.weight : 0;
      else if ('equals' in f) eta += v === f.equals ? f.weight : 0;
      else if (typeof v === 'number') eta += f.weight * (v - (f.mean ?? 0)) / (f.scale ?? 1);
    }
    return 1 / (1 + Math.exp(-eta));
  };
  // Planted: 1 / (1 + e^-2.2) = 0.90 and 1 / (1 + e^3.8) = 0.022.
  const hot = probability({ visits: 8, industry: 'Software', company_size: 500 });
  const cold = probability({ visits: 0, industry: 'Retail' });
  assert.ok(Math.abs(hot - 0.9) < 0.05 && Math.abs(cold - 0.022) < 0.02, `hot ${hot}, cold ${cold}`);
});

test('CSV with yes/no outcomes; leads without an outcome are left out', async () => {
  const rows = ['email,visits,plan,won'];
  const r = seededRandom(9);
  for (let i = 0; i < 400; i++) {
    const visits = Math.floor(r() * 10);
    const won = i % 50 === 0 ? '' : r() < visits / 10 ? 'Yes' : 'no';
    rows.push(`u${i}@x.example,${visits},${i % 3 ? 'pro' : 'free'},${won}`);
  }
  const result = await trainModel(CONFIG, rows.join('\n'), { outcome: 'won', now: START, folds: 4 });
  assert.equal(result.metrics.leftOut, 8);
  assert.equal(result.metrics.rows, 392);
  assert.equal(result.metrics.validation.folds, 4);
  assert.ok(result.weights.find((w) => w.feature === 'visits').weight > 0);
});

test('behavioural features: events replayed into the config metrics', async () => {
  const r = seededRandom(3);
  const leads = [];
  const events = [];
  for (let i = 0; i < 300; i++) {
    const email = `p${i}@example.com`;
    const views = Math.floor(r() * 5);
    for (let v = 0; v < views; v++) events.push({ email, type: 'page_view', at: START - (v + 1) * 3_600_000, path: '/pricing' });
    leads.push({ email, industry: i % 2 ? 'Software' : 'Retail', converted: r() < 0.1 + 0.2 * views ? 1 : 0 });
  }
  const result = await trainModel(exampleConfig(), leads, {
    outcome: 'converted', events, now: START, features: ['pricing_views_2d', 'industry'],
  });
  const views = result.weights.find((w) => w.attribute === 'pricing_views_2d');
  assert.ok(views && views.weight > 0.5, JSON.stringify(result.weights));
  assert.deepEqual([...new Set(result.predictive.features.map((f) => f.attribute))].sort(), ['industry', 'pricing_views_2d']);
});

// Four planted groups of leads.
function clusteredLeads(seed = 11) {
  const r = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const groups = [
    { visits: 2, spend: 20, plan: 'free' }, { visits: 14, spend: 30, plan: 'free' },
    { visits: 3, spend: 300, plan: 'pro' }, { visits: 12, spend: 250, plan: 'enterprise' },
  ];
  const leads = [];
  for (let i = 0; i < 800; i++) {
    const g = groups[i % 4];
    leads.push({ email: `c${i}@example.com`, visits: Math.max(0, Math.round(g.visits + 1.5 * normal())), spend: Math.round(g.spend + 15 * normal()), plan: g.plan, group: i % 4 });
  }
  return leads;
}

test('discoverSegments finds planted groups; each condition matches what its precision and recall say', async () => {
  const leads = clusteredLeads();
  const stages = new Set();
  const found = await discoverSegments(CONFIG, leads, { features: ['visits', 'spend', 'plan'], onProgress: (p) => stages.add(p.stage) });
  assert.deepEqual([...stages].sort(), ['describe', 'features', 'k']);
  assert.equal(found.k, 4);
  assert.equal(found.tried.length, 9);
  assert.equal(found.clusters.reduce((s, c) => s + c.size, 0), 800);
  const config = { ...CONFIG, segments: [...CONFIG.segments, ...found.clusters.map((c) => c.segment)] };
  const { summary } = await segmentLeads(config, leads, { now: START });
  for (const cluster of found.clusters) {
    // Depth-2 rules on quantile thresholds: close, not perfect.
    assert.ok(cluster.precision >= 0.85 && cluster.recall >= 0.85, JSON.stringify(cluster));
    assert.ok(cluster.name.length > 0 && cluster.segment.name === cluster.name);
    // The runtime matches exactly as many leads as the rule did on them.
    const matched = summary.segments[cluster.id];
    assert.equal(matched, Math.round(cluster.size * cluster.recall / cluster.precision), `${cluster.id}: ${JSON.stringify(cluster.condition)}`);
  }
});

test('discoverSegments with k given; ids never collide with the config\'s segments', async () => {
  const leads = clusteredLeads(4);
  const first = await discoverSegments(CONFIG, leads, { k: 2, features: ['visits', 'spend'], seed: 3 });
  const config = { ...CONFIG, segments: [...CONFIG.segments, ...first.clusters.map((c) => c.segment)] };
  const second = await discoverSegments(config, leads, { k: 2, features: ['visits', 'spend'], seed: 3 });
  assert.equal(second.k, 2);
  assert.deepEqual(second.tried.map((t) => t.k), [2]);
  for (const c of second.clusters) assert.ok(!first.clusters.some((f) => f.id === c.id), c.id);
});

test('bad input rejects with a LeadsegError naming the option or column', async () => {
  const leads = plantedLeads(100);
  const cases = [
    [() => trainModel(CONFIG, leads), '/outcome', /outcome is required/],
    [() => trainModel(CONFIG, leads, { outcome: 'nope' }), '/outcome', /no column "nope"/],
    [() => trainModel(CONFIG, leads, { outcome: 'industry' }), '/outcome', /lead 0 has a string \("Software"|Retail|Finance/],
    [() => trainModel(CONFIG, leads, { outcome: 'converted', C: 0 }), '/C', /C must be a positive number/],
    [() => trainModel(CONFIG, leads, { outcome: 'converted', folds: 40 }), '/folds', /folds/],
    [() => trainModel(CONFIG, leads, { outcome: 'converted', features: ['visits', 'missing_col'] }), '/features/1', /"missing_col" is not a column/],
    [() => trainModel(CONFIG, leads, { outcome: 'converted', colour: 1 }), '/colour', /unknown option/],
    [() => trainModel(CONFIG, leads, { outcome: 'converted', points: {} }), '/points', /at least one/],
    [() => trainModel(CONFIG, leads.slice(0, 3), { outcome: 'converted' }), '/outcome', /at least 5 rows of each class/],
    [() => discoverSegments(CONFIG, leads, { kMax: 1 }), '/kMax', /kMax/],
    [() => discoverSegments(CONFIG, leads, { k: 80 }), '/k', /k must be/],
    [() => discoverSegments(CONFIG, 42), '', /leads must be/],
  ];
  for (const [call, path, message] of cases) {
    await assert.rejects(call, (error) => {
      assert.equal(error.name, 'LeadsegError');
      assert.equal(error.path, path, error.message);
      assert.match(error.message, message);
      return true;
    });
  }
});

test('an aborted signal stops training with its reason', async () => {
  const controller = new AbortController();
  const promise = trainModel(CONFIG, plantedLeads(2000), {
    outcome: 'converted', signal: controller.signal,
    onProgress: (p) => { if (p.stage === 'final' && p.done === 1) controller.abort(new Error('stop')); },
  });
  await assert.rejects(promise, /stop/);
});
