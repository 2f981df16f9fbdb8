// Memory through the package (the native half is tests/native/limits_test.cc):
//
//  - 1,000,000 events tracked by createEngine() on the worked example
//    (retention maxEvents 5,000, maxAge 400d), one every 10 s, of mixed
//    types: the wasm memory and the malloc heap in use plateau, and the
//    event log stays within retention;
//  - a config of 1,000 segments (and a 1,000-segment dependency chain)
//    loads and evaluates in wasm.
//
// Each part runs on a fresh instance of the core module (its own
// WebAssembly.Memory), read with the module's memoryStats():
// memoryBytes is the WebAssembly.Memory size (it only grows, so it is the
// peak), heapInUseBytes what malloc has handed out and not freed. The
// engine is created without storage consent: nothing is persisted, the
// fastest honest path through the public track(). Figures print as
// "[ memory ] ..." lines; docs/reliability.md has them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createEngine, loadCore, segmentLeads } from '../../web/src/node.js';
import { WEB_DIR, exampleConfig, START } from './helpers.mjs';

const MIB = 1024 * 1024;
const mib = (bytes) => (bytes / MIB).toFixed(bytes < 10 * MIB ? 2 : 1);
const thousands = (n) => n.toLocaleString('en-US');

/** A core module of its own (a fresh WebAssembly.Memory): loadCore caches per wasmBinary object. */
function freshCore() {
  return loadCore({ wasmBinary: new Uint8Array(fs.readFileSync(path.join(WEB_DIR, 'dist', 'leadseg.wasm'))) });
}

const TYPES = ['page_view', 'page_view', 'session_start', 'email_open', 'download', 'cart_add', 'purchase',
  'form_submit', 'webinar_attended', 'page_view'];
function eventOf(i) {
  switch (i % 10) {
    case 0: return { path: i % 20 ? '/docs/guide' : '/pricing' };
    case 1: return { path: `/blog/${i % 500}` }; // many distinct values
    case 2: return { utm_source: i % 3 ? 'google' : 'newsletter' };
    case 4: return { category: 'guide' };
    case 5: return { value: 49.5 };
    case 6: return { amount: 120 };
    case 7: return { form: 'demo' };
    default: return {};
  }
}

test('1,000,000 tracked events: wasm memory and heap plateau, the log stays within retention', { timeout: 20 * 60_000 }, async () => {
  const TOTAL = 1_000_000;
  const SAMPLE_EVERY = 10_000;
  const core = await freshCore();
  const config = exampleConfig();
  const { maxEvents } = config.retention;
  let t = START;
  const engine = await createEngine({ config, module: core, now: () => t });
  try {
    engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 200 });
    const start = core.memoryStats();
    const samples = [];
    const began = performance.now();
    for (let i = 0; i < TOTAL; i++) {
      t = START + i * 10_000;
      engine.track(TYPES[i % 10], eventOf(i));
      if ((i + 1) % SAMPLE_EVERY === 0) {
        const m = core.memoryStats();
        samples.push({ events: i + 1, memory: m.memoryBytes, heap: m.heapInUseBytes, jsHeap: process.memoryUsage().heapUsed });
      }
      if ((i + 1) % 100_000 === 0) {
        const stored = engine.export().events.length;
        assert.ok(stored <= maxEvents, `${stored} events stored after ${i + 1}, retention keeps ${maxEvents}`);
        const s = samples.at(-1);
        console.log(`[ memory ] ${thousands(i + 1).padStart(9)} events: wasm memory ${mib(s.memory)} MiB, heap in use ${mib(s.heap)} MiB, JS heap ${mib(s.jsHeap)} MiB, stored ${stored}, ${((performance.now() - began) / 1000).toFixed(1)} s`);
      }
    }
    const seconds = (performance.now() - began) / 1000;
    const stored = engine.export().events.length;
    const at100k = samples.find((s) => s.events === 100_000);
    const last = samples.at(-1);
    const peak = Math.max(...samples.map((s) => s.memory));
    const heapPeakAfter100k = Math.max(...samples.filter((s) => s.events >= 100_000).map((s) => s.heap));
    console.log(`[ memory ] ${thousands(TOTAL)} events tracked: wasm memory peak ${mib(peak)} MiB (after 100k: ${mib(at100k.memory)} MiB), stored events ${stored}, ${seconds.toFixed(1)} s`);
    console.log(`[ memory ] heap in use: ${mib(start.heapInUseBytes)} MiB before, ${mib(at100k.heap)} MiB after 100k, peak ${mib(heapPeakAfter100k)} MiB after that, ${mib(last.heap)} MiB at the end; ${(seconds * 1e6 / TOTAL).toFixed(1)} µs per track()`);

    assert.equal(stored, maxEvents, 'the log is full and no fuller');
    assert.ok(last.memory <= 1.5 * at100k.memory, `wasm memory grew from ${mib(at100k.memory)} MiB (100k) to ${mib(last.memory)} MiB`);
    assert.ok(heapPeakAfter100k <= 1.5 * at100k.heap, `heap in use grew from ${mib(at100k.heap)} MiB (100k) to ${mib(heapPeakAfter100k)} MiB`);
    // Still a working engine at the end.
    assert.ok(engine.segments().includes('company_mid'));
    assert.equal(typeof engine.score().score, 'number');
  } finally {
    engine.destroy();
  }
});

