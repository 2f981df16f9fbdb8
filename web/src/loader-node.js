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
