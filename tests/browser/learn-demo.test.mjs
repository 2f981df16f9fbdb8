// demo/predict.html in headless Chromium: real content at first paint (no
// JavaScript at all), the lead list (the sample, a dropped CSV, a CSV with no
// outcome), and, with the package's learning functions built in, the Predict
// and Discover views end to end on the sample: metrics, ROC and calibration
// plots, weights next to the planted truth, clusters that recover the planted
// personas, and the exported config. Screenshots: test-results/learn-*.png.
// Fails on any page error, console error, failed request or CSP violation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { RESULTS_DIR, useChromium, startRepoServer, openCheckedPage, checkPrerequisites } from './fixtures/chromium.mjs';
import { hasLearningApi, LEARNING_MISSING, trainAndDiscover } from './fixtures/learn-page.mjs';
import fs from 'node:fs';
import { REPO_ROOT } from './fixtures/chromium.mjs';
import { PLANTED_CLUSTERS, PLANTED_MODEL, outcomeLeads } from '../../demo/assets/predict-sample.js';

const CONFIG = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json'), 'utf8'));

const FIXED_PREDICTIVE = {
  id: 'conversion', model: 'logistic', intercept: -1.5,
  features: [{ attribute: 'demo_requests', mean: 0.1, scale: 0.3, weight: 0.42 }, { attribute: 'guides_downloaded', mean: 1.5, scale: 2, weight: 0.82 }],
};
const FIXED_LEARNING = `export * from '/web/dist/leadseg.browser.js?real';
window.__learnCalls = {};
export async function trainModel(config, leads, options) {
  window.__learnCalls.train = { leads: leads.length, options: Object.keys(options).sort(), outcome: options.outcome, keys: Object.keys(leads[0]).sort(), first: leads[0] };
  options.onProgress({ stage: 'fold', done: 1, total: 5 });
  if (window.__hang) {
    // Until cancelled, as a long training would.
    await new Promise((resolve, reject) => options.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    predictive: ${JSON.stringify(FIXED_PREDICTIVE)},
    metrics: { auc: 0.8123, logLoss: 0.4012, brier: 0.1271, calibration: [
      { decile: 1, predicted: 0.05, observed: 0.1, count: 100 }, { decile: 2, predicted: 0.5, observed: 0.4, count: 25 }] },
    weights: [{ feature: 'guides_downloaded', weight: 0.82, text: 'guides downloaded: +0.41 per guide' },
      { feature: 'demo_requests', weight: 1.4, text: 'demo requests: +1.4 per request' }],
    roc: [{ fpr: 0, tpr: 0, threshold: 1 }, { fpr: 0.1, tpr: 0.5, threshold: 0.7 }, { fpr: 0.5, tpr: 0.9, threshold: 0.3 }, { fpr: 1, tpr: 1, threshold: 0 }],
  };
}
export async function discoverSegments(config, leads, options) {
  window.__learnCalls.discover = { leads: leads.length, k: options.k, features: options.features, hasOutcome: 'converted' in leads[0], signal: options.signal instanceof AbortSignal, worker: options.worker };
  return { k: 2, silhouette: 0.61, clusters: [
    { id: 'c1', name: 'Heavy readers', size: 880, centroid: { page_views_30d: 2, emails_opened_30d: 14, guides_downloaded: 0.3, visits_30d: 2, company_size: 400 },
      condition: { emails_opened_30d: { $gte: 6 } }, precision: 0.97, recall: 0.95,
      segment: { id: 'heavy_readers', name: 'Heavy readers', condition: { emails_opened_30d: { $gte: 6 } } } },
    { id: 'c2', name: 'Guide downloaders', size: 720, centroid: { page_views_30d: 7, emails_opened_30d: 1, guides_downloaded: 5, visits_30d: 4, company_size: 40 },
      condition: { guides_downloaded: { $gte: 3 } }, precision: 0.9, recall: 0.81,
      segment: { id: 'guide_downloaders', name: 'Guide downloaders', condition: { guides_downloaded: { $gte: 3 } } } },
  ] };
}
`;
const blobOk = { ignoreFailedRequest: (url) => url.startsWith('blob:') };