// The same 1,000 segments as tests/native/limits_test.cc's
// ThousandSegmentConfig: ranges, $in lists, metric thresholds, regexes,
// two-attribute conditions, declarations, $or, compositions.
function thousandSegmentConfig() {
  const industries = ['Technology', 'Software', 'Finance', 'Retail', 'Health'];
  const segments = [];
  for (let i = 0; i < 1000; i++) {
    let condition;
    switch (i % 8) {
      case 0: condition = { age: { $gte: i % 60, $lt: (i % 60) + 10 } }; break;
      case 1: condition = { industry: { $in: [industries[i % 5], industries[(i + 1) % 5]] } }; break;
      case 2: condition = { views_7d: { $gte: i % 20 } }; break;
      case 3: condition = { last_path: { $regex: `^/docs/${i % 50}` } }; break;
      case 4: condition = { company_size: { $gt: i }, country: i % 2 ? 'US' : 'FR' }; break;
      case 5: condition = { 'declared.interests': { $elemMatch: { $eq: `topic${i % 30}` } } }; break;
      case 6: condition = { $or: [{ spend: { $gte: i } }, { pricing_7d: { $gte: 2 } }] }; break;
      default: condition = { segments: { $all: [`s${i - 7}`, `s${i - 5}`] } }; break;
    }
    segments.push({ id: `s${i}`, condition });
  }
  return {
    metrics: [
      { id: 'views_7d', aggregate: 'count', window: '7d', where: { type: 'page_view' } },
      { id: 'pricing_7d', aggregate: 'count', window: '7d', where: { type: 'page_view', path: { $regex: '^/pricing' } } },
      { id: 'spend', aggregate: 'sum', field: 'amount', where: { type: 'purchase' } },
      { id: 'last_path', aggregate: 'last', field: 'path', where: { type: 'page_view' } },
    ],
    segments,
    hygiene: { maxSegments: 1000 },
  };
}

