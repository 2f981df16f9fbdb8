// CPU time of snapshot() and restore() in the runtime module (what a page
// runs at each checkpoint and at load), on a profile of the worked example
// with many attributes, declarations, events and experiment state.
//
//   node bench/node/snapshot.mjs [--root DIR] [--passes 5] [--reps 2000]
//
// --root: the checkout whose web/src (and web/dist) to time, so that two
// builds (e.g. before and after a format change) can be run alternately.
// Prints the snapshot's size and format, then per pass the CPU µs per
// snapshot() and per restore() (process.cpuUsage, user + system), and the
// medians of passes 1..N (pass 0 warms up).
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import fs from 'node:fs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ROOT = path.resolve(arg('--root', REPO_ROOT));
const PASSES = Number(arg('--passes', 5));
const REPS = Number(arg('--reps', 2000));
const { compileConfig } = await import(pathToFileURL(path.join(ROOT, 'web', 'src', 'node.js')).href);
const { loadRuntimeModule } = await import(pathToFileURL(path.join(ROOT, 'web', 'src', 'loader.js')).href);

const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'examples', 'b2b-saas.json'), 'utf8'));
const compiled = await compileConfig(config);
const runtime = await loadRuntimeModule();
const engine = () => {
  const raw = new runtime.Engine();
  raw.loadCompiled(compiled);
  return raw;
};

const START = Date.UTC(2026, 0, 5, 9);
const HOUR = 3600 * 1000;
const raw = engine();
raw.setVisitorId('bench-visitor');
const traits = { job_title: 'CTO', company_size: 250, industry: 'software', country: 'DE', city: 'Zürich' };
for (let i = 0; i < 40; i++) traits[`trait_${i}`] = i % 3 === 0 ? i * 1.5 : i % 3 === 1 ? `value ${i} with some text` : [i, `x${i}`, { n: i }];
raw.identify(JSON.stringify(traits), START);
for (let i = 0; i < 10; i++) raw.declare(`interest_${i}`, JSON.stringify({ topics: ['security', 'analytics', `t${i}`], budget: 1000 + i }), START + i);
for (let i = 0; i < 200; i++) {
  raw.track(i % 5 ? 'page_view' : 'session_start', JSON.stringify(i % 5 ? { path: i % 2 ? '/pricing' : '/docs/api' } : { utm_source: 'google' }), START + HOUR + i * 60_000);
}
raw.decide('lead_form', START + 300 * 60_000);
raw.convert('signup', START + 301 * 60_000);
const bytes = raw.snapshot();
const target = engine();

function cpuMicros(f) {
  const before = process.cpuUsage();
  for (let i = 0; i < REPS; i++) f();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / REPS;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`root: ${ROOT}; snapshot format ${bytes[4]}, ${bytes.length} bytes; ${REPS} calls a pass; CPU µs a call`);
const snaps = [];
const restores = [];
for (let pass = 0; pass <= PASSES; pass++) {
  const s = cpuMicros(() => raw.snapshot());
  const r = cpuMicros(() => target.restore(bytes));
  console.log(`pass ${pass}: snapshot ${s.toFixed(1)} µs, restore ${r.toFixed(1)} µs`);
  if (pass > 0) {
    snaps.push(s);
    restores.push(r);
  }
}
console.log(`median: snapshot ${median(snaps).toFixed(1)} µs, restore ${median(restores).toFixed(1)} µs`);
