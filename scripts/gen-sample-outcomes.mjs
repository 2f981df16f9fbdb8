#!/usr/bin/env node
// Writes the Predict and Discover sample, demo/data/leads-outcomes.csv: 3,000
// synthetic leads with a `converted` outcome drawn from the planted logistic
// model and four planted clusters (demo/assets/predict-sample.js; the model is
// stated in demo/README.md, "The sample with outcomes"). Fixed seed: the same
// bytes on every machine.
//
//   node scripts/gen-sample-outcomes.mjs [--rows N] [--seed S] [--out FILE]
//
// The file (~260 KB) is not committed: scripts/demo.sh writes it at demo
// start, and predict.html builds the same rows in the page from the same
// module, so the page works without it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTCOME_ROWS, OUTCOME_SEED, outcomeCsv } from '../demo/assets/predict-sample.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { rows: OUTCOME_ROWS, seed: OUTCOME_SEED, out: path.join(REPO_ROOT, 'demo', 'data', 'leads-outcomes.csv') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--rows') opts.rows = Number(value());
    else if (flag === '--seed') opts.seed = Number(value());
    else if (flag === '--out') opts.out = path.resolve(value());
    else if (flag === '--help' || flag === '-h') opts.help = true;
    else throw new Error(`unknown argument: ${argv[i]}`);
  }
  if (!Number.isInteger(opts.rows) || opts.rows < 1) throw new Error('--rows must be a positive integer');
  if (!Number.isInteger(opts.seed)) throw new Error('--seed must be an integer');
  return opts;
}

try {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log('usage: node scripts/gen-sample-outcomes.mjs [--rows N] [--seed S] [--out FILE]');
  } else {
    const csv = outcomeCsv(opts.rows, opts.seed);
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, csv);
    console.log(`wrote ${path.relative(process.cwd(), opts.out) || opts.out}: ${opts.rows} leads, seed ${opts.seed}, ${csv.length} bytes`);
  }
} catch (error) {
  console.error(`gen-sample-outcomes: ${error.message}`);
  process.exit(1);
}
