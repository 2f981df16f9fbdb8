#!/usr/bin/env node
// Runs a conformance file through the WebAssembly build, like the native CLI:
//
//   node tests/wasm/conformance.mjs ../shared/conformance/growthbook-cases.json
//
// Prints the report (one line per section, last line "N passed, M failed")
// and exits 1 unless the last line says "0 failed".
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadLeadseg } from './load.mjs';

/** Runs `file` through `leadseg.runConformance`; returns {report, ok}. */
export async function runConformanceFile(file, leadseg) {
  const text = fs.readFileSync(file, 'utf8');
  const mod = leadseg ?? (await loadLeadseg());
  const report = mod.runConformance(text);
  const lines = report.trimEnd().split('\n');
  const last = lines[lines.length - 1] ?? '';
  return { report: report.trimEnd(), ok: /(^|\s)0 failed\b/.test(last), last };
}

async function main() {
  const file = process.argv[2];
  if (!file || process.argv.length > 3) {
    console.error('usage: node tests/wasm/conformance.mjs <conformance-file.json>');
    process.exit(2);
  }
  try {
    const { report, ok } = await runConformanceFile(file);
    console.log(report);
    process.exit(ok ? 0 : 1);
  } catch (err) {
    console.error(`conformance: ${err.message}${err.path ? ` (at ${err.path})` : ''}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
