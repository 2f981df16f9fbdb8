// segmentLeads' path for lead objects (an array) through the batch module:
// each lead is checked and its history put in time order here, exactly as
// batch.js's per-lead path does (the same helpers, the same messages), then
// written as a record (lead-records.js); a few hundred leads per call go to
// wasm (src/batch/lead_objects.h), which identifies, declares, replays the
// events (engine/engine_replay.h) and reads each lead at `now`. Results
// come back as LeadResult rows in wasm memory.
//
// Same answers as the per-lead path (tests/web/batch-objects.test.mjs
// compares whole results, summaries and error messages): only where the
// engine runs changes, not what it is given.
import { describe, isPlainObject, leadsegError, toJsonText, withContext } from './errors.js';
import { flatPropsCopy } from './flat-props.js';
import { inlineDeclarations, inlineEvents, timeOrder } from './lead-events.js';
import { columnsRead, objectColumns, renameColumns } from './column-map.js';
import { loadBatchModule, unwrapBatch } from './batch-module.js';
import { RecordWriter, readValueFrame } from './lead-records.js';
import { BatchResults } from './batch-results.js';
import { YIELD_EVERY_MS, yieldToEventLoop } from './yield.js';

// Leads per call into wasm: enough to make the crossing negligible, few
// enough that a page still repaints between calls.
const LEADS_PER_CALL = 256;
const BYTES_PER_CALL = 1 << 20;

// The times the core accepts (core/duration.h: 1973-03-03 .. 2200-01-01).
const EARLIEST_TIME = 1e11;
const MAX_TIME = 7258118400000;

/**
 * Whether segmentLeadsPart can take lead objects to the batch module. A
 * `now` the core refuses stays on the per-lead path, where each lead
 * reports it in the core's words.
 */
export function objectsFitBatch(leads, options) {
  return Array.isArray(leads) && options.events === undefined && options.module === undefined &&
    options.wasmUrl === undefined && options.wasmBinary === undefined &&
    options.now >= EARLIEST_TIME && options.now <= MAX_TIME;
}

