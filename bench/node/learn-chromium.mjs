#!/usr/bin/env node
// trainModel() and discoverSegments() in Chromium on 100,000 leads x 20
// columns (issue 18's targets: training <= 1 s to a converged model,
// discovery k = 2..10 <= 3 s), through the one-file browser build on the
// page of tests/browser/fixtures/learn (which generates the same leads as
// bench/node/learn.mjs). One run per fresh context, median printed.
//
//   node bench/node/learn-chromium.mjs [--rows 100000] [--runs 3] [--worker]
//
// --worker runs both calls with { worker: true } and also prints how the
// page's animation frames kept coming meanwhile (count, longest gap).
// Next to each call's wall time: the renderer's CPU time (the page waits
// before each call, ?gate=1, while it is read), which on a loaded machine
// says what an idle core would take.
// Needs web/dist built (bash scripts/build.sh wasm).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, startSiteServer } from '../../tests/browser/fixtures/chromium.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(REPO_ROOT, 'web', 'dist');
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const ROWS = flag('--rows', 100_000);
const RUNS = flag('--runs', 3);
const WORKER = args.includes('--worker');

const files = { 'leadseg-learn.wasm': path.join(DIST, 'leadseg-learn.wasm'), 'leadseg-learn.mjs': path.join(DIST, 'leadseg-learn.mjs') };
for (const name of fs.readdirSync(DIST).filter((f) => f.startsWith('leadseg.browser'))) files[name] = path.join(DIST, name);
const server = await startSiteServer({ site: path.join(REPO_ROOT, 'tests', 'browser', 'fixtures', 'learn'), files, web: false });
const browser = await launchChromium();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
try {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The renderer's CPU time (all its threads: the page's, the worker's,
    // wasm compilation) around each call, from the DevTools protocol's
    // ProcessTime: on a shared machine, wall time is mostly waiting for a core.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const processTime = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ProcessTime').value * 1000;
    await page.goto(`${server.url}?rows=${ROWS}&gate=1${WORKER ? '&worker=1' : ''}`);
    const cpu = {};
    for (const stage of ['train', 'discover']) {
      await page.waitForFunction((s) => document.body.dataset.waiting === s || document.body.dataset.ready, stage, { timeout: 600_000 });
      const before = await processTime();
      await page.evaluate(() => { delete document.body.dataset.waiting; window.leadsegGo?.(); });
      await page.waitForFunction((s) => (document.body.dataset.waiting && document.body.dataset.waiting !== s) || document.body.dataset.ready, stage, { timeout: 600_000 });
      cpu[stage] = (await processTime()) - before;
    }
    const result = await page.evaluate(() => window.result ?? window.leadsegError);
    await context.close();
    if (typeof result === 'string') throw new Error(result);
    result.cpu = cpu;
    runs.push(result);
  }
  const ms = (key) => `${median(runs.map((r) => r.ms[key])).toFixed(0)} ms`;
  console.log(`learn in Chromium ${browser.version()}${WORKER ? ' (worker: true)' : ' (main thread)'}: ${ROWS} leads, ${runs[0].features} model features, CV AUC ${runs[0].auc.toFixed(4)}, k = ${runs[0].k}`);
  // The call's first half: reading the leads (and, the first time, loading
  // the learning module), then the final fit; the folds only validate it.
  console.log(`  call start -> converged model ${ms('toModel')}  [target <= 1000 ms]`);
  console.log(`  final model (every row) ${ms('final')}`);
  console.log(`  5 CV folds              ${ms('folds')}`);
  const cpuMs = (key) => `${median(runs.map((r) => r.cpu[key])).toFixed(0)} ms`;
  console.log(`  trainModel, whole call  ${ms('train')}  (renderer CPU ${cpuMs('train')})`);
  console.log(`  discoverSegments 2..10  ${ms('discover')}  [target <= 3000 ms]  (renderer CPU ${cpuMs('discover')}; median of ${RUNS})`);
  console.log(`    reading the leads     ${ms('discoverRead')}${WORKER ? ' (sending them to the worker included)' : ''}`);
  console.log(`    k-means, k = 2..10    ${ms('discoverK')}`);
  console.log(`    refine + describe     ${ms('discoverDescribe')}`);
  const frames = runs.map((r) => r.frames);
  console.log(`  page frames meanwhile   ${median(frames.map((f) => f.count))} frames, longest gap ${median(frames.map((f) => f.longestGapMs))} ms (median of ${RUNS})`);
  console.log(`  load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
} finally {
  await browser.close();
  await server.close();
}
