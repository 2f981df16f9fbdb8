#!/usr/bin/env node
// Compiled configs and the runtime module, next to GrowthBook in one run
// (issue 14's targets that node can measure):
//  1. bytes a page loads for createEngine({config: compiled}) + decide():
//     every script and wasm file, gzip -9 each as served (target: ≤ 60 KB);
//     and, for reference, the JSON path (full module) and GrowthBook's ESM
//     bundle;
//  2. a fresh node process's CPU time to the first decision (target: ≤
//     GrowthBook's), median of N runs, interleaved (JSON, compiled,
//     GrowthBook, JSON, ...) so machine load hits all three alike.
//
//   node bench/node/compiled.mjs [--runs 9] [--src] [--base ROOT]
// --src adds "compiled-src": the compiled config through the unbundled
// web/src/node.js instead of the package's node entry (dist/leadseg.node.mjs).
// --base ROOT adds "compiled-base": the same from another checkout with its
// web/dist built (e.g. `git archive main` unpacked, with main's web/dist),
// interleaved with the others: the way to compare two builds on a loaded
// machine.
// Needs web/dist built (bash scripts/build.sh wasm) and build/native/leadseg
// or the package's own compiler (used here: compileConfig()).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importGraph } from './sizes.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 9;
const baseRoot = args.includes('--base') ? path.resolve(args[args.indexOf('--base') + 1]) : null;

function gzip9(file) {
  return spawnSync('gzip', ['-9', '-c', '-n', file], { maxBuffer: 64 << 20 }).stdout.length;
}
function group(files) {
  const list = files.map((file) => ({ file: path.relative(REPO_ROOT, file), raw: fs.statSync(file).size, gzip: gzip9(file) }));
  return { list, raw: list.reduce((a, f) => a + f.raw, 0), gzip: list.reduce((a, f) => a + f.gzip, 0) };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// --- compile the worked example with the package ---------------------------
const { compileConfig } = await import('../../web/src/node.js');
const configText = fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8');
const lsc = path.join(os.tmpdir(), `leadseg-bench-${process.pid}.lsc`);
fs.writeFileSync(lsc, await compileConfig(configText));

// --- 1. bytes ---------------------------------------------------------------
const dist = path.join(REPO_ROOT, 'web', 'dist');
const pkg = importGraph(path.join(REPO_ROOT, 'web', 'src', 'index.js'));
const runtime = group([path.join(dist, 'leadseg-runtime.wasm'), path.join(dist, 'leadseg-runtime.mjs'), ...pkg]);
const full = group([path.join(dist, 'leadseg.wasm'), path.join(dist, 'leadseg.mjs'), ...pkg]);
const gb = group([path.join(REPO_ROOT, 'node_modules/@growthbook/growthbook/dist/bundles/esm.min.js')]);
const config = group([lsc]);
const json = group([path.join(REPO_ROOT, 'docs/examples/b2b-saas.json')]);
console.log('== bytes a page loads for createEngine + decide (gzip -9 per file, as served) ==');
for (const f of runtime.list.filter((f) => !f.file.startsWith('web/src/'))) console.log(`  ${f.file}: ${f.raw} raw, ${f.gzip} gzip`);
console.log(`  web/src (${pkg.length} files, index.js's import graph, unminified): ${runtime.raw - runtime.list.slice(0, 2).reduce((a, f) => a + f.raw, 0)} raw, ${runtime.gzip - runtime.list.slice(0, 2).reduce((a, f) => a + f.gzip, 0)} gzip`);
console.log(`  compiled config: ${runtime.list.length} files, ${kb(runtime.gzip)} gzip  (${(runtime.gzip / gb.gzip).toFixed(2)}× GrowthBook; target ≤ 60 KB: ${runtime.gzip <= 60 * 1024 ? 'PASS' : 'MISS'})`);
console.log(`  JSON config (full module): ${full.list.length} files, ${kb(full.gzip)} gzip  (${(full.gzip / gb.gzip).toFixed(2)}× GrowthBook)`);
console.log(`  GrowthBook esm.min.js: 1 file, ${kb(gb.gzip)} gzip`);
console.log(`  data: b2b-saas.lsc ${config.raw} raw / ${config.gzip} gzip; b2b-saas.json ${json.raw} raw / ${json.gzip} gzip`);

// --- 2. cold node CPU ---------------------------------------------------------
const results = {
  json: [], compiled: [], ...(args.includes('--src') ? { 'compiled-src': [] } : {}), ...(baseRoot ? { 'compiled-base': [] } : {}), growthbook: [],
};
for (let i = 0; i < runs; i++) {
  for (const mode of Object.keys(results)) {
    const env = { ...process.env, LEADSEG_ENTRY: mode.endsWith('-src') ? 'src' : '' };
    const root = mode.endsWith('-base') ? baseRoot : REPO_ROOT;
    const r = spawnSync(process.execPath, [path.join(root, 'bench/node/cold-compiled.mjs'), mode.replace(/-(src|base)$/, ''), lsc], { encoding: 'utf8', cwd: root, env });
    if (r.status !== 0) throw new Error(`cold-compiled.mjs ${mode} failed:\n${r.stderr}`);
    results[mode].push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
}
fs.rmSync(lsc, { force: true });
const summary = Object.fromEntries(Object.entries(results).map(([mode, rs]) => [mode, {
  cpuMs: median(rs.map((r) => r.cpuMs)),
  steps: Object.fromEntries(Object.keys(rs[0].steps).map((k) => [k, median(rs.map((r) => r.steps[k]))])),
  value: rs[0].value,
}]));
const g = summary.growthbook.cpuMs;
console.log(`== fresh node process, CPU time to the first decision (median of ${runs}, interleaved; load average ${os.loadavg()[0].toFixed(1)}) ==`);
for (const [mode, s] of Object.entries(summary)) {
  const steps = Object.entries(s.steps).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  console.log(`  ${mode}: ${s.cpuMs.toFixed(1)} ms (${(s.cpuMs / g).toFixed(2)}× GrowthBook; ${steps}) -> "${s.value}"`);
}
console.log(`  target (compiled ≤ GrowthBook): ${summary.compiled.cpuMs <= g ? 'PASS' : 'MISS'}`);
