// Loads the WebAssembly core once per page (or process) and shares it
// between engines. Two modules:
//  - the runtime (web/dist/leadseg-runtime.{mjs,js,wasm}): what a page
//    needs for an engine on a compiled config (createEngine with bytes);
//  - the full module (web/dist/leadseg.{mjs,js,wasm}): the runtime plus the
//    config compiler, Segmenter and test surfaces; loaded for JSON configs,
//    compileConfig() and segmentLeads().
//
// Browsers import ../dist/<module>.mjs, which fetches its wasm next to
// itself (or from `wasmUrl`). Node registers its own loaders (./node.js sets
// them through setPlatformLoader) that read the files with `fs`.
import { leadsegError } from './errors.js';
import { compileWasm, instantiateCompiled } from './loader-wasm.js';

let platformLoader = browserLoader;
let runtimeLoader = browserRuntimeLoader;
const caches = { full: new Map(), runtime: new Map() };
const binaryCaches = { full: new WeakMap(), runtime: new WeakMap() };

/**
 * Used by the node entry point: replaces how the factories and bytes are
 * found (`runtime` for the runtime module).
 */
export function setPlatformLoader(loader, runtime = runtimeLoader) {
  platformLoader = loader;
  runtimeLoader = runtime;
}

// Without wasmBinary, the wasm's fetch and compile start before
// the glue is imported (loader-wasm.js), so the two overlap.
async function browserLoader({ wasmUrl, wasmBinary }) {
  if (wasmBinary) {
    const { default: factory } = await import('../dist/leadseg.mjs');
    return factory({ wasmBinary });
  }
  // The default is a literal new URL('...', import.meta.url), the pattern
  // bundlers recognise: Vite copies leadseg.wasm into its output and
  // rewrites the URL (tests/browser/web-vite.test.mjs). Unbundled it is
  // the file next to dist/leadseg.mjs, as before. (leadseg.mjs alone would
  // look next to wherever the bundler put its code, where it is not.)
  const href = wasmUrl ? String(wasmUrl) : new URL('../dist/leadseg.wasm', import.meta.url).href;
  const compiling = compileWasm(href);
  const { default: factory } = await import('../dist/leadseg.mjs');
  return instantiateCompiled(factory, compiling, { locateFile: (file) => (file.endsWith('.wasm') ? href : new URL(file, import.meta.url).href) });
}

async function browserRuntimeLoader({ wasmUrl, wasmBinary }) {
  if (wasmBinary) {
    const { default: factory } = await import('../dist/leadseg-runtime.mjs');
    return factory({ wasmBinary });
  }
  // A literal URL, as above, so bundlers copy and rewrite it.
  const href = wasmUrl ? String(wasmUrl) : new URL('../dist/leadseg-runtime.wasm', import.meta.url).href;
  const compiling = compileWasm(href);
  const { default: factory } = await import('../dist/leadseg-runtime.mjs');
  return instantiateCompiled(factory, compiling, { locateFile: (file) => (file.endsWith('.wasm') ? href : new URL(file, import.meta.url).href) });
}

/**
 * The core module for these options: `module` as given, else a cached
 * instance per `wasmUrl` / `wasmBinary`.
 * @param {{module?: object, wasmUrl?: string|URL, wasmBinary?: ArrayBuffer|Uint8Array}} [options]
 */
export function loadModule(options = {}) {
  return load('full', options);
}

/**
 * The runtime module for these options (engines on compiled configs):
 * `module` as given, else a cached instance per `wasmUrl` / `wasmBinary`,
 * which then name leadseg-runtime.wasm.
 */
export function loadRuntimeModule(options = {}) {
  return load('runtime', options);
}

function load(kind, options) {
  const { module, wasmUrl, wasmBinary } = options;
  const cache = caches[kind];
  const binaryCache = binaryCaches[kind];
  const file = kind === 'runtime' ? 'dist/leadseg-runtime.wasm' : 'dist/leadseg.wasm';
  if (module) {
    // module.Engine: its CoreEngine (bindings/engine.post.js).
    if (typeof module.Engine !== 'function') throw leadsegError('options.module is not a leadseg core module (it has no Engine)');
    return Promise.resolve(module);
  }
  if (wasmBinary !== undefined && !(wasmBinary instanceof ArrayBuffer || ArrayBuffer.isView(wasmBinary))) {
    return Promise.reject(leadsegError('options.wasmBinary must be an ArrayBuffer or a Uint8Array'));
  }
  let promise = wasmBinary ? binaryCache.get(wasmBinary) : cache.get(wasmUrl ? String(wasmUrl) : '');
  if (!promise) {
    promise = Promise.resolve()
      .then(() => (kind === 'runtime' ? runtimeLoader : platformLoader)({ wasmUrl, wasmBinary }))
      .catch((error) => {
        if (wasmBinary) binaryCache.delete(wasmBinary);
        else cache.delete(wasmUrl ? String(wasmUrl) : '');
        const where = wasmBinary ? 'the given wasmBinary' : wasmUrl ? String(wasmUrl) : `the leadseg package (${file})`;
        throw leadsegError(`could not load the leadseg WebAssembly core from ${where}: ${error?.message ?? error}`, '', error);
      });
    if (wasmBinary) binaryCache.set(wasmBinary, promise);
    else cache.set(wasmUrl ? String(wasmUrl) : '', promise);
  }
  return promise;
}
