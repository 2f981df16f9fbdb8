#!/usr/bin/env node
// The engine's documents through the package's documented API: decide(),
// peek(), explain(), score(), metrics(), attributes(), export(),
// experiments(), on an engine created from the worked example compiled
// (the runtime module), after a short journey (identify + 40 events). Each
// is printed in µs per call (median of passes) and, as the JS peer, next to
// JSON.parse of the same document's JSON text: what a call that hands a
// document to JavaScript as text pays for parsing alone.
//
//   node bench/node/documents.mjs [--passes 7] [--calls 2000]
// Needs web/dist built (bash scripts/build.sh wasm).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compileConfig, createEngine } from '../../web/src/node.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const passes = option('--passes', 7);
const calls = option('--calls', 2000);

const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8'));
const bytes = await compileConfig(config);
let clock = Date.UTC(2026, 0, 1);
const engine = await createEngine({ config: bytes, now: () => clock });
engine.identify({ job_title: 'CTO', company_size: 250, industry: 'software', country: 'DE' });
for (let i = 0; i < 40; i++) {
  clock += 60_000;
  engine.track('page_view', { path: i % 3 ? '/blog/post-' + i : '/pricing', referrer: 'https://example.com/' });
}
const segment = config.segments[0].id;

const documents = {
  'decide(hero)': () => engine.decide('hero'),
  'peek(cta)': () => engine.peek('cta'),
  [`explain(${segment})`]: () => engine.explain(segment),
  'score()': () => engine.score(),
  'metrics()': () => engine.metrics(),
  'attributes()': () => engine.attributes(),
  'export()': () => engine.export(),
  'experiments()': () => engine.experiments(),
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function perCall(fn) {
  const n = Math.max(1, Math.round(calls));
  for (let i = 0; i < Math.min(n, 200); i++) fn(); // warm-up
  const runs = [];
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    runs.push(((performance.now() - t0) * 1000) / n);
  }
  return median(runs);
}

console.log(`node ${process.version}, ${passes} passes x ${calls} calls, worked example (compiled), 40 events`);
console.log('document'.padEnd(34) + 'µs/call'.padStart(10) + '  JSON.parse of it (µs)'.padStart(24) + '  ratio'.padStart(8));
for (const [name, call] of Object.entries(documents)) {
  const doc = call();
  const text = JSON.stringify(doc);
  const us = perCall(call);
  const parse = perCall(() => JSON.parse(text));
  console.log(name.padEnd(34) + us.toFixed(2).padStart(10) + parse.toFixed(2).padStart(24) + (us / parse).toFixed(2).padStart(8) +
    `   (${text.length} bytes as JSON)`);
}
