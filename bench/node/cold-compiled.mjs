#!/usr/bin/env node
// One cold start in this (fresh) node process, in CPU time, to the first
// decision with the worked example, the way a site does it. Prints one JSON
// line; bench/node/compiled.mjs runs it many times and takes medians.
//
//   node bench/node/cold-compiled.mjs json        createEngine({config: JSON text}) (full module)
//   node bench/node/cold-compiled.mjs compiled    createEngine({config: .lsc bytes}) (runtime module)
//   node bench/node/cold-compiled.mjs growthbook  new GrowthBook({features}) + getFeatureValue
//
// The config (text, bytes or GrowthBook features) is read before the clock
// starts; everything from the package import on is timed. The package is
// imported the way `import 'leadseg'` resolves in node (web/package.json's
// "node" condition: dist/leadseg.node.mjs, which loads its lazy files only
// when used); LEADSEG_ENTRY=src
// imports the unbundled web/src/node.js instead, for comparison.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const mode = process.argv[2];
const lscFile = process.argv[3];
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// GrowthBook's equivalent of the example's "hero" slot: a feature whose
// rules are the conditions of the segments the slot's variants name
// (GrowthBook is given the pricing-view count leadseg computes from events).
const FEATURES = {
  hero: {
    defaultValue: 'default',
    rules: [
      { condition: { $or: [{ company_size: { $gte: 1000 } }, { annual_revenue: { $gte: 10_000_000 } }] }, force: 'enterprise' },
      { condition: { job_title: { $in: ['CTO', 'IT Manager'] }, industry: 'Technology', pricing_views_2d: { $gte: 2 } }, force: 'tech_leader' },
    ],
  },
};

const webPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'web', 'package.json'), 'utf8'));
const entry = process.env.LEADSEG_ENTRY === 'src'
  ? path.join(REPO_ROOT, 'web', 'src', 'node.js')
  : path.join(REPO_ROOT, 'web', webPackage.exports['.'].node);
let input;
if (mode === 'json') input = fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8');
else if (mode === 'compiled') input = new Uint8Array(fs.readFileSync(lscFile));
else if (mode !== 'growthbook') throw new Error('usage: cold-compiled.mjs json|compiled <file.lsc>|growthbook');

const marks = [['start', cpu(), performance.now()]];
const mark = (name) => marks.push([name, cpu(), performance.now()]);
let value;
if (mode === 'growthbook') {
  const { GrowthBook } = await import('@growthbook/growthbook');
  mark('import');
  const gb = new GrowthBook({ features: FEATURES, attributes: { job_title: 'CTO', industry: 'Technology', pricing_views_2d: 2 } });
  mark('create');
  value = gb.getFeatureValue('hero', 'default');
  mark('firstDecision');
} else {
  const { createEngine } = await import(pathToFileURL(entry).href);
  mark('import');
  const engine = await createEngine({ config: input, consent: { personalization: true } });
  mark('create');
  engine.identify({ job_title: 'CTO', industry: 'Technology' });
  engine.track('page_view', { path: '/pricing' });
  engine.track('page_view', { path: '/pricing/teams' });
  value = engine.decide('hero').variant;
  mark('firstDecision');
  engine.destroy();
}
const steps = {};
for (let i = 1; i < marks.length; i++) steps[marks[i][0]] = marks[i][1] - marks[i - 1][1];
const last = marks[marks.length - 1];
console.log(JSON.stringify({ mode, value, cpuMs: last[1] - marks[0][1], wallMs: last[2] - marks[0][2], steps }));
