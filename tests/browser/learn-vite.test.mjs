// trainModel() / discoverSegments() with { worker: true } in a Vite app: the
// consumer app (fixtures/vite-learn-app/) imports the package by name, Vite
// builds it with no configuration, and the output is served with the strict
// CSP of scripts/serve.mjs and opened in headless Chromium. The learn worker
// must be emitted by the build (Vite follows the package's
// `new URL('./learn-worker.js', import.meta.url)`), start from the build's
// own files, load the learning module from the build and return the same
// kind of result as in the page's thread. (web-vite.test.mjs does the same
// for createEngine.)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, createLogger } from 'vite';
import { CONTENT_SECURITY_POLICY } from '../../scripts/serve.mjs';
import { REPO_ROOT, checkPrerequisites, launchChromium, watchPage, cspProblems, startSiteServer } from './fixtures/chromium.mjs';

const APP = path.join(REPO_ROOT, 'tests', 'browser', 'fixtures', 'vite-learn-app');
const WEB_DIR = path.join(REPO_ROOT, 'web');

describe('the learn worker in a Vite build, in Chromium', () => {
  let tmp;
  let browser;
  let server;
  let output;
  const warnings = [];

  before(async () => {
    checkPrerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-vite-learn-'));
    const app = path.join(tmp, 'app');
    fs.cpSync(APP, app, { recursive: true });
    // What `npm install <path>/web` makes: a symlink.
    fs.mkdirSync(path.join(app, 'node_modules'), { recursive: true });
    fs.symlinkSync(WEB_DIR, path.join(app, 'node_modules', 'leadseg'), 'dir');
    const logger = createLogger('warn');
    // Except the bundler's note of how long its plugins ran ([PLUGIN_TIMINGS]):
    // it measures this machine (it appears when the build is slowed by load),
    // not the package.
    logger.warn = (msg) => void (/\[PLUGIN_TIMINGS\]/.test(String(msg)) || warnings.push(String(msg)));
    logger.warnOnce = logger.warn;
    logger.error = (msg) => void warnings.push(String(msg));
    const outDir = path.join(tmp, 'dist');
    const result = await build({ root: app, configFile: false, logLevel: 'warn', customLogger: logger, build: { outDir, emptyOutDir: true } });
    output = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
    server = await startSiteServer({ site: outDir, web: false }); // only what Vite wrote
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the build emits the learn worker and the learning module, without warnings', () => {
    assert.deepEqual(warnings, [], 'no warnings or errors from Vite');
    const files = output.map((o) => o.fileName);
    assert.ok(files.some((f) => /^assets\/leadseg\.browser-learn-worker-[\w-]+\.js$/.test(f)), `a learn worker chunk among ${files.join(', ')}`);
    const learn = output.filter((o) => o.type === 'asset' && /^assets\/leadseg-learn-[\w-]+\.wasm$/.test(o.fileName));
    assert.equal(learn.length, 1);
    assert.ok(Buffer.from(learn[0].source).equals(fs.readFileSync(path.join(WEB_DIR, 'dist', 'leadseg-learn.wasm'))));
  });

  test('the built app trains and discovers in the worker under the strict CSP', async () => {
    const problems = [];
    const requests = [];
    const context = await browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    // Requests of the page and of its workers (the learn worker's module
    // import and its fetch of leadseg-learn.wasm).
    context.on('request', (request) => requests.push({ url: request.url(), method: request.method() }));
    const workers = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    const response = await page.goto(server.url);
    assert.equal(response.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 120_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
    const result = await page.evaluate(() => window.leadsegResult);
    problems.push(...(await cspProblems(page)));
    await context.close();

    assert.ok(result.auc > 0.6, `AUC ${result.auc}`);
    assert.ok(result.features.includes('visits'));
    assert.ok(result.stages.includes('final') && result.stages.includes('fold'), 'progress crossed back from the worker');
    assert.deepEqual([...result.sizes].sort(), [1000, 1000], 'the two planted groups');
    for (const p of result.precision) assert.ok(p >= 0.99, `precision ${p}`);
    // One worker per call, each started from the build's emitted worker chunk.
    assert.equal(workers.length, 2, workers.join(', '));
    for (const url of workers) assert.match(new URL(url).pathname, /^\/assets\/leadseg\.browser-learn-worker-[\w-]+\.js$/);
    const emitted = new Set(['/', ...output.map((o) => `/${o.fileName}`)]);
    for (const r of requests) {
      assert.equal(r.method, 'GET', `${r.url}: nothing is sent anywhere`);
      assert.ok(r.url.startsWith(server.url) && emitted.has(new URL(r.url).pathname), `${r.url} is part of the Vite build`);
    }
    assert.ok(requests.some((r) => /\/assets\/leadseg-learn-[\w-]+\.wasm$/.test(r.url)), 'the worker loaded the learning module from the build');
    assert.deepEqual(problems, [], 'no page errors, console errors, failed requests or CSP violations');
  });
});
