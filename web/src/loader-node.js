// Node loading of the core: the CommonJS glue (dist/leadseg.js) with the
// wasm bytes read from disk (node 20's fetch cannot read file paths).
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export async function nodeLoader({ wasmUrl, wasmBinary }) {
  const factory = require('../dist/leadseg.js');
  let bytes = wasmBinary;
  if (!bytes) {
    let file = new URL('../dist/leadseg.wasm', import.meta.url);
    if (wasmUrl) file = wasmUrl instanceof URL || /^file:/.test(String(wasmUrl)) ? new URL(String(wasmUrl)) : String(wasmUrl);
    bytes = await fs.readFile(file instanceof URL ? fileURLToPath(file) : file);
  }
  return factory({ wasmBinary: bytes });
}
