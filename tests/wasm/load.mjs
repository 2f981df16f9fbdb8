// Loads the WebAssembly build (web/dist/leadseg.js + leadseg.wasm) in node.
//
// leadseg.js is the UMD/CommonJS factory `createLeadsegModule` (the ES module
// leadseg.mjs is for browsers). Under node 20 the glue cannot fetch() a file
// path, so the .wasm bytes are read here and passed as `wasmBinary`.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST_DIR = path.join(REPO_ROOT, 'web', 'dist');
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');

/**
 * Instantiates a fresh leadseg module.
 * @param {string} [distDir] directory holding leadseg.js and leadseg.wasm
 * @returns {Promise<object>} the module (version, evalCondition, jsonLogicApply, runConformance, ...)
 */
export async function loadLeadseg(distDir = DIST_DIR) {
  const jsFile = path.join(distDir, 'leadseg.js');
  const wasmFile = path.join(distDir, 'leadseg.wasm');
  for (const f of [jsFile, wasmFile]) {
    if (!fs.existsSync(f)) {
      throw new Error(`${f} is missing: build it with: bash scripts/build.sh wasm`);
    }
  }
  const require = createRequire(import.meta.url);
  const createLeadsegModule = require(jsFile);
  if (typeof createLeadsegModule !== 'function') {
    throw new Error(`${jsFile} does not export the createLeadsegModule factory`);
  }
  return createLeadsegModule({ wasmBinary: fs.readFileSync(wasmFile) });
}
