#!/usr/bin/env node
// Issue 14's feasibility study of a split runtime wasm (docs/performance.md,
// "A split runtime wasm, measured", s47): what a page would load before its
// first decision if Binaryen's wasm-split cut leadseg-runtime.wasm in two
// along a profile, and whether the package's createEngine + decide answer
// on the two halves as on the whole. Nothing here ships; the product's
// build is untouched.
//
//   node bench/node/wasm-split-probe.mjs [--out DIR] [--chromium] [--wasm FILE.wasm --glue FILE.js --concepts]
//
// 1. `wasm-split --instrument` (the Debian binaryen's, /usr/bin/wasm-split:
//    what em++ -sSPLIT_MODULE runs) on the runtime wasm; the instrumented
//    module is instantiated through the runtime's glue and the package's
//    createEngine({module}), each profile's workload runs on the worked
//    example config (docs/examples/b2b-saas.json), and the module's
//    __write_profile export writes which functions ran:
//      decide    createEngine(compiled) + decide('hero')
//      first     + identify + 2 track() before the decide (cold-compiled.mjs's first decision)
//      page      + segments(), a snapshot written (flush on MemoryStorage) and a
//                second engine restoring it + decide (a returning visitor's page)
//      decidePredictive  decide's, and the same on the worked example with
//                docs/examples/predictive.json's model (a config feature more)
//      allSlots  decide's with every slot of the config decided
// 2. `wasm-split --profile` writes a primary (what ran) and a secondary (the
//    rest); each is measured gzip -9, with the sections the split adds to.
// 3. Each primary is instantiated alone (its placeholders throw if called),
//    the profile's workload runs and its answers are compared with the
//    unsplit wasm's; the secondary is then instantiated asynchronously on
//    the primary's exports and a wider workload runs (identify, events of
//    every kind, score, explain, experiments, an unknown slot) and is
//    compared too. Last, the call that reaches the secondary before it is
//    loaded: which placeholder it hits, and whether the engine answers as
//    the unsplit one afterwards.
// 4. A config the profiles did not see (the worked example with
//    docs/examples/predictive.json's model): does createEngine stay in the primary?
// --chromium: the `decide` split in headless Chromium (playwright-core,
// /usr/bin/chromium, tests/browser/fixtures/chromium.mjs): a page imports
// the runtime's ES glue and web/src/index.js, instantiates the primary, makes
// its first decision, then identify + track + segments + score, which reach
// the secondary, three ways: `async` (WebAssembly.instantiate of the
// pre-compiled secondary after the first decision), `syncInstance` (loaded
// by the first placeholder called: new WebAssembly.Instance on a module
// compiled ahead), `syncCompile` (emscripten's instantiateSync: new
// WebAssembly.Module on the bytes in the placeholder, on the main thread).
// Each compares its answers with the unsplit runtime's in the same page.
// --wasm/--glue: another link of the runtime (e.g. the `--profiling-funcs`
// one of docs/performance.md "The runtime wasm's bytes, by owner", whose
// CommonJS glue is FILE.js); --concepts then prints each half's code bytes
// per concept (wasm-concepts.mjs's rules, names from wasm-split's
// --symbolmap since the split outputs carry no name section).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { analyzeWasm } from './wasm-size.mjs';
import { conceptOf } from './wasm-concepts.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const wasmFile = path.resolve(opt('--wasm', path.join(REPO_ROOT, 'web/dist/leadseg-runtime.wasm')));
const glueFile = opt('--glue');
const out = path.resolve(opt('--out', fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-split-probe-'))));
fs.mkdirSync(out, { recursive: true });
// The runtime's features (cmake/LeadsegWasm.cmake, LEADSEG_RUNTIME_FEATURES):
// the wasm has no target_features section to tell wasm-split.
const FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-mutable-globals', '--enable-sign-ext'];

// gzip -9 as compiled.mjs and sizes.mjs count a served file.
const gzip9 = (bytes) => spawnSync('gzip', ['-9', '-c', '-n'], { input: bytes, maxBuffer: 64 << 20 }).stdout.length;
function wasmSplit(...a) {
  const r = spawnSync('wasm-split', [...FEATURES, ...a], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wasm-split ${a.join(' ')}:\n${r.stderr}`);
}

const factory = glueFile
  ? createRequire(import.meta.url)(path.resolve(glueFile))
  : (await import(pathToFileURL(path.join(REPO_ROOT, 'web/dist/leadseg-runtime.mjs')).href)).default;
const { createEngine, compileConfig, MemoryStorage } = await import(pathToFileURL(path.join(REPO_ROOT, 'web/src/node.js')).href);
const config = await compileConfig(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8'));
const NOW = 1767225600000;
const worked = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8'));
const { predictive, attributes } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/predictive.json'), 'utf8'));
const other = await compileConfig({ ...worked, predictive, attributes: { ...worked.attributes, ...attributes } });

/**
 * The runtime module on `wasm` through the glue, with wasm-split's
 * placeholder imports: until `loadSecondary` they throw, after it they call
 * the table slot the secondary filled (the glue keeps the function the table
 * held at start-up for each bound function, i.e. the placeholder).
 */
async function instantiate(wasm) {
  const compiled = new WebAssembly.Module(wasm);
  const state = { exports: null, loaded: false, calls: [] };
  const placeholder = new Proxy({}, {
    get: (_, slot) => (...a) => {
      state.calls.push({ slot: Number(slot), loaded: state.loaded });
      if (!state.loaded) {
        // Wasm frames under the placeholder: 0 when JS called a split-out bound
        // function, more when the core was mid-call.
        const frames = (new Error().stack.match(/wasm-function/g) ?? []).length;
        throw new Error(`placeholder ${slot} (${frames} wasm frames under it) called before the secondary module was loaded`);
      }
      return state.exports.k.get(Number(slot))(...a); // k: the exported table (minified name)
    },
  });
  const module = await factory({
    instantiateWasm(imports, receive) {
      const instance = new WebAssembly.Instance(compiled, { ...imports, placeholder });
      state.exports = instance.exports;
      receive(instance, compiled);
      return {};
    },
  });
  const loadSecondary = async (bytes) => {
    await WebAssembly.instantiate(bytes, { primary: state.exports });
    state.loaded = true;
  };
  return { module, state, loadSecondary };
}

// Experiments hash on the visitor id, random for a new visitor: a storage
// holding a fixed one makes every run's decisions the same.
async function visitorStorage() {
  const storage = new MemoryStorage();
  await storage.write({ put: { visitor: { id: 'probe-visitor-1' } } });
  return storage;
}
const newEngine = async (module, extra = {}) => createEngine({
  config, module, consent: { storage: true, personalization: true }, now: () => NOW, storage: await visitorStorage(), ...extra,
});

const WORKLOADS = {
  async decide(module) {
    const engine = await newEngine(module);
    const r = { hero: engine.decide('hero') };
    engine.destroy();
    return r;
  },
  async first(module) {
    const engine = await newEngine(module);
    engine.identify({ job_title: 'CTO', industry: 'Technology' });
    engine.track('page_view', { path: '/pricing' });
    engine.track('page_view', { path: '/pricing/teams' });
    const r = { hero: engine.decide('hero') };
    engine.destroy();
    return r;
  },
  async page(module) {
    const storage = await visitorStorage();
    const engine = await newEngine(module, { storage });
    engine.identify({ job_title: 'CTO', industry: 'Technology' });
    engine.track('page_view', { path: '/pricing' });
    engine.track('page_view', { path: '/pricing/teams' });
    const r = { hero: engine.decide('hero'), segments: engine.segments() };
    await engine.flush(); // the snapshot
    engine.destroy();
    const again = await newEngine(module, { storage, now: () => NOW + 60_000 });
    r.restored = { hero: again.decide('hero'), segments: again.segments() };
    again.destroy();
    return r;
  },
  async decidePredictive(module) {
    const r = await WORKLOADS.decide(module);
    const engine = await newEngine(module, { config: other });
    r.predictive = engine.decide('hero');
    engine.destroy();
    return r;
  },
  async allSlots(module) {
    const engine = await newEngine(module);
    const r = Object.fromEntries(['hero', 'cta', 'lead_form'].map((slot) => [slot, engine.decide(slot)]));
    engine.destroy();
    return r;
  },
};

function identifyAndBuy(engine) {
  engine.identify({ job_title: 'Engineer', industry: 'Retail', company_size: 5000 });
  engine.track('purchase', { value: 120 });
}

/** What a page might do once the secondary is there: every kind of call, on a fresh engine. */
async function wider(module) {
  const engine = await newEngine(module);
  const r = { hero: engine.decide('hero') };
  engine.identify({ job_title: 'Engineer', industry: 'Retail', company_size: 5000, country: 'DE', age: 41 });
  engine.declare?.('newsletter_subscribed', true);
  for (let i = 0; i < 3; i++) engine.track('email_open', {});
  engine.track('download', { category: 'guide' });
  engine.track('session_start', {});
  engine.track('add_to_cart', { value: 80 });
  engine.track('purchase', { value: 120 });
  Object.assign(r, {
    segments: engine.segments(), cta: engine.decide('cta'), lead_form: engine.decide('lead_form'), score: engine.score(),
    metrics: engine.metrics(), attributes: engine.attributes(), explain: engine.explain('high_intent_tech'), experiments: engine.experiments(),
  });
  try { r.unknownSlot = engine.decide('no_such_slot'); } catch (error) { r.unknownSlot = error.message; }
  engine.destroy();
  return r;
}

const unsplit = fs.readFileSync(wasmFile);
const instrumented = path.join(out, 'instrumented.wasm');
wasmSplit('--instrument', wasmFile, '-o', instrumented);
const reference = {};
{
  const { module } = await instantiate(unsplit);
  for (const [name, run] of Object.entries(WORKLOADS)) reference[name] = JSON.stringify(await run(module));
  reference.wider = JSON.stringify(await wider(module));
  const engine = await newEngine(module);
  engine.decide('hero');
  identifyAndBuy(engine);
  reference.identifyAndBuy = JSON.stringify(engine.attributes());
  engine.destroy();
  const bareEngine = await createEngine({ config, module, consent: { personalization: true }, now: () => NOW });
  bareEngine.decide('hero');
  bareEngine.identify({ job_title: 'CTO', industry: 'Technology' });
  reference.bare = JSON.stringify(bareEngine.attributes());
  bareEngine.destroy();
}

console.log(`${path.relative(REPO_ROOT, wasmFile)}: ${unsplit.length} raw, ${gzip9(unsplit)} gzip -9 (unsplit)`);
console.log(`instrumented: ${fs.statSync(instrumented).size} raw; out: ${out}`);
const sectionsOf = (bytes) => Object.fromEntries(analyzeWasm(bytes).sections.map((s) => [s.name, s.size]));
const base = sectionsOf(unsplit);
console.log(`unsplit sections: code ${base.code}, data ${base.data}, import ${base.import}, export ${base.export}, element ${base.element}`);
const rows = [];
for (const [name, run] of Object.entries(WORKLOADS)) {
  // Profile: a fresh instrumented instance, the workload, __write_profile.
  const { module, state } = await instantiate(fs.readFileSync(instrumented));
  await run(module);
  const write = state.exports.__write_profile;
  const size = write(0, 0);
  const ptr = module._malloc(size);
  write(ptr, size);
  const profile = path.join(out, `${name}.profile`);
  fs.writeFileSync(profile, new Uint8Array(state.exports.g.buffer, ptr, size)); // g: the exported memory
  const primaryFile = path.join(out, `${name}.primary.wasm`);
  const secondaryFile = path.join(out, `${name}.secondary.wasm`);
  wasmSplit('--export-prefix=%', wasmFile, `--profile=${profile}`, '-o1', primaryFile, '-o2', secondaryFile, '--symbolmap');
  const primary = fs.readFileSync(primaryFile);
  const secondary = fs.readFileSync(secondaryFile);
  const ps = sectionsOf(primary);

  // The primary alone answers the workload; after the secondary, the wider one.
  const alone = await instantiate(primary);
  const same = JSON.stringify(await run(alone.module)) === reference[name];
  const placeholdersBefore = alone.state.calls.length;
  await alone.loadSecondary(secondary);
  const widerSame = JSON.stringify(await wider(alone.module)) === reference.wider;

  // A call that needs the secondary before it is there; then, the secondary
  // loaded, the same calls again on the same engine.
  const early = await instantiate(primary);
  const engine = await newEngine(early.module);
  engine.decide('hero');
  let earlyError = null;
  try {
    identifyAndBuy(engine);
  } catch (error) {
    earlyError = error.message.replace(/ called before.*/, '');
  }
  await early.loadSecondary(secondary);
  let earlyAfter;
  try {
    identifyAndBuy(engine);
    earlyAfter = JSON.stringify(engine.attributes()) === reference.identifyAndBuy ? 'same' : 'DIFFERENT';
  } catch (error) {
    earlyAfter = `throws: ${error.message}`;
  }
  engine.destroy();

  // The same on an engine without storage consent (nothing stored, no
  // visitor id restored): identify, attributes() before the secondary, then
  // identify again after it.
  const bare = await instantiate(primary);
  const bareEngine = await createEngine({ config, module: bare.module, consent: { personalization: true }, now: () => NOW });
  bareEngine.decide('hero');
  let bareError = null;
  try {
    bareEngine.identify({ job_title: 'CTO', industry: 'Technology' });
    bareEngine.attributes();
  } catch (error) {
    bareError = error.message.replace(/ called before.*/, '');
  }
  await bare.loadSecondary(secondary);
  let bareAfter;
  try {
    bareEngine.identify({ job_title: 'CTO', industry: 'Technology' });
    bareAfter = JSON.stringify(bareEngine.attributes()) === reference.bare ? 'same' : 'DIFFERENT';
  } catch (error) {
    bareAfter = `throws: ${error.message}`;
  }
  bareEngine.destroy();

  rows.push({ name, primary: primary.length, primaryGzip: gzip9(primary), secondary: secondary.length, secondaryGzip: gzip9(secondary),
    primaryCode: ps.code, primaryData: ps.data, primaryImport: ps.import, primaryExport: ps.export, same, placeholdersBefore, widerSame, earlyError, earlyAfter, bareError, bareAfter });
  if (args.includes('--concepts')) printConcepts(name, primaryFile, secondaryFile);
}
console.log('\nprofile           primary raw/gzip   secondary raw/gzip   primary code/data/import/export   answers as unsplit (placeholders hit)   after secondary   identify+purchase before it');
for (const r of rows) {
  console.log(`${r.name.padEnd(16)} ${String(r.primary).padStart(7)} / ${String(r.primaryGzip).padEnd(6)}   ${String(r.secondary).padStart(7)} / ${String(r.secondaryGzip).padEnd(6)}   ` +
    `${r.primaryCode}/${r.primaryData}/${r.primaryImport}/${r.primaryExport}`.padEnd(34) +
    `${r.same ? 'same' : 'DIFFERENT'} (${r.placeholdersBefore})`.padEnd(40) + `${r.widerSame ? 'same' : 'DIFFERENT'}`.padEnd(18) + `${r.earlyError ?? 'no placeholder hit'}; ${r.earlyAfter}`);
}
console.log('\nwithout storage consent: identify + attributes() before the secondary; identify after it');
for (const r of rows) console.log(`${r.name.padEnd(16)} ${r.bareError ?? 'no placeholder hit'}; ${r.bareAfter}`);
{
}

// A config the profiles did not see: the worked example with the predictive
// model of docs/examples/predictive.json; createEngine + decide on each primary.
{
  console.log('\nworked example + predictive model, createEngine + decide on the primary alone');
  for (const r of rows) {
    const { module } = await instantiate(fs.readFileSync(path.join(out, `${r.name}.primary.wasm`)));
    let outcome;
    try {
      const engine = await createEngine({ config: other, module, consent: { personalization: true }, now: () => NOW });
      outcome = `stays in the primary: ${engine.decide('hero').variant}`;
      engine.destroy();
    } catch (error) {
      outcome = error.message.replace(/ called before.*/, '');
    }
    console.log(`${r.name.padEnd(16)} ${outcome}`);
  }
}

if (args.includes('--chromium')) await chromium();

async function chromium() {
  const { launchChromium, startSiteServer } = await import('../../tests/browser/fixtures/chromium.mjs');
  const site = path.join(out, 'site');
  fs.mkdirSync(site, { recursive: true });
  fs.copyFileSync(path.join(out, 'decide.primary.wasm'), path.join(site, 'primary.wasm'));
  fs.copyFileSync(path.join(out, 'decide.secondary.wasm'), path.join(site, 'secondary.wasm'));
  fs.writeFileSync(path.join(site, 'config.lsc'), config);
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="page.mjs"></script>\n');
  fs.writeFileSync(path.join(site, 'page.mjs'), `${chromiumPage.toString()}\nchromiumPage(${NOW});\n`);
  const server = await startSiteServer({ site });
  const browser = await launchChromium();
  try {
    console.log('\nChromium, the decide split: answers as the unsplit runtime in the same page');
    for (const mode of ['async', 'syncInstance', 'syncCompile']) {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`${server.url}index.html?mode=${mode}`);
      await page.waitForFunction(() => window.result, null, { timeout: 30_000 });
      const r = await page.evaluate(() => window.result);
      console.log(`${mode.padEnd(13)} ${r.ok ? (r.same ? 'same' : 'DIFFERENT') : `failed: ${r.error}`}; placeholders hit before the first decision ${r.hitsAtFirstDecision}, in all ${r.placeholderHits}; ${r.log.join('; ')}${errors.length ? `; page errors: ${errors}` : ''}`);
      await page.close();
    }
    console.log(`(${await browser.version()})`);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The page's script (runs in Chromium; written to page.mjs as source). */
async function chromiumPage(NOW) {
  const { default: factory } = await import('../web/dist/leadseg-runtime.mjs');
  const { createEngine } = await import('../web/src/index.js');
  const mode = new URLSearchParams(location.search).get('mode');
  const log = [];
  const bytes = async (file) => new Uint8Array(await (await fetch(file)).arrayBuffer());
  const config = await bytes('config.lsc');
  async function run(module, afterFirstDecision) {
    const engine = await createEngine({ config, module, consent: { personalization: true }, now: () => NOW, storage: 'memory' });
    const r = { hero: engine.decide('hero') };
    await afterFirstDecision?.();
    engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 5000 });
    engine.track('page_view', { path: '/pricing' });
    engine.track('purchase', { value: 120 });
    Object.assign(r, { segments: engine.segments(), again: engine.decide('hero'), attributes: engine.attributes(), metrics: engine.metrics(), score: engine.score() });
    engine.destroy();
    return JSON.stringify(r);
  }
  try {
    const reference = await run(undefined); // the package's own load of the unsplit runtime
    const [primaryBytes, secondaryBytes] = await Promise.all([bytes('primary.wasm'), bytes('secondary.wasm')]);
    const primary = await WebAssembly.compile(primaryBytes);
    const secondary = mode === 'syncCompile' ? null : await WebAssembly.compile(secondaryBytes);
    let exports;
    let loaded = false;
    let hits = 0;
    const placeholder = new Proxy({}, {
      get: (_, slot) => (...a) => {
        hits++;
        if (!loaded) {
          if (mode === 'async') throw new Error(`placeholder ${slot} before the secondary`);
          const t = performance.now();
          new WebAssembly.Instance(mode === 'syncCompile' ? new WebAssembly.Module(secondaryBytes) : secondary, { primary: exports });
          loaded = true;
          log.push(`secondary loaded in placeholder ${slot} in ${(performance.now() - t).toFixed(1)} ms`);
        }
        return exports.k.get(Number(slot))(...a);
      },
    });
    const module = await factory({
      instantiateWasm(imports, receive) {
        WebAssembly.instantiate(primary, { ...imports, placeholder }).then((instance) => {
          exports = instance.exports;
          receive(instance, primary);
        });
        return {};
      },
    });
    let hitsAtFirstDecision;
    const split = await run(module, async () => {
      hitsAtFirstDecision = hits;
      if (mode !== 'async') return;
      const t = performance.now();
      await WebAssembly.instantiate(secondary, { primary: exports });
      loaded = true;
      log.push(`secondary instantiated after the first decision in ${(performance.now() - t).toFixed(1)} ms`);
    });
    window.result = { ok: true, same: split === reference, hitsAtFirstDecision, placeholderHits: hits, log };
  } catch (error) {
    window.result = { ok: false, error: String(error?.stack ?? error), log };
  }
}

function printConcepts(name, primaryFile, secondaryFile) {
  const unescape = (s) => s.replace(/\\([0-9a-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const groups = (file) => {
    const names = new Map(fs.readFileSync(`${file}.symbols`, 'utf8').trim().split('\n').map((line) => {
      const i = line.indexOf(':');
      return [Number(line.slice(0, i)), unescape(line.slice(i + 1))];
    }));
    const g = new Map();
    for (const f of analyzeWasm(fs.readFileSync(file)).functions) {
      const c = conceptOf(names.get(f.index) ?? f.name);
      g.set(c, (g.get(c) ?? 0) + f.size);
    }
    return g;
  };
  const p = groups(primaryFile);
  const s = groups(secondaryFile);
  console.log(`\n== ${name}: code bytes per concept, primary / secondary`);
  for (const c of [...new Set([...p.keys(), ...s.keys()])].sort((a, b) => ((p.get(b) ?? 0) + (s.get(b) ?? 0)) - ((p.get(a) ?? 0) + (s.get(a) ?? 0)))) {
    console.log(`${String(p.get(c) ?? 0).padStart(8)} ${String(s.get(c) ?? 0).padStart(8)}  ${c}`);
  }
}
