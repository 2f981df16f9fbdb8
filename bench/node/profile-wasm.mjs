#!/usr/bin/env node
// Runs one leadseg wasm path over the shared workload for a while, for a
// profiler (docs/performance.md):
//
//   node --cpu-prof --cpu-prof-dir=build/bench/prof bench/node/profile-wasm.mjs \
//        [--dist DIR] [--path engine|user|track] [--seconds N]
//   node bench/node/cpuprofile-top.mjs build/bench/prof/*.cpuprofile
//
// --dist: a web/dist-like directory (leadseg.js + leadseg.wasm), e.g. a
// build linked with --profiling-funcs so that wasm frames have names.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadLeadseg, SHARED_DIR } from '../../tests/wasm/load.mjs';
import { loadWorkload } from './workload.mjs';
import { leadsegFrameRunner, leadsegUserRunner } from '../lib/workload.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const dist = opt('--dist', undefined);
const which = opt('--path', 'engine');
const seconds = Number(opt('--seconds', '10'));

const module = await loadLeadseg(dist ? path.resolve(dist) : undefined);
if (which === 'track') {
  // track() with the 50-segment config at 1,000 stored events (core Engine).
  const { loadTrackConfig } = await import('./track.mjs');
  const { fillHistory, withRetention } = await import('../lib/track.js');
  const engine = new module.Engine();
  engine.load(JSON.stringify(withRetention(loadTrackConfig(), 1000)));
  const track = (type, props, ts) => engine.track(type, JSON.stringify(props), ts);
  let t = fillHistory(track, 1000);
  let calls = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 100; i++) track('page_view', { path: '/pricing' }, (t += 1000));
    calls += 100;
  }
  const c = process.cpuUsage(c0);
  console.log(`core Engine.track: ${calls} calls, ${(((c.user + c.system) / calls)).toFixed(1)} µs CPU per call`);
  process.exit(0);
}
const workload = loadWorkload(path.join(SHARED_DIR, 'bench-workload'));
const segmenter = new module.Segmenter();
segmenter.load(JSON.stringify({ segments: workload.segments }));
const runner = which === 'user' ? leadsegUserRunner(segmenter, workload.profiles) : leadsegFrameRunner(module, segmenter, workload.profiles);
let passes = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
while (performance.now() - t0 < seconds * 1000) {
  runner.pass();
  passes++;
}
const c = process.cpuUsage(c0);
const cpuS = (c.user + c.system) / 1e6;
const evals = passes * workload.profiles.length * workload.segments.length;
console.log(`${runner.name}: ${passes} passes, ${(evals / cpuS / 1e6).toFixed(2)} M evals/s (CPU time)`);
