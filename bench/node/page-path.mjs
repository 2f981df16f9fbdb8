// The page path (issue 14), next to GrowthBook in the same run: what a page
// loads for createEngine() + decide() (files, gzip -9), and the cold start
// from the module import to the first decision, in fresh node processes
// (CPU time) and fresh Chromium contexts (bench/node/browser.mjs coldStart).
// Used by bench/run.mjs, in full runs and with --page-only.
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { median } from '../lib/workload.js';

const fmtKB = (b) => `${(b / 1024).toFixed(1)} KB`;
const fmtMs = (x) => (x == null || !Number.isFinite(x) ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtX = (x) => (x == null || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}×`);
const steps = (s) => Object.entries(s).map(([k, v]) => `${k} ${fmtMs(v)}`).join(', ');

/** `runs` fresh node processes per side, interleaved (leadseg, GrowthBook, leadseg, ...); medians. */
export function coldStartNode(repoRoot, { runs = 5 } = {}) {
  const script = path.join(repoRoot, 'bench/node/cold-node.mjs');
  const all = { leadseg: [], growthbook: [] };
  for (let i = 0; i < runs; i++) {
    for (const mode of Object.keys(all)) {
      const r = spawnSync(process.execPath, [script, mode], { encoding: 'utf8', cwd: repoRoot });
      if (r.status !== 0) throw new Error(`bench/node/cold-node.mjs ${mode} failed:\n${r.stderr}`);
      all[mode].push(JSON.parse(r.stdout.trim().split('\n').pop()));
    }
  }
  const summary = (list) => ({
    runs: list.length,
    cpuMs: median(list.map((r) => r.cpuMs)),
    wallMs: median(list.map((r) => r.wallMs)),
    steps: Object.fromEntries(Object.keys(list[0].steps).map((k) => [k, median(list.map((r) => r.steps[k]))])),
    all: list,
  });
  const leadseg = summary(all.leadseg);
  const growthbook = summary(all.growthbook);
  return { ...leadseg, growthbook, vsGrowthBook: leadseg.cpuMs / growthbook.cpuMs };
}

export function printSizes(sizes, table) {
  const { bundle, growthbook, total } = sizes;
  console.log(table(['what a page loads for createEngine + decide', 'files', 'raw', 'gzip -9', '÷ GrowthBook'], [
    ...bundle.files.map((f) => [`  ${f.file}`, '', f.raw, f.gzip, '']),
    ['leadseg, one-file bundle (web/dist/leadseg.browser.js)', bundle.count, bundle.raw, bundle.gzip, fmtX(bundle.gzip / growthbook.gzip)],
    ['leadseg, unbundled source (before the bundle)', total.files, total.raw, total.gzip, fmtX(total.gzip / growthbook.gzip)],
    ['GrowthBook ESM bundle (dist/bundles/esm.min.js)', growthbook.count, growthbook.raw, growthbook.gzip, '1×'],
  ], ['l', 'r', 'r', 'r', 'r']));
  console.log(`of the bundle's ${fmtKB(bundle.gzip)}: wasm ${fmtKB(bundle.files.filter((f) => f.file.endsWith('.wasm')).reduce((a, f) => a + f.gzip, 0))}, JavaScript ${fmtKB(bundle.files.filter((f) => f.file.endsWith('.js')).reduce((a, f) => a + f.gzip, 0))}`);
}

export function printColdNode(coldNode) {
  console.log(`leadseg (web/src/node.js): ${fmtMs(coldNode.cpuMs)} ms CPU (${steps(coldNode.steps)}); wall ${fmtMs(coldNode.wallMs)} ms`);
  console.log(`GrowthBook (node entry):   ${fmtMs(coldNode.growthbook.cpuMs)} ms CPU (${steps(coldNode.growthbook.steps)}); wall ${fmtMs(coldNode.growthbook.wallMs)} ms`);
  console.log(`leadseg ÷ GrowthBook: ${fmtX(coldNode.vsGrowthBook)} (median of ${coldNode.runs} fresh processes each, interleaved)`);
}

const COLD_LABELS = {
  bundle: 'leadseg, one-file bundle, compiled config: import + createEngine() + decide()',
  package: 'leadseg, unbundled source (before): the same',
  raw: 'raw module: import leadseg.mjs + instantiate + Engine.load + decide',
  growthbook: 'GrowthBook ESM bundle: import + new GrowthBook + getFeatureValue()',
};

export function printColdChromium(coldStart) {
  const gb = coldStart.growthbook;
  for (const [mode, r] of Object.entries(coldStart)) {
    const ratio = gb && mode !== 'growthbook' ? `, ${fmtX(r.totalMs / gb.totalMs)} GrowthBook` : '';
    console.log(`  ${COLD_LABELS[mode] ?? mode}: ${fmtMs(r.totalMs)} ms${ratio} (${steps(r.steps)}; since navigation ${fmtMs(r.sinceNavigationMs)} ms; ${r.runs} runs)`);
    console.log(`    decided ${JSON.stringify(r.decision?.variant ?? r.decision)}; loaded ${r.loaded.length} files, ${fmtKB(r.loadedGzip)} gzip -9: ${r.loaded.map((f) => f.path).join(' ')}`);
    if (r.warm) console.log(`    second load in the same context (HTTP + code caches warm): ${fmtMs(r.warm.totalMs)} ms (${steps(r.warm.steps)})`);
  }
}

/** The issue-14 targets on the page path (reported, not asserted). */
export function pageTargets({ sizes, coldNode, coldStart, targets }) {
  const out = [
    {
      key: 'shippedGzip', target: `page bytes (createEngine + decide) ≤ ${fmtKB(targets.shippedGzipBytes)} gzip -9`,
      measured: `${fmtKB(sizes.bundle.gzip)} in ${sizes.bundle.count} files (GrowthBook ${fmtKB(sizes.growthbook.gzip)} in 1; unbundled source ${fmtKB(sizes.total.gzip)} in ${sizes.total.files})`,
      value: sizes.bundle.gzip, ok: sizes.bundle.gzip <= targets.shippedGzipBytes,
    },
    {
      key: 'coldVsGrowthBookNode', target: `node cold start CPU ≤ ${targets.coldVsGrowthBookNode}× GrowthBook`,
      measured: `${fmtMs(coldNode.cpuMs)} ms vs ${fmtMs(coldNode.growthbook.cpuMs)} ms: ${fmtX(coldNode.vsGrowthBook)}`,
      value: coldNode.vsGrowthBook, ok: coldNode.vsGrowthBook <= targets.coldVsGrowthBookNode,
    },
  ];
  if (coldStart?.bundle && coldStart.growthbook) {
    const x = coldStart.bundle.totalMs / coldStart.growthbook.totalMs;
    out.push({
      key: 'coldVsGrowthBookChromium', target: `Chromium import → first decision ≤ ${targets.coldVsGrowthBookChromium}× GrowthBook`,
      measured: `${fmtMs(coldStart.bundle.totalMs)} ms vs ${fmtMs(coldStart.growthbook.totalMs)} ms: ${fmtX(x)} (unbundled source ${fmtMs(coldStart.package?.totalMs)} ms)`,
      value: x, ok: x <= targets.coldVsGrowthBookChromium,
    });
  }
  return out;
}
