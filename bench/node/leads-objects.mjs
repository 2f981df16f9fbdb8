// segmentLeads(config, lead objects) next to a GrowthBook evalCondition loop
// over the same objects (issue 15: "segmentLeads on lead objects, 30
// segments: ≥ 10× a GrowthBook evalCondition loop"). The shared workload's
// 10,000 profiles, each copied `--copies` times (50,000 leads by default),
// the 30 segments as a segments-only config.
//
// Both are checked against expected-membership.txt first (every lead's
// segments, and GrowthBook's 30 answers), then timed as process CPU time:
// on this shared 2-core machine the wall time is mostly waiting for a
// core. segmentLeads runs with its defaults (results kept, summary made),
// as a caller gets it, and (where the tree has the option) with results:
// 'columns' (typed arrays, no result object per lead), checked the same way.
//
// Each way runs in its own fresh node process (`--warmup` untimed passes, then
// `--passes`), the three in turn, `--rounds` times, all in one bench run;
// medians are over every timed pass of a way. Not in one process: there a
// way paid for the one before it (process.cpuUsage() counts every thread,
// and V8's concurrent marking of the default run's kept result objects,
// ~160 MB, landed in the columns run that followed it). Not with a forced
// full collection between the ways either: that measures the first call
// after a major GC, not the loop (until the call's helpers lived with the
// module, such a call paid +40–70 ms CPU recompiling: docs/performance.md,
// s32 leads). `--in-process` times them the old way.
//
//   node bench/node/leads-objects.mjs [--copies 5] [--passes 4] [--warmup 3] [--rounds 2] [--root DIR] [--in-process]
//                                     [--only segmentLeads|columns|growthbook]
//
// --root: the checkout whose web/src/node.js (and web/dist) to time, for
// before/after runs of two trees in alternation with the same script.
// --only: that way alone, in this process (for a profile).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evalCondition } from '@growthbook/growthbook';
import { loadWorkload } from './workload.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const COPIES = Number(arg('--copies', 5));
const PASSES = Number(arg('--passes', 4));
const ROUNDS = Number(arg('--rounds', 2));
// Untimed passes first: a fresh process's JIT is still tiering up in the
// second and third runs of segmentLeads (segmentObjectsInWasm is compiled
// three times), GrowthBook's loop after one.
const WARMUP = Number(arg('--warmup', 3));
const ROOT = path.resolve(arg('--root', REPO_ROOT));
const ONLY = arg('--only', null);  // one way alone, in this process
const CHILD = args.includes('--child');  // one way's passes, as JSON, for the parent
const IN_PROCESS = args.includes('--in-process') || ONLY !== null;
const NOW = Date.UTC(2026, 0, 15, 12);

const { segmentLeads } = await import(pathToFileURL(path.join(ROOT, 'web', 'src', 'node.js')).href);
const { segments, profiles, expected } = loadWorkload(path.resolve(REPO_ROOT, '..', 'shared', 'bench-workload'));
const config = { segments };
const conditions = segments.map((s) => s.condition);
const leads = [];
for (let c = 0; c < COPIES; c++) for (const p of profiles) leads.push({ ...p });
const evaluations = leads.length * segments.length;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// Answers first (the parent checks them for its children).
let hasColumns = CHILD;
if (!CHILD) {
  const { leads: out, summary } = await segmentLeads(config, leads, { now: NOW });
  const index = new Map(segments.map((s, k) => [s.id, k]));
  for (let i = 0; i < leads.length; i++) {
    const bits = new Array(segments.length).fill('0');
    for (const id of out[i].segments) bits[index.get(id)] = '1';
    const want = expected[i % profiles.length];
    if (bits.join('') !== want || out[i].error !== undefined) {
      throw new Error(`segmentLeads: lead ${i}: ${bits.join('')} (${out[i].error ?? 'no error'}), expected ${want}`);
    }
  }
  if (summary.errors !== 0 || summary.count !== leads.length) throw new Error(`segmentLeads: summary ${JSON.stringify(summary)}`);
  try {
    const { columns, summary: again } = await segmentLeads(config, leads, { now: NOW, results: 'columns' });
    for (let i = 0; i < leads.length; i++) {
      const bits = segments.map((s) => (columns.has(i, s.id) ? '1' : '0')).join('');
      if (bits !== expected[i % profiles.length]) throw new Error(`columns: lead ${i}: ${bits}, expected ${expected[i % profiles.length]}`);
    }
    if (JSON.stringify(again) !== JSON.stringify(summary)) throw new Error('columns: the summary differs from the objects run\'s');
    hasColumns = true;
  } catch (error) {
    if (!/unknown option "results"/.test(error.message)) throw error;
  }
  for (let i = 0; i < profiles.length; i++) {
    const got = conditions.map((c) => (evalCondition(profiles[i], c) ? '1' : '0')).join('');
    if (got !== expected[i]) throw new Error(`GrowthBook: profile ${i}: ${got}, expected ${expected[i]}`);
  }
  console.log(`check: segmentLeads and GrowthBook: ${leads.length} leads x ${segments.length} segments equal expected-membership.txt`);
}

