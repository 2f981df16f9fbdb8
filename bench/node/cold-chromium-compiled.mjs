#!/usr/bin/env node
// Fresh Chromium context (no HTTP or code cache) each run: module import ->
// first decision, for the package on a compiled config (runtime module), on
// the JSON config (full module), and GrowthBook's ESM bundle doing
// `new GrowthBook` + `getFeatureValue` (bench/node/cold-compiled.mjs has the
// equivalent feature). Each page fetches its own config before the clock
// starts, as a site does (leadseg its compiled config or JSON, GrowthBook its
// features JSON, as from its API or CDN): the renderer's figures below count
// from navigation, so both pay for one config request. With --config inline
// neither fetches: each page holds its own config in a classic script
// before the module, leadseg's compiled bytes as the package's Vite plugin
// emits them (base64, decoded as the page loads), GrowthBook's features as
// an object. The clock covers the dynamic import() of the package (its module graph, the
// Emscripten glue, the wasm fetch + compile), createEngine, identify, two
// page views and decide('hero'). Wall clock, median; runs interleaved.
// `compiled` imports the unbundled source (web/src/index.js and its ~25
// modules); `bundle` imports web/dist/leadseg.browser.js, the one file a
// production page loads. Each leadseg row also prints where the time goes
// (medians): the import, createEngine (of which the wasm file's fetch, from
// request start to its last byte, as Resource Timing sees it), and the
// first calls (identify, two tracks, decide).
//
// `steps` (not in the default modes) times createEngine's parts one by
// one instead (see the page's code).
//
// `preload` (not in the default modes) is `bundle` on a page whose HTML
// has <link rel="preload" href=".../leadseg-runtime.wasm" as="fetch"
// crossorigin>: the wasm's request then starts with the page's, in
// parallel with the bundle's, instead of after the bundle's import (what
// a page can do; the package cannot without fetching the wasm for pages
// that never create an engine).
//
// Each row also prints the renderer's CPU time for the page (DevTools
// protocol Performance.getMetrics: ProcessTime, all the renderer's threads,
// wasm compilation included; ThreadTime, its main thread), from navigation
// on: the page load itself is in it, as in GrowthBook's row.
//
// --js-flags passes V8 flags to Chromium, for diagnosis only (e.g.
// "--wasm-tiering-budget=1000000000": what the wasm's tier-up costs).
//
// --base DIR adds the mode `base`: the page's bundle and runtime wasm of
// another build (DIR is its web/dist, e.g. a copy of main's), run
// interleaved with `bundle`, the way to compare two builds on a loaded
// machine (separate runs of this script differ by more than the change).
//
//   node bench/node/cold-chromium-compiled.mjs [--runs 7] [--modes bundle,growthbook,steps,preload] [--config fetch|inline] [--js-flags FLAGS] [--base DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startSiteServer } from '../../tests/browser/fixtures/chromium.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 7;
const modes = args.includes('--modes') ? args[args.indexOf('--modes') + 1].split(',') : ['bundle', 'compiled', 'json', 'growthbook'];
if (!modes.includes('growthbook')) modes.push('growthbook');
const base = args.includes('--base') ? path.resolve(args[args.indexOf('--base') + 1]) : null;
if (base && !modes.includes('base')) modes.unshift('base');
const configDelivery = args.includes('--config') ? args[args.indexOf('--config') + 1] : 'fetch';
if (!['fetch', 'inline'].includes(configDelivery)) throw new Error('--config takes fetch or inline');

