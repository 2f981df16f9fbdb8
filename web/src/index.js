// leadseg: lead segmentation and scoring in the visitor's browser.
//
//   import { createEngine } from 'leadseg';
//   const engine = await createEngine({ config, consent: { storage: true } });
//
// Types and documentation: ../index.d.ts and ../README.md.
export { createEngine, EVENTS } from './engine.js';
// The CSV parser and the report estimator are loaded on first use (a page
// that only personalizes needs neither); typeValue, debias and
// keepProbability are a few lines each and stay synchronous.
export { parseCsv, CsvParser, CsvRows } from './csv-lazy.js';
export { typeValue } from './csv.js';
export { debias, keepProbability } from './estimator.js';
export { MemoryStorage, IndexedDbStorage, LocalStorageStorage } from './storage/index.js';
export { loadModule as loadCore } from './loader.js';

/**
 * Segments and scores a lead list (see ../README.md, "Batch"). The batch
 * code is loaded on the first call, so a page that only personalizes never
 * fetches it (an unbundled <script type="module"> loads every static import
 * before it runs).
 */
export async function segmentLeads(config, leads, options) {
  const batch = await import('./batch.js');
  return batch.segmentLeads(config, leads, options);
}

/**
 * Estimates shares from report payloads (estimator.js). Asynchronous here
 * because the estimator is loaded on the first call; a server that wants it
 * synchronous imports it from 'leadseg/estimator'.
 */
export async function estimate(reports) {
  const estimator = await import('./estimator.js');
  return estimator.estimate(reports);
}

/**
 * Compiles a config into the bytes createEngine({config}) loads with the
 * runtime module alone (docs/compiled-config.md). The compiler is loaded on
 * the first call, like the batch code.
 */
export async function compileConfig(config, options) {
  const compiler = await import('./compiler.js');
  return compiler.compileConfig(config, options);
}

/**
 * Trains a predictive model on a lead list with an outcome column
 * (docs/predictive.md). The learning code and its WebAssembly module are
 * loaded on the first call.
 */
export async function trainModel(config, leads, options) {
  const learn = await import('./learn.js');
  return learn.trainModel(config, leads, options);
}

/** Finds clusters of similar leads and describes each as a segment (docs/predictive.md). */
export async function discoverSegments(config, leads, options) {
  const learn = await import('./learn.js');
  return learn.discoverSegments(config, leads, options);
}
