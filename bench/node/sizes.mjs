// Shipped bytes, raw and `gzip -9`, per file and in total, of what a page
// loads for createEngine() + decide():
// - bundle: web/dist/leadseg.browser.js (scripts/bundle-web.mjs) and what it
//   loads without a dynamic import(): its static imports and the wasm files
//   it names (new URL('./x.wasm', import.meta.url));
// - prepaint: web/src/prepaint.js as written and web/dist/prepaint.js as
//   shipped (minified), the optional pre-paint script of a page with slots;
// - growthbook: GrowthBook's ESM bundle, the peer's one file;
// - files/total (and wasm, glue, package): the unbundled source as pages
//   loaded it before the bundle: web/dist/leadseg.wasm + leadseg.mjs + the
//   static import graph of web/src/index.js (node-only files such as
//   node.js and loader-node.js are not shipped to browsers).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';

export function gzip9(file) {
  try {
    return execFileSync('gzip', ['-9', '-c', '-n', file], { maxBuffer: 64 << 20 }).length;
  } catch {
    // No gzip binary: zlib at level 9 is the same DEFLATE.
    return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
  }
}

/** Files reachable from `entry` through static `import ... from './x.js'` / `export ... from`. */
export function importGraph(entry) {
  const seen = new Set();
  const stack = [path.resolve(entry)];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g;
    for (const m of text.matchAll(re)) {
      const spec = m[1] ?? m[2];
      const target = path.resolve(path.dirname(file), spec);
      if (fs.existsSync(target) && target.endsWith('.js')) stack.push(target);
    }
  }
  return [...seen].sort();
}

/**
 * The bundle's page files: the entry, its static imports, and of the wasm
 * files it names those `wasmFiles` lists (the entry names both cores: a page
 * on a compiled config fetches only leadseg-runtime.wasm, a JSON config the
 * full leadseg.wasm through a lazy glue chunk instead).
 */
export function bundleGraph(entry, wasmFiles = ['leadseg-runtime.wasm']) {
  const seen = new Set();
  const stack = [path.resolve(entry)];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const text = fs.readFileSync(file, 'utf8');
    const re = /(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w*{][^'"]*?from\s*)?["'](\.[^'"]+)["']|new URL\(["']\.?\/?([\w.-]+\.wasm)["']/g;
    for (const m of text.matchAll(re)) {
      if (m[2] && !wasmFiles.includes(m[2])) continue;
      const target = path.resolve(path.dirname(file), m[1] ?? m[2]);
      if (!fs.existsSync(target)) throw new Error(`${file} loads ${m[1] ?? m[2]}, which is not there`);
      stack.push(target);
    }
  }
  return [...seen].sort();
}

const sizeOf = (repoRoot, file) => ({ file: path.relative(repoRoot, file), raw: fs.statSync(file).size, gzip: gzip9(file) });

export function measureSizes(repoRoot) {
  const dist = path.join(repoRoot, 'web', 'dist');
  const core = ['leadseg.wasm', 'leadseg.mjs'].map((f) => path.join(dist, f));
  const pkg = importGraph(path.join(repoRoot, 'web', 'src', 'index.js'));
  const files = [...core, ...pkg].map((file) => ({
    file: path.relative(repoRoot, file),
    raw: fs.statSync(file).size,
    gzip: gzip9(file),
  }));
  const sum = (list, k) => list.reduce((a, f) => a + f[k], 0);
  const fileGroup = (list) => ({ files: list, count: list.length, raw: sum(list, 'raw'), gzip: sum(list, 'gzip') });
  const group = (pred) => {
    const list = files.filter(pred);
    return { files: list.length, raw: sum(list, 'raw'), gzip: sum(list, 'gzip') };
  };
  return {
    files,
    wasm: group((f) => f.file.endsWith('.wasm')),
    glue: group((f) => f.file.endsWith('leadseg.mjs')),
    package: group((f) => f.file.startsWith('web/src/')),
    total: group(() => true),
    bundle: fileGroup(bundleGraph(path.join(dist, 'leadseg.browser.js')).map((f) => sizeOf(repoRoot, f))),
    // The pre-paint script a page with slots adds in <head> (optional, so
    // not in `bundle`; a blocking classic script, on the first paint's
    // path): as written and as the package ships it, minified.
    prepaint: {
      source: sizeOf(repoRoot, path.join(repoRoot, 'web', 'src', 'prepaint.js')),
      shipped: fs.existsSync(path.join(dist, 'prepaint.js')) ? sizeOf(repoRoot, path.join(dist, 'prepaint.js')) : null,
    },
    growthbook: fileGroup([sizeOf(repoRoot, path.join(repoRoot, 'node_modules/@growthbook/growthbook/dist/bundles/esm.min.js'))]),
    note: 'gzip -9 of each file as served (sum of per-file sizes); bundle = what web/dist/leadseg.browser.js loads for createEngine({config: compiled bytes}) + decide (the entry and leadseg-runtime.wasm); files/total = the unbundled source (web/src/index.js\'s static import graph + leadseg.mjs + leadseg.wasm)',
  };
}
