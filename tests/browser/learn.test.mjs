// trainModel() and discoverSegments() in Chromium through the one-file
// browser build, served with the strict CSP of scripts/serve.mjs: the page
// loads the learning chunk and leadseg-learn.wasm only when it trains (not
// the full module: no activity to replay), every request is a GET for a
// file of the package or the site, and none carries lead data.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, checkPrerequisites, cspProblems, launchChromium, startSiteServer, watchPage } from './fixtures/chromium.mjs';

const DIST = path.join(REPO_ROOT, 'web', 'dist');
const SITE = path.join(REPO_ROOT, 'tests', 'browser', 'fixtures', 'learn');

describe('learning in Chromium', () => {
  let server;
  let browser;

  before(async () => {
    checkPrerequisites();
    // leadseg-learn.mjs: the glue the worker of { worker: true } imports.
    const files = { 'leadseg-learn.wasm': path.join(DIST, 'leadseg-learn.wasm'), 'leadseg-learn.mjs': path.join(DIST, 'leadseg-learn.mjs') };
    for (const name of fs.readdirSync(DIST).filter((f) => f.startsWith('leadseg.browser'))) files[name] = path.join(DIST, name);
    // The modules segmentLeads() replays an activity table with (?events=1 only).
    for (const name of ['leadseg.mjs', 'leadseg.wasm', 'leadseg-batch.mjs', 'leadseg-batch.wasm']) files[name] = path.join(DIST, name);
    server = await startSiteServer({ site: SITE, files, web: false });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('trains and discovers in the page; no request carries lead data', async () => {
    const context = await browser.newContext();
    try {
      const problems = [];
      const page = await watchPage(await context.newPage(), problems);
      const requests = [];
      page.on('request', (req) => requests.push({ method: req.method(), path: new URL(req.url()).pathname, url: req.url(), body: req.postData() }));
      await page.goto(`${server.url}?rows=3000`);
      await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 120_000 });
      assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
      const result = await page.evaluate(() => window.result);
      assert.ok(result.auc > 0.6, JSON.stringify(result));
      assert.ok(result.k >= 2 && result.clusters.length === result.k);
      await page.waitForLoadState('networkidle');
      for (const r of requests) {
        assert.equal(r.method, 'GET', r.url);
        assert.equal(r.body ?? null, null, r.url);
        assert.doesNotMatch(r.url, /example\.com|converted|Software/, 'no lead data in a URL');
        assert.match(r.path, /^\/$|^\/(app|leads)\.js$|^\/leadseg\.browser(-[\w-]+)?\.js$|^\/leadseg-learn\.wasm$/, r.path);
      }
      const paths = requests.map((r) => r.path);
      assert.ok(paths.includes('/leadseg.browser-learn.js'), paths.join(', '));
      assert.equal(paths.filter((p) => p === '/leadseg-learn.wasm').length, 1, 'the learning module once for both calls');
      problems.push(...(await cspProblems(page)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  // { worker: true }: training and discovery run in a module worker
  // (leadseg.browser-learn-worker.js), so the page keeps drawing frames; its
  // requests (the worker script, the learning module) carry no lead data.
  test('with worker: true the page keeps animating; the worker\'s requests carry no lead data', async () => {
    const context = await browser.newContext();
    try {
      const problems = [];
      const page = await watchPage(await context.newPage(), problems);
      const requests = [];
      const record = (req) => requests.push({ method: req.method(), path: new URL(req.url()).pathname, url: req.url(), body: req.postData() });
      page.on('request', record);
      page.on('worker', (worker) => worker.on?.('request', record));
      await page.goto(`${server.url}?rows=20000&worker=1`);
      await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 300_000 });
      assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
      const result = await page.evaluate(() => window.result);
      assert.equal(result.worker, true);
      assert.ok(result.auc > 0.6, JSON.stringify(result));
      assert.ok(!result.discoveredOn.some((f) => f.startsWith('converted')), `discovery left out the outcome: ${result.discoveredOn}`);
      // Seconds of training and discovery; frames kept coming throughout.
      const busyMs = result.ms.train + result.ms.discover;
      assert.ok(result.frames.count >= busyMs / 1000 * 5, JSON.stringify(result.frames) + ` over ${busyMs} ms`);
      assert.ok(result.frames.longestGapMs < Math.max(500, busyMs / 4), JSON.stringify(result.frames) + ` over ${busyMs} ms`);
      await page.waitForLoadState('networkidle');
      const paths = requests.map((r) => r.path);
      assert.ok(paths.includes('/leadseg.browser-learn-worker.js'), paths.join(', '));
      // Training and discovery each run in a worker of their own; the page
      // compiled the learning module once and both only instantiated it.
      assert.equal(paths.filter((p) => p === '/leadseg-learn.wasm').length, 1, paths.join(', '));
      for (const r of requests) {
        assert.equal(r.method, 'GET', r.url);
        assert.equal(r.body ?? null, null, r.url);
        assert.doesNotMatch(r.url, /example\.com|converted|Software/, 'no lead data in a URL');
        assert.match(r.path, /^\/$|^\/(app|leads)\.js$|^\/leadseg\.browser(-[\w-]+)?\.js$|^\/leadseg-learn\.(wasm|mjs)$/, r.path);
      }
      problems.push(...(await cspProblems(page)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  // options.events reaches the worker as a frame of transferred columns
  // (learn-transfer.js); the page's own array is left as it was.
  test('with an activity table, a worker run gives the page\'s result', async () => {
    const context = await browser.newContext();
    try {
      const problems = [];
      const page = await watchPage(await context.newPage(), problems);
      await page.goto(`${server.url}?rows=1500&events=1`);
      await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 300_000 });
      assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
      const result = await page.evaluate(() => window.result);
      assert.equal(result.same, true, JSON.stringify(result));
      assert.ok(result.eventsSent > 3000 && result.eventsStillHere, JSON.stringify(result));
      assert.ok(result.pricingWeight > 0.5, JSON.stringify(result));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('aborting a worker run rejects with the signal\'s reason at once', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}?rows=100000&worker=1&abort=300`);
      await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 300_000 });
      const result = await page.evaluate(() => window.result);
      assert.equal(result.aborted, 'stopped by the page', JSON.stringify(result));
      // The worker is terminated, not asked to stop at its next step.
      assert.ok(result.afterMs < 2000, JSON.stringify(result));
    } finally {
      await context.close();
    }
  });
});
