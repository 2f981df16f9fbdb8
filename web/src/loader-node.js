// Node loading of the core: the CommonJS glue (dist/leadseg.js) with the
// wasm bytes read from disk (node 20's fetch cannot read file paths).
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export function nodeLoader(options) {
  return loadNode(require('../dist/leadseg.js'), new URL('../dist/leadseg.wasm', import.meta.url), options);
}

/** The runtime module (engines on compiled configs). */
export function nodeRuntimeLoader(options) {
  return loadNode(require('../dist/leadseg-runtime.js'), new URL('../dist/leadseg-runtime.wasm', import.meta.url), options);
}

async function loadNode(factory, defaultFile, { wasmUrl, wasmBinary }) {
  let bytes = wasmBinary;
  if (!bytes) {
    let file = defaultFile;
    if (wasmUrl) file = wasmUrl instanceof URL || /^file:/.test(String(wasmUrl)) ? new URL(String(wasmUrl)) : String(wasmUrl);
    bytes = await fs.readFile(file instanceof URL ? fileURLToPath(file) : file);
  }
  return factory({ wasmBinary: bytes });
}

/** The batch module (segmentLeads' CSV path). */
export function nodeBatchLoader() {
  return loadNode(require('../dist/leadseg-batch.js'), new URL('../dist/leadseg-batch.wasm', import.meta.url), {});
}

// Random bytes for ids (ids.js) from the OS's random device, which
// crypto.getRandomValues reads too: in a fresh process, node's crypto
// (globalThis.crypto or node:crypto) costs 3-4 ms of CPU to load, a tenth
// of the time to the first decision, for the 26 bytes of an engine's two
// ids (docs/performance.md, "A fresh node process without crypto").
// Where there is no /dev/urandom (Windows), crypto as before. node:fs
// through require: an ESM import of it would build its module namespace,
// whose lazy getters load node's streams.
export function nodeRandomBytes(bytes) {
  const fsSync = require('node:fs');
  let fd = -1;
  try {
    fd = fsSync.openSync('/dev/urandom', 'r');
    for (let at = 0; at < bytes.length;) {
      const n = fsSync.readSync(fd, bytes, at, bytes.length - at, null);
      if (n <= 0) throw new Error('short read');
      at += n;
    }
  } catch {
    globalThis.crypto.getRandomValues(bytes);
  } finally {
    if (fd >= 0) fsSync.closeSync(fd);
  }
}
