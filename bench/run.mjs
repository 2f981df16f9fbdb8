#!/usr/bin/env node
// The leadseg benchmark (issue 8). Run through bash bench/run.sh, which
// builds what this needs first. Options:
//   --json FILE        write every number to FILE (compare runs with it)
//   --quick            fewer passes and a 100,000-row CSV (a smoke run)
//   --csv-rows N       rows of the batch CSV (default 1,000,000)
//   --skip-browser     no Chromium sections
//   --skip-native      no native section (e.g. no C++ toolchain)
//   --page-only        only the page path: shipped bytes and cold start in
//                      node and Chromium, each next to GrowthBook (~1 minute)
//
// Sections: inputs (generated into build/bench/), native (Google
// Benchmark), node (wasm + peers in this process), track() latency, shipped
// bytes, Chromium (workload, track, cold start, CSV). Memberships are
// checked against expected-membership.txt before anything is timed; a
// mismatch fails the run. Targets are reported as PASS/MISS, never
// asserted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadWorkload, measureWorkloadNode } from './node/workload.mjs';
import { loadTrackConfig, measureTrackNode } from './node/track.mjs';
import { measureSizes } from './node/sizes.mjs';
import { ensureCsv } from './node/csv-gen.mjs';
import { coldStart, openBenchPage, withBrowser } from './node/browser.mjs';
import { coldStartNode, pageTargets, printColdChromium, printColdNode, printSizes } from './node/page-path.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
const WORKLOAD_DIR = path.join(SHARED_DIR, 'bench-workload');
const BUILD_DIR = path.join(REPO_ROOT, 'build', 'bench');
const NATIVE_BENCH = path.join(BUILD_DIR, 'leadseg_bench');

export const TARGETS = {
  wasmVsGrowthBook: 20, // wasm >= 20x GrowthBook evalCondition
  wasmVsNative: 1.5, // native / wasm <= 1.5
  trackP50Us: 10, // track() p50 <= 10 µs ...
  trackFlat: 1.5, // ... and p50 at 10,000 events <= 1.5x p50 at 100
  coldStartMs: 20,
  shippedGzipBytes: 60 * 1024,
  csvMs: 2000,
  // issue 14: cold start, module import -> first decision, ÷ GrowthBook
  coldVsGrowthBookChromium: 1.5,
  coldVsGrowthBookNode: 1,
};

function parseArgs(argv) {
  const o = { json: null, quick: false, csvRows: null, browser: true, native: true, pageOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = argv[++i];
    else if (a.startsWith('--json=')) o.json = a.slice(7);
    else if (a === '--quick') o.quick = true;
    else if (a === '--csv-rows') o.csvRows = Number(argv[++i]);
    else if (a === '--skip-browser') o.browser = false;
    else if (a === '--skip-native') o.native = false;
    else if (a === '--page-only') o.pageOnly = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown argument: ${a} (see bench/run.mjs)`);
  }
  if (o.json === undefined || o.json === '') throw new Error('--json needs a file name');
  if (o.pageOnly) o.native = false;
  o.csvRows ??= o.quick ? 100_000 : 1_000_000;
  if (!Number.isInteger(o.csvRows) || o.csvRows < 1000) throw new Error('--csv-rows must be an integer >= 1000');
  o.passes = o.quick ? 3 : 5;
  o.warmup = o.quick ? 1 : 2;
  return o;
}

// --- formatting ---------------------------------------------------------------

const fmtRate = (x) => (x == null || !Number.isFinite(x) ? '—' : (x / 1e6).toFixed(2));
const fmtX = (x) => (x == null || !Number.isFinite(x) ? '—' : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);
const fmtUs = (x) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(1));
const fmtMs = (x) => (x == null || !Number.isFinite(x) ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtKB = (b) => `${(b / 1024).toFixed(1)} KB`;

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (align?.[i] === 'r' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function section(title) {
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, 74 - title.length))}`);
}

// --- environment --------------------------------------------------------------

function git(args) {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function newestMtime(dir) {
  let newest = 0;
  let newestFile = null;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(cc|h|js)$/.test(e.name)) {
        const m = fs.statSync(p).mtimeMs;
        if (m > newest) {
          newest = m;
          newestFile = p;
        }
      }
    }
  };
  walk(dir);
  return { mtime: newest, file: newestFile };
}

