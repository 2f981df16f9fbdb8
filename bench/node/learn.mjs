#!/usr/bin/env node
// trainModel() and discoverSegments() on 100,000 leads x 20 features
// (issue 18's targets: training <= 1 s to a converged model, discovery
// k = 2..10 <= 3 s), through the package's API, next to scikit-learn on the
// same data (the peer the reference tests use), printing ratios.
//
//   node bench/node/learn.mjs [--rows 100000] [--runs 3] [--no-sklearn]
//
// The leads are objects with 14 numeric columns (3 with 10% missing) and 3
// text columns of 3-5 levels: 14 + 3 missing indicators + 3 x ~2 one-hots
// come to ~24 model features from 20 columns. Times per stage come from
// onProgress: "features" is reading and typing the columns in JS and
// handing them to wasm; "final" the model on every row (what the 1 s target
// names); "folds" the 5 cross-validation fits; total is the whole call.
// Needs web/dist built (bash scripts/build.sh wasm).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { trainModel, discoverSegments } from '../../web/src/node.js';
import { leads } from '../../tests/browser/fixtures/learn/leads.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const ROWS = flag('--rows', 100_000);
const RUNS = flag('--runs', 3);
const SKLEARN = !args.includes('--no-sklearn');

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x) => `${x.toFixed(0)} ms`;

console.log(`learn bench: ${ROWS} leads, node ${process.version}, ${os.cpus()[0]?.model ?? ''} (${os.cpus().length} cores, shared)`);
const data = leads(ROWS);
const config = { version: 1, segments: [] };

// Warm up: the module's first load and JIT.
await trainModel(config, data.slice(0, 2000), { outcome: 'converted' });

// Wall time and this process's CPU time (user + system): the machine is
// shared, and under load the CPU time is what an idle core would take.
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const train = { features: [], final: [], folds: [], total: [] };
const trainCpu = { features: [], final: [], folds: [], total: [] };
let model;
for (let run = 0; run < RUNS; run++) {
  const marks = {};
  const cpus = {};
  const t0 = performance.now();
  const c0 = cpu();
  model = await trainModel(config, data, {
    outcome: 'converted',
    onProgress: ({ stage, done, total }) => {
      const now = performance.now();
      const c = cpu();
      const mark = (name) => { marks[name] = now; cpus[name] = c; };
      if (stage === 'features' && done === total) mark('features');
      if (stage === 'final' && done === 0) mark('finalStart');
      if (stage === 'final' && done === total) mark('final');
      if (stage === 'fold' && done === total) mark('folds');
    },
  });
  const t1 = performance.now();
  const c1 = cpu();
  train.features.push(marks.features - t0);
  train.final.push(marks.final - marks.finalStart);
  train.folds.push(marks.folds - marks.final);
  train.total.push(t1 - t0);
  trainCpu.features.push(cpus.features - c0);
  trainCpu.final.push(cpus.final - cpus.finalStart);
  trainCpu.folds.push(cpus.folds - cpus.final);
  trainCpu.total.push(c1 - c0);
}
console.log(`trainModel: ${model.predictive.features.length} model features, ${model.metrics.iterations} Newton iterations, CV AUC ${model.metrics.auc.toFixed(4)}`);
const both = (key) => `${ms(median(train[key]))} wall, ${ms(median(trainCpu[key]))} CPU`;
console.log(`  final model (every row) ${both('final')}  [target <= 1000 ms]`);
console.log(`  5 CV folds              ${both('folds')}`);
console.log(`  reading + typing leads  ${both('features')}`);
console.log(`  whole call              ${both('total')}  (median of ${RUNS}; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);

const discover = [];
const discoverCpu = [];
let found;
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const c0 = cpu();
  found = await discoverSegments(config, data, { kMax: 10, outcome: 'converted' });
  discover.push(performance.now() - t0);
  discoverCpu.push(cpu() - c0);
}
console.log(`discoverSegments k = 2..10: chose k = ${found.k} (silhouette ${found.silhouette.toFixed(3)}), ${ms(median(discover))} wall, ${ms(median(discoverCpu))} CPU  [target <= 3000 ms]`);

if (SKLEARN) {
  // The same model matrix for scikit-learn: the standardisation / one-hot
  // of the exported section, computed here from the section itself.
  const features = model.predictive.features;
  const lines = data.map((lead) => features.map((f) => {
    const v = lead[f.attribute];
    if (f.missing) return v === undefined ? 1 : 0;
    if ('equals' in f) return v === f.equals ? 1 : 0;
    return v === undefined ? 0 : (v - f.mean) / f.scale;
  }).join(',') + ',' + (lead.converted ? 1 : 0));
  const file = path.join(os.tmpdir(), `leadseg-learn-bench-${process.pid}.csv`);
  fs.writeFileSync(file, lines.join('\n'));
  const script = `
import sys, time, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.cluster import KMeans
d = np.loadtxt(sys.argv[1], delimiter=','); X, y = d[:, :-1], d[:, -1]
t = time.process_time(); m = LogisticRegression(C=1.0, solver='newton-cg', tol=1e-10, max_iter=1000).fit(X, y); lr = time.process_time() - t
t = time.process_time()
for k in range(2, 11): KMeans(n_clusters=k, n_init=4, random_state=0).fit(X[:5000])
km = time.process_time() - t
print(lr * 1000, km * 1000, float(np.max(np.abs(m.coef_[0] - np.array([float(w) for w in sys.argv[2].split(',')])))))
`;
  const weights = features.map((f) => f.weight).join(',');
  const py = spawnSync('/usr/bin/python3', ['-c', script, file, weights], { encoding: 'utf8' });
  fs.rmSync(file, { force: true });
  if (py.status !== 0) {
    console.log(`scikit-learn peer skipped: ${py.stderr.trim().split('\n').pop()}`);
  } else {
    const [lr, km, diff] = py.stdout.trim().split(' ').map(Number);
        console.log(`scikit-learn (python3, newton-cg) fit on the same matrix: ${ms(lr)} CPU; leadseg final / sklearn = ${(median(trainCpu.final) / lr).toFixed(2)} (CPU); max |coef diff| ${diff.toExponential(1)}`);
    console.log(`scikit-learn KMeans k = 2..10 (n_init 4, 5,000-row sample as ours, no silhouette): ${ms(km)} CPU; leadseg whole discovery / sklearn = ${(median(discoverCpu) / km).toFixed(2)} (CPU)`);
  }
}
