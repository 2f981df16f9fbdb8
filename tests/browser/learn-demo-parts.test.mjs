// The parts of the Predict and Discover page (demo/predict.html) that need
// no browser, on fixed inputs: the sample with outcomes and its planted
// model (scripts/gen-sample-outcomes.mjs, demo/assets/predict-sample.js),
// the outcome column's detection and the lead objects (predict-leads.js), the
// SVG plots (predict-plots.js), planted vs recovered and the exported config
// (predict-model.js), and that the page's first paint states the same truth.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './fixtures/chromium.mjs';
import {
  CLUSTER_FEATURES, OUTCOME_COLUMNS, OUTCOME_ROWS, PLANTED_CLUSTERS, PLANTED_MODEL, outcomeCsv, outcomeLeads, plantedLogOdds,
} from '../../demo/assets/predict-sample.js';
import { detectOutcome, featureRow, outcomeValue, toLeads, withOutcome } from '../../demo/assets/predict-leads.js';
import { AS_OF } from '../../demo/assets/lead-activity.js';
import { calibrationSvg, pathOf, rocSvg } from '../../demo/assets/predict-plots.js';
import { exportConfig, nearestPersona, perUnit, personaProfiles, plantedVsRecovered, progressOf } from '../../demo/assets/predict-model.js';

const CONFIG = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json'), 'utf8'));
const typeValue = (text) => {
  if (text === '') return undefined;
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
};

