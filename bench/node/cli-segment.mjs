// `leadseg segment` on the shared workload: N rows (default 10,000,000) of
// the workload's profiles (bench/node/csv-gen.mjs, cached in build/bench/)
// through its 30 segments, on every core. The per-segment counts the CLI
// prints are checked against the ground truth first; then wall time, CPU
// time and peak RSS come from /usr/bin/time -v.
//
//   bash scripts/build.sh native
//   node bench/node/cli-segment.mjs [--rows N] [--threads N] [--keep-output]
//
// `interests` is written "a;b;c" by the generator: --list-column reads it
// back as the array the segments test.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureCsv } from './csv-gen.mjs';
import { loadWorkload } from './workload.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD = path.join(ROOT, 'build/bench');
const CLI = path.join(ROOT, 'build/native/leadseg');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}
const rows = Number(option('--rows', '10000000'));
const threads = option('--threads', undefined);
const keep = process.argv.includes('--keep-output');

if (!fs.existsSync(CLI)) throw new Error(`${path.relative(ROOT, CLI)} is missing: bash scripts/build.sh native`);
const workload = loadWorkload(path.join(ROOT, '../shared/bench-workload'));
let t = performance.now();
const csv = ensureCsv({ workload, file: path.join(BUILD, `leads-${rows}.csv`), rows });
console.log(`input: ${csv.rows.toLocaleString('en-US')} rows, ${(csv.bytes / 1e6).toFixed(0)} MB (${csv.generated ? `generated in ${((performance.now() - t) / 1000).toFixed(0)} s` : 'cached'})`);
const configFile = path.join(BUILD, 'workload-config.json');
fs.writeFileSync(configFile, JSON.stringify({ segments: workload.segments }));
const out = path.join(BUILD, `segmented-${rows}.csv`);

const args = ['-v', CLI, 'segment', csv.file, '--config', configFile, '--list-column', 'interests',
  '--now', '2026-01-15T12:00:00Z', '-o', out];
if (threads) args.push('--threads', threads);
t = performance.now();
const run = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
const wall = (performance.now() - t) / 1000;
if (run.status !== 0) throw new Error(`leadseg segment failed (${run.status}):\n${run.stderr}`);

// The ground truth first.
const counts = {};
for (const m of run.stderr.matchAll(/^ {2}(\S+) +([\d,]+)$/gm)) counts[m[1]] = Number(m[2].replace(/,/g, ''));
const wrong = Object.entries(csv.expectedCounts).filter(([id, n]) => counts[id] !== n);
if (wrong.length) {
  throw new Error(`per-segment counts differ from the ground truth: ${wrong.map(([id, n]) => `${id} ${counts[id]} vs ${n}`).join(', ')}`);
}
const outBytes = fs.statSync(out).size;
if (!keep) fs.rmSync(out);

const field = (label) => run.stderr.match(new RegExp(`${label}: (.+)`))?.[1]?.trim();
const rss = Number(field('Maximum resident set size \\(kbytes\\)')) / 1024;
const user = Number(field('User time \\(seconds\\)'));
const sys = Number(field('System time \\(seconds\\)'));
const summary = run.stderr.split('\n').find((l) => l.startsWith('leadseg segment:'));
console.log(`memberships: all ${workload.segments.length} per-segment counts equal the ground truth (${csv.members.toLocaleString('en-US')} memberships)`);
console.log(summary);
console.log(`wall ${wall.toFixed(1)} s, CPU ${(user + sys).toFixed(1)} s (user ${user.toFixed(1)}, sys ${sys.toFixed(1)}), peak RSS ${rss.toFixed(0)} MB`);
console.log(`${((rows * workload.segments.length) / wall / 1e6).toFixed(2)} M evaluations/s wall, ${(rows / (user + sys) / 1e3).toFixed(0)} k rows per CPU-second; output ${(outBytes / 1e6).toFixed(0)} MB`);
