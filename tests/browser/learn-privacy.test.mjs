// Training data never leaves the page (issue 18, item 4): demo/predict.html
// in headless Chromium trains a model and discovers segments on the sample
// with outcomes while every request of the browser context (pages and
// workers) and every WebSocket is recorded. After the page's own files
// only the package's lazy modules and wasm may be fetched; nothing is
// POSTed, no URL has a query string, and no URL names a lead. The config
// the page exports holds the model's weights, not leads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useChromium, startRepoServer, openCheckedPage, checkPrerequisites } from './fixtures/chromium.mjs';
import { outcomeLeads } from '../../demo/assets/predict-sample.js';
import { hasLearningApi, LEARNING_MISSING, trainAndDiscover } from './fixtures/learn-page.mjs';

// Values that identify or describe one lead and appear nowhere in the page's files.
const LEAD_VALUES = outcomeLeads().flatMap((l) => [l.row[0], l.row[4]]).filter((v) => v && v.length >= 5);
const PREDICTIVE_KEYS = new Set(['id', 'name', 'model', 'intercept', 'features', 'scoring', 'grading', 'trainedOn']);
const FEATURE_KEYS = new Set(['attribute', 'mean', 'scale', 'weight', 'equals', 'missing']);

describe('Predict and Discover keep the lead list in the page', () => {
  const env = useChromium(() => {
    checkPrerequisites();
    return startRepoServer();
  });

  test('training and discovery on the sample request nothing but the lazy modules; no request carries lead data', { skip: !hasLearningApi() && LEARNING_MISSING }, async () => {
    const checked = await openCheckedPage(env.browser, { context: { acceptDownloads: true }, timeout: 90_000, ignoreFailedRequest: (url) => url.startsWith('blob:') });
    const { page, context } = checked;
    const origin = new URL(env.server.url).origin;
    const requests = [];
    let phase = 'load';
    context.on('request', (r) => requests.push({ phase, url: r.url(), method: r.method(), body: r.postData() }));
    page.on('websocket', (ws) => requests.push({ phase, url: ws.url(), method: 'WEBSOCKET', body: null }));

    await page.goto(`${env.server.url}predict.html`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForLoadState('networkidle');
    phase = 'work';
    const exported = await trainAndDiscover(page);
    await page.waitForLoadState('networkidle');

    assert.ok(requests.some((r) => r.phase === 'work'), 'the learning module is loaded lazily, when training starts');
    for (const r of requests) {
      if (r.url.startsWith('blob:')) continue;
      const url = new URL(r.url);
      assert.equal(url.origin, origin, `${r.url}: same origin only`);
      assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
      assert.equal(r.body, null, `${r.url} has a body`);
      assert.equal(url.search, '', `${r.url} has a query string`);
      for (const value of LEAD_VALUES) assert.ok(!r.url.includes(value), `${r.url} names a lead (${value})`);
    }
    const during = requests.filter((r) => r.phase === 'work' && !r.url.startsWith('blob:')).map((r) => new URL(r.url).pathname);
    for (const path of during) assert.match(path, /^\/web\/dist\/leadseg[\w.-]*\.(js|mjs|wasm)$/, `only the package's lazy modules after load, got ${path}`);
    // The page trains in a Web Worker ({ worker: true }): its script and the
    // learning module it loads are among the requests checked above.
    assert.ok(during.includes('/web/dist/leadseg.browser-learn-worker.js'), `the worker's requests are recorded: ${during.join(', ')}`);

    // The exported model: weights, means and scales, no lead.
    const { predictive } = exported;
    assert.ok(predictive, 'the exported config has the model');
    for (const key of Object.keys(predictive)) assert.ok(PREDICTIVE_KEYS.has(key), `predictive.${key}`);
    for (const f of predictive.features) for (const key of Object.keys(f)) assert.ok(FEATURE_KEYS.has(key), `feature key ${key}`);
    const text = JSON.stringify(exported);
    for (const value of LEAD_VALUES) assert.ok(!text.includes(`"${value}"`), `the exported config names a lead (${value})`);
    await checked.done();
  });

  test('a blank page has nothing to leak: the HTML and its assets load without the package\'s learning code', async () => {
    const checked = await openCheckedPage(env.browser);
    const paths = [];
    checked.context.on('request', (r) => paths.push(new URL(r.url()).pathname));
    await checked.page.goto(`${env.server.url}predict.html`);
    await checked.page.waitForSelector('body[data-ready="true"]');
    await checked.page.waitForLoadState('networkidle');
    assert.ok(!paths.some((p) => /learn/.test(p)), `the learning module is not loaded before it is used: ${paths.join(', ')}`);
    assert.ok(!paths.includes('/data/leads-outcomes.csv'), 'the sample is built in the page, not fetched');
    await checked.done();
  });
});