/** Maximum-likelihood logistic regression by Newton's method: {coef, intercept}. */
function newtonLogistic(x, y) {
  const d = x[0].length + 1;
  let beta = new Array(d).fill(0);
  for (let iter = 0; iter < 50; iter++) {
    const g = new Array(d).fill(0);
    const h = Array.from({ length: d }, () => new Array(d).fill(0));
    x.forEach((row, n) => {
      const r = [1, ...row];
      const p = 1 / (1 + Math.exp(-r.reduce((s, v, i) => s + v * beta[i], 0)));
      for (let i = 0; i < d; i++) {
        g[i] += (y[n] - p) * r[i];
        for (let j = 0; j < d; j++) h[i][j] += p * (1 - p) * r[i] * r[j];
      }
    });
    // Solve h · step = g (Gauss-Jordan with partial pivoting).
    const a = h.map((row, i) => [...row, g[i]]);
    for (let c = 0; c < d; c++) {
      let pivot = c;
      for (let r = c + 1; r < d; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
      [a[c], a[pivot]] = [a[pivot], a[c]];
      for (let r = 0; r < d; r++) {
        if (r === c) continue;
        const f = a[r][c] / a[c][c];
        for (let k = c; k <= d; k++) a[r][k] -= f * a[c][k];
      }
    }
    const step = a.map((row, i) => row[d] / row[i]);
    beta = beta.map((b, i) => b + step[i]);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { intercept: beta[0], coef: beta.slice(1) };
}

describe('the sample with outcomes', () => {
  test('the generator writes the module\'s rows, the same on every run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-outcomes-'));
    try {
      const out = path.join(dir, 'leads.csv');
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'gen-sample-outcomes.mjs'), '--out', out]);
      const text = fs.readFileSync(out, 'utf8');
      assert.equal(text, outcomeCsv());
      const lines = text.trimEnd().split('\n');
      assert.equal(lines.length, OUTCOME_ROWS + 1);
      assert.equal(lines[0], OUTCOME_COLUMNS.join(','));
      assert.ok(lines.every((l) => l.split(',').length === OUTCOME_COLUMNS.length), 'no field needs quoting');
      assert.throws(() => execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'gen-sample-outcomes.mjs'), '--rows', 'x'], { stdio: 'pipe' }), /--rows must be a positive integer/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reads the config\'s attributes and the lead-list activity columns', () => {
    for (const name of ['job_title', 'industry', 'company_size', 'annual_revenue', 'age', 'country', 'newsletter_subscribed']) {
      assert.ok(OUTCOME_COLUMNS.includes(name) && CONFIG.attributes[name], name);
    }
    const metricIds = new Set(CONFIG.metrics.map((m) => m.id));
    for (const f of PLANTED_MODEL.features) assert.ok(CONFIG.attributes[f.attribute] || metricIds.has(f.attribute), `${f.attribute} is an attribute or a metric`);
    for (const f of CLUSTER_FEATURES) assert.ok(CONFIG.attributes[f] || metricIds.has(f), f);
  });

  test('`converted` follows the planted model: predicted and observed agree per decile', () => {
    const leads = outcomeLeads();
    const sorted = [...leads].sort((a, b) => a.probability - b.probability);
    const n = sorted.length / 10;
    for (let d = 0; d < 10; d++) {
      const bin = sorted.slice(d * n, (d + 1) * n);
      const predicted = bin.reduce((s, l) => s + l.probability, 0) / bin.length;
      const observed = bin.filter((l) => l.converted).length / bin.length;
      // Three standard errors of a rate over 300 leads.
      const se = Math.sqrt(Math.max(predicted * (1 - predicted), 0.01) / bin.length);
      assert.ok(Math.abs(predicted - observed) < 3 * se + 0.01, `decile ${d}: predicted ${predicted.toFixed(3)}, observed ${observed.toFixed(3)}`);
    }
    for (const l of leads.slice(0, 50)) assert.equal(l.probability, 1 / (1 + Math.exp(-plantedLogOdds(l.values))));
  });

  test('an unregularised logistic fit recovers the planted coefficients', () => {
    const leads = outcomeLeads();
    const columns = PLANTED_MODEL.features.filter((f) => f.attribute !== 'age');
    const x = leads.map(({ values }) => columns.map((f) => {
      const v = values[f.attribute];
      if (f.kind === 'equals') return v === f.equals ? 1 : 0;
      if (f.kind === 'missing') return v === '' ? 1 : 0;
      return Number(v);
    }));
    const fit = newtonLogistic(x, leads.map((l) => (l.converted ? 1 : 0)));
    columns.forEach((f, i) => {
      // Within 0.35 or 40%: what 3,000 leads can tell (the page says "a few tenths").
      const tolerance = Math.max(0.35, Math.abs(f.coefficient) * 0.4);
      assert.ok(Math.abs(fit.coef[i] - f.coefficient) < tolerance, `${f.attribute}: planted ${f.coefficient}, fitted ${fit.coef[i].toFixed(3)}`);
    });
    assert.ok(Math.abs(fit.intercept - PLANTED_MODEL.intercept) < 0.5, `intercept: planted ${PLANTED_MODEL.intercept}, fitted ${fit.intercept.toFixed(3)}`);
  });

  test('the personas are planted apart in the clustering features', () => {
    const { personas, spread, sizes } = personaProfiles(outcomeLeads(), CLUSTER_FEATURES);
    assert.deepEqual(Object.keys(sizes).sort(), PLANTED_CLUSTERS.map((c) => c.id).sort());
    assert.equal(Object.values(sizes).reduce((a, b) => a + b, 0), OUTCOME_ROWS);
    // Each persona's own profile is nearest to itself, and at least 1.5 SD from every other.
    for (const [id, means] of Object.entries(personas)) {
      assert.equal(nearestPersona(means, personas, spread).id, id);
      for (const [other, m] of Object.entries(personas)) {
        if (other === id) continue;
        const d = Math.sqrt(CLUSTER_FEATURES.reduce((s, f) => s + ((means[f] - m[f]) / spread[f]) ** 2, 0));
        assert.ok(d > 1.5, `${id} vs ${other}: ${d.toFixed(2)} SD apart`);
      }
    }
  });
});

