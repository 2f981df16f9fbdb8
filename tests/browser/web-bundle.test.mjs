// The one-file browser build (web/dist/leadseg.browser.js, built by
// scripts/bundle-web.mjs): a site that copied the package's browser files
// into its own folder, served with the strict CSP of scripts/serve.mjs.
// Every request is recorded. On a compiled config (the production path) the
// page loads the bundle, the runtime wasm next to it and prepaint.js, nothing
// else of the package; on a JSON config it also loads the full module (glue
// chunk + wasm, which hold the compiler). segmentLeads() loads its own chunk
// on first use (CSV: with the batch module, not the full one), and no core twice.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, checkPrerequisites, cspProblems, launchChromium, startSiteServer, watchPage } from './fixtures/chromium.mjs';

const DIST = path.join(REPO_ROOT, 'web', 'dist');
const SITE = path.join(REPO_ROOT, 'tests', 'browser', 'fixtures', 'bundle');
const CONFIG = path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json');
const LEADS_CSV = 'email,job_title,industry,company_size\nada@x.com,CTO,Technology,20\nbob@y.com,Intern,Retail,5\n';

function bundleFiles() {
  const names = fs.existsSync(DIST) ? fs.readdirSync(DIST).filter((f) => f.startsWith('leadseg.browser')) : [];
  if (!names.includes('leadseg.browser.js')) throw new Error('web/dist/leadseg.browser.js missing: bash scripts/build.sh wasm');
  return names;
}

