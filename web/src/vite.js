// A Vite (and Rollup) plugin that compiles leadseg configs at build time:
//
//   // vite.config.js
//   import leadseg from 'leadseg/vite';
//   export default { plugins: [leadseg()] };
//
//   // app code
//   import config from './leadseg.config.json?leadseg';   // a Uint8Array
//   const engine = await createEngine({ config });          // runtime module only
//
// The config's errors fail the build with the compiler's message (and JSON
// path); its warnings are printed as build warnings. Node only (it runs in
// the bundler), with the full module read from the package's dist/.
import fs from 'node:fs/promises';
import { setPlatformLoader } from './loader.js';
import { nodeLoader, nodeRuntimeLoader } from './loader-node.js';
import { compileWithWarnings } from './compiler.js';

const QUERY = 'leadseg';

/** @param {{query?: string}} [options] the import query that selects configs (default "leadseg") */
export default function leadsegConfigPlugin(options = {}) {
  const query = options.query ?? QUERY;
  return {
    name: 'leadseg-compiled-config',
    enforce: 'pre',
    async load(id) {
      const at = id.indexOf('?');
      if (at < 0 || !new URLSearchParams(id.slice(at + 1)).has(query)) return null;
      const file = id.slice(0, at);
      this.addWatchFile?.(file);
      setPlatformLoader(nodeLoader, nodeRuntimeLoader);
      const text = await fs.readFile(file, 'utf8');
      let result;
      try {
        result = await compileWithWarnings(text);
      } catch (error) {
        this.error(`${file}: ${error.message}${error.path ? ` (at ${error.path})` : ''}`);
      }
      for (const w of result.warnings) this.warn(`${file}: ${w.message}${w.path ? ` (at ${w.path})` : ''}`);
      const base64 = Buffer.from(result.bytes).toString('base64');
      return { code: compiledConfigModule(file, base64), map: null };
    },
  };
}

// The module a config import becomes: its bytes as base64, decoded once when
// the page's script runs, before createEngine. Uint8Array.fromBase64 where
// the browser has it: decoding a ~30 KB config a character at a time in
// JavaScript (Uint8Array.from(atob(...), mapFn)) took 7-15 ms of a fresh
// Chromium page's main thread, fromBase64 0.1 ms (docs/performance.md, "The
// first decision in Chromium, each page fetching its config").
function compiledConfigModule(file, base64) {
  return `// ${file}, compiled by leadseg (docs/compiled-config.md)
const base64 = ${JSON.stringify(base64)};
function decode(text) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  const chars = atob(text);
  const bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
}
export default decode(base64);
`;
}
