#!/usr/bin/env node
// Cold start in a fresh node process, in CPU time (insensitive to other
// load on the machine, unlike the Chromium wall-clock figure): import the
// package, loadCore() (read + compile + instantiate leadseg.wasm),
// createEngine({config: b2b-saas}), first decide(). Prints one JSON line.
// bench/run.mjs runs it a few times and takes the median.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const configText = fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const marks = [];
const mark = (name) => marks.push([name, cpu(), performance.now()]);
mark('start');
const { createEngine, loadCore } = await import('../../web/src/node.js');
mark('importPackage');
await loadCore();
mark('loadCore');
const engine = await createEngine({ config: configText, consent: { personalization: true } });
mark('createEngine');
engine.decide('hero');
mark('firstDecide');
const steps = {};
const wallSteps = {};
for (let i = 1; i < marks.length; i++) {
  steps[marks[i][0]] = marks[i][1] - marks[i - 1][1];
  wallSteps[marks[i][0]] = marks[i][2] - marks[i - 1][2];
}
const last = marks[marks.length - 1];
console.log(JSON.stringify({ cpuMs: last[1] - marks[0][1], wallMs: last[2] - marks[0][2], steps, wallSteps }));
engine.destroy?.();
