// The node entry's code run from V8's code cache. dist/leadseg.node.mjs is
// a small ES module; the package's code is dist/leadseg.node-body.js, a
// classic script (one function of the entry's import.meta.url and of an
// import() that resolves next to the entry), which it compiles with
// node:vm's Script and the bytecode V8 cached for it when the package was
// built (dist/leadseg.node-body.cache, scripts/node-code-cache.mjs). Node
// 20 caches no ES module's code (module.enableCompileCache is node 22), and
// a fresh process spent ~3.5 ms of CPU compiling the entry and ~2 ms more
// compiling its functions lazily at their first calls (docs/performance.md,
// "A fresh node process: the node entry's own JavaScript").
//
// V8 takes a cache only from its own version with the same flags; any other
// node rejects it (script.cachedDataRejected) and compiles the text as it
// would have compiled the module: the same code, just not faster.
import { createRequire } from 'node:module';

/**
 * Compiles and runs the entry's code; returns what it exports.
 * @param {string} entryUrl the entry's import.meta.url
 * @param {string} body the script's file name, next to the entry
 * @param {string} cache the code cache's file name, next to the entry
 * @param {(specifier: string) => Promise<object>} dynamicImport the entry's import()
 */
export function runNodeBody(entryUrl, body, cache, dynamicImport) {
  // process.getBuiltinModule is node >= 20.16; createRequire the same for older.
  const builtin = process.getBuiltinModule ?? createRequire(entryUrl);
  const { readFileSync } = builtin('node:fs');
  const bodyFile = builtin('node:url').fileURLToPath(new URL(body, entryUrl));
  let cachedData;
  try {
    cachedData = readFileSync(new URL(cache, entryUrl));
  } catch {
    cachedData = undefined; // no cache shipped: compiled from the text
  }
  const { Script } = builtin('node:vm');
  const script = new Script(readFileSync(bodyFile, 'utf8'), { filename: bodyFile, cachedData });
  return script.runInThisContext()(entryUrl, dynamicImport);
}