test('1,000 segments load and evaluate in wasm; so does a 1,000-segment chain', { timeout: 10 * 60_000 }, async () => {
  const core = await freshCore();
  const before = core.memoryStats();
  const config = thousandSegmentConfig();
  const text = JSON.stringify(config);
  let t = START;
  let began = performance.now();
  const engine = await createEngine({ config: text, module: core, now: () => t });
  const loadSeconds = (performance.now() - began) / 1000;
  try {
    began = performance.now();
    engine.identify({ age: 30, industry: 'Software', company_size: 500, country: 'US' });
    engine.declare('interests', ['topic3', 'topic7']);
    const EVENTS = 300;
    for (let i = 0; i < EVENTS; i++) {
      t = START + i * 60_000;
      if (i % 10 === 9) engine.track('purchase', { amount: 20 });
      else engine.track('page_view', { path: i % 3 ? `/docs/${i % 60}` : '/pricing' });
    }
    const perCall = ((performance.now() - began) * 1000) / (EVENTS + 2);
    const members = engine.segments().length;
    const afterEngine = core.memoryStats();
    console.log(`[ memory ] 1,000 segments: config ${thousands(text.length)} bytes, createEngine in ${loadSeconds.toFixed(3)} s, ${EVENTS + 2} calls at ${perCall.toFixed(0)} µs each (all 1,000 re-evaluated), ${members} members; wasm memory ${mib(afterEngine.memoryBytes)} MiB (fresh module ${mib(before.memoryBytes)} MiB), heap in use ${mib(afterEngine.heapInUseBytes)} MiB`);
    assert.ok(members > 0 && members < 1000, `${members} members`);
    assert.equal(engine.warnings.filter((w) => /maxSegments|over-segment/i.test(w.message)).length, 0);
  } finally {
    engine.destroy();
  }

  // Batch, as the native test does it: 2,000 attribute sets through the
  // module's Segmenter (the binary-frame path), metrics given as attributes.
  const segmenter = new core.Segmenter();
  let memberships = 0;
  let segmenterSeconds;
  try {
    segmenter.load(text);
    began = performance.now();
    for (let row = 0; row < 2000; row++) {
      const bits = segmenter.evaluate({
        age: row % 80, industry: row % 2 ? 'Finance' : 'Technology', company_size: row % 2000,
        views_7d: row % 25, last_path: `/docs/${row % 50}`,
      });
      for (const b of bits) memberships += b;
    }
    segmenterSeconds = (performance.now() - began) / 1000;
  } finally {
    segmenter.delete();
  }
  assert.ok(memberships > 0);
  // And leads through the package's segmentLeads (score, grade and stage
  // too; an engine erased between leads).
  const rows = [];
  for (let row = 0; row < 200; row++) {
    rows.push({ age: row % 80, industry: row % 2 ? 'Finance' : 'Technology', company_size: row * 10, country: row % 3 ? 'US' : 'FR' });
  }
  began = performance.now();
  const { summary } = await segmentLeads(config, rows, { module: core, now: START, keepLeads: false });
  const batchSeconds = (performance.now() - began) / 1000;
  const afterBatch = core.memoryStats();
  assert.equal(summary.errors, 0);
  assert.ok(Object.values(summary.segments).some((n) => n > 0));

  // The chain: s0 reads age, each s_i reads s_{i-1}.
  const chain = { segments: [{ id: 's0', condition: { age: { $gte: 18 } } }], hygiene: { maxSegments: 1000 } };
  for (let i = 1; i < 1000; i++) chain.segments.push({ id: `s${i}`, condition: { segments: { $in: [`s${i - 1}`] } } });
  began = performance.now();
  const chained = await createEngine({ config: chain, module: core, now: () => START });
  const chainLoad = (performance.now() - began) / 1000;
  try {
    began = performance.now();
    const entered = chained.identify({ age: 30 }).entered.length;
    const chainEval = (performance.now() - began) / 1000;
    const exited = chained.identify({ age: 10 }).exited.length;
    assert.equal(entered, 1000);
    assert.equal(exited, 1000);
    const m = core.memoryStats();
    console.log(`[ memory ] 1,000 segments: 2,000 rows through Segmenter.evaluate in ${segmenterSeconds.toFixed(2)} s (${((segmenterSeconds * 1e6) / 2000).toFixed(0)} µs per row, ${thousands(memberships)} memberships); 200 leads through segmentLeads in ${batchSeconds.toFixed(2)} s (${((batchSeconds * 1e6) / 200).toFixed(0)} µs per lead), heap in use after it ${mib(afterBatch.heapInUseBytes)} MiB`);
    console.log(`[ memory ] 1,000-segment chain: createEngine in ${chainLoad.toFixed(3)} s, one evaluation ${chainEval.toFixed(3)} s; wasm memory ${mib(m.memoryBytes)} MiB, heap in use ${mib(m.heapInUseBytes)} MiB`);
  } finally {
    chained.destroy();
  }
});