function wasmStaleness() {
  const wasm = path.join(REPO_ROOT, 'web/dist/leadseg.wasm');
  const built = fs.statSync(wasm).mtimeMs;
  const sources = [newestMtime(path.join(REPO_ROOT, 'src')), newestMtime(path.join(REPO_ROOT, 'bindings'))]
    .sort((a, b) => b.mtime - a.mtime)[0];
  return sources.mtime > built
    ? `web/dist/leadseg.wasm (${new Date(built).toISOString()}) is older than ${path.relative(REPO_ROOT, sources.file)}: rebuild with bash bench/run.sh --build-wasm`
    : null;
}

// --- native ---------------------------------------------------------------------

function runNative({ passes, trackConfigFile }) {
  if (!fs.existsSync(NATIVE_BENCH)) throw new Error(`${NATIVE_BENCH} is missing: bash bench/run.sh builds it`);
  const out = path.join(BUILD_DIR, 'native-bench.json');
  const r = spawnSync(NATIVE_BENCH, [
    '--benchmark_filter=^BM_(Workload|Track50)',
    `--benchmark_repetitions=${passes}`,
    '--benchmark_report_aggregates_only=true',
    '--benchmark_min_warmup_time=0.2',
    '--benchmark_min_time=0.3',
    '--benchmark_format=console',
    `--benchmark_out=${out}`,
    '--benchmark_out_format=json',
  ], { encoding: 'utf8', env: { ...process.env, LEADSEG_BENCH_TRACK_CONFIG: trackConfigFile }, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`native benchmark failed (exit ${r.status}):\n${r.stderr}\n${r.stdout}`);
  const json = JSON.parse(fs.readFileSync(out, 'utf8'));
  const errors = json.benchmarks.filter((b) => b.error_occurred);
  if (errors.length) {
    throw new Error(`native benchmark: ${errors.map((b) => `${b.name}: ${b.error_message}`).join('; ')}\n${r.stderr}`);
  }
  const median = (name) => json.benchmarks.find((b) => b.name === `${name}_median`);
  const toMs = (b) => ({ s: 1000, ms: 1, us: 1e-3, ns: 1e-6 })[b.time_unit];
  const evals = (name, label, key) => {
    const b = median(name);
    if (!b) throw new Error(`native benchmark: no median for ${name}`);
    const unit = toMs(b);
    return {
      key,
      name: label,
      env: 'native',
      clock: 'cpu',
      evalsPerSec: b.items_per_second,
      cpuEvalsPerSec: b.items_per_second,
      wallEvalsPerSec: b.items_per_second * (b.cpu_time / b.real_time),
      medianPassMs: b.real_time * unit,
      cpuPassMs: b.cpu_time * unit,
      passes,
    };
  };
  const results = [
    evals('BM_Workload_DecodeAndEvaluate', 'leadseg native: decode frame + evaluate', 'native_decode_eval'),
    evals('BM_Workload_EvaluateOnly', 'leadseg native: evaluate only (pre-decoded)', 'native_eval'),
    evals('BM_Workload_DecodeOnly', 'leadseg native: decode frame only', 'native_decode'),
  ];
  const track = [100, 1000, 10000].map((h) => {
    const b = median(`BM_Track50/${h}`);
    const unit = { us: 1, ns: 1e-3, ms: 1e3 }[b.time_unit];
    return { api: 'native Engine::Track (mean per call)', history: h, storedEvents: b.stored_events, p50: b.cpu_time * unit, wallUs: b.real_time * unit, note: 'median of repetitions of the mean CPU time per call' };
  });
  return { results, track, context: { ...json.context, caches: undefined }, stdout: r.stdout };
}

// --- summary --------------------------------------------------------------------

function verdict(ok) {
  return ok === null ? 'n/a ' : ok ? 'PASS' : 'MISS';
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 17).join('\n'));
    return;
  }
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const report = {
    meta: {
      date: new Date().toISOString(),
      commit: git(['rev-parse', 'HEAD']),
      dirty: Boolean(git(['status', '--porcelain', '--', 'src', 'bindings', 'web/src'])),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadavgStart: os.loadavg(),
      options: { ...opts },
      targets: TARGETS,
    },
  };
  const warnings = [];

  section('leadseg benchmark');
  console.log(`commit ${report.meta.commit ?? '?'}${report.meta.dirty ? ' (+ uncommitted changes in src/, bindings/ or web/src)' : ''}, node ${process.version}, ${report.meta.cpus} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (os.loadavg()[0] > report.meta.cpus) {
    const w = `the machine is busy (1-min load ${os.loadavg()[0].toFixed(1)} on ${report.meta.cpus} CPUs): wall-clock figures are inflated; node and native rates use CPU time, ratios are measured interleaved in one process`;
    warnings.push(w);
    console.log(`warning: ${w}`);
  }
  const stale = wasmStaleness();
  if (stale) {
    warnings.push(stale);
    console.log(`warning: ${stale}`);
  }

  if (opts.pageOnly) {
    await pagePathOnly(opts, report, warnings, elapsed, started);
    return;
  }

  // --- inputs -------------------------------------------------------------
  section('inputs');
  const workload = loadWorkload(WORKLOAD_DIR);
  const evaluationsPerPass = workload.profiles.length * workload.segments.length;
  console.log(`workload: ${workload.profiles.length} profiles x ${workload.segments.length} segments = ${evaluationsPerPass.toLocaleString('en-US')} evaluations per pass (${WORKLOAD_DIR})`);
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const config50 = loadTrackConfig();
  const trackConfigFile = path.join(BUILD_DIR, 'track-50.json');
  fs.writeFileSync(trackConfigFile, JSON.stringify(config50, null, 1));
  console.log(`track config: ${config50.segments.length} segments, ${config50.metrics.length} metrics -> ${path.relative(REPO_ROOT, trackConfigFile)}`);
  const csvName = `leads-${opts.csvRows}.csv`;
  let t = performance.now();
  const bigCsv = ensureCsv({ workload, file: path.join(BUILD_DIR, csvName), rows: opts.csvRows });
  const smallCsv = ensureCsv({ workload, file: path.join(BUILD_DIR, 'leads-10000.csv'), rows: 10000 });
  console.log(`CSV: ${bigCsv.rows.toLocaleString('en-US')} rows, ${(bigCsv.bytes / 1e6).toFixed(1)} MB -> build/bench/${csvName} (${bigCsv.generated ? `generated in ${((performance.now() - t) / 1000).toFixed(1)} s` : 'cached'}; seed ${bigCsv.seed})`);
  report.inputs = { evaluationsPerPass, trackSegments: config50.segments.length, csv: { file: csvName, rows: bigCsv.rows, bytes: bigCsv.bytes, seed: bigCsv.seed } };

  // --- native -------------------------------------------------------------
  let native = null;
  if (opts.native) {
    section(`native (Google Benchmark, median of ${opts.passes} repetitions after warm-up) [${elapsed()}]`);
    native = runNative({ passes: opts.passes, trackConfigFile });
    console.log('memberships: native decode + evaluate equal expected-membership.txt (checked in the benchmark before timing)');
    for (const r of native.results) console.log(`  ${r.name.padEnd(46)} ${fmtRate(r.evalsPerSec).padStart(8)} M evals/s (CPU time)`);
    report.native = { results: native.results, track: native.track, context: native.context };
  }

  // --- node ---------------------------------------------------------------
  section(`node ${process.version}: leadseg wasm and the JavaScript peers, one process [${elapsed()}]`);
  const nodeRun = await measureWorkloadNode({ workload, passes: opts.passes, warmup: opts.warmup, log: console.log });
  report.node = nodeRun;
  delete report.node.jsonLogicRules;
  console.log(`timed: median of ${opts.passes} interleaved passes after ${opts.warmup} warm-up passes (JSON path: 3 after 1)`);

  // --- track (node) -------------------------------------------------------
  section(`track() latency, 50 segments, node [${elapsed()}]`);
  const trackNode = await measureTrackNode({ config50, samples: opts.quick ? 1000 : 3000, warmup: 300 });
  if (trackNode.packageError) warnings.push(trackNode.packageError);
  report.trackNode = trackNode;
  console.log('done');

  // --- sizes --------------------------------------------------------------
  section('shipped bytes: what a page loads, next to GrowthBook');
  const sizes = measureSizes(REPO_ROOT);
  report.sizes = sizes;
  printSizes(sizes, table);

  // --- cold start in node (CPU time) ------------------------------------------
  section('cold start in node (fresh process each run, CPU time), next to GrowthBook');
  const coldNode = coldStartNode(REPO_ROOT, { runs: opts.quick ? 3 : 5 });
  report.coldStartNode = coldNode;
  printColdNode(coldNode);

  // --- Chromium -----------------------------------------------------------
  let chromium = null;
  if (opts.browser) {
    section(`headless Chromium [${elapsed()}]`);
    chromium = await withBrowser({ repoRoot: REPO_ROOT, sharedDir: SHARED_DIR, buildDir: BUILD_DIR, log: console.log }, async ({ browser, server, version }) => {
      console.log(`Chromium ${version}, pages served from ${server.url} (strict CSP, cross-origin isolated)`);
      const out = { version };
      const page = await openBenchPage(browser, server);
      try {
        t = performance.now();
        out.workload = await page.call('workload', { passes: opts.passes, warmup: opts.warmup });
        console.log(`workload: memberships checked, timed (${((performance.now() - t) / 1000).toFixed(0)} s)`);
        t = performance.now();
        out.track = await page.call('track', { samples: opts.quick ? 300 : 1000, warmup: 100, batch: 10 });
        console.log(`track: done (${((performance.now() - t) / 1000).toFixed(0)} s)`);
      } finally {
        await page.close();
      }
      t = performance.now();
      out.coldStart = await coldStart(browser, server, { runs: opts.quick ? 3 : 7 });
      console.log(`cold start: done (${((performance.now() - t) / 1000).toFixed(0)} s)`);
      const csvPage = await openBenchPage(browser, server);
      try {
        t = performance.now();
        out.csv = await csvPage.call('csv', { big: csvName, small: 'leads-10000.csv', leadsSample: 5000, parseOnly: true });
        console.log(`CSV: both pipelines' per-segment counts equal the expected counts (${((performance.now() - t) / 1000).toFixed(0)} s)`);
      } finally {
        await csvPage.close();
      }
      return out;
    });
    report.chromium = chromium;
  }

  // --- results ------------------------------------------------------------
  report.meta.loadavgEnd = os.loadavg();
  report.meta.seconds = (performance.now() - started) / 1000;
  const all = [...(native?.results ?? []), ...nodeRun.results, ...(chromium?.workload.results ?? [])];
  const find = (env, key) => all.find((r) => r.env === env && r.key === key);
  // Ratios use one clock for both sides: CPU time when both have it, else wall.
  const ratio = (a, b) => {
    if (!a || !b) return null;
    if (a.cpuEvalsPerSec && b.cpuEvalsPerSec) return a.cpuEvalsPerSec / b.cpuEvalsPerSec;
    return a.wallEvalsPerSec / b.wallEvalsPerSec;
  };
  const nativeRef = find('native', 'native_decode_eval');

  section(`results: ${evaluationsPerPass.toLocaleString('en-US')} evaluations per pass (profile x segment checks) [${elapsed()}]`);
  const rows = all.map((r) => [
    r.env,
    r.name.replace(/^leadseg (wasm|native): /, 'leadseg $1: '),
    fmtRate(r.cpuEvalsPerSec),
    fmtRate(r.wallEvalsPerSec),
    `${r.passes ?? ''}`,
    r.key === 'growthbook' ? '1×' : fmtX(ratio(r, find(r.env === 'native' ? 'node' : r.env, 'growthbook'))),
    fmtX(ratio(r, nativeRef)),
  ]);
  console.log(table(['env', 'engine', 'M/s cpu', 'M/s wall', 'passes', '÷ GrowthBook', '÷ native'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r']));
  console.log('M/s = million evaluations per second of the median pass; "cpu" = CPU time of the measuring process (node, native),');
  console.log('"wall" = wall clock (Chromium has only that). ÷ GrowthBook: against GrowthBook in the same environment (native rows: node).');

  const ratios = {};
  for (const env of ['node', 'chromium']) {
    const gb = find(env, 'growthbook');
    for (const key of ['wasm_user', 'wasm_engine']) {
      const w = find(env, key);
      if (!w) continue;
      ratios[`${env}.${key}.vsGrowthBook`] = ratio(w, gb);
      ratios[`${env}.${key}.vsNative`] = ratio(w, nativeRef);
      if (env === 'node') for (const peer of ['mingo', 'sift', 'jsonlogic']) ratios[`${env}.${key}.vs_${peer}`] = ratio(w, find(env, peer));
    }
  }
  report.ratios = ratios;
  console.log('\nleadseg wasm ÷ each peer (node, CPU time):');
  console.log(table(['leadseg path', 'GrowthBook', 'mingo', 'sift', 'json-logic-js', 'native ÷ wasm'], ['wasm_user', 'wasm_engine'].map((k) => [
    find('node', k).name.replace('leadseg wasm: ', ''),
    fmtX(ratios[`node.${k}.vsGrowthBook`]), fmtX(ratios[`node.${k}.vs_mingo`]), fmtX(ratios[`node.${k}.vs_sift`]), fmtX(ratios[`node.${k}.vs_jsonlogic`]),
    fmtX(1 / ratios[`node.${k}.vsNative`]),
  ]), ['l', 'r', 'r', 'r', 'r', 'r']));

  section('track() latency with 50 segments (µs per call)');
  const trackRows = [];
  for (const r of trackNode.rows) trackRows.push(['node', r.api, r.history, fmtUs(r.p50), fmtUs(r.p90), fmtUs(r.p99), r.samples]);
  for (const r of chromium?.track.rows ?? []) trackRows.push(['chromium', r.api, r.history, fmtUs(r.p50), fmtUs(r.p90), fmtUs(r.p99), `${r.samples}×${r.batch}`]);
  for (const r of native?.track ?? []) trackRows.push(['native', 'Engine::Track (CPU, mean per call)', r.history, fmtUs(r.p50), '', '', '']);
  console.log(table(['env', 'api', 'events', 'p50', 'p90', 'p99', 'samples'], trackRows, ['l', 'l', 'r', 'r', 'r', 'r', 'r']));
  console.log('node: each call timed alone (wall clock). Chromium: each sample is the mean of 10 consecutive calls (performance.now() is');
  console.log('coarsened to 5 µs even when cross-origin isolated), so its p99 understates single-call tails.');

  if (chromium) {
    section('cold start in Chromium (fresh context each run, median), next to GrowthBook');
    printColdChromium(chromium.coldStart);
    section(`CSV: ${chromium.csv.rows.toLocaleString('en-US')} rows (${(chromium.csv.bytes / 1e6).toFixed(0)} MB) x ${workload.segments.length} segments in Chromium, one pass after a warm-up`);
    for (const p of Object.values(chromium.csv.pipelines)) {
      console.log(`  ${p.name.padEnd(78)} ${(p.ms / 1000).toFixed(2).padStart(7)} s${p.extrapolated ? ` (measured ${(p.measuredMs / 1000).toFixed(2)} s)` : ''}`);
    }
  }

  // --- targets ------------------------------------------------------------
  section('targets (reported, not asserted)');
  const T = TARGETS;
  const nodeUser = ratios['node.wasm_user.vsGrowthBook'];
  const nodeEngineVsNative = ratios['node.wasm_engine.vsNative'];
  // track(): the package's engine.track() (what a page calls), in node
  // (each call timed) and in Chromium (means of 10 calls).
  const trackTarget = (rows, env) => {
    const pkg = rows.filter((r) => r.api === 'package engine.track()');  // not the compiled-config row
    const use = pkg.length ? pkg : rows.filter((r) => r.api.startsWith('core'));
    if (!use.length) return { key: `trackP50.${env}`, target: `track() p50 ≤ ${T.trackP50Us} µs and flat, ${env}`, measured: 'skipped', value: null, ok: null };
    const p50s = use.map((r) => r.p50);
    const flat = p50s[p50s.length - 1] / p50s[0];
    return {
      key: `trackP50.${env}`,
      target: `track() p50 ≤ ${T.trackP50Us} µs and flat (≤ ${T.trackFlat}×), ${env}`,
      measured: `${use[0].api}: p50 ${p50s.map(fmtUs).join(' / ')} µs at ${use.map((r) => r.history.toLocaleString('en-US')).join(' / ')} events (10,000 ÷ 100: ${fmtX(flat)})`,
      value: Math.max(...p50s),
      flat,
      ok: Math.max(...p50s) <= T.trackP50Us && flat <= T.trackFlat,
    };
  };
  const targets = [
    {
      key: 'wasmVsGrowthBook', target: `wasm ≥ ${T.wasmVsGrowthBook}× GrowthBook evalCondition`,
      measured: `${fmtX(nodeUser)} (node, objects in); engine only ${fmtX(ratios['node.wasm_engine.vsGrowthBook'])}; Chromium ${fmtX(ratios['chromium.wasm_user.vsGrowthBook'])} / ${fmtX(ratios['chromium.wasm_engine.vsGrowthBook'])}`,
      value: nodeUser, ok: nodeUser == null ? null : nodeUser >= T.wasmVsGrowthBook,
    },
    {
      key: 'wasmVsNative', target: `wasm within ${T.wasmVsNative}× of native`,
      measured: nodeEngineVsNative == null ? 'no native run' : `native is ${fmtX(1 / nodeEngineVsNative)} faster (wasm engine only in node vs native decode + evaluate, CPU time)`,
      value: nodeEngineVsNative == null ? null : 1 / nodeEngineVsNative, ok: nodeEngineVsNative == null ? null : 1 / nodeEngineVsNative <= T.wasmVsNative,
    },
    trackTarget(trackNode.rows, 'node'),
    trackTarget(chromium?.track.rows ?? [], 'Chromium'),
    {
      key: 'coldStart', target: `cold start ≤ ${T.coldStartMs} ms`,
      measured: `${chromium ? `Chromium ${fmtMs(chromium.coldStart.bundle.totalMs)} ms with the bundle (createEngine), raw module ${fmtMs(chromium.coldStart.raw.totalMs)} ms; ` : ''}node ${fmtMs(coldNode.cpuMs)} ms CPU`,
      value: chromium?.coldStart.bundle.totalMs ?? coldNode.cpuMs, ok: (chromium?.coldStart.bundle.totalMs ?? coldNode.cpuMs) <= T.coldStartMs,
    },
    ...pageTargets({ sizes, coldNode, coldStart: chromium?.coldStart, targets: T }),
    {
      key: 'csv', target: `1M-row CSV ≤ ${T.csvMs / 1000} s`,
      measured: chromium ? `${(chromium.csv.pipelines.leadseg.ms / 1000).toFixed(2)} s for ${chromium.csv.rows.toLocaleString('en-US')} rows (JavaScript pipeline ${(chromium.csv.pipelines.javascript.ms / 1000).toFixed(2)} s)` : 'skipped',
      value: chromium?.csv.pipelines.leadseg.ms ?? null,
      ok: chromium ? (chromium.csv.pipelines.leadseg.ms * 1_000_000) / chromium.csv.rows <= T.csvMs : null,
    },
  ];
  report.targets = targets;
  for (const tg of targets) console.log(`  ${verdict(tg.ok)}  ${tg.target.padEnd(50)} ${tg.measured}`);
  finishReport(opts, report, warnings, elapsed);
}

// The end of every run: its warnings, the total time, and the JSON report when asked for.
function finishReport(opts, report, warnings, elapsed) {
  if (warnings.length) {
    report.warnings = warnings;
    console.log('\nwarnings:');
    for (const w of warnings) console.log(`  - ${w}`);
  }
  console.log(`\ntotal ${elapsed()}; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  if (opts.json) {
    fs.writeFileSync(opts.json, JSON.stringify(report, null, 1));
    console.log(`wrote ${opts.json}`);
  }
}

// --page-only: shipped bytes and cold starts (node, Chromium), each next to GrowthBook.
async function pagePathOnly(opts, report, warnings, elapsed, started) {
  section('shipped bytes: what a page loads, next to GrowthBook');
  const sizes = measureSizes(REPO_ROOT);
  report.sizes = sizes;
  printSizes(sizes, table);
  section(`cold start in node (fresh process each run, CPU time), next to GrowthBook [${elapsed()}]`);
  const coldNode = coldStartNode(REPO_ROOT, { runs: opts.quick ? 3 : 7 });
  report.coldStartNode = coldNode;
  printColdNode(coldNode);
  let coldChromium = null;
  if (opts.browser) {
    section(`cold start in Chromium (fresh context each run, median), next to GrowthBook [${elapsed()}]`);
    coldChromium = await withBrowser({ repoRoot: REPO_ROOT, sharedDir: SHARED_DIR, buildDir: BUILD_DIR, log: console.log }, async ({ browser, server, version }) => {
      console.log(`Chromium ${version}, pages served from ${server.url} (strict CSP, cross-origin isolated, no HTTP cache)`);
      return { version, coldStart: await coldStart(browser, server, { runs: opts.quick ? 3 : 9 }) };
    });
    report.chromium = coldChromium;
    printColdChromium(coldChromium.coldStart);
  }
  section('targets (reported, not asserted)');
  const targets = pageTargets({ sizes, coldNode, coldStart: coldChromium?.coldStart, targets: TARGETS });
  report.targets = targets;
  for (const tg of targets) console.log(`  ${verdict(tg.ok)}  ${tg.target.padEnd(58)} ${tg.measured}`);
  report.meta.loadavgEnd = os.loadavg();
  report.meta.seconds = (performance.now() - started) / 1000;
  finishReport(opts, report, warnings, elapsed);
}

main().catch((error) => {
  console.error(`\nbench: FAILED: ${error?.stack ?? error}`);
  process.exit(1);
});
