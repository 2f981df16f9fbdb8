// Loads the batch module (web/dist/leadseg-batch.{mjs,js,wasm}: LeadBatch,
// CSV bytes in and per-row results out, built at -O3), once per page,
// worker or process. Only segmentLeads' CSV path loads it; a page that
// personalizes never does. Browsers and workers import ../dist/
// leadseg-batch.mjs, which fetches its wasm next to itself; node registers
// a loader that reads the files (node.js, setBatchLoader).
import { leadsegError } from './errors.js';

let platformLoader = browserBatchLoader;
let cached = null;

/** Used by the node entry point. */
export function setBatchLoader(loader) {
  platformLoader = loader;
  cached = null;
}

async function browserBatchLoader() {
  const { default: factory } = await import('../dist/leadseg-batch.mjs');
  // A literal URL, so bundlers copy the wasm and rewrite the URL (as loader.js).
  const href = new URL('../dist/leadseg-batch.wasm', import.meta.url).href;
  return factory({ locateFile: (file) => (file.endsWith('.wasm') ? href : new URL(file, import.meta.url).href) });
}

/** The batch module (cached; a failed load is retried on the next call). */
export function loadBatchModule() {
  if (!cached) {
    cached = Promise.resolve().then(() => platformLoader()).catch((error) => {
      cached = null;
      throw leadsegError(`could not load the leadseg batch module (dist/leadseg-batch.wasm): ${error?.message ?? error}`, '', error);
    });
  }
  return cached;
}

/** A LeadBatch's error record -> a thrown LeadsegError (as bindings/errors.post.js does for the other modules). */
export function unwrapBatch(result) {
  if (result !== null && typeof result === 'object' && '__leadsegError' in result) {
    const error = leadsegError(result.__leadsegError, result.path || '');
    if (result.diagnostics) error.diagnostics = result.diagnostics;
    throw error;
  }
  return result;
}
