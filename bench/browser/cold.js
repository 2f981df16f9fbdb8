// Cold start in the page: from this module's first line to the first
// decide(), in a fresh browser context (no HTTP cache, no compiled-wasm
// cache). The config is fetched first and not counted (a site would
// inline it or have it cached); everything the library needs is counted:
//   ?mode=bundle   what a page loads in production: import
//                  web/dist/leadseg.browser.js (the one file, glue included),
//                  createEngine({config}) with the compiled config
//                  (/data/b2b-saas.lsc; it fetches, compiles and instantiates
//                  leadseg-runtime.wasm), decide();
//   ?mode=package  the same through the unbundled source (web/src/index.js
//                  and its imports, then leadseg.mjs): how pages loaded it
//                  before the bundle;
//   ?mode=raw      import web/dist/leadseg.mjs, instantiate, new Engine(),
//                  load(config), decide();
//   ?mode=growthbook  GrowthBook's ESM bundle: import, new GrowthBook with
//                  the slots as features (bench/lib/growthbook-features.js,
//                  as JSON text, parsed in the timed part like leadseg's
//                  config), getFeatureValue().
// The bench runner reads window.__leadsegCold.
import { growthBookFeatures } from '/bench/lib/growthbook-features.js';

const status = document.getElementById('status');
const mode = new URLSearchParams(location.search).get('mode') ?? 'package';
const SLOT = 'hero';

async function run() {
  const configText = await (await fetch('/data/b2b-saas.json')).text();
  const compiled = mode === 'bundle' ? new Uint8Array(await (await fetch('/data/b2b-saas.lsc')).arrayBuffer()) : null;
  // GrowthBook's payload, made before the clock starts as leadseg's config text is.
  const featuresText = mode === 'growthbook' ? JSON.stringify({ features: growthBookFeatures(JSON.parse(configText)) }) : null;
  const t0 = performance.now();
  if (mode === 'raw') {
    const { default: factory } = await import('/web/dist/leadseg.mjs');
    const t1 = performance.now();
    const core = await factory({});
    const t2 = performance.now();
    const engine = new core.Engine();
    engine.load(configText);
    const t3 = performance.now();
    const decision = engine.decide(SLOT, Date.now());
    const t4 = performance.now();
    return { mode, decision, steps: { importGlue: t1 - t0, instantiate: t2 - t1, configLoad: t3 - t2, firstDecide: t4 - t3 }, total: t4 - t0, sinceNavigation: t4 };
  }
  if (mode === 'growthbook') {
    const { GrowthBook } = await import('/vendor/growthbook.mjs');
    const t1 = performance.now();
    const gb = new GrowthBook({ ...JSON.parse(featuresText), attributes: {} });
    const t3 = performance.now();
    const decision = gb.getFeatureValue(SLOT, null);
    const t4 = performance.now();
    return { mode, decision, steps: { importPackage: t1 - t0, create: t3 - t1, firstDecide: t4 - t3 }, total: t4 - t0, sinceNavigation: t4 };
  }
  if (mode === 'bundle') {
    const { createEngine } = await import('/web/dist/leadseg.browser.js');
    const t1 = performance.now();
    const engine = await createEngine({ config: compiled, consent: { personalization: true } });
    const t3 = performance.now();
    const decision = engine.decide(SLOT);
    const t4 = performance.now();
    return { mode, decision, steps: { importPackage: t1 - t0, createEngine: t3 - t1, firstDecide: t4 - t3 }, total: t4 - t0, sinceNavigation: t4 };
  }
  const entry = '/web/src/index.js';
  const { createEngine, loadCore } = await import(entry);
  const t1 = performance.now();
  await loadCore();
  const t2 = performance.now();
  const engine = await createEngine({ config: configText, consent: { personalization: true } });
  const t3 = performance.now();
  const decision = engine.decide(SLOT);
  const t4 = performance.now();
  return { mode, decision, steps: { importPackage: t1 - t0, loadCore: t2 - t1, createEngine: t3 - t2, firstDecide: t4 - t3 }, total: t4 - t0, sinceNavigation: t4 };
}

run().then(
  (result) => {
    const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
    result.wasmTransferMs = wasm ? wasm.responseEnd - wasm.startTime : null;
    result.crossOriginIsolated = globalThis.crossOriginIsolated === true;
    window.__leadsegCold = result;
    status.textContent = JSON.stringify(result, null, 1);
  },
  (error) => {
    window.__leadsegCold = { error: String(error?.stack ?? error) };
    status.textContent = String(error);
  },
);
