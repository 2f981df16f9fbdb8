// segmentLeads({workers}) in Chromium with real module workers, through the
// one-file bundle served with the strict CSP (the fixture site of
// web-bundle.test.mjs): a 1.5 MB CSV Blob split across 2 workers gives the
// summary and the leads of one thread; the worker is the bundle's
// leadseg.browser-batch-worker.js; the batch wasm is fetched and compiled
// once, not once per worker; cancel stops it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, checkPrerequisites, cspProblems, launchChromium, startSiteServer, watchPage } from './fixtures/chromium.mjs';

const DIST = path.join(REPO_ROOT, 'web', 'dist');
const SITE = path.join(REPO_ROOT, 'tests', 'browser', 'fixtures', 'bundle');
const CONFIG = path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json');

describe('segmentLeads with workers in Chromium', () => {
  let server;
  let browser;

  before(async () => {
    checkPrerequisites();
    const files = { 'b2b-saas.json': CONFIG };
    for (const name of fs.readdirSync(DIST)) {
      if (name.startsWith('leadseg.browser') || /\.(wasm|mjs)$/.test(name)) files[name] = path.join(DIST, name);
    }
    if (!files['leadseg.browser-batch-worker.js']) throw new Error('web/dist/leadseg.browser-batch-worker.js missing: bash scripts/build.sh wasm');
    files['prepaint.js'] = path.join(REPO_ROOT, 'web', 'src', 'prepaint.js');
    server = await startSiteServer({ site: SITE, files, web: false });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('2 workers: the same summary and leads (and columns) as one thread; the worker file is the bundle\'s; cancel rejects', async () => {
    const context = await browser.newContext();
    const problems = [];
    try {
      const page = await watchPage(await context.newPage(), problems, { timeout: 120_000 });
      const requests = [];
      page.on('request', (req) => requests.push(new URL(req.url()).pathname));
      // The context's requests include the workers' own.
      const wasmFetches = [];
      context.on('request', (req) => {
        if (new URL(req.url()).pathname.endsWith('leadseg-batch.wasm')) wasmFetches.push(req.url());
      });
      await page.goto(server.url + '?config=json');
      await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30_000 });
      const out = await page.evaluate(async () => {
        const { segmentLeads } = await import('/leadseg.browser.js');
        const config = await (await fetch('/b2b-saas.json')).json();
        const titles = ['CTO', 'Intern', 'CEO', '"VP, ""Sales"""', '"Head of\nGrowth"'];
        const lines = ['email,job_title,industry,company_size,age'];
        for (let i = 0; i < 30000; i++) lines.push(`l${i}@x.com,${titles[i % 5]},${i % 2 ? 'Technology' : 'Retail'},${(i * 37) % 3000},${20 + (i % 50)}`);
        const blob = new Blob([lines.join('\n') + '\n']);
        const now = Date.UTC(2026, 0, 1);
        const one = await segmentLeads(config, blob, { now, workers: 1 });
        const progress = [];
        const two = await segmentLeads(config, blob, { now, workers: 2, onProgress: (p) => progress.push(p.processed) });
        // results: 'columns': each worker sends its part's columns back.
        const split = await segmentLeads(config, blob, { now, workers: 2, results: 'columns' });
        const outputs = ['segments', 'score', 'grade', 'stage', 'temperature', 'mql', 'sql', 'error'];
        let columnsSame = split.columns.count === one.leads.length && split.leads.length === 0;
        for (let i = 0; columnsSame && i < one.leads.length; i++) {
          const got = split.columns.outputs(i);
          columnsSame = outputs.every((k) => JSON.stringify(got[k]) === JSON.stringify(one.leads[i][k]));
        }
        const controller = new AbortController();
        let cancelled = null;
        try {
          await segmentLeads(config, blob, { now, workers: 2, signal: controller.signal, onProgress: () => controller.abort(new Error('cancelled')) });
        } catch (error) {
          cancelled = error.message;
        }
        return {
          bytes: blob.size,
          same: JSON.stringify(one.leads) === JSON.stringify(two.leads),
          summaries: [one.summary, two.summary, split.summary],
          columnsSame,
          count: two.leads.length,
          progressLast: progress.at(-1),
          cancelled,
        };
      });
      assert.ok(out.bytes > 1 << 20, `${out.bytes} bytes`);
      assert.equal(out.count, 30000);
      assert.ok(out.same, 'the leads of 2 workers equal one thread\'s, in order');
      assert.deepEqual(out.summaries[1], out.summaries[0]);
      assert.deepEqual(out.summaries[2], out.summaries[0]);
      assert.ok(out.columnsSame, 'the columns of 2 workers say what one thread\'s leads say, in order');
      assert.equal(out.progressLast, 30000);
      assert.equal(out.cancelled, 'cancelled');
      assert.ok(requests.includes('/leadseg.browser-batch-worker.js'), requests.join(', '));
      // Compiled once in the page and handed to the workers, which only
      // instantiate it (batch-module.js): one fetch over four runs.
      assert.equal(wasmFetches.length, 1, wasmFetches.join(', '));
      problems.push(...(await cspProblems(page)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