let sink = 0;
const runs = {
  segmentLeads: async () => {
    const { summary } = await segmentLeads(config, leads, { now: NOW });
    sink += summary.count;
  },
  columns: async () => {
    const { summary } = await segmentLeads(config, leads, { now: NOW, results: 'columns' });
    sink += summary.count;
  },
  growthbook: async () => {
    for (const lead of leads) for (const c of conditions) if (evalCondition(lead, c)) sink++;
  },
};
if (!hasColumns) delete runs.columns;
if (ONLY !== null) for (const name of Object.keys(runs)) if (name !== ONLY) delete runs[name];
const times = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
if (IN_PROCESS) {
  for (let pass = 0; pass < WARMUP + PASSES; pass++) {
    for (const [name, run] of Object.entries(runs)) {
      const t0 = cpuMs();
      await run();
      if (pass >= WARMUP) times[name].push(cpuMs() - t0);
    }
  }
  if (CHILD) {
    console.log(JSON.stringify({ times, sink }));
    process.exit(0);
  }
} else {
  const script = fileURLToPath(import.meta.url);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of Object.keys(runs)) {
      const out = execFileSync(process.execPath, [script, '--child', '--in-process', '--only', name, '--root', ROOT,
        '--copies', String(COPIES), '--passes', String(PASSES), '--warmup', String(WARMUP)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const child = JSON.parse(out.trim().split('\n').pop());
      times[name].push(...child.times[name]);
      sink += child.sink;
    }
  }
}
const best = (list) => Math.min(...list);
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const how = IN_PROCESS ? `one process, ${PASSES} passes after ${WARMUP} warm-up passes`
  : `each way in its own process, ${ROUNDS} rounds of ${PASSES} passes after ${WARMUP} warm-up passes`;
console.log(`root: ${ROOT}; ${leads.length} leads x ${segments.length} segments; CPU ms per pass (${how})`);
for (const [name, list] of Object.entries(times)) {
  const us = (ms) => ((ms * 1000) / leads.length).toFixed(2);
  console.log(`  ${name.padEnd(13)} best ${us(best(list)).padStart(7)} µs/lead, median ${us(median(list)).padStart(7)} µs/lead, ` +
    `${(evaluations / (median(list) * 1000)).toFixed(2).padStart(6)} M evaluations/s  [${list.map((x) => x.toFixed(0)).join(', ')} ms]`);
}
if (times.growthbook && times.segmentLeads) console.log(`  ratio (GrowthBook / segmentLeads CPU, medians): ${(median(times.growthbook) / median(times.segmentLeads)).toFixed(2)}x  (sink ${sink})`);
if (times.growthbook && times.columns) console.log(`  ratio (GrowthBook / segmentLeads results: 'columns' CPU, medians): ${(median(times.growthbook) / median(times.columns)).toFixed(2)}x`);
