// The browser side of bash bench/run.sh: headless Chromium loads this page
// (bench/node/browser.mjs serves it with a strict CSP) and calls the
// functions on window.leadsegBench. Every pipeline's results are checked
// against the ground truth before (workload) or after (CSV) it is timed.
import { createEngine, compileConfig, loadCore, segmentLeads } from '/web/src/index.js';
// The parser itself (synchronous): the package's entry loads it on first use.
import { CsvRows } from '/web/src/csv.js';
// The CSV fast path through what a page gets from `import 'leadseg'` (the
// package's `browser` export): the one-file bundle and its bundled batch
// worker. From the sources, each worker fetched its 24 modules six levels
// deep before taking a range, a cost no site pays (docs/performance.md, s36).
import { segmentLeads as segmentLeadsBundled } from '/web/dist/leadseg.browser.js';
import { evalCondition } from '/vendor/growthbook.mjs';
import {
  checkMemberships, leadsegAsciiEncoderRunner, leadsegFrameRunner, leadsegUserRunner, predicateRunner, timeRunners,
} from '/bench/lib/workload.js';
import { measureTrack } from '/bench/lib/track.js';

const status = document.getElementById('status');
const say = (text) => {
  status.textContent = text;
};
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

async function fetchText(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

async function loadWorkload() {
  const segments = JSON.parse(await fetchText('/data/segments.json'));
  const profiles = (await fetchText('/data/profiles.jsonl')).trim().split('\n').map((l) => JSON.parse(l));
  const expected = (await fetchText('/data/expected-membership.txt')).trim().split('\n');
  return { segments, profiles, expected };
}

/** The 10k x 30 workload: leadseg (user path, engine only) and GrowthBook evalCondition. */
async function workload({ passes = 5, warmup = 2 } = {}) {
  say('workload…');
  const core = await loadCore();
  const { segments, profiles, expected } = await loadWorkload();
  const segmenter = new core.Segmenter();
  segmenter.load(JSON.stringify({ segments }));
  const conditions = segments.map((s) => s.condition);
  const runners = [
    { key: 'wasm_user', ...leadsegUserRunner(segmenter, profiles) },
    { key: 'wasm_engine', ...leadsegFrameRunner(core, segmenter, profiles) },
    { key: 'wasm_ascii', ...leadsegAsciiEncoderRunner(core, segmenter, profiles) },
    { key: 'growthbook', ...predicateRunner('GrowthBook evalCondition', segments.length, profiles, (k, p) => evalCondition(p, conditions[k])) },
  ];
  const checks = runners.map((r) => ({ key: r.key, profiles: checkMemberships(r, expected), ok: true }));
  const timed = await timeRunners(runners, {
    evaluationsPerPass: profiles.length * segments.length, passes, warmup, now: () => performance.now(), pause: nextTask,
  });
  segmenter.delete();
  return { checks, results: timed.map((t, i) => ({ key: runners[i].key, ...t, env: 'chromium' })) };
}

/** track() latency, core and package, at 100 / 1,000 / 10,000 stored events. */
async function track({ samples = 1000, warmup = 100, batch = 10 } = {}) {
  say('track…');
  const core = await loadCore();
  const config50 = JSON.parse(await fetchText('/data/track-50.json'));
  const rows = await measureTrack({ core, createEngine, compileConfig, config50, samples, warmup, batch, now: () => performance.now() });
  return { rows, crossOriginIsolated: globalThis.crossOriginIsolated === true };
}

// --- CSV -------------------------------------------------------------------

function splitInterests(row) {
  const v = row.interests;
  row.interests = typeof v === 'string' ? v.split(';') : [];
}

async function* textChunks(blob) {
  const reader = blob.stream().pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** leadseg: the package's streaming CSV parser (CsvRows) + Segmenter.evaluate per row. */
async function leadsegCsv(blob, segmenter, segmentCount, { evaluate = true } = {}) {
  const counts = new Float64Array(segmentCount);
  let rows = 0;
  const parser = new CsvRows();
  const handle = (list) => {
    for (const row of list) {
      rows++;
      if (!evaluate) continue;
      splitInterests(row);
      const bits = segmenter.evaluate(row);
      for (let k = 0; k < segmentCount; k++) counts[k] += bits[k];
    }
  };
  for await (const text of textChunks(blob)) handle(parser.push(text));
  handle(parser.end());
  return { rows, counts: Array.from(counts) };
}

/** JavaScript: papaparse (header, dynamicTyping) + GrowthBook evalCondition per row and segment. */
function jsCsv(blob, conditions, { evaluate = true } = {}) {
  const counts = new Float64Array(conditions.length);
  let rows = 0;
  return new Promise((resolve, reject) => {
    globalThis.Papa.parse(blob, {
      header: true,
      dynamicTyping: true,
      skipEmptyLines: true,
      chunk(results) {
        for (const row of results.data) {
          rows++;
          if (!evaluate) continue;
          splitInterests(row);
          for (let k = 0; k < conditions.length; k++) if (evalCondition(row, conditions[k])) counts[k]++;
        }
      },
      complete: () => resolve({ rows, counts: Array.from(counts) }),
      error: reject,
    });
  });
}

/**
 * leadseg's fast path: segmentLeads (the page's bundle) on the file as a
 * Blob (the batch module, CSV parsed in wasm, one worker per core), counts only
 * (keepLeads: false): file to finished per-segment counts.
 */
async function segmentLeadsCsv(blob, segments, { workers = navigator.hardwareConcurrency } = {}) {
  const { summary } = await segmentLeadsBundled({ segments }, blob, {
    keepLeads: false, now: 1767225600000, listColumns: ['interests'], workers, progressEvery: 100_000,
  });
  return { rows: summary.count, counts: segments.map((s) => summary.segments[s.id]), errors: summary.errors };
}

function compareCounts(name, got, meta, ids) {
  if (got.rows !== meta.rows) throw new Error(`${name}: ${got.rows} rows, expected ${meta.rows}`);
  const bad = ids.filter((id, k) => got.counts[k] !== meta.expectedCounts[id]);
  if (bad.length) {
    throw new Error(`${name}: members differ from the expected counts for ${bad.length} segments, e.g. ${bad[0]}: ${got.counts[ids.indexOf(bad[0])]} vs ${meta.expectedCounts[bad[0]]}`);
  }
}

/**
 * The 1M-row CSV, as a Blob already in memory (as a File the user picked
 * is): each pipeline once after a warm-up on the small CSV, then its parse
 * alone, then segmentLeads on `leadsSample` rows.
 */
async function csv({ big, small, leadsSample = 5000, parseOnly = true } = {}) {
  say('csv: loading…');
  const core = await loadCore();
  const segments = JSON.parse(await fetchText('/data/segments.json'));
  const ids = segments.map((s) => s.id);
  const conditions = segments.map((s) => s.condition);
  const segmenter = new core.Segmenter();
  segmenter.load(JSON.stringify({ segments }));
  const fetchBlob = async (name) => (await fetch(`/data/${name}`)).blob();
  const smallBlob = await fetchBlob(small);
  const smallMeta = JSON.parse(await fetchText(`/data/${small.replace(/\.csv$/, '.expected.json')}`));
  const bigBlob = await fetchBlob(big);
  const bigMeta = JSON.parse(await fetchText(`/data/${big.replace(/\.csv$/, '.expected.json')}`));
  const out = { rows: bigMeta.rows, bytes: bigBlob.size, pipelines: {} };

  const time = async (name, fn) => {
    say(`csv: ${name}…`);
    await nextTask();
    const t0 = performance.now();
    const r = await fn();
    return { ...r, ms: performance.now() - t0 };
  };
  // Warm-up (and check) on the small file.
  compareCounts('leadseg (small)', await leadsegCsv(smallBlob, segmenter, ids.length), smallMeta, ids);
  compareCounts('javascript (small)', await jsCsv(smallBlob, conditions), smallMeta, ids);

  compareCounts('segmentLeads batch module (small)', await segmentLeadsCsv(smallBlob, segments), smallMeta, ids);
  const batch = await time('segmentLeads (batch module, workers)', () => segmentLeadsCsv(bigBlob, segments));
  compareCounts('segmentLeads (batch module, workers)', batch, bigMeta, ids);
  out.pipelines.segmentLeadsBatch = {
    name: `segmentLeads(Blob, {workers: ${navigator.hardwareConcurrency}, keepLeads: false}): batch module`, ms: batch.ms, rows: batch.rows, checked: true,
  };
  const lead = await time('leadseg', () => leadsegCsv(bigBlob, segmenter, ids.length));
  compareCounts('leadseg', lead, bigMeta, ids);
  out.pipelines.leadseg = { name: 'CsvRows (web package) + Segmenter.evaluate', ms: lead.ms, rows: lead.rows, checked: true };
  const js = await time('javascript', () => jsCsv(bigBlob, conditions));
  compareCounts('javascript', js, bigMeta, ids);
  out.pipelines.javascript = { name: 'papaparse + GrowthBook evalCondition', ms: js.ms, rows: js.rows, checked: true };

  if (parseOnly) {
    const lp = await time('leadseg parse only', () => leadsegCsv(bigBlob, segmenter, ids.length, { evaluate: false }));
    out.pipelines.leadsegParseOnly = { name: 'CsvRows alone (rows as objects)', ms: lp.ms, rows: lp.rows };
    const jp = await time('papaparse parse only', () => jsCsv(bigBlob, conditions, { evaluate: false }));
    out.pipelines.javascriptParseOnly = { name: 'papaparse alone (rows as objects)', ms: jp.ms, rows: jp.rows };
  }

  if (leadsSample > 0) {
    // The package's batch API (segments + score/grade/stage per lead), on
    // the first rows of the small file, extrapolated.
    const rows = [];
    const parser = new CsvRows();
    for await (const text of textChunks(smallBlob)) rows.push(...parser.push(text));
    rows.push(...parser.end());
    const sample = rows.slice(0, leadsSample);
    for (const r of sample) splitInterests(r);
    const config = { segments };
    await segmentLeads(config, sample.slice(0, 500), { keepLeads: false, module: core, now: 1767225600000 });
    const t = await time('segmentLeads', () => segmentLeads(config, sample, { keepLeads: false, module: core, now: 1767225600000 }));
    out.pipelines.segmentLeads = {
      name: `segmentLeads (per lead: identify + segments + score), ${sample.length} rows, extrapolated`,
      ms: (t.ms * bigMeta.rows) / sample.length,
      measuredMs: t.ms,
      rows: sample.length,
      extrapolated: true,
      errors: t.summary.errors,
    };
  }
  segmenter.delete();
  return out;
}

/** The fast path and papaparse + GrowthBook alone, in one run (bench/node/csv-batch.mjs). */
async function csvBatch({ big, small, fast = true, javascript = true, picked = false, workers: counts } = {}) {
  const segments = JSON.parse(await fetchText('/data/segments.json'));
  const ids = segments.map((s) => s.id);
  const conditions = segments.map((s) => s.condition);
  const fetchBlob = async (name) => (await fetch(`/data/${name}`)).blob();
  const smallMeta = JSON.parse(await fetchText(`/data/${small.replace(/\.csv$/, '.expected.json')}`));
  const bigMeta = JSON.parse(await fetchText(`/data/${big.replace(/\.csv$/, '.expected.json')}`));
  const smallBlob = await fetchBlob(small);
  // picked: the File the <input> holds (read from the disk on demand, as a
  // visitor's); else a Blob of the fetched file, held by the page.
  const file = picked ? document.getElementById('csv-file').files[0] : null;
  if (picked && !file) throw new Error('csvBatch: no file picked in #csv-file');
  const bigBlob = file ?? await fetchBlob(big);
  const out = { rows: bigMeta.rows, bytes: bigBlob.size, workers: navigator.hardwareConcurrency, pipelines: {} };
  if (fast) compareCounts('segmentLeads (small)', await segmentLeadsCsv(smallBlob, segments), smallMeta, ids);
  for (const workers of fast ? counts ?? [navigator.hardwareConcurrency, 1] : []) {
    const t0 = performance.now();
    const r = await segmentLeadsCsv(bigBlob, segments, { workers });
    const ms = performance.now() - t0;
    compareCounts(`segmentLeads (${workers} workers)`, r, bigMeta, ids);
    out.pipelines[`segmentLeads${workers}`] = { name: `segmentLeads, batch module, workers: ${workers}`, ms, rows: r.rows, checked: true };
  }
  if (javascript) {
    const t0 = performance.now();
    const js = await jsCsv(bigBlob, conditions);
    const ms = performance.now() - t0;
    compareCounts('javascript', js, bigMeta, ids);
    out.pipelines.javascript = { name: 'papaparse + GrowthBook evalCondition', ms, rows: js.rows, checked: true };
  }
  return out;
}

window.leadsegBench = { workload, track, csv, csvBatch, ready: true };
say('ready');
