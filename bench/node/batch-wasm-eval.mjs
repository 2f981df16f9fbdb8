// The batch module's evaluation alone, for issue 15's "batch wasm within
// 1.5× of native": the shared workload's 10,000 profiles written once as
// indexed records (web/src/indexed-leads.js, strings in the module's table),
// then fed to LeadObjects pass after pass. What a pass times is what the
// module does per lead (read the record, set the attributes, the segment
// program, a result row and its membership bits), as the native
// BM_Workload_EvaluateOnly times decode-free evaluation; the JavaScript
// writing the records is outside it. The memberships are compared with
// expected-membership.txt first. Process CPU time, as on this shared
// machine the wall time is mostly waiting for a core.
//
//   node bench/node/batch-wasm-eval.mjs [--passes 5] [--warmup 0] [--root DIR] [--native [BENCH]]
//
// --warmup N: N untimed passes first. V8 runs a module's functions on its
// baseline tier until its optimizing tier has compiled them in the
// background, which on a loaded machine takes seconds: the first passes
// time that, not the module's code (google-benchmark's native figures are
// taken after its own warm-up runs).
//
// --native: issue 15's ratio in the same run. The native benchmark
// (BENCH, default build/native/leadseg_bench of this checkout) runs once
// before and once after the wasm passes (5 repetitions each, CPU time),
// two of its benchmarks: BM_BatchIndexed_Feed, this very path natively (the
// same records through LeadObjects::Feed: the like-for-like ratio), and
// BM_Workload_ProgramBitset, the segment program alone over profiles
// decoded up front (no record reader: a ratio that errs against the
// module). Each ratio is the wasm median over the median of the 10 native
// repetitions. On a loaded machine both sides slow down, not always
// alike, so only ratios taken side by side mean much.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadWorkload } from './workload.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const PASSES = Number(arg('--passes', 5));
const WARMUP = Number(arg('--warmup', 0));
const ROOT = path.resolve(arg('--root', REPO_ROOT));
const NATIVE = args.includes('--native')
  ? path.resolve(REPO_ROOT, args[args.indexOf('--native') + 1]?.startsWith('--') === false
    ? args[args.indexOf('--native') + 1] : 'build/native/leadseg_bench')
  : null;
const NOW = Date.UTC(2026, 0, 15, 12);

const src = (file) => import(pathToFileURL(path.join(ROOT, 'web', 'src', file)).href);
const { nodeBatchLoader } = await src('loader-node.js');
// (An older tree, for --root: slotted-leads.js and LeadObjects.slotted(), the same records.)
const leads = await src('indexed-leads.js').catch(() => src('slotted-leads.js'));
const IndexedWriter = leads.IndexedWriter ?? leads.SlottedWriter;
const { segments, profiles, expected } = loadWorkload(path.resolve(REPO_ROOT, '..', 'shared', 'bench-workload'));

const module = await nodeBatchLoader();
const batch = new module.LeadObjects();
const loaded = batch.load(JSON.stringify({ segments }), { now: NOW, metrics: false });
if (loaded?.code) throw new Error(`load: ${loaded.message}`);
if (!(batch.takesIndexed ?? batch.slotted).call(batch)) throw new Error('the workload\'s config does not take indexed records');
const check = (n) => {
  if (n < 0) throw new Error(batch.lastError().message);
  return n;
};

const writer = new IndexedWriter(batch, new module.FrameWriter(), new module.FrameWriter());
for (const p of profiles) if (!writer.write(p, Object.keys(p))) throw new Error(`profile ${p.id} is not an indexed record`);
writer.sendStrings(module, check);
const records = writer.w.bytes.slice(0, writer.w.pos);

const feed = () => {
  const ptr = batch.inputBuffer(records.length);
  module.HEAPU8.set(records, ptr);
  return check(batch.feed(records.length, 0));
};

// Answers first.
{
  const n = feed();
  if (n !== profiles.length) throw new Error(`${n} results for ${profiles.length} profiles`);
  const words = batch.wordsPerRow();
  const bits = new Uint32Array(module.HEAPU8.buffer, batch.memberships(), n * words * 2);
  for (let i = 0; i < n; i++) {
    let got = '';
    for (let s = 0; s < segments.length; s++) got += (bits[i * words * 2 + (s >>> 5)] >>> (s & 31)) & 1 ? '1' : '0';
    if (got !== expected[i]) throw new Error(`profile ${i}: ${got}, expected ${expected[i]}`);
  }
  batch.clearResults();
  console.log(`check: ${n} profiles x ${segments.length} segments equal expected-membership.txt (${records.length} bytes of records)`);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// The native benchmarks' CPU time per pass (ms), one per repetition.
const NATIVE_BENCHES = ['BM_BatchIndexed_Feed', 'BM_Workload_ProgramBitset'];
const nativeMs = (into) => {
  const out = execFileSync(NATIVE, [`--benchmark_filter=^(${NATIVE_BENCHES.join('|')})$`, '--benchmark_repetitions=5',
    '--benchmark_min_time=0.3', '--benchmark_format=json'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 24 });
  for (const b of JSON.parse(out).benchmarks) {
    if (b.error_occurred) throw new Error(`${NATIVE}: ${b.name}: ${b.error_message}`);
    if (b.run_type !== 'iteration') continue;
    into[b.name].push(b.cpu_time * { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 }[b.time_unit]);
  }
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const native = Object.fromEntries(NATIVE_BENCHES.map((name) => [name, []]));
if (NATIVE) nativeMs(native);

const times = [];
for (let pass = 0; pass < WARMUP + PASSES + 1; pass++) {
  const t0 = cpuMs();
  for (let r = 0; r < 5; r++) {
    feed();
    batch.clearResults();
  }
  if (pass > WARMUP) times.push((cpuMs() - t0) / 5);
}
const sorted = [...times].sort((a, b) => a - b);
const evaluations = profiles.length * segments.length;
const rate = (ms) => (evaluations / (ms * 1000)).toFixed(1);
console.log(`batch module, indexed records fed, ${profiles.length} profiles x ${segments.length} segments, CPU per pass ` +
  `(passes 1..${PASSES}${WARMUP ? ` after ${WARMUP} untimed` : ''}): median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} ms = ${rate(sorted[Math.floor(sorted.length / 2)])} M evaluations/s, ` +
  `best ${rate(sorted[0])} M/s; ${(sorted[Math.floor(sorted.length / 2)] * 1000 / profiles.length).toFixed(3)} µs a profile`);
if (NATIVE) {
  nativeMs(native);
  for (const name of NATIVE_BENCHES) {
    const ms = native[name];
    if (ms.length === 0) throw new Error(`${NATIVE} has no ${name}`);
    const n = median(ms);
    console.log(`native ${name}, CPU per pass (${ms.length} repetitions, half before and half after): ` +
      `median ${n.toFixed(2)} ms = ${rate(n)} M evaluations/s (${Math.min(...ms).toFixed(2)}..${Math.max(...ms).toFixed(2)} ms); ` +
      `wasm / native ${(median(times) / n).toFixed(2)}x (medians), ${(sorted[0] / Math.min(...ms)).toFixed(2)}x (bests)`);
  }
}
batch.delete();
