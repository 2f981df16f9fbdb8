// The lead-list fast path alone in headless Chromium, next to papaparse +
// GrowthBook in the same page and run (issue 15): the 1M-row CSV picked in
// an <input type="file"> (playwright's setInputFiles: a File read from the
// disk on demand, as a visitor's) -> finished per-segment counts through
// segmentLeads (batch module, CSV parsed in wasm, one worker per core, then
// one worker; the ratio is against the first call, which pays the batch
// module's tier-up compile), each checked against the expected counts before its time is
// printed. For each of those runs: the tab's peak memory while it ran, as
// the resident size of the page's renderer process (its workers are threads
// of it, wasm memory included), sampled every 50 ms from /proc, split into
// anonymous / file / shared pages at the peak; and the renderer's CPU time
// (user + system, every thread) over the run.
//
//   node bench/node/csv-batch.mjs [--csv-rows N] [--no-javascript] [--fetch-blob] [--threads] [--workers N,M]
//
// --threads: each run's renderer CPU by thread name (/proc/<pid>/task/*:
// CrRendererMain, DedicatedWorker, V8 DefaultWorker (V8's compile and GC
// helpers), ThreadPoolForeg (file reads), ...), sampled every 50 ms so that
// threads ending within the run (terminated workers) are counted.
// --workers: the worker counts to run (default: navigator.hardwareConcurrency, then 1).
//
// --fetch-blob: the page fetches the file into a Blob first (the bench's way
// before 2026-12-04's csvmem branch): a Blob made in the page is held in the
// renderer's memory, which a picked File is not.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWorkload } from './workload.mjs';
import { ensureCsv } from './csv-gen.mjs';
import { openBenchPage, withBrowser } from './browser.mjs';
import { ourRendererThreads, ourRenderers, rendererMemory } from './renderers.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
const BUILD_DIR = path.join(REPO_ROOT, 'build', 'bench');

const args = process.argv.slice(2);
const rows = Number(args[args.indexOf('--csv-rows') + 1] || 1_000_000) || 1_000_000;
const javascript = !args.includes('--no-javascript');
const picked = !args.includes('--fetch-blob');
const threads = args.includes('--threads');
const workerCounts = args.includes('--workers') ? args[args.indexOf('--workers') + 1].split(',').map(Number) : null;

/**
 * Resident bytes of the renderer processes of the Chromium this script
 * started (one page open: the bench tab): {rss, anon, file, shmem}.
 */
function rendererRss() {
  const total = { rss: 0, anon: 0, file: 0, shmem: 0 };
  for (const pid of ourRenderers()) {
    const m = rendererMemory(pid);
    if (!m) continue;
    for (const key of Object.keys(total)) total[key] += m[key];
  }
  return total;
}

/** CPU seconds (user + system, all threads) of our renderer processes so far. */
function rendererCpu() {
  let ticks = 0;
  for (const pid of ourRenderers()) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
    } catch {
      // the process ended
    }
  }
  return ticks / 100; // USER_HZ
}

/**
 * CPU ticks of every thread of our renderers: Map tid -> {name, ticks}.
 * Merged into `into` (a thread's last reading wins), so that a thread which
 * ended since the last call keeps its last figure.
 */
function threadTicks(into = new Map()) {
  for (const { pid, tid, name, ticks } of ourRendererThreads()) into.set(`${pid}/${tid}`, { name, ticks });
  return into;
}

/** CPU seconds by thread name between two threadTicks() readings. */
function threadCpu(before, after) {
  const byName = new Map();
  for (const [tid, { name, ticks }] of after) {
    const spent = (ticks - (before.get(tid)?.ticks ?? 0)) / 100;
    if (spent > 0) byName.set(name, (byName.get(name) ?? 0) + spent);
  }
  return [...byName].sort((a, b) => b[1] - a[1]);
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

const workload = loadWorkload(path.join(SHARED_DIR, 'bench-workload'));
fs.mkdirSync(BUILD_DIR, { recursive: true });
const big = ensureCsv({ workload, file: path.join(BUILD_DIR, `leads-${rows}.csv`), rows });
ensureCsv({ workload, file: path.join(BUILD_DIR, 'leads-10000.csv'), rows: 10000 });
console.log(`CSV: ${big.rows.toLocaleString('en-US')} rows, ${(big.bytes / 1e6).toFixed(1)} MB, ${workload.segments.length} segments`);

await withBrowser({ repoRoot: REPO_ROOT, sharedDir: SHARED_DIR, buildDir: BUILD_DIR, log: console.log }, async ({ browser, server, version }) => {
  const page = await openBenchPage(browser, server);
  try {
    if (picked) await page.page.setInputFiles('#csv-file', big.file);
    const names = { big: path.basename(big.file), small: 'leads-10000.csv', picked };
    const cores = await page.page.evaluate(() => navigator.hardwareConcurrency);
    const pipelines = {};
    const memory = [];
    const counts = workerCounts ?? [cores, 1];
    // Keyed by call: a worker count asked for twice (--workers 2,1,2,1) is
    // two calls, and the first (the one that pays the batch module's
    // tier-up compile) is the one a visitor's first file gets.
    for (const [call, workers] of counts.entries()) {
      const before = rendererRss();
      let peak = before;
      const ticks0 = threads ? threadTicks() : null;
      const ticks = threads ? threadTicks() : null;
      const timer = setInterval(() => {
        const now = rendererRss();
        if (now.rss > peak.rss) peak = now;
        if (threads) threadTicks(ticks);
      }, 50);
      const cpu0 = rendererCpu();
      try {
        const out = await page.call('csvBatch', { ...names, javascript: false, workers: [workers] });
        for (const p of Object.values(out.pipelines)) {
          pipelines[`call${call}`] = { ...p, name: `call ${call + 1}${call === 0 ? ' (the page\'s first)' : ''}: ${p.name}` };
        }
      } finally {
        clearInterval(timer);
      }
      memory.push({ call, workers, before, peak, cpu: rendererCpu() - cpu0, threads: threads ? threadCpu(ticks0, threadTicks(ticks)) : null });
    }
    if (javascript) Object.assign(pipelines, (await page.call('csvBatch', { ...names, fast: false })).pipelines);
    console.log(`Chromium ${version}, ${cores} cores (navigator.hardwareConcurrency); every pipeline's per-segment counts equal the expected counts`);
    console.log(`the file: ${picked ? 'picked in an <input type="file"> (read from the disk)' : 'fetched into a Blob held by the page (--fetch-blob)'}`);
    for (const p of Object.values(pipelines)) console.log(`  ${p.name.padEnd(48)} ${(p.ms / 1000).toFixed(2).padStart(7)} s`);
    const fast = pipelines.call0;
    if (pipelines.javascript) console.log(`  ratio: papaparse + GrowthBook / segmentLeads (call 1, workers: ${counts[0]}) = ${(pipelines.javascript.ms / fast.ms).toFixed(2)}x`);
    for (const { call, workers, before, peak, cpu, threads: byThread } of memory) {
      console.log(`  call ${call + 1}, workers: ${workers}: renderer RSS ${mb(before.rss)} before (anon ${mb(before.anon)}), peak ${mb(peak.rss)} (anon ${mb(peak.anon)}, file ${mb(peak.file)}, shmem ${mb(peak.shmem)}); renderer CPU ${cpu.toFixed(2)} s`);
      if (byThread) console.log(`    by thread: ${byThread.map(([name, s]) => `${name} ${s.toFixed(2)}`).join(', ')}`);
    }
  } finally {
    await page.close();
  }
});
