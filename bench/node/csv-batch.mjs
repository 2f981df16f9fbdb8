// The lead-list fast path alone in headless Chromium, next to papaparse +
// GrowthBook in the same page and run (issue 15): the 1M-row CSV as a
// Blob -> finished per-segment counts through segmentLeads (batch module,
// CSV parsed in wasm, one worker per core, then one worker), each checked
// against the expected counts before its time is printed; the tab's peak
// memory while segmentLeads runs, as the resident size of the page's
// renderer process (its workers are threads of it, wasm memory included),
// sampled every 50 ms from /proc.
//
//   node bench/node/csv-batch.mjs [--csv-rows N] [--no-javascript]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWorkload } from './workload.mjs';
import { ensureCsv } from './csv-gen.mjs';
import { openBenchPage, withBrowser } from './browser.mjs';
import { ourRenderers } from './renderers.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
const BUILD_DIR = path.join(REPO_ROOT, 'build', 'bench');

const args = process.argv.slice(2);
const rows = Number(args[args.indexOf('--csv-rows') + 1] || 1_000_000) || 1_000_000;
const javascript = !args.includes('--no-javascript');

/** Resident bytes of the renderer processes of the Chromium this script started (one page open: the bench tab). */
function rendererRss() {
  let total = 0;
  for (const pid of ourRenderers()) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
    } catch {
      // the process ended
    }
  }
  return total;
}

const workload = loadWorkload(path.join(SHARED_DIR, 'bench-workload'));
fs.mkdirSync(BUILD_DIR, { recursive: true });
const big = ensureCsv({ workload, file: path.join(BUILD_DIR, `leads-${rows}.csv`), rows });
ensureCsv({ workload, file: path.join(BUILD_DIR, 'leads-10000.csv'), rows: 10000 });
console.log(`CSV: ${big.rows.toLocaleString('en-US')} rows, ${(big.bytes / 1e6).toFixed(1)} MB, ${workload.segments.length} segments`);

await withBrowser({ repoRoot: REPO_ROOT, sharedDir: SHARED_DIR, buildDir: BUILD_DIR, log: console.log }, async ({ browser, server, version }) => {
  const page = await openBenchPage(browser, server);
  try {
    const before = rendererRss();
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, rendererRss());
    }, 50);
    let out;
    const names = { big: path.basename(big.file), small: 'leads-10000.csv' };
    try {
      out = await page.call('csvBatch', { ...names, javascript: false });
    } finally {
      clearInterval(timer);
    }
    if (javascript) Object.assign(out.pipelines, (await page.call('csvBatch', { ...names, fast: false })).pipelines);
    console.log(`Chromium ${version}, ${out.workers} cores (navigator.hardwareConcurrency); every pipeline's per-segment counts equal the expected counts`);
    for (const p of Object.values(out.pipelines)) console.log(`  ${p.name.padEnd(48)} ${(p.ms / 1000).toFixed(2).padStart(7)} s`);
    const fast = out.pipelines[`segmentLeads${out.workers}`];
    if (out.pipelines.javascript) console.log(`  ratio: papaparse + GrowthBook / segmentLeads = ${(out.pipelines.javascript.ms / fast.ms).toFixed(2)}x`);
    console.log(`  renderer RSS: ${(before / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB while segmentLeads ran (the page holds the file as a Blob)`);
  } finally {
    await page.close();
  }
});
