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
import { PLANTED_CLUSTERS, PLANTED_MODEL } from '../../demo/assets/predict-sample.js';

const blobOk = { ignoreFailedRequest: (url) => url.startsWith('blob:') };

describe('the Predict and Discover page in headless Chromium', () => {
  const env = useChromium(() => {
    checkPrerequisites();
    return startRepoServer();
  });

  async function openPage(options = {}) {
    const checked = await openCheckedPage(env.browser, { timeout: 90_000, ...blobOk, ...options, context: { viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options.context } });
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
    assert.ok(await page.locator('#weights li').count() >= 5);

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
    await checked.done();
  });
});
