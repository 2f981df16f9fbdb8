// Loads the learning module (web/dist/leadseg-learn.{mjs,wasm}) once per
// page or process, on the first trainModel() / discoverSegments() call.
// Browsers import the ES module glue; node registers its own loader
// (./node.js through setLearnLoader) that reads the files with `fs`.
import { leadsegError } from './errors.js';

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

async function browserLoader({ wasmUrl, wasmBinary }) {
  const { default: factory } = await import('../dist/leadseg-learn.mjs');
  const args = {};
  if (wasmBinary) args.wasmBinary = wasmBinary;
  else {
    const href = wasmUrl ? String(wasmUrl) : learnWasmHref();
    args.locateFile = (file) => (file.endsWith('.wasm') ? href : new URL(file, import.meta.url).href);
  }
  return factory(args);
}

/**
 * The learning module for these options: `module` as given, else a cached
 * instance per `wasmUrl` / `wasmBinary` (which name leadseg-learn.wasm).
 */
export function loadLearnModule(options = {}) {
  const { module, wasmUrl, wasmBinary } = options;
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
      .then(() => platformLoader({ wasmUrl, wasmBinary }))
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
