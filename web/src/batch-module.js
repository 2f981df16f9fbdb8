// Loads the batch module (web/dist/leadseg-batch.{mjs,js,wasm}: LeadBatch,
// CSV bytes in and per-row results out, built at -O3), once per page,
// worker or process. Only segmentLeads' CSV path loads it; a page that
// personalizes never does. Browsers and workers import ../dist/
// leadseg-batch.mjs, which fetches its wasm next to itself; node registers
// a loader that reads the files (node.js, setBatchLoader).
import { leadsegError } from './errors.js';
import { instantiateCompiled } from './instantiate-compiled.js';

let platformLoader = browserBatchLoader;
let cached = null;

/** Used by the node entry point. */
export function setBatchLoader(loader) {
  platformLoader = loader;
  cached = null;
}

// The batch wasm compiled once per page: a WebAssembly.Module, which
// segmentLeads' workers are handed (batch-workers.js) so that each only
// instantiates it. Compiling the -O3 module costs far more than reading a
// small file's rows, once per worker and on every run.
let compiled = null;

function batchWasmHref() {
  // A literal URL, so bundlers copy the wasm and rewrite the URL (as loader.js).
  return new URL('../dist/leadseg-batch.wasm', import.meta.url).href;
}

/**
 * The compiled batch wasm (a WebAssembly.Module) in a browser, for a worker
 * to instantiate (useCompiledBatchWasm); null where modules are loaded
 * another way (node) or compiling failed (each worker then loads its own).
 */
export function compiledBatchWasm() {
  if (platformLoader !== browserBatchLoader || typeof WebAssembly?.compileStreaming !== 'function') return Promise.resolve(null);
  compiled ??= WebAssembly.compileStreaming(fetch(batchWasmHref())).catch(() => {
    compiled = null;
    return null;
  });
  return compiled;
}

/** In a worker: instantiate this already compiled module rather than fetching and compiling the wasm. */
export function useCompiledBatchWasm(module) {
  if (module instanceof WebAssembly.Module) compiled = Promise.resolve(module);
}

async function browserBatchLoader() {
  const { default: factory } = await import('../dist/leadseg-batch.mjs');
  const href = batchWasmHref();
  const module = await compiledBatchWasm();
  const options = { locateFile: (file) => (file.endsWith('.wasm') ? href : new URL(file, import.meta.url).href) };
  return module ? instantiateCompiled(factory, options, module) : factory(options);
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

/**
 * Copies `bytes` into a LeadBatch's input buffer at most `chunkBytes` at a
 * time and hands each slice to `feed(size, last)`; `last` is true for the
 * final slice when `bytes` is the input's final part.
 */
export function feedSlices(module, batch, bytes, last, chunkBytes, feed) {
  let done = 0;
  do {
    const size = Math.min(bytes.length - done, chunkBytes);
    const ptr = batch.inputBuffer(size); // may grow memory: read HEAPU8 after
    module.HEAPU8.set(bytes.subarray(done, done + size), ptr);
    done += size;
    feed(size, last && done === bytes.length);
  } while (done < bytes.length);
}