describe('the outcome column and the lead objects', () => {
  test('outcomeValue reads yes/no texts and nothing else', () => {
    for (const t of ['1', 'true', 'TRUE', 'yes', 'Y', 'won', ' true ']) assert.equal(outcomeValue(t), true, t);
    for (const t of ['0', 'false', 'No', 'n', 'lost']) assert.equal(outcomeValue(t), false, t);
    for (const t of ['', '2', 'maybe', 'truex', undefined]) assert.equal(outcomeValue(t), null, String(t));
  });

  test('converted / won / outcome are chosen without asking; other yes/no columns are offered', () => {
    const sample = detectOutcome(OUTCOME_COLUMNS, outcomeLeads(200).map((l) => l.row));
    assert.equal(sample.auto, 'converted');
    assert.deepEqual(sample.candidates.map((c) => c.name).sort(), ['converted', 'demo_requested', 'newsletter_subscribed']);

    const header = ['email', 'Won', 'signed', 'score', 'all_yes'];
    const records = [['a@x', 'yes', '1', '10', 'yes'], ['b@x', 'no', '0', '20', 'yes'], ['c@x', '', '1', '30', 'yes']];
    const found = detectOutcome(header, records);
    assert.equal(found.auto, 'Won');
    assert.deepEqual(found.candidates, [{ name: 'Won', positives: 1, labelled: 2 }, { name: 'signed', positives: 2, labelled: 3 }]);
    assert.equal(detectOutcome(['email', 'signed'], [['a', '1'], ['b', '0']]).auto, null, 'signed is offered, not chosen');
    assert.deepEqual(detectOutcome(['email', 'score'], [['a', '3'], ['b', '0']]).candidates, [], 'a number column is no outcome');
  });

  test('a lead holds the config\'s attributes, its activity as events and the outcome; nothing else', () => {
    const rows = outcomeLeads(30);
    const { leads, unlabelled, attributes, activity } = toLeads(OUTCOME_COLUMNS, rows.map((l) => l.row), { config: CONFIG, typeValue, outcome: 'converted' });
    assert.equal(unlabelled, 0);
    assert.equal(leads.length, 30);
    assert.deepEqual(attributes.sort(), ['age', 'annual_revenue', 'company_size', 'country', 'industry', 'job_title', 'newsletter_subscribed']);
    assert.ok(activity.includes('page_views_30d') && activity.includes('guide_downloads'));
    for (const [i, lead] of leads.entries()) {
      assert.equal(lead.converted, rows[i].converted);
      assert.equal(lead.lead_id, undefined, 'the id is no feature');
      assert.equal(lead.persona, undefined, 'the planted persona is no feature');
      assert.equal(lead.job_title, rows[i].values.job_title);
      assert.ok(lead.events.every((e) => typeof e.type === 'string' && Number.isInteger(e.at) && e.at <= AS_OF && Object.keys(e).every((k) => ['type', 'at', 'props'].includes(k))));
      assert.equal(lead.events.filter((e) => e.type === 'page_view').length, rows[i].values.page_views_30d);
      assert.equal(lead.events.filter((e) => e.type === 'download').length, rows[i].values.guides_downloaded);
    }
    const discover = toLeads(OUTCOME_COLUMNS, rows.map((l) => l.row), { config: CONFIG, typeValue });
    assert.ok(discover.leads.every((l) => !('converted' in l)), 'discovery leads carry no outcome');

    const mixed = toLeads(['email', 'industry', 'won'], [['a', 'Software', 'yes'], ['b', 'Retail', ''], ['c', 'Media', 'no']], { config: CONFIG, typeValue, outcome: 'won' });
    assert.equal(mixed.unlabelled, 1);
    assert.deepEqual(mixed.leads, [{ industry: 'Software', won: true }, { industry: 'Media', won: false }]);
    assert.throws(() => toLeads(['email'], [], { config: CONFIG, typeValue, outcome: 'won' }), /the outcome column "won" is not in the file/);
  });

  test('feature rows: a lead\'s fields and metrics without rule results; the outcome added, unlabelled rows left out', () => {
    const result = { industry: 'Software', converted: true, segments: ['a'], score: 12, grade: 'B', stage: 'lead', temperature: 'warm', metrics: { visits_30d: 3, cart_value: null } };
    assert.deepEqual(featureRow(result, 0), { industry: 'Software', converted: true, visits_30d: 3, cart_value: null });
    assert.throws(() => featureRow({ error: 'bad event' }, 4), /lead 5: bad event/);
    const rows = [{ industry: 'A' }, { industry: 'B' }, { industry: 'C', won: 'x' }];
    assert.deepEqual(withOutcome(rows, ['industry', 'won'], [['A', 'yes'], ['B', ''], ['C', '0']], 'won'), [{ industry: 'A', won: true }, { industry: 'C', won: false }]);
    assert.throws(() => withOutcome(rows, ['industry'], [], 'won'), /the outcome column "won" is not in the file/);
  });

  test('the activity columns replay into exactly the planted metric values', async () => {
    const { createEngine } = await import('../../web/src/node.js');
    let time = 0;
    const engine = await createEngine({ config: CONFIG, now: () => time });
    try {
      const rows = outcomeLeads(150);
      const { leads } = toLeads(OUTCOME_COLUMNS, rows.map((l) => l.row), { config: CONFIG, typeValue });
      for (const [i, lead] of leads.entries()) {
        await engine.erase();
        for (const e of lead.events) {
          time = e.at;
          engine.track(e.type, e.props ?? {});
        }
        time = AS_OF;
        const metrics = engine.metrics();
        for (const f of ['page_views_30d', 'emails_opened_30d', 'guides_downloaded', 'demo_requests', 'visits_30d']) {
          assert.equal(metrics[f] ?? 0, rows[i].values[f], `lead ${i}: ${f}`);
        }
      }
    } finally {
      engine.destroy();
    }
  });
});

