#!/usr/bin/env node
// Self time by function in a V8 .cpuprofile (node --cpu-prof), top N.
//   node bench/node/cpuprofile-top.mjs FILE.cpuprofile [--top N]
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 25;
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
  const n = byId.get(prof.samples[i]);
  const name = `${n.callFrame.functionName || '(anonymous)'}${n.callFrame.url ? ` ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}` : ''}`;
  self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${(100 * us / total).toFixed(1).padStart(5)}%  ${name.slice(0, 160)}`);
}
