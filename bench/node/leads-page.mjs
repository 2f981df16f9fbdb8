// The demo's lead-list page (demo/leads.html) on a large file, in headless
// Chromium (issue 15's "1M-row run on the page"): the page's own sample
// generator (demo/assets/lead-sample.js, fixed seed) writes the CSV, the
// script sets it on the page's file input as a marketer would, confirms the
// column check, and waits for the results. It prints the wall time from the
// click to the finished page, the page's own reading of it, the counts it
// shows, and the tab's peak memory: the resident size of the page's
// renderer process (its workers are threads of it, wasm memory included;
// RSS and its anonymous part), only the Chromium this script started,
// sampled every 100 ms from /proc. A screenshot of the finished page is saved with --screenshot FILE.
//
//   node bench/node/leads-page.mjs [--rows 1000000] [--screenshot /path/leadpage.png] [--chromium-arg ARG]...
//
// --chromium-arg: one more command-line argument for Chromium (repeatable),
// e.g. --chromium-arg=--js-flags=--max-semi-space-size=1 to see how much of
// the peak is V8's young generation.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, checkPrerequisites, launchChromium, watchPage, cspProblems, startRepoServer } from '../../tests/browser/fixtures/chromium.mjs';
import { sampleCsvChunks } from '../../demo/assets/lead-sample.js';
import { ourRendererThreads, ourRenderers, rendererMemory } from './renderers.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const rows = Number(option('--rows', 1_000_000));
const screenshot = option('--screenshot', null);
const BUILD_DIR = path.join(REPO_ROOT, 'build', 'bench');

/**
 * The renderer processes of the Chromium this script started: pid ->
 * {rss, anon, workers} (renderers.mjs's rendererMemory); `workers`: it runs
 * dedicated workers (the page's tab).
 */
function renderers() {
  const out = new Map();
  for (const pid of ourRenderers()) {
    const m = rendererMemory(pid);
    if (!m) continue;
    try {
      const workers = fs.readdirSync(`/proc/${pid}/task`).some((t) => {
        try {
          return fs.readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').startsWith('DedicatedWorker');
        } catch {
          return false;
        }
      });
      out.set(pid, { rss: m.rss, anon: m.anon, workers });
    } catch {
      // the process ended
    }
  }
  return out;
}

/**
 * CPU ticks of every thread of our renderers, merged into `threads` (tid ->
 * {name, ticks}): a thread that ended keeps its last reading.
 */
const threads = new Map();
function sampleThreads() {
  for (const { tid, name, ticks } of ourRendererThreads()) {
    const known = threads.get(tid);
    threads.set(tid, { name, ticks, first: known?.first ?? ticks });
  }
}

/** Peaks per renderer process, updated by sample(). */
const peaks = new Map();
function sample() {
  sampleThreads();
  for (const [pid, now] of renderers()) {
    const p = peaks.get(pid) ?? { rss: 0, anon: 0, workers: false };
    peaks.set(pid, { rss: Math.max(p.rss, now.rss), anon: Math.max(p.anon, now.anon), workers: p.workers || now.workers });
  }
}
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const tabPeak = () => [...peaks].filter(([, p]) => p.workers).reduce((a, [pid, p]) => (p.rss > a.rss ? { pid, ...p } : a), { pid: null, rss: 0, anon: 0 });

/** The sample as a file, written once (chunks: never one string). */
function ensureSample(n) {
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const file = path.join(BUILD_DIR, `leads-page-sample-${n}.csv`);
  if (!fs.existsSync(file)) {
    const fd = fs.openSync(`${file}.partial`, 'w');
    for (const chunk of sampleCsvChunks(n, { rowsPerChunk: 5000 })) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    fs.renameSync(`${file}.partial`, file);
  }
  return file;
}

checkPrerequisites();
const file = ensureSample(rows);
console.log(`sample CSV: ${rows.toLocaleString('en-US')} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB (${path.relative(REPO_ROOT, file)})`);

const server = await startRepoServer();
const extraArgs = args.filter((a) => a.startsWith('--chromium-arg=')).map((a) => a.slice('--chromium-arg='.length));
const browser = await launchChromium({ args: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', ...extraArgs] });
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const problems = [];
  const page = await watchPage(await context.newPage(), problems, { timeout: 3_600_000, ignoreFailedRequest: (url) => url.startsWith('blob:') });
  await page.goto(`${server.url}leads.html`);
  await page.waitForSelector('body[data-ready="true"]');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const idle = renderers();
  await page.setInputFiles('#file-input', file);
  await page.locator('#columns-check').waitFor({ state: 'visible' });

  sampleThreads(); // each thread's CPU before the click
  const sampler = setInterval(sample, 100);
  const started = performance.now();
  await page.click('#columns-run');
  let lastLog = 0;
  for (;;) {
    const state = await page.evaluate(() => document.body.dataset.state);
    if (state !== 'running') break;
    if (performance.now() - lastLog > 60_000) {
      lastLog = performance.now();
      console.log(`  ${((lastLog - started) / 1000).toFixed(0)} s: ${await page.locator('#progress-text').textContent()} (the tab's renderer: peak so far ${mib(tabPeak().rss)} RSS, ${mib(tabPeak().anon)} anonymous)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const wall = performance.now() - started;
  clearInterval(sampler);
  sample();
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== 'done') throw new Error(`the page ended in state "${state}": ${await page.locator('#run-error-message').textContent()}`);
  const shown = await page.evaluate(() => ({
    title: document.querySelector('#results-title').textContent,
    meta: document.querySelector('#results-meta').textContent,
    leads: document.querySelector('#kpi-leads').textContent,
    errors: document.querySelector('#kpi-errors').textContent,
    download: document.querySelector('#download-size').textContent,
  }));
  console.log(`page: "${shown.title}" · ${shown.meta} · errors ${shown.errors} · download ${shown.download}`);
  console.log(`wall, click to finished page: ${(wall / 1000).toFixed(1)} s (${Math.round((rows / wall) * 1000).toLocaleString('en-US')} leads/s); navigator.hardwareConcurrency ${cores}`);
  const tab = tabPeak();
  const before = idle.get(tab.pid) ?? { rss: 0, anon: 0 };
  console.log(`the tab's renderer process: ${mib(before.rss)} RSS (${mib(before.anon)} anonymous) with the page loaded; peak during the run ${mib(tab.rss)} RSS (${mib(tab.anon)} anonymous)`);
  const busy = [...threads.values()].map(({ name, ticks, first }) => [name, (ticks - first) / 100]).filter(([, s]) => s >= 0.05).sort((a, b) => b[1] - a[1]);
  console.log(`renderer CPU by thread over the run (threads started during it counted from their first reading): ${busy.map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(', ')}`);
  console.log(`every renderer of this Chromium (peaks, summed): ${mib([...peaks.values()].reduce((a, p) => a + p.rss, 0))} RSS (shared pages counted in each), ${mib([...peaks.values()].reduce((a, p) => a + p.anon, 0))} anonymous`);
  if (screenshot) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(600); // chart animations
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  }
  const all = [...problems, ...(await cspProblems(page))];
  if (all.length) throw new Error(`Chromium:\n  ${all.join('\n  ')}`);
} finally {
  await browser.close();
  await server.close();
}