const PAGE = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>';
const PRELOAD_PAGE = PAGE.replace('<script', '<link rel="preload" href="/web/dist/leadseg-runtime.wasm" as="fetch" crossorigin><script');
// The page's work is one async function whose promise the bench awaits
// (page.evaluate): nothing polls in the page. (playwright's waitForFunction
// polls on requestAnimationFrame, which makes the page render a frame every
// 16 ms while it waits: main-thread CPU that grew with the page's wall
// clock and was counted in its ThreadTime.)
const FEATURES = {
  hero: {
    defaultValue: 'default',
    rules: [
      { condition: { $or: [{ company_size: { $gte: 1000 } }, { annual_revenue: { $gte: 10_000_000 } }] }, force: 'enterprise' },
      { condition: { job_title: { $in: ['CTO', 'IT Manager'] }, industry: 'Technology', pricing_views_2d: { $gte: 2 } }, force: 'tech_leader' },
    ],
  },
};
const MAIN = `window.resultReady = (async () => {
const mode = new URLSearchParams(location.search).get('mode');
const INLINE = window.BENCH_INLINE ?? null;
let config = null;
let features = null;
const compiledMode = mode === 'compiled' || mode === 'bundle' || mode === 'preload' || mode === 'base' || mode === 'steps';
if (INLINE) {
  features = INLINE.features;
  if (compiledMode) config = INLINE.compiled;
  if (mode === 'json') config = INLINE.json;
} else {
  if (mode === 'growthbook') features = await (await fetch('./features.json')).json();
  if (compiledMode) config = new Uint8Array(await (await fetch('./config.lsc')).arrayBuffer());
  if (mode === 'json') config = await (await fetch('./config.json')).text();
}
const t0 = performance.now();
const steps = {};
let value;
if (mode === 'steps') {
  // createEngine's parts one by one (not the page's path: the glue is
  // imported as its own file here, the bundle holds a copy): the bundle's
  // import; the runtime wasm's fetch + compile (from its bytes, as
  // web/src/loader-wasm.js does); the glue's import;
  // its init and the instantiation; the core's calls that createEngine
  // makes; the first localStorage access (createEngine clears a prepaint
  // without storage consent); createEngine's own work on the loaded
  // module; the first calls.
  const mark = (name, from) => { const now = performance.now(); steps[name] = now - from; return now; };
  let t = t0;
  const { createEngine } = await import('/web/dist/leadseg.browser.js');
  t = mark('import', t);
  const wasm = await WebAssembly.compile(await (await fetch('/web/dist/leadseg-runtime.wasm')).arrayBuffer());
  t = mark('wasmFetchCompile', t);
  const { default: factory } = await import('/web/dist/leadseg-runtime.mjs');
  t = mark('glueImport', t);
  const core = await factory({ instantiateWasm(imports, receive) { WebAssembly.instantiate(wasm, imports).then((i) => receive(i, wasm)); return {}; } });
  t = mark('instantiateAndGlueInit', t);
  const raw = new core.Engine();
  raw.loadCompiled(config);
  t = mark('loadCompiled', t);
  raw.facts();
  raw.initialChanges();
  t = mark('factsAndInitialChanges', t);
  raw.delete();
  localStorage.removeItem('leadseg-bench-probe');
  t = mark('firstLocalStorage', t);
  const engine = await createEngine({ config, consent: { personalization: true }, module: core });
  t = mark('createEngineOnLoadedModule', t);
  engine.identify({ job_title: 'CTO', industry: 'Technology' });
  engine.track('page_view', { path: '/pricing' });
  engine.track('page_view', { path: '/pricing/teams' });
  value = engine.decide('hero').variant;
  mark('firstCalls', t);
} else if (mode === 'growthbook') {
  const { GrowthBook } = await import('./growthbook.esm.min.js');
  const gb = new GrowthBook({ features, attributes: { job_title: 'CTO', industry: 'Technology', pricing_views_2d: 2 } });
  value = gb.getFeatureValue('hero', 'default');
} else {
  const { createEngine } = await import(mode === 'bundle' || mode === 'preload' ? '/web/dist/leadseg.browser.js' : mode === 'base' ? './base/dist/leadseg.browser.js' : '/web/src/index.js');
  steps.import = performance.now() - t0;
  const engine = await createEngine({ config, consent: { personalization: true } });
  steps.createEngine = performance.now() - t0 - steps.import;
  const t1 = performance.now();
  engine.identify({ job_title: 'CTO', industry: 'Technology' });
  engine.track('page_view', { path: '/pricing' });
  engine.track('page_view', { path: '/pricing/teams' });
  value = engine.decide('hero').variant;
  steps.firstCalls = performance.now() - t1;
  const wasms = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.wasm'));
  const wasm = wasms[0];
  if (wasm) {
    steps.wasmRequestAt = wasm.startTime - t0;
    steps.wasmFetch = wasm.responseEnd - wasm.startTime;
    steps.wasmRequests = wasms.length;
  }
}
return { ms: performance.now() - t0, value, steps };
})();
`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { compileConfig } = await import('../../web/src/node.js');
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-cold-'));
fs.writeFileSync(path.join(site, 'index.html'), PAGE);
fs.writeFileSync(path.join(site, 'preload.html'), PRELOAD_PAGE);
const configText = fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8');
const compiled = await compileConfig(configText);
fs.writeFileSync(path.join(site, 'config.lsc'), compiled);
fs.writeFileSync(path.join(site, 'features.json'), JSON.stringify(FEATURES));
fs.writeFileSync(path.join(site, 'main.js'), MAIN);
// The module the Vite plugin makes of `config.json?leadseg`, as a classic
// script that leaves the bytes in window.BENCH_INLINE.compiled.
async function viteModuleAsScript() {
  const { default: leadsegVite } = await import('../../web/src/vite.js');
  const context = { addWatchFile() {}, warn() {}, error(message) { throw new Error(message); } };
  const { code } = await leadsegVite().load.call(context, `${path.join(REPO_ROOT, 'docs/examples/b2b-saas.json')}?leadseg`);
  const exported = 'export default decode(base64);';
  if (!code.includes(exported)) throw new Error('the Vite plugin\'s module changed: update viteModuleAsScript');
  return code.replace(exported, 'window.BENCH_INLINE = { compiled: decode(base64) };');
}
const pageName = (mode) => (configDelivery === 'inline' ? `inline-${mode}` : mode === 'preload' ? 'preload' : 'index');
if (configDelivery === 'inline') {
  const compiledScript = `<script>${await viteModuleAsScript()}</script>`;
  for (const mode of modes) {
    const script = mode === 'growthbook' ? `<script>window.BENCH_INLINE = ${JSON.stringify({ features: FEATURES })};</script>`
      : mode === 'json' ? `<script>window.BENCH_INLINE = ${JSON.stringify({ json: configText })};</script>`
        : compiledScript;
    fs.writeFileSync(path.join(site, `${pageName(mode)}.html`), (mode === 'preload' ? PRELOAD_PAGE : PAGE).replace('<script type="module"', () => `${script}<script type="module"`));
  }
}
if (base) {
  // The bundle finds its wasm at ../dist/ from itself.
  fs.mkdirSync(path.join(site, 'base', 'dist'), { recursive: true });
  for (const file of ['leadseg.browser.js', 'leadseg-runtime.wasm']) fs.copyFileSync(path.join(base, file), path.join(site, 'base', 'dist', file));
}
const server = await startSiteServer({
  site,
  files: {
    'config.json': path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'),
    'growthbook.esm.min.js': path.join(REPO_ROOT, 'node_modules/@growthbook/growthbook/dist/bundles/esm.min.js'),
  },
});
const jsFlags = args.includes('--js-flags') ? args[args.indexOf('--js-flags') + 1] : '';
const browser = await launchChromium({ args: jsFlags ? [`--js-flags=${jsFlags}`] : [] });
const results = Object.fromEntries(modes.map((m) => [m, []]));
try {
  const order = Object.keys(results);
  for (let i = 0; i < runs; i++) {
    // Each run starts with another mode, so none is always first or last.
    for (let j = 0; j < order.length; j++) {
      const mode = order[(i + j) % order.length];
      const context = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.goto(`${server.url}${pageName(mode)}.html?mode=${mode}`);
      const result = await page.evaluate(() => window.resultReady);
      // The renderer's CPU time for the whole page (load included): all its
      // threads (wasm compilation too), and its main thread's. The
      // machine's load inflates them far less than the wall clock.
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (name) => 1000 * (metrics.find((m) => m.name === name)?.value ?? NaN);
      result.processMs = metric('ProcessTime');
      result.threadMs = metric('ThreadTime');
      results[mode].push(result);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(site, { recursive: true, force: true });
}
const g = median(results.growthbook.map((r) => r.ms));
console.log(`== fresh Chromium context, import -> first decision (wall clock, median of ${runs}, interleaved; configs ${configDelivery === 'inline' ? 'inline in the page' : 'fetched'}; load average ${os.loadavg()[0].toFixed(1)})${jsFlags ? ` with --js-flags=${jsFlags}` : ''} ==`);
for (const [mode, rs] of Object.entries(results)) {
  const m = median(rs.map((r) => r.ms));
  const names = Object.keys(rs[0].steps ?? {});
  const steps = names.map((s) => `${s} ${median(rs.map((r) => r.steps[s])).toFixed(1)}`).join(', ');
  const cpu = `renderer CPU ${median(rs.map((r) => r.processMs)).toFixed(1)} ms, main thread ${median(rs.map((r) => r.threadMs)).toFixed(1)} ms`;
  console.log(`  ${mode}: ${m.toFixed(1)} ms (${(m / g).toFixed(2)}× GrowthBook), ${cpu} -> "${rs[0].value}"${steps ? ` [${steps}]` : ''}`);
  console.log(`    all: ${rs.map((r) => r.ms.toFixed(0)).join(' ')}`);
}
const gThread = median(results.growthbook.map((r) => r.threadMs));
for (const mode of ['bundle', 'preload', 'compiled', 'base']) {
  if (!results[mode]) continue;
  const c = median(results[mode].map((r) => r.ms));
  const thread = median(results[mode].map((r) => r.threadMs));
  console.log(`  target (${mode} ≤ 1.5× GrowthBook): wall clock ${(c / g).toFixed(2)}× ${c <= 1.5 * g ? 'PASS' : 'MISS'}, main thread ${(thread / gThread).toFixed(2)}× ${thread <= 1.5 * gThread ? 'PASS' : 'MISS'}`);
}
