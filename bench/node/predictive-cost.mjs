// What a 20-feature predictive model adds to track() (issue 18 target:
// <= 1 µs), in node: the track() benchmark's 50-segment config
// (bench/lib/track.js) with 1,000 stored events, as three engines of the
// package's API (createEngine, consent storage off):
//   without  the config as it is;
//   zero     plus docs/examples/predictive.json with 0 points: the model is
//            evaluated in full on every call while the score, grade and
//            everything downstream stay as without it (the model's own cost);
//   with     plus the model as exported (40 score points, 30 fit points):
//            the visitor's score, stage and segments change too.
// The engines take turns, one batch of calls each, so a busy neighbour on a
// shared machine slows all three alike; each batch is timed in this
// process's CPU time (process.cpuUsage()). The cost is the median over
// batches of the paired difference.
//
// Next to it, the JS peer: the same model evaluated by a plain JavaScript
// function on an attribute object (what a site would hand-write), per call.
//
// Then the same measurement in Chromium, in the same run, through the
// package's createEngine on bench/browser/predictive-cost.html (batches
// timed with performance.now(): a page has no CPU clock). The loop is
// bench/lib/predictive-cost.js, shared by both.
//
//   node bench/node/predictive-cost.mjs [batches=200] [callsPerBatch=200] [--no-chromium]
//
// 200 calls per batch: with 25 (~1 ms of CPU) a loaded machine's scheduling
// noise swamped the difference (quartiles of -7..+10 µs at load 24); with
// 200 they were 0.45..2.26 µs at load 16.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLeadseg, REPO_ROOT } from '../../tests/wasm/load.mjs';
import { withRetention } from '../lib/track.js';
import { measurePredictiveCost } from '../lib/predictive-cost.js';
import { launchChromium } from '../../tests/browser/fixtures/chromium.mjs';
import { startBenchServer } from './server.mjs';
import { loadTrackConfig } from './track.mjs';

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const batches = Number(numbers[0] ?? 200);
const perBatch = Number(numbers[1] ?? 200);
const HISTORY = 1000;

const model = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/predictive.json'), 'utf8')).predictive;
const base = withRetention(loadTrackConfig(), HISTORY);
const configs = {
  without: base,
  zero: { ...base, predictive: { ...model, scoring: { points: 0 }, grading: { points: 0 } } },
  with: { ...base, predictive: model },
};

const core = await loadLeadseg();
const { createEngine } = await import('../../web/src/node.js');
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const args = { configs, model, history: HISTORY, batches, perBatch };
const node = await measurePredictiveCost({ ...args, createEngine, module: core, clockUs: cpuUs });

// The same in Chromium, right after, through the package's createEngine
// (bench/browser/predictive-cost.html), timed with performance.now().
let chromium = null;
if (!process.argv.includes('--no-chromium')) {
  const browser = await launchChromium({ args: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding'] });
  const server = await startBenchServer({ repoRoot: REPO_ROOT, sharedDir: path.join(REPO_ROOT, '..', 'shared'), buildDir: path.join(REPO_ROOT, 'build') });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}bench/browser/predictive-cost.html`);
    await page.waitForFunction(() => window.predictiveCostReady === true, null, { timeout: 60_000 });
    chromium = { version: browser.version(), ...(await page.evaluate((a) => window.measurePredictiveCost(a), args)) };
  } finally {
    await browser.close();
    await server.close();
  }
}

function report(where, { times, jsPeer }, unit) {
  const w = times.without;
  const paired = (name) => median(times[name].map((x, i) => x - w[i]));
  const spread = (name) => {
    const d = times[name].map((x, i) => x - w[i]).sort((a, b) => a - b);
    return `${d[Math.floor(d.length / 4)].toFixed(2)}..${d[Math.floor((3 * d.length) / 4)].toFixed(2)}`;
  };
  console.log(`${where}: ${model.features.length} features, ${HISTORY} stored events, ${batches} batches x ${perBatch} calls per engine, ${unit}, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`  without the model        ${median(w).toFixed(2)} µs per call (median batch)`);
  console.log(`  0-point model            ${median(times.zero).toFixed(2)} µs; added ${paired('zero').toFixed(2)} µs (paired median; quartiles ${spread('zero')})`);
  console.log(`  model as exported        ${median(times.with).toFixed(2)} µs; added ${paired('with').toFixed(2)} µs (paired median; quartiles ${spread('with')})`);
  console.log(`  JS peer (the same model in plain JavaScript, per call): ${jsPeer.toFixed(3)} µs; model added in wasm / JS peer = ${(paired('zero') / jsPeer).toFixed(2)}`);
  console.log(`  target <= 1 µs for evaluating the model: ${paired('zero') <= 1 ? 'met' : 'NOT met'}`);
}
report('predictive model cost in package engine.track(), node', node, 'CPU time');
if (chromium) report(`the same in Chromium ${chromium.version}`, chromium, 'wall time (performance.now())');