describe('plots from fixed inputs', () => {
  test('the ROC curve goes through the given points, from (0,0) to (1,1)', () => {
    const svg = rocSvg([[0.1, 0.5], [0.5, 0.9]], { auc: 0.8125 });
    // Plot area: x 44..308, y 12..220.
    assert.match(svg, /<path class="curve" d="M44 220 L70\.4 116 L176 32\.8 L308 12"/);
    assert.match(svg, /aria-label="ROC curve, AUC 0\.813"/);
    assert.match(svg, />AUC 0\.813</);
    assert.match(svg, /<line class="diagonal" x1="44" y1="220" x2="308" y2="12"/);
    assert.doesNotMatch(svg, /style=/, 'no inline styles under the CSP');
    assert.match(rocSvg([]), /d="M44 220 L308 12"/, 'no points: the diagonal');
    const objects = rocSvg([{ fpr: 0, tpr: 0, threshold: 1 }, { fpr: 0.1, tpr: 0.5, threshold: 0.6 }, { fpr: 0.5, tpr: 0.9, threshold: 0.2 }, { fpr: 1, tpr: 1, threshold: 0 }]);
    assert.match(objects, /d="M44 220 L70\.4 116 L176 32\.8 L308 12"/, 'trainModel()\'s {fpr, tpr, threshold} points');
    assert.equal(pathOf([[2, -1]]), 'M308 220', 'clamped to the axes');
  });

  test('the calibration plot has a dot per non-empty bin at (predicted, observed)', () => {
    const calibration = [
      { bin: 1, predicted: 0.05, observed: 0.1, count: 100 },
      { bin: 2, predicted: 0.5, observed: 0.4, count: 25 },
      { bin: 3, predicted: 0.9, observed: 0.95, count: 0 },
    ];
    assert.match(calibrationSvg([{ decile: 4, predicted: 0.3, observed: 0.25, count: 300 }]), /<title>decile 4: predicted 30\.0%, observed 25\.0% of 300<\/title>/);
    const svg = calibrationSvg(calibration);
    const dots = [...svg.matchAll(/<circle class="bin" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"/g)].map((m) => m.slice(1).map(Number));
    assert.deepEqual(dots, [[57.2, 199.2, 8], [176, 136.8, 5.5]]);
    assert.match(svg, /<path class="curve" d="M57\.2 199\.2 L176 136\.8"/);
    assert.match(svg, /in 2 bins/);
    assert.match(svg, /bin 2: predicted 50\.0%, observed 40\.0% of 25/);
    assert.equal(calibrationSvg([]).includes('<circle'), false);
  });
});

describe('results into the page and the config', () => {
  const predictive = {
    id: 'conversion', model: 'logistic', intercept: -1.2,
    features: [
      { attribute: 'page_views_30d', mean: 8, scale: 10, weight: 0.6 },
      { attribute: 'guides_downloaded', mean: 1, scale: 2, weight: 0.8 },
      { attribute: 'industry', equals: 'Software', weight: 0.7 },
      { attribute: 'industry', equals: 'Retail', weight: -0.1 },
      { attribute: 'annual_revenue', missing: true, weight: -0.5 },
      { attribute: 'annual_revenue', mean: 5e6, scale: 1e7, weight: 0.01 },
    ],
  };

  test('weights per unit next to the planted ones; the intercept back at zero', () => {
    assert.equal(perUnit(predictive.features[0]), 0.06);
    assert.equal(perUnit({ attribute: 'a', weight: 0.3 }), 0.3, 'no scale: per unit already');
    const rows = Object.fromEntries(plantedVsRecovered(PLANTED_MODEL, predictive).map((r) => [r.label, r]));
    assert.equal(rows.page_views_30d.recovered, 0.06);
    assert.equal(rows.guides_downloaded.recovered, 0.4);
    assert.equal(rows['industry = Software'].recovered, 0.7);
    assert.equal(rows['annual_revenue missing'].recovered, -0.5);
    assert.equal(rows['job_title = CTO'].recovered, null, 'not in the model');
    const asOneHot = plantedVsRecovered(PLANTED_MODEL, { intercept: 0, features: [{ attribute: 'newsletter_subscribed', equals: true, weight: 0.45 }] });
    assert.equal(asOneHot.find((r) => r.label === 'newsletter_subscribed').recovered, 0.45, 'a yes/no attribute learned as one-hot true');
    assert.equal(rows.page_views_30d.planted, 0.06);
    const intercept = rows['intercept (log-odds when every feature is 0)'].recovered;
    assert.ok(Math.abs(intercept - (-1.2 - 0.06 * 8 - 0.4 * 1 - 1e-9 * 5e6)) < 1e-9);
  });

  test('the exported config has the model and the added segments, and the page\'s config is untouched', () => {
    const before = JSON.stringify(CONFIG);
    const segment = { id: 'high_intent_tech', name: 'Heavy readers', kind: 'behavioral', condition: { emails_opened_30d: { $gte: 8 } } };
    const out = exportConfig(CONFIG, { predictive, segments: [segment, { ...segment }], points: 25 });
    assert.equal(JSON.stringify(CONFIG), before);
    assert.deepEqual(out.predictive.scoring, { points: 25 });
    assert.deepEqual(exportConfig(CONFIG, { predictive: { ...predictive, scoring: { points: 40 } }, points: 10 }).predictive.scoring, { points: 10 }, 'the page\'s points win');
    assert.deepEqual(exportConfig(CONFIG, { predictive: { ...predictive, scoring: { points: 30 } } }).predictive.scoring, { points: 30 }, 'no points: the model\'s own');
    assert.deepEqual(exportConfig(CONFIG, { predictive }).predictive.scoring, { points: 40 }, 'neither: the default');
    assert.deepEqual(out.predictive.features, predictive.features);
    assert.equal(out.segments.length, CONFIG.segments.length + 2);
    assert.deepEqual(out.segments.slice(-2).map((s) => s.id), ['high_intent_tech_2', 'high_intent_tech_3'], 'ids made unique');
    assert.equal(exportConfig(CONFIG, { predictive: { ...predictive, grading: { points: 10 } } }).predictive.scoring, undefined, 'the model\'s own grading is kept');
    assert.equal(exportConfig(CONFIG).predictive, undefined);
    assert.equal(JSON.stringify(exportConfig(CONFIG)), before);
  });

  test('progress reads as a fraction, counts or a phase', () => {
    assert.deepEqual(progressOf(0.25), { fraction: 0.25, text: '25%' });
    assert.deepEqual(progressOf({ phase: 'fold', done: 2, total: 5 }), { fraction: 0.4, text: 'fold · 2 of 5 · 40%' });
    assert.deepEqual(progressOf({ fraction: 1.5 }), { fraction: 1, text: '150%' });
    assert.deepEqual(progressOf(undefined), { fraction: null, text: 'Working…' });
  });
});

describe('the page\'s first paint states the sample\'s truth', () => {
  const html = fs.readFileSync(path.join(REPO_ROOT, 'demo', 'predict.html'), 'utf8');
  const leads = outcomeLeads();
  const fmt = (n) => new Intl.NumberFormat('en-US').format(n);

  test('the planted model table holds PLANTED_MODEL', () => {
    const rows = [...html.matchAll(/<tr data-label="([^"]+)">.*?<td class="num planted">([^<]+)<\/td>/g)].map((m) => [m[1], Number(m[2].replace('−', '-'))]);
    const expected = plantedVsRecovered(PLANTED_MODEL, null).map((r) => [r.label, r.planted]);
    assert.deepEqual(rows, expected);
    assert.ok(html.includes(`an intercept of −${Math.abs(PLANTED_MODEL.intercept)}`));
  });

  test('the counts, the seed and the personas are the generated ones', () => {
    const converted = leads.filter((l) => l.converted).length;
    assert.ok(html.includes(`${fmt(converted)} converted (${(100 * converted / leads.length).toFixed(1)}%)`));
    assert.ok(html.includes(`converted (${fmt(converted)} of ${fmt(leads.length)} yes)`));
    assert.ok(html.includes(`The sample: ${fmt(OUTCOME_ROWS)} leads`));
    const { sizes } = personaProfiles(leads, CLUSTER_FEATURES);
    for (const c of PLANTED_CLUSTERS) assert.ok(html.includes(`<h3>${c.name} <span class="muted">planted · ${fmt(sizes[c.id])} leads</span></h3>`), c.name);
  });
});