const pointerKey = (key) => key.replace(/~/g, '~0').replace(/\//g, '~1');

// The lead a failure leaves: its own fields, no outputs, the message.
function failedLead(row, message, withMetrics) {
  let attributes = isPlainObject(row) ? row : {};
  if ('events' in attributes || 'declarations' in attributes) {
    const { events: _events, declarations: _declarations, ...rest } = attributes;
    attributes = rest;
  }
  const lead = { ...attributes, segments: [], score: null, grade: null, stage: null, temperature: null, mql: null, sql: null, error: message };
  if (withMetrics) lead.metrics = null;
  return lead;
}

/**
 * @param {string} text the config's JSON text
 * @param {object[]} leads lead objects
 * @param {object} options checked segmentLeads options, `now` a number
 * @param {{emptySummary: Function, countLead: Function, columnReport: Function, columnMap: object,
 *          progressEvery: number, leadOffset: number}} context batch.js's helpers
 */
export async function segmentObjectsInWasm(text, leads, options, context) {
  const { emptySummary, countLead, columnReport, columnMap, progressEvery, leadOffset } = context;
  const mapped = Object.keys(columnMap).length > 0;
  const { onProgress, onLead, keepLeads = true, signal, metrics: withMetrics = false, now: at } = options;
  const module = await loadBatchModule();
  const batch = new module.LeadObjects();
  try {
    let warnings;
    try {
      warnings = unwrapBatch(batch.load(text, { now: at, metrics: withMetrics }));
    } catch (error) {
      throw withContext(error, 'invalid config');
    }
    const config = JSON.parse(text);
    const summary = emptySummary(text);
    const events = summary.events;
    const total = leads.length;
    const progress = (fields) => onProgress?.({ ...fields, total });

    // The column report over every lead's keys, as the per-lead path makes it.
    const reads = columnsRead(config, Object.keys(JSON.parse(batch.computedAttributes())));
    const { names, inline } = objectColumns(leads);
    summary.columns = leads.length ? columnReport(reads, names, columnMap, inline) : columnReport(reads, [], columnMap, true);

    const results = new BatchResults(module, batch, config);
    const kept = [];
    const writer = new RecordWriter();
    let pending = [];  // per lead of this call: {row, failed} or {attributes, what, flat, order, count, declarations}
    let processed = 0;

    const finish = (lead, failed) => {
      countLead(summary, lead);
      if (failed) summary.errors += 1;
      if (keepLeads) kept.push(lead);
      if (onLead) onLead(lead, processed);
      processed += 1;
      if (processed % progressEvery === 0) progress({ processed });
    };

    const flush = () => {
      let n = 0;
      if (writer.length > 0) {
        const ptr = batch.inputBuffer(writer.length); // may grow memory: read HEAPU8 after
        module.HEAPU8.set(writer.bytes.subarray(0, writer.length), ptr);
        n = batch.feed(writer.length, 0);
        if (n < 0) unwrapBatch(batch.lastError());
      }
      results.start(n);
      let i = 0;
      for (const entry of pending) {
        if (entry.failed !== undefined) {
          finish(entry.failed, true);
          continue;
        }
        let lead;
        const failed = results.failed(i);
        if (failed) {
          const f = batch.failureOf(i); // may grow wasm memory: results makes its views again
          let message;
          if (f.step === 1) {
            message = `${entry.what} at /declarations/${pointerKey(entry.declarations[f.index][0])}: ${f.message}`;
          } else if (f.step === 2) {
            const ref = entry.flat[entry.order[f.index] + 3];
            message = `${entry.what} at /events/${-1 - ref}: ${f.message}`;
          } else {
            message = `${entry.what}: ${f.message}`;
          }
          lead = failedLead(entry.attributes, message, withMetrics);
        } else {
          lead = results.outputs(i, { ...entry.attributes });
          if (withMetrics) {
            const frame = batch.metricsAt(i);
            lead.metrics = readValueFrame(results.memory(), frame);
          }
          events.replayed += entry.count;
          events.afterNow += entry.order.length - entry.count;
        }
        i += 1;
        finish(lead, failed);
      }
      if (n) batch.clearResults();
      writer.reset();
      pending = [];
    };

    let lastYield = Date.now();
    let index = 0;
    for (const row of leads) {
      if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
      const what = `lead ${index + leadOffset}`;
      index += 1;
      try {
        if (!isPlainObject(row)) throw leadsegError(`${what} is not a plain object, got ${describe(row)}`);
        let attributes = row;
        let flat = null;
        let declarations = [];
        // In objects, `events` and `declarations` are the lead's history, not attributes.
        if ('events' in row || 'declarations' in row) {
          const { events: own, declarations: declared, ...rest } = row;
          attributes = rest;
          if (own !== undefined && own !== null) flat = inlineEvents(own, what);
          if (declared !== undefined && declared !== null) declarations = inlineDeclarations(declared, what);
        }
        // Flat leads (the usual CRM row) are checked in one pass and written
        // by JSON.stringify alone; anything else through toJsonText's walk.
        const renamed = renameColumns(attributes, columnMap, mapped);
        const checked = flatPropsCopy(renamed);
        const json = checked !== null ? JSON.stringify(checked) : toJsonText(renamed, what);
        const order = flat === null ? [] : timeOrder(flat);
        let count = order.length;
        while (count > 0 && flat[order[count - 1]] > at) count--;
        writer.lead(json, declarations, flat, order, count);
        pending.push({ attributes, what, flat, order, count, declarations });
      } catch (error) {
        pending.push({ failed: failedLead(row, error?.message ?? String(error), withMetrics) });
      }
      if (pending.length >= LEADS_PER_CALL || writer.length >= BYTES_PER_CALL) {
        const before = processed;
        flush();
        // Let a page repaint at least every 50 ms, and at each progress report.
        if (Math.floor(before / progressEvery) !== Math.floor(processed / progressEvery) || Date.now() - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = Date.now();
        }
      }
    }
    flush();
    if (processed % progressEvery !== 0 || processed === 0) progress({ processed });
    return { leads: kept, summary, warnings };
  } finally {
    batch.delete();
  }
}
