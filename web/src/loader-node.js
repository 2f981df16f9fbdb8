// Node loading of the core: the Emscripten glue with the wasm bytes read
// from disk (node 20's fetch cannot read file paths).
//
// What a fresh process loads before its first decision on a compiled
// config is kept to the node entry alone (docs/performance.md, "A fresh
// node process: the node entry's own JavaScript"): the runtime module's
// glue is its ES module (dist/leadseg-runtime.mjs, the one pages use),
// which the node bundle (scripts/bundle-web.mjs) puts inside
// dist/leadseg.node.mjs, instead of the CommonJS glue through require(),
// node's CJS loader costing ~1.5 ms more; and no node module is imported
// at the top (node:fs/promises, node:module, node:url: ~0.8 ms) but
// taken when used, through process.getBuiltinModule (node >= 20.16) or
// else import(). The glue of the other modules (full, batch) stays
// CommonJS, required on first use.
import { instantiateCompiled } from './loader-wasm.js';

/** Node's fs module, synchronously; undefined before node 20.16. */
const builtinFs = () => process.getBuiltinModule?.('node:fs');

async function readFile(file) {
  const fs = builtinFs()?.promises ?? await import('node:fs/promises');
  return fs.readFile(file); // a path or a file: URL
}

let require;
/** CommonJS glue next to this file (a require made on first use). */
export async function requireGlue(file) {
  if (!require) {
    const { createRequire } = process.getBuiltinModule?.('node:module') ?? await import('node:module');
    require = createRequire(import.meta.url);
  }
  return require(file);
}

export async function nodeLoader(options) {
  return loadNode(await requireGlue('../dist/leadseg.js'), new URL('../dist/leadseg.wasm', import.meta.url), options);
}

/** The runtime module (engines on compiled configs). */
export async function nodeRuntimeLoader(options) {
  const { default: factory } = await import('../dist/leadseg-runtime.mjs');
  return loadNode(factory, new URL('../dist/leadseg-runtime.wasm', import.meta.url), options);
}

/** The module `factory` makes, on `wasmBinary`, else the bytes of `wasmUrl`, else of `defaultFile`. */
export async function loadNode(factory, defaultFile, { wasmUrl, wasmBinary }) {
  let bytes = wasmBinary;
  if (!bytes) {
    let file = defaultFile;
    if (wasmUrl) file = wasmUrl instanceof URL || /^file:/.test(String(wasmUrl)) ? new URL(String(wasmUrl)) : String(wasmUrl);
    bytes = await readFile(file);
  }
  // Compiled here and instantiated through the glue's instantiateWasm hook:
  // given only `wasmBinary`, the glue copies the bytes (new Uint8Array) and
  // compiles them a few promise turns later (docs/performance.md, "A fresh
  // node process's createEngine", s42).
  return instantiateCompiled(factory, WebAssembly.compile(bytes));
}

/** The batch module (segmentLeads' CSV path). */
export async function nodeBatchLoader() {
  return loadNode(await requireGlue('../dist/leadseg-batch.js'), new URL('../dist/leadseg-batch.wasm', import.meta.url), {});
}

// Random bytes for ids (ids.js) from the OS's random device, which
// crypto.getRandomValues reads too: in a fresh process, node's crypto
// (globalThis.crypto or node:crypto) costs 3-4 ms of CPU to load, a tenth
// of the time to the first decision, for the 26 bytes of an engine's two
// ids (docs/performance.md, "A fresh node process without crypto").
// Where there is no /dev/urandom (Windows), or no synchronous way to
// node:fs (node before 20.16: an ESM import of it would build its module
// namespace, whose lazy getters load node's streams), crypto as before.
// readvSync rather than readSync: a process's first readSync costs ~0.15 ms
// of CPU (its argument checks), readvSync's ~0.08 (s42).
export function nodeRandomBytes(bytes) {
  const fsSync = builtinFs();
  if (!fsSync) {
    globalThis.crypto.getRandomValues(bytes);
    return;
  }
  let fd = -1;
  try {
    fd = fsSync.openSync('/dev/urandom', 'r');
    for (let at = 0; at < bytes.length;) {
      const n = fsSync.readvSync(fd, [bytes.subarray(at)]);
      if (n <= 0) throw new Error('short read');
      at += n;
    }
  } catch {
    globalThis.crypto.getRandomValues(bytes);
  } finally {
    if (fd >= 0) fsSync.closeSync(fd);
  }
}
