// The package in a Vite app (issue 6: "loads in Chromium (a <script
// type=module> page and a Vite build)"). The consumer app
// (fixtures/vite-app/) is copied into a temporary directory with the package
// installed in its node_modules, and imports it by name:
// `import { createEngine } from 'leadseg'`. Vite's build() bundles it with no
// configuration; the output is served with the strict CSP of scripts/serve.mjs
// and opened in headless Chromium, where the engine must really run: segments
// computed from the tracked events, slots rendered, leadseg.wasm fetched from
// Vite's output. The dev server is checked too (it pre-bundles dependencies
// differently). Screenshot: test-results/web-vite.png.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, createServer, createLogger } from 'vite';
import { CONTENT_SECURITY_POLICY } from '../../scripts/serve.mjs';
import leadsegVite from '../../web/src/vite.js';
import { REPO_ROOT, RESULTS_DIR, checkPrerequisites, launchChromium, watchPage, cspProblems, startSiteServer } from './fixtures/chromium.mjs';

const APP = path.join(REPO_ROOT, 'tests', 'browser', 'fixtures', 'vite-app');
const WEB_DIR = path.join(REPO_ROOT, 'web');

// eslint-disable-next-line no-control-regex
const plain = (text) => String(text).replace(/\x1b\[[0-9;]*m/g, '');

/**
 * A Vite logger that keeps warnings and errors (without ANSI colours) instead of printing them,
 * except the bundler's note of how long its plugins ran ([PLUGIN_TIMINGS]): it measures this
 * machine (it appears when the build is slowed by load), not the package.
 */
function quietLogger() {
  const logged = { warn: [], error: [] };
  const logger = createLogger('warn');
  logger.warn = (msg) => void (/^\[PLUGIN_TIMINGS\]/.test(plain(msg)) || logged.warn.push(plain(msg)));
  logger.warnOnce = logger.warn;
  logger.error = (msg) => void logged.error.push(plain(msg));
  return { logger, logged };
}

/**
 * Vite has nothing to say about the package: no errors and no warnings. (The
 * browser glue, web/dist/leadseg.mjs, is linked for web and workers only, so
 * it has no require('fs') or CommonJS footer for the bundler to warn about:
 * see cmake/LeadsegWasm.cmake.)
 */
function assertNoWarnings(logged) {
  assert.deepEqual(logged.error, []);
  assert.deepEqual(logged.warn, [], 'no warnings from Vite');
}

/**
 * The consumer app in `dir`, with the package installed as `install` says:
 * 'link' is what `npm install <path>/web` makes (a symlink, npm >= 9);
 * 'copy' is what installing from the registry or a tarball makes (the
 * files listed in web/package.json, copied).
 */
function makeApp(dir, install) {
  fs.cpSync(APP, dir, { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json'), path.join(dir, 'b2b-saas.json'));
  const pkgDir = path.join(dir, 'node_modules', 'leadseg');
  fs.mkdirSync(path.dirname(pkgDir), { recursive: true });
  if (install === 'link') {
    fs.symlinkSync(WEB_DIR, pkgDir, 'dir');
  } else {
    const { files } = JSON.parse(fs.readFileSync(path.join(WEB_DIR, 'package.json'), 'utf8'));
    for (const entry of ['package.json', ...files].flatMap(expandFilesEntry)) {
      fs.cpSync(path.join(WEB_DIR, entry), path.join(pkgDir, entry), { recursive: true });
    }
  }
  return dir;
}

/** A "files" entry of web/package.json as npm reads it: a path, or a glob with `*` in its last part. */
function expandFilesEntry(entry) {
  if (!entry.includes('*')) return [entry];
  const dir = path.posix.dirname(entry);
  const name = new RegExp(`^${path.posix.basename(entry).split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return fs.readdirSync(path.join(WEB_DIR, dir)).filter((f) => name.test(f)).map((f) => `${dir}/${f}`);
}

/**
 * Vite's production build of `app` into `outDir`, with `plugins` and
 * otherwise Vite's defaults. Returns Vite's (Rolldown's) output,
 * [{type: 'chunk'|'asset', fileName, code|source}], and what it logged.
 */
async function buildApp(app, outDir, plugins = []) {
  const quiet = quietLogger();
  const result = await build({
    root: app,
    configFile: false, // nothing to configure: Vite's defaults
    logLevel: 'warn', // no progress lines; warnings and errors are checked by the callers
    customLogger: quiet.logger,
    plugins,
    build: { outDir, emptyOutDir: true },
  });
  return { output: (Array.isArray(result) ? result : [result]).flatMap((r) => r.output), logged: quiet.logged };
}

/**
 * Opens the app, waits for its engine and checks what it computed and
 * rendered. Returns the responses the page received.
 */
async function runApp(browser, url, { screenshot, csp = true } = {}) {
  const problems = [];
  const responses = [];
  const context = await browser.newContext();
  const page = await watchPage(await context.newPage(), problems);
  page.on('console', (msg) => {
    if (msg.type() === 'warning') problems.push(`console warning: ${msg.text()}`);
  });
  page.on('response', (res) => responses.push({ url: res.url(), status: res.status(), type: res.headers()['content-type'] }));

  const response = await page.goto(url);
  if (csp) assert.equal(response.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
  await page.waitForFunction(() => document.body.dataset.ready);
  assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
  const result = await page.evaluate(() => window.leadsegResult);

  // docs/examples/b2b-saas.json. identify(): company_size 20 -> company_small;
  // CTO is a decision maker (+20 trait points), fit 30 + 40 + 30 = 100 -> A.
  // First /pricing view: +15 -> score 35 >= 30 -> engagement band 2 -> A2 ->
  // sales_ready; >= 25 -> consideration. Second (once per day: no points):
  // pricing_views_2d = 2 -> high_intent_tech -> decision.
  assert.deepEqual(result.log, [
    'segment:enter company_small',
    'segment:enter sales_ready',
    'stage awareness -> consideration',
    'segment:enter high_intent_tech',
    'stage consideration -> decision',
  ]);
  assert.deepEqual([...result.segments].sort(), ['company_small', 'high_intent_tech', 'sales_ready']);
  assert.equal(result.grade, 'A');
  assert.equal(result.stage, 'decision');
  assert.equal(result.hero, 'tech_leader');
  assert.deepEqual(result.rendered, [
    { slot: 'hero', variant: 'tech_leader', error: null },
    { slot: 'cta', variant: 'book_demo', error: null },
  ]);
  const shown = await page.evaluate(() => ({
    hero: document.querySelector('#hero h1')?.textContent,
    heroCount: document.querySelectorAll('#hero h1').length,
    cta: document.querySelector('#cta a')?.textContent,
    segments: [...document.querySelectorAll('#segments li')].map((li) => li.textContent),
    score: document.querySelector('#score').textContent,
  }));
  assert.deepEqual(shown, {
    hero: 'For CTOs: the architecture deep-dive',
    heroCount: 1,
    cta: 'Book a demo',
    segments: result.segments,
    score: 'score 35.0, grade A, stage decision',
  });
  if (screenshot) await page.screenshot({ path: path.join(RESULTS_DIR, screenshot), fullPage: true });

  if (csp) problems.push(...(await cspProblems(page)));
  await context.close();
  assert.deepEqual(problems, [], 'no page errors, console errors or warnings, failed requests or CSP violations');
  return responses;
}

describe('leadseg in a Vite app, in Chromium', () => {
  let tmp;
  let browser;

  before(async () => {
    checkPrerequisites();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-vite-'));
    browser = await launchChromium();
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('vite build', () => {
    let outDir;
    let output; // Vite's (Rolldown's) output: [{type: 'chunk'|'asset', fileName, code|source}]
    let logged;
    let server;

    before(async () => {
      const app = makeApp(path.join(tmp, 'build-app'), 'link');
      outDir = path.join(tmp, 'dist');
      ({ output, logged } = await buildApp(app, outDir));
      server = await startSiteServer({ site: outDir, web: false }); // only what Vite wrote
    });

    after(async () => {
      await server?.close();
    });

    test('bundles the package without warnings and emits leadseg.wasm as an asset, without eval', (t) => {
      assertNoWarnings(logged);

      // The full module (this app's JSON config), the runtime module (compiled
      // configs), the batch module (segmentLeads on CSV) and the learning
      // module (trainModel, discoverSegments).
      const wasmAssets = output.filter((o) => o.type === 'asset' && o.fileName.endsWith('.wasm'));
      assert.equal(wasmAssets.length, 4, 'four wasm assets: leadseg.wasm, leadseg-runtime.wasm, leadseg-batch.wasm and leadseg-learn.wasm');
      const runtime = wasmAssets.filter((o) => /^assets\/leadseg-runtime-[\w-]+\.wasm$/.test(o.fileName));
      assert.equal(runtime.length, 1);
      assert.ok(Buffer.from(runtime[0].source).equals(fs.readFileSync(path.join(WEB_DIR, 'dist', 'leadseg-runtime.wasm'))));
      const batch = wasmAssets.filter((o) => /^assets\/leadseg-batch-[\w-]+\.wasm$/.test(o.fileName));
      assert.equal(batch.length, 1);
      assert.ok(Buffer.from(batch[0].source).equals(fs.readFileSync(path.join(WEB_DIR, 'dist', 'leadseg-batch.wasm'))));
      const learn = wasmAssets.filter((o) => /^assets\/leadseg-learn-[\w-]+\.wasm$/.test(o.fileName));
      assert.equal(learn.length, 1);
      assert.ok(Buffer.from(learn[0].source).equals(fs.readFileSync(path.join(WEB_DIR, 'dist', 'leadseg-learn.wasm'))));
      const wasm = wasmAssets.filter((o) => o !== runtime[0] && o !== batch[0] && o !== learn[0]);
      assert.match(wasm[0].fileName, /^assets\/leadseg-[\w-]+\.wasm$/);
      assert.ok(Buffer.from(wasm[0].source).equals(fs.readFileSync(path.join(WEB_DIR, 'dist', 'leadseg.wasm'))), 'the asset is web/dist/leadseg.wasm');
      assert.ok(fs.existsSync(path.join(outDir, wasm[0].fileName)));

      const js = output.filter((o) => o.type === 'chunk').map((c) => c.code).join('\n');
      assert.ok(js.includes('could not load the leadseg WebAssembly core'), 'the package (web/src) is in the bundle');
      assert.ok(js.includes('registerType registeredInstance requires argPackAdvance'), 'the Embind glue is in the bundle');
      // Vite takes the one-file build (the "browser" condition), with the
      // runtime's Emscripten glue inside: the page fetches the wasm right
      // after it. The package's lazy chunks (the full module's glue for a
      // JSON config, segmentLeads, the compiler) stay chunks of their own.
      const chunks = output.filter((o) => o.type === 'chunk');
      const webModules = (c) => Object.keys(c.modules).filter((m) => m.includes('/web/')).map((m) => m.replace(/.*\/web\//, 'web/'));
      // The lazy chunks import loadCore from the one file, so Rollup keeps
      // it a chunk of its own, which the app's entry imports statically
      // (Vite preloads it from the HTML: no waterfall).
      const entries = chunks.filter((c) => c.isEntry);
      assert.equal(entries.length, 1, 'one entry chunk: the app');
      const page = chunks.filter((c) => webModules(c).includes('web/dist/leadseg.browser.js'));
      assert.equal(page.length, 1);
      assert.deepEqual(webModules(page[0]), ['web/dist/leadseg.browser.js'], 'the package and its glue: one chunk');
      assert.ok(entries[0] === page[0] || entries[0].imports.includes(page[0].fileName), 'the entry imports it statically');
      for (const c of chunks.filter((c) => c !== entries[0] && c !== page[0])) {
        for (const m of webModules(c)) assert.match(m, /^web\/dist\/leadseg\.browser-[\w-]+\.js$/, `${c.fileName}: only the package's lazy chunks besides`);
      }
      assert.ok(js.includes(path.posix.basename(wasm[0].fileName)), 'the bundle points at the emitted wasm');
      for (const file of fs.readdirSync(path.join(outDir, 'assets')).filter((f) => f.endsWith('.js'))) {
        const text = fs.readFileSync(path.join(outDir, 'assets', file), 'utf8');
        assert.doesNotMatch(text, /\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*["'`]/, `assets/${file}`);
      }

      for (const o of output) {
        const size = o.type === 'chunk' ? Buffer.byteLength(o.code) : Buffer.from(o.source).length;
        t.diagnostic(`${o.fileName}: ${(size / 1000).toFixed(2)} kB`);
      }
    });

    test('the built app runs the engine under the strict CSP, with the wasm from the build', async () => {
      const responses = await runApp(browser, server.url, { screenshot: 'web-vite.png' });
      // The full module's asset (this app loads a JSON config), not the
      // runtime, batch or learning module's.
      const wasmAsset = output.find((o) => o.type === 'asset' && /^assets\/leadseg-(?!runtime-|batch-|learn-)[\w-]+\.wasm$/.test(o.fileName)).fileName;
      const wasm = responses.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));
      assert.deepEqual(wasm, [{ url: `${server.url}${wasmAsset}`, status: 200, type: 'application/wasm' }]);
      const emitted = new Set(['/', ...output.map((o) => `/${o.fileName}`)]);
      for (const r of responses) {
        assert.ok(r.url.startsWith(server.url) && emitted.has(new URL(r.url).pathname), `${r.url} is part of the Vite build`);
      }
    });
  });

  // The production path web/README recommends: the config compiled at build
  // time by the package's plugin (`import config from './x.json?leadseg'`),
  // so the page loads the runtime module only. The plugin's module decodes
  // the bytes as the page loads (Uint8Array.fromBase64 in this Chromium).
  test('vite build with the leadseg plugin: the compiled config, the runtime module only', async () => {
    const app = makeApp(path.join(tmp, 'compiled-app'), 'link');
    const main = path.join(app, 'main.js');
    const source = fs.readFileSync(main, 'utf8');
    const jsonImport = "import config from './b2b-saas.json';";
    assert.ok(source.includes(jsonImport), 'the app imports its JSON config');
    fs.writeFileSync(main, source.replace(jsonImport, "import config from './b2b-saas.json?leadseg';"));
    const outDir = path.join(tmp, 'compiled-dist');
    const { output, logged } = await buildApp(app, outDir, [leadsegVite()]);
    assertNoWarnings(logged);
    const js = output.filter((o) => o.type === 'chunk').map((c) => c.code).join('\n');
    assert.ok(js.includes('fromBase64'), "the plugin's module is in the app's bundle");
    assert.ok(!js.includes('For CTOs: the architecture deep-dive'), "the JSON config's text is not (the hero's headline, rendered below)");
    const server = await startSiteServer({ site: outDir, web: false });
    try {
      const responses = await runApp(browser, server.url);
      const runtime = output.find((o) => o.type === 'asset' && /^assets\/leadseg-runtime-[\w-]+\.wasm$/.test(o.fileName)).fileName;
      const wasm = responses.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));
      assert.deepEqual(wasm, [{ url: `${server.url}${runtime}`, status: 200, type: 'application/wasm' }]);
    } finally {
      await server.close();
    }
  });

  test('vite dev server: the package installed from a tarball or the registry runs as is', async () => {
    const app = makeApp(path.join(tmp, 'dev-app'), 'copy');
    const quiet = quietLogger();
    const server = await createServer({
      root: app,
      configFile: false,
      logLevel: 'warn',
      customLogger: quiet.logger,
      server: { host: '127.0.0.1', port: 0, watch: null },
    });
    try {
      await server.listen();
      const base = server.resolvedUrls.local[0];
      // The dev server sends no CSP, so only errors, warnings and failed requests are checked.
      const responses = await runApp(browser, base, { csp: false });
      const wasm = responses.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));
      assert.deepEqual(wasm, [{ url: `${base}node_modules/leadseg/dist/leadseg.wasm`, status: 200, type: 'application/wasm' }]);
    } finally {
      await server.close();
    }
    assertNoWarnings(quiet.logged);
  });
});
