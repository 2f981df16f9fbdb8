// Loads the learning module (web/dist/leadseg-learn.{mjs,wasm}) once per
// page or process, on the first trainModel() / discoverSegments() call.
// Browsers import the ES module glue; node registers its own loader
// (./node.js through setLearnLoader) that reads the files with `fs`.
import { leadsegError } from './errors.js';
import { instantiateCompiled } from './instantiate-compiled.js';

let platformLoader = browserLoader;
const cache = new Map();
const binaryCache = new WeakMap();

/** Used by the node entry point. */
export function setLearnLoader(loader) {
  platformLoader = loader;
}

/**
 * Where leadseg-learn.wasm is, as this file names it: in a page, after a
 * bundler rewrote it, the URL of the emitted asset. The page hands it to
 * the learn worker, whose own copy of this line a bundler may not rewrite.
 */
export function learnWasmHref() {
  // A literal new URL('...', import.meta.url), which bundlers recognise
  // (as web/src/loader.js).
  return new URL('../dist/leadseg-learn.wasm', import.meta.url).href;
}

// The learning wasm compiled once per page and URL: a WebAssembly.Module,
// which the workers of { worker: true } are handed (learn-in-worker.js) so
// that each only instantiates it. Without it every worker fetched and
// compiled the module again, on every call.
const compiled = new Map();

/**
 * The compiled learning wasm at `href` (a WebAssembly.Module) in a browser,
 * for a worker to instantiate; null where modules are loaded another way
 * (node) or compiling failed (the worker then loads its own).
 */
export function compiledLearnWasm(href = learnWasmHref()) {
  if (platformLoader !== browserLoader || typeof WebAssembly?.compileStreaming !== 'function') return Promise.resolve(null);
  let promise = compiled.get(href);
  if (!promise) {
    promise = WebAssembly.compileStreaming(fetch(href)).catch(() => {
      compiled.delete(href);
      return null;
    });
    compiled.set(href, promise);
  }
  return promise;
}

async function browserLoader({ wasmUrl, wasmBinary, wasmModule }) {
  const { default: factory } = await import('../dist/leadseg-learn.mjs');
  const args = {};
  if (wasmBinary) {
    args.wasmBinary = wasmBinary;
    return factory(args);
  }
  const href = wasmUrl ? String(wasmUrl) : learnWasmHref();
  args.locateFile = (file) => (file.endsWith('.wasm') ? href : new URL(file, import.meta.url).href);
  const module = wasmModule instanceof WebAssembly.Module ? wasmModule : await compiledLearnWasm(href);
  return module ? instantiateCompiled(factory, args, module) : factory(args);
}

/**
 * The learning module for these options: `module` as given, else a cached
 * instance per `wasmUrl` / `wasmBinary` (which name leadseg-learn.wasm).
 */
export function loadLearnModule(options = {}) {
  const { module, wasmUrl, wasmBinary, wasmModule } = options;
  if (module) {
    if (typeof module.Learner !== 'function') {
      return Promise.reject(leadsegError('options.module is not the leadseg learning module (it has no Learner)', '/module'));
    }
    return Promise.resolve(module);
  }
  if (wasmBinary !== undefined && !(wasmBinary instanceof ArrayBuffer || ArrayBuffer.isView(wasmBinary))) {
    return Promise.reject(leadsegError('options.wasmBinary must be an ArrayBuffer or a Uint8Array', '/wasmBinary'));
  }
  const key = wasmUrl ? String(wasmUrl) : '';
  let promise = wasmBinary ? binaryCache.get(wasmBinary) : cache.get(key);
  if (!promise) {
    promise = Promise.resolve()
      .then(() => platformLoader({ wasmUrl, wasmBinary, wasmModule }))
      .catch((error) => {
        if (wasmBinary) binaryCache.delete(wasmBinary);
        else cache.delete(key);
        const where = wasmBinary ? 'the given wasmBinary' : wasmUrl ? String(wasmUrl) : 'the leadseg package (dist/leadseg-learn.wasm)';
        throw leadsegError(`could not load the leadseg learning module from ${where}: ${error?.message ?? error}`, '', error);
      });
    if (wasmBinary) binaryCache.set(wasmBinary, promise);
    else cache.set(key, promise);
  }
  return promise;
}
