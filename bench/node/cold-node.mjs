#!/usr/bin/env node
// Cold start in a fresh node process, in CPU time (insensitive to other
// load on the machine, unlike the Chromium wall-clock figure): import the
// package, loadCore() (read + compile + instantiate leadseg.wasm),
// createEngine({config: b2b-saas}), first decide(). Prints one JSON line.
// bench/run.mjs runs it a few times and takes the median.
//
//   node bench/node/cold-node.mjs [leadseg|growthbook]
//
// growthbook: the peer in the same way: import @growthbook/growthbook (its
// node entry), new GrowthBook with the slots as features
// (bench/lib/growthbook-features.js, parsed from JSON text in the timed part
// like leadseg's config), getFeatureValue().
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const configText = fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const marks = [];
const mark = (name) => marks.push([name, cpu(), performance.now()]);
const mode = process.argv[2] ?? 'leadseg';
if (mode !== 'leadseg' && mode !== 'growthbook') throw new Error(`unknown mode ${mode}: leadseg or growthbook`);
let engine;
if (mode === 'growthbook') {
  const { growthBookFeatures } = await import('../lib/growthbook-features.js');
  const featuresText = JSON.stringify({ features: growthBookFeatures(JSON.parse(configText)) });
  mark('start');
  const { GrowthBook } = await import('@growthbook/growthbook');
  mark('importPackage');
  engine = new GrowthBook({ ...JSON.parse(featuresText), attributes: {} });
  mark('create');
  engine.getFeatureValue('hero', null);
  mark('firstDecide');
} else {
  mark('start');
  // As `import 'leadseg'` resolves in node (the "node" condition of
  // web/package.json); LEADSEG_ENTRY=src: the unbundled web/src/node.js.
  const webPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'web', 'package.json'), 'utf8'));
  const entry = path.join(REPO_ROOT, 'web', process.env.LEADSEG_ENTRY === 'src' ? 'src/node.js' : webPackage.exports['.'].node);
  const { createEngine, loadCore } = await import(pathToFileURL(entry).href);
  mark('importPackage');
  await loadCore();
  mark('loadCore');
  engine = await createEngine({ config: configText, consent: { personalization: true } });
  mark('createEngine');
  engine.decide('hero');
  mark('firstDecide');
}
const steps = {};
const wallSteps = {};
for (let i = 1; i < marks.length; i++) {
  steps[marks[i][0]] = marks[i][1] - marks[i - 1][1];
  wallSteps[marks[i][0]] = marks[i][2] - marks[i - 1][2];
}
const last = marks[marks.length - 1];
console.log(JSON.stringify({ cpuMs: last[1] - marks[0][1], wallMs: last[2] - marks[0][2], steps, wallSteps }));
engine.destroy?.();