describe('the Predict and Discover page in headless Chromium', () => {
  const env = useChromium(() => {
    checkPrerequisites();
    return startRepoServer();
  });

  async function openPage({ beforeLoad, ...options } = {}) {
    const checked = await openCheckedPage(env.browser, { timeout: 90_000, ...blobOk, ...options, context: { viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options.context } });
    await beforeLoad?.(checked.page);
    await checked.page.goto(`${env.server.url}predict.html`);
    return checked;
  }

  test('the first paint, without JavaScript, already says what is planted and what each view shows', async () => {
    const checked = await openPage({ context: { javaScriptEnabled: false } });
    const { page } = checked;
    assert.equal(await page.locator('#truth-rows tr').count(), PLANTED_MODEL.features.length + 1);
    assert.equal(await page.locator('.planted-card').count(), PLANTED_CLUSTERS.length);
    assert.match(await page.textContent('#roc-plot'), /Train to draw it/);
    assert.match(await page.textContent('#calibration-plot'), /diagonal/);
    assert.equal(await page.inputValue('#outcome'), 'converted');
    assert.match(await page.textContent('#source-label'), /the sample \(3,000 leads\)/);
    assert.equal(await page.getAttribute('.demobar-links a[aria-current="page"]', 'href'), '/predict.html');
    await checked.done();
  });

  test('the demo\'s other pages link here', async () => {
    for (const page of ['index.html', 'pricing.html', 'leads.html']) {
      const html = await (await fetch(`${env.server.url}${page}`)).text();
      assert.equal(html.match(/<a href="\/predict.html">Predict and discover<\/a>/g)?.length, 1, page);
    }
  });

  test('a dropped CSV: its outcome column is found, or the page says there is none', async () => {
    const checked = await openPage();
    const { page } = checked;
    await page.waitForSelector('body[data-ready="true"]');
    const csv = 'email,industry,visits_30d,signed,Won\na@x.example,Software,3,1,yes\nb@x.example,Retail,1,0,no\nc@x.example,Media,0,1,\n';
    await page.setInputFiles('#file-input', { name: 'crm.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForFunction(() => document.querySelector('#source-label').textContent.includes('crm.csv'));
    assert.equal(await page.textContent('#source-label'), 'crm.csv (3 leads)');
    assert.equal(await page.textContent('#source-columns'), 'Features: 1 attribute of the config (industry) and 1 activity column, replayed into the config\'s 15 metrics; 1 other column ignored (email).');
    assert.equal(await page.inputValue('#outcome'), 'Won');
    assert.deepEqual(await page.$$eval('#outcome option', (o) => o.map((x) => x.value)), ['signed', 'Won']);
    assert.equal(await page.isHidden('#truth'), true, 'no planted truth for a file');

    await page.setInputFiles('#file-input', { name: 'no-outcome.csv', mimeType: 'text/csv', buffer: Buffer.from('email,score\na,1\nb,2\n') });
    await page.waitForSelector('#source-error:not([hidden])');
    assert.match(await page.textContent('#source-error'), /no column of this file is a yes\/no outcome/);
    assert.equal(await page.textContent('#source-label'), 'crm.csv (3 leads)', 'the previous list is kept');

    await page.click('#use-sample');
    assert.equal(await page.inputValue('#outcome'), 'converted');
    assert.equal(await page.isVisible('#truth'), true);
    assert.equal(await page.textContent('#source-columns'), await (async () => {
      const html = await (await fetch(`${env.server.url}predict.html`)).text();
      return html.match(/<p class="muted" id="source-columns">([^<]*)</)[1].replace(/&#39;|'/g, "'");
    })(), 'the first paint says what the script says');
    await checked.done();
  });

  test('without the learning functions, Train says why instead of failing silently', { skip: hasLearningApi() && 'this build has the learning functions' }, async () => {
    const checked = await openPage();
    const { page } = checked;
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#train');
    await page.waitForSelector('#train-error:not([hidden])');
    assert.match(await page.textContent('#train-error'), /has no trainModel\(\)/);
    await page.click('#discover-run');
    assert.match(await page.textContent('#discover-error'), /has no discoverSegments\(\)/);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
    await checked.done();
  });

  test('fixed results of the learning functions are drawn as they are: metrics, plots, weights, truth, cards, export', async () => {
    // The package's entry is served with two fixed-answer functions added
    // (in the test only), so what the page draws is checked exactly and
    // what it hands them is recorded.
    const checked = await openPage({
      beforeLoad: (p) => p.route('**/web/dist/leadseg.browser.js', (route) => route.fulfill({ contentType: 'text/javascript', body: FIXED_LEARNING })),
    });
    const { page } = checked;
    await page.waitForSelector('body[data-ready="true"]');
    const exported = await trainAndDiscover(page);

    const calls = await page.evaluate(() => window.__learnCalls);
    assert.equal(calls.train.leads, 3000);
    // worker: the page trains off its main thread (docs/predictive.md, "Off the main thread").
    assert.deepEqual(calls.train.options, ['folds', 'onProgress', 'outcome', 'seed', 'signal', 'worker']);
    assert.equal(calls.train.outcome, 'converted');
    // Rows replayed once by the page: the config's attributes, every metric, the outcome.
    const metricIds = CONFIG.metrics.map((m) => m.id);
    assert.deepEqual(calls.train.keys, [...Object.keys(CONFIG.attributes), ...metricIds, 'converted'].sort());
    const [lead] = outcomeLeads(1);
    for (const key of ['page_views_30d', 'emails_opened_30d', 'guides_downloaded', 'demo_requests', 'visits_30d', 'industry', 'job_title', 'company_size']) {
      assert.equal(calls.train.first[key], lead.values[key], `the first lead's ${key}`);
    }
    assert.equal(calls.train.first.converted, lead.converted);
    assert.deepEqual(calls.discover, { leads: 3000, k: 4, features: ['page_views_30d', 'emails_opened_30d', 'guides_downloaded', 'visits_30d', 'company_size'], hasOutcome: false, signal: true, worker: true });

    assert.equal(await page.textContent('#kpi-auc'), '0.812');
    assert.equal(await page.textContent('#kpi-logloss'), '0.401');
    assert.equal(await page.textContent('#kpi-brier'), '0.127');
    assert.equal(await page.getAttribute('#roc-plot path.curve', 'd'), 'M44 220 L70.4 116 L176 32.8 L308 12');
    assert.equal(await page.locator('#calibration-plot circle.bin').count(), 2);
    assert.deepEqual(await page.$$eval('#weights li .weight-text', (els) => els.map((e) => e.textContent)),
      ['demo requests: +1.4 per request', 'guides downloaded: +0.41 per guide']);
    assert.equal(await page.isHidden('#weights-more'), true, 'nothing to fold away');
    const recovered = Object.fromEntries(await page.$$eval('#truth-rows tr', (rows) => rows.map((r) => [r.dataset.label, r.querySelector('.recovered').textContent])));
    assert.equal(recovered.demo_requests, '+1.40');
    assert.equal(recovered.guides_downloaded, '+0.41');
    assert.equal(recovered['job_title = CTO'], 'not in the model');

    const cards = await page.$$eval('.cluster-card[data-cluster]', (els) => els.map((c) => [c.querySelector('h3').textContent, c.querySelector('.planted-match').textContent]));
    assert.deepEqual(cards, [
      ['Heavy readers 880 leads · 29%', 'Closest planted persona: Newsletter readers (878 leads)'],
      ['Guide downloaders 720 leads · 24%', 'Closest planted persona: Learners (717 leads)'],
    ]);
    assert.equal(await page.getAttribute('.cluster-card[data-cluster] .add-segment', 'aria-pressed'), 'true');

    assert.deepEqual(exported.predictive, { ...FIXED_PREDICTIVE, scoring: { points: 40 } });
    assert.deepEqual(exported.segments.at(-1), { id: 'heavy_readers', name: 'Heavy readers', condition: { emails_opened_30d: { $gte: 6 } } });
    assert.match(await page.textContent('#export-model'), /The model "conversion" \(2 features, AUC 0\.812, trained on 3,000 leads\) as the predictive section, adding up to 40 points\./);
    assert.equal(await page.textContent('#export-segments'), 'Segments added: heavy_readers.');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'learn-fixed-results.png'), fullPage: true });

    // A training cancelled while it runs: progress shown, then the previous results stay.
    await page.evaluate(() => { window.__hang = true; });
    await page.click('#train');
    await page.waitForSelector('#train-progress:not([hidden])');
    assert.equal(await page.textContent('#train-text'), 'fold · 1 of 5 · 20%');
    assert.equal(await page.isDisabled('#discover-run'), true, 'one run at a time');
    await page.click('#train-cancel');
    await page.waitForSelector('#train-error:not([hidden])');
    assert.equal(await page.textContent('#train-error'), 'Training cancelled: the previous results are kept.');
    assert.equal(await page.textContent('#kpi-auc'), '0.812');
    assert.equal(await page.isHidden('#train-progress'), true);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
    await page.evaluate(() => { window.__hang = false; });

    // Another list resets what the sample's runs drew.
    await page.setInputFiles('#file-input', { name: 'crm.csv', mimeType: 'text/csv', buffer: Buffer.from('email,won\na,yes\nb,no\n') });
    await page.waitForFunction(() => document.querySelector('#kpi-auc').textContent === '—');
    assert.equal(await page.locator('.cluster-card').count(), 0);
    assert.equal(await page.textContent('#export-segments'), 'No segments added yet.');
    await checked.done();
  });

  test('Predict and Discover on the sample: results, the planted truth recovered, the config exported', { skip: !hasLearningApi() && LEARNING_MISSING }, async () => {
    const checked = await openPage();
    const { page } = checked;
    await page.waitForSelector('body[data-ready="true"]');
    const exported = await trainAndDiscover(page);

    const auc = Number(await page.textContent('#kpi-auc'));
    assert.ok(auc > 0.7 && auc < 0.95, `AUC ${auc}`);
    for (const id of ['#kpi-logloss', '#kpi-brier']) assert.ok(Number(await page.textContent(id)) > 0, id);
    assert.ok(Number(await page.textContent('#kpi-logloss')) < 0.5, 'better than the base rate');
    assert.equal(await page.locator('#roc-plot svg path.curve').count(), 1);
    assert.ok(await page.locator('#calibration-plot svg circle.bin').count() >= 5);
    const listed = await page.locator('#weights li').count();
    const folded = await page.locator('#weights-rest li').count();
    assert.equal(listed, 12, 'the 12 largest weights in view');
    assert.ok(folded > 0 && await page.isVisible('#weights-more'), 'the rest folded away');
    assert.equal(await page.textContent('#weights-more-label'), `The other ${folded} features`);

    // True against recovered: every planted feature is in the model, the strong ones near their truth.
    const recovered = await page.$$eval('#truth-rows tr', (rows) => rows.map((r) => [r.dataset.label, r.querySelector('.recovered').textContent]));
    for (const [label, text] of recovered) assert.match(text, /^[+−]?\d+\.\d+$/, `${label}: ${text}`);
    const value = (label) => Number(recovered.find(([l]) => l === label)[1].replace('−', '-'));
    assert.ok(Math.abs(value('demo_requests') - 1.5) < 0.6, `demo_requests ${value('demo_requests')}`);
    assert.ok(Math.abs(value('guides_downloaded') - 0.4) < 0.2, `guides_downloaded ${value('guides_downloaded')}`);
    assert.ok(Math.abs(value('age')) < 0.05, `age ${value('age')}`);

    // Four clusters, each closest to a different planted persona.
    const cards = await page.$$eval('.cluster-card[data-cluster]', (els) => els.map((c) => ({
      condition: c.querySelector('.condition').textContent,
      persona: c.querySelector('.planted-match')?.textContent ?? '',
      stats: c.querySelector('.fine').textContent,
    })));
    assert.equal(cards.length, 4);
    for (const c of cards) {
      assert.doesNotThrow(() => JSON.parse(c.condition), 'the condition is JSON');
      assert.match(c.stats, /Precision \d+% · recall \d+%/);
    }
    const personas = new Set(cards.map((c) => c.persona.replace(/^Closest planted persona: (.*) \(.*$/, '$1')));
    assert.deepEqual([...personas].sort(), PLANTED_CLUSTERS.map((p) => p.name).sort());
    await page.screenshot({ path: path.join(RESULTS_DIR, 'learn-predict-discover.png'), fullPage: true });

    // The export: the model with the page's points, the added segment appended.
    assert.equal(exported.predictive.model, 'logistic');
    assert.ok(exported.predictive.scoring || exported.predictive.grading);
    assert.match(await page.textContent('#export-model'), /as the predictive section/);
    const added = (await page.textContent('#export-segments')).replace(/^Segments added: /, '').replace(/\.$/, '');
    assert.equal(exported.segments.at(-1).id, added);

    // The export is a config the engine takes: its segments now; the predictive
    // section once the runtime side (branch predictive) is in the tree.
    const { createEngine } = await import('../../web/src/node.js');
    const { predictive, ...withSegments } = exported;
    const engine = await createEngine({ config: withSegments });
    engine.destroy();
    try {
      (await createEngine({ config: exported })).destroy();
    } catch (error) {
      assert.match(error.message, /unknown key "predictive"/, 'the only complaint may be a runtime without the predictive section');
    }
    await checked.done();
  });
});
