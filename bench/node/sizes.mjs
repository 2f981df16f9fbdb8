// Shipped bytes: web/dist/leadseg.wasm + leadseg.mjs + the package files a
// browser loads (the static import graph of web/src/index.js; node-only
// files such as node.js and loader-node.js are not shipped to browsers),
// raw and `gzip -9`, per file and in total.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';

function gzip9(file) {
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
    note: 'gzip -9 of each file as served (sum of per-file sizes); package = static import graph of web/src/index.js',
  };
}
