// Loads the WebAssembly core (web/dist/leadseg.{mjs,js,wasm}) once per
// page (or process) and shares it between engines.
//
// Browsers import ../dist/leadseg.mjs, which fetches leadseg.wasm next to
// itself (or from `wasmUrl`). Node registers its own loader (./node.js sets
// it through setPlatformLoader) that reads the files with `fs`.
import { leadsegError } from './errors.js';

let platformLoader = browserLoader;
const cache = new Map();
const binaryCache = new WeakMap();

/** Used by the node entry point: replaces how the factory and bytes are found. */
export function setPlatformLoader(loader) {
  platformLoader = loader;
}

async function browserLoader({ wasmUrl, wasmBinary }) {
  const { default: factory } = await import('../dist/leadseg.mjs');
  const args = {};
  if (wasmBinary) args.wasmBinary = wasmBinary;
  else {
    // The default is a literal new URL('...', import.meta.url), the pattern
    // bundlers recognise: Vite copies leadseg.wasm into its output and
    // rewrites the URL (tests/browser/web-vite.test.mjs). Unbundled it is
    // the file next to dist/leadseg.mjs, as before. (leadseg.mjs alone would
    // look next to wherever the bundler put its code, where it is not.)
    const href = wasmUrl ? String(wasmUrl) : new URL('../dist/leadseg.wasm', import.meta.url).href;
    args.locateFile = (file) => (file.endsWith('.wasm') ? href : new URL(file, import.meta.url).href);
  }
  return factory(args);
}

/**
 * The core module for these options: `module` as given, else a cached
 * instance per `wasmUrl` / `wasmBinary`.
 * @param {{module?: object, wasmUrl?: string|URL, wasmBinary?: ArrayBuffer|Uint8Array}} [options]
 */
export function loadModule(options = {}) {
  const { module, wasmUrl, wasmBinary } = options;
  if (module) {
    if (typeof module.Engine !== 'function') throw leadsegError('options.module is not a leadseg core module (it has no Engine)');
    return Promise.resolve(module);
  }
  if (wasmBinary !== undefined && !(wasmBinary instanceof ArrayBuffer || ArrayBuffer.isView(wasmBinary))) {
    return Promise.reject(leadsegError('options.wasmBinary must be an ArrayBuffer or a Uint8Array'));
  }
  let promise = wasmBinary ? binaryCache.get(wasmBinary) : cache.get(wasmUrl ? String(wasmUrl) : '');
  if (!promise) {
    promise = Promise.resolve()
      .then(() => platformLoader({ wasmUrl, wasmBinary }))
      .catch((error) => {
        if (wasmBinary) binaryCache.delete(wasmBinary);
        else cache.delete(wasmUrl ? String(wasmUrl) : '');
        const where = wasmBinary ? 'the given wasmBinary' : wasmUrl ? String(wasmUrl) : 'the leadseg package (dist/leadseg.wasm)';
        throw leadsegError(`could not load the leadseg WebAssembly core from ${where}: ${error?.message ?? error}`, '', error);
      });
    if (wasmBinary) binaryCache.set(wasmBinary, promise);
    else cache.set(wasmUrl ? String(wasmUrl) : '', promise);
  }
  return promise;
}
