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
    const files = { 'leadseg-learn.wasm': path.join(DIST, 'leadseg-learn.wasm') };
    for (const name of fs.readdirSync(DIST).filter((f) => f.startsWith('leadseg.browser'))) files[name] = path.join(DIST, name);
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
        assert.match(r.path, /^\/$|^\/app\.js$|^\/leadseg\.browser(-[\w-]+)?\.js$|^\/leadseg-learn\.wasm$/, r.path);
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
});
