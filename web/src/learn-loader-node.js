// Node loading of the learning module: the CommonJS glue
// (dist/leadseg-learn.js) with the wasm bytes read from disk.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export async function nodeLearnLoader({ wasmUrl, wasmBinary }) {
  let bytes = wasmBinary;
  if (!bytes) {
    let file = new URL('../dist/leadseg-learn.wasm', import.meta.url);
    if (wasmUrl) file = wasmUrl instanceof URL || /^file:/.test(String(wasmUrl)) ? new URL(String(wasmUrl)) : String(wasmUrl);
    bytes = await fs.readFile(file instanceof URL ? fileURLToPath(file) : file);
  }
  return require('../dist/leadseg-learn.js')({ wasmBinary: bytes });
}
