#!/usr/bin/env node
// One visitor through the package's documented API, next to GrowthBook in
// the same process (issue 14's "identify(24 attributes) + segments()"
// target): for each profile of the shared workload (24 attributes, 30
// segments), leadseg does engine.identify(profile) + engine.segments() on an
// engine created from the compiled config (the runtime module), GrowthBook
// does 30 evalCondition calls on the same object. Memberships are checked
// against expected-membership.txt before anything is timed.
//
//   node bench/node/identify-segments.mjs [--passes 5]
// Needs web/dist built (bash scripts/build.sh wasm).
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { evalCondition } from '@growthbook/growthbook';
import { compileConfig, createEngine } from '../../web/src/node.js';
import { SHARED_DIR } from '../../tests/wasm/load.mjs';
import { loadWorkload } from './workload.mjs';

const args = process.argv.slice(2);
const passes = Number(args[args.indexOf('--passes') + 1]) || 5;

const { segments, profiles, expected } = loadWorkload(path.join(SHARED_DIR, 'bench-workload'));
const conditions = segments.map((s) => s.condition);
const ids = segments.map((s) => s.id);
const attributeCount = Object.keys(profiles[0]).length;

const bytes = await compileConfig({ segments });
const engine = await createEngine({ config: bytes, now: () => 1767225600000 });

// Correctness first: both sides must agree with the expected memberships.
let leadsegWrong = 0;
let growthbookWrong = 0;
profiles.forEach((profile, i) => {
  engine.identify(profile);
  const member = new Set(engine.segments());
  const bits = ids.map((id) => (member.has(id) ? '1' : '0')).join('');
  if (bits !== expected[i]) leadsegWrong++;
  if (conditions.map((c) => (evalCondition(profile, c) ? '1' : '0')).join('') !== expected[i]) growthbookWrong++;
});
console.log(`${profiles.length} profiles x ${segments.length} segments, ${attributeCount} attributes each; ` +
  `mismatches against expected-membership.txt: leadseg ${leadsegWrong}, GrowthBook ${growthbookWrong}`);

// Wall-clock and CPU time (process.cpuUsage: what this process ran, which
// a shared, loaded machine distorts less) per visitor, medians of the
// passes; the two sides' passes alternate so that both see the same load.
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
function timeBoth(runs) {
  const wall = runs.map(() => []);
  const cpu = runs.map(() => []);
  runs.forEach((run) => run()); // warm-up pass
  for (let p = 0; p < passes; p++) {
    runs.forEach((run, i) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      run();
      wall[i].push(((performance.now() - t0) * 1000) / profiles.length);
      const c = process.cpuUsage(c0);
      cpu[i].push((c.user + c.system) / profiles.length);
    });
  }
  return runs.map((_, i) => ({ wall: median(wall[i]), cpu: median(cpu[i]) }));
}

let sink = 0;
const [leadseg, growthbook] = timeBoth([
  () => {
    for (const profile of profiles) {
      engine.identify(profile);
      sink += engine.segments().length;
    }
  },
  () => {
    for (const profile of profiles) {
      for (const c of conditions) if (evalCondition(profile, c)) sink++;
    }
  },
]);
engine.destroy?.();
const [load1] = os.loadavg();
console.log(`leadseg  identify(${attributeCount}) + segments(), compiled config: ${leadseg.wall.toFixed(1)} µs per visitor ` +
  `(${leadseg.cpu.toFixed(1)} µs CPU; medians of ${passes} passes)`);
console.log(`GrowthBook ${segments.length} evalCondition calls:                ${growthbook.wall.toFixed(1)} µs per visitor ` +
  `(${growthbook.cpu.toFixed(1)} µs CPU)`);
const describe = (r) => (r >= 1 ? `${r.toFixed(2)}× faster` : `${(1 / r).toFixed(2)}× slower`);
const ratio = growthbook.wall / leadseg.wall;
const cpuRatio = growthbook.cpu / leadseg.cpu;
console.log(`ratio: leadseg is ${describe(ratio)} (CPU time: ${describe(cpuRatio)}; load average ${load1.toFixed(1)}) ` +
  `(target: ≥ 5× faster: ${ratio >= 5 ? 'PASS' : 'MISS'}; ${sink} memberships counted)`);