describe('the one-file browser build in Chromium', () => {
  let server;
  let browser;

  before(async () => {
    checkPrerequisites();
    const { compileConfig } = await import('../../web/src/node.js');
    const compiled = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-bundle-')), 'b2b-saas.lsc');
    fs.writeFileSync(compiled, await compileConfig(fs.readFileSync(CONFIG, 'utf8')));
    const files = {
      'b2b-saas.json': CONFIG,
      'b2b-saas.lsc': compiled,
      'prepaint.js': path.join(DIST, 'prepaint.js'), // as the package ships it (minified)
      'leadseg.wasm': path.join(DIST, 'leadseg.wasm'),
      'leadseg-runtime.wasm': path.join(DIST, 'leadseg-runtime.wasm'),
      'leadseg-batch.wasm': path.join(DIST, 'leadseg-batch.wasm'),
    };
    for (const name of bundleFiles()) files[name] = path.join(DIST, name);
    // No /web/ mount: the bundle must find the wasm next to itself.
    server = await startSiteServer({ site: SITE, files, web: false });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the fixture page, waits for its engine and returns the page, its requests and its problems. */
  async function openPage(context, query = '') {
    const problems = [];
    const page = await watchPage(await context.newPage(), problems);
    const requests = [];
    page.on('request', (req) => requests.push(new URL(req.url()).pathname));
    await page.goto(server.url + query);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
    const result = await page.evaluate(() => window.result);
    assert.ok(result.segments.includes('high_intent_tech'), JSON.stringify(result.segments));
    assert.equal(result.decision.variant, 'tech_leader');
    assert.equal(await page.getAttribute('#hero', 'data-leadseg-variant'), 'default', 'dom: true rendered before identify()');
    // Anything started late (a lazy import, a second fetch) shows up here.
    await page.waitForLoadState('networkidle');
    return { page, requests, problems };
  }

  const SITE_FILES = ['/', '/app.js'];

  test('a compiled config: the bundle, the runtime wasm and prepaint.js; segmentLeads loads its chunk on first use', async () => {
    const context = await browser.newContext();
    try {
      const { page, requests, problems } = await openPage(context);
      const site = [...SITE_FILES, '/b2b-saas.lsc'];
      assert.deepEqual(requests.filter((p) => !site.includes(p)).sort(), ['/leadseg-runtime.wasm', '/leadseg.browser.js', '/prepaint.js']);
      assert.deepEqual([...requests].sort(), [...site, '/leadseg-runtime.wasm', '/leadseg.browser.js', '/prepaint.js'].sort());

      const before = requests.length;
      const batch = await page.evaluate((csv) => window.runBatch(csv), LEADS_CSV);
      const lazy = requests.slice(before).filter((p) => p !== '/b2b-saas.json');
      assert.ok(lazy.includes('/leadseg.browser-batch.js'), `requests after segmentLeads(): ${lazy.join(', ')}`);
      for (const p of lazy) assert.match(p, /^\/leadseg\.browser-[\w-]+\.js$|^\/leadseg-batch\.wasm$/, 'only lazy chunks and the batch module');
      assert.equal(requests.filter((p) => p === '/leadseg-runtime.wasm').length, 1, 'the runtime once per page');
      assert.equal(requests.filter((p) => p === '/leadseg-batch.wasm').length, 1, 'the batch module once, for segmentLeads on CSV');
      assert.equal(requests.filter((p) => p === '/leadseg.wasm').length, 0, 'CSV needs no full module');

      // The same answers as the package in node.
      const { segmentLeads } = await import('../../web/src/node.js');
      const config = JSON.parse(fs.readFileSync(CONFIG, 'utf8'));
      const expected = await segmentLeads(config, LEADS_CSV);
      assert.deepEqual(batch, { segments: expected.leads.map((l) => l.segments), count: 2, errors: 0 });

      problems.push(...(await cspProblems(page)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a compiled config: the CSV parser and the estimator are chunks loaded on first use, with node\'s answers', async () => {
    const context = await browser.newContext();
    try {
      const { page, requests, problems } = await openPage(context);
      assert.deepEqual(requests.filter((p) => /^\/leadseg\.browser-/.test(p)), [], 'no chunk before first use');
      const csv = await page.evaluate((text) => window.runCsv(text), LEADS_CSV);
      const afterCsv = requests.filter((p) => /^\/leadseg\.browser-/.test(p));
      assert.ok(afterCsv.includes('/leadseg.browser-csv.js'), afterCsv.join(', '));
      assert.ok(!afterCsv.includes('/leadseg.browser-estimator.js'), afterCsv.join(', '));
      const csvModule = await import('../../web/src/csv.js');
      const rows = [];
      for await (const row of csvModule.parseCsv(LEADS_CSV)) rows.push(row);
      const parser = new csvModule.CsvParser();
      assert.deepEqual(csv, { rows, records: [...parser.push(LEADS_CSV), ...parser.end()] });

      const report = (bits) => ({ epsilon: 2, segments: { ids: ['a', 'b'], bits }, score: { bands: ['hot'], bits: [bits[0]] } });
      const reports = [report([1, 0]), report([0, 0]), report([1, 1])];
      const estimates = await page.evaluate((r) => window.runEstimate(r), reports);
      assert.ok(requests.includes('/leadseg.browser-estimator.js'), requests.join(', '));
      const { estimate } = await import('../../web/src/estimator.js');
      assert.equal(estimates.count, 3);
      assert.deepEqual(estimates, estimate(reports));
      problems.push(...(await cspProblems(page)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a JSON config: the compiler comes on demand, as the full module\'s glue chunk and wasm', async () => {
    const context = await browser.newContext();
    try {
      const { page, requests, problems } = await openPage(context, '?config=json');
      const site = [...SITE_FILES, '/b2b-saas.json'];
      const pkg = requests.filter((p) => !site.includes(p)).sort();
      assert.ok(pkg.includes('/leadseg.browser.js') && pkg.includes('/leadseg.wasm'), pkg.join(', '));
      assert.ok(!pkg.includes('/leadseg-runtime.wasm'), 'a JSON config needs no runtime module besides the full one');
      for (const p of pkg) assert.match(p, /^\/leadseg\.browser(-[\w-]+)?\.js$|^\/leadseg\.wasm$|^\/prepaint\.js$/);
      problems.push(...(await cspProblems(page)));
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
