// segmentLeads' path for lead objects (an array) through the batch module:
// each lead is checked and its history put in time order here, exactly as
// batch.js's per-lead path does (the same helpers, the same messages), then
// written as a record (lead-records.js): a flat lead (the usual CRM row) as
// a value frame, checked and written in one pass, any other as JSON text.
// A few hundred leads per call go to wasm (src/batch/lead_objects.h), which
// identifies, declares, replays the events (engine/engine_replay.h) and
// reads each lead at `now` (a segments-only config: the segment loop
// alone; there a lead the segment loop answers as the engine would is
// written as an indexed record, indexed-leads.js). Results come back as
// LeadResult rows and membership bits in wasm memory, read into result
// objects in one pass per call.
//
// Same answers as the per-lead path (tests/web/batch-objects.test.mjs
// compares whole results, summaries and error messages): only where the
// engine runs changes, not what it is given.
import { describe, isPlainObject, leadsegError, toJsonText, withContext } from './errors.js';
import { inlineDeclarations, inlineEvents, timeOrder } from './lead-events.js';
import { renameColumns } from './column-map.js';
import { loadBatchModule, unwrapBatch } from './batch-module.js';
import { readValueFrame } from './lead-records.js';
import { failedLead } from './batch-results.js';
import { releaseHelpers, takeHelpers } from './lead-object-helpers.js';
import { LeadColumns } from './lead-columns.js';
import { YIELD_EVERY_MS, yieldToEventLoop } from './yield.js';

// Leads per call into wasm: enough to make the crossing negligible, few
// enough that a page still repaints between calls. A segments-only
// config's leads take ~1 µs each, and at 256 a call the calls' set-up and
// reads cost ~0.05-0.1 µs a lead more (docs/performance.md, s37 leads);
// the engine's leads (scoring, lifecycle, events: also a segments-only
// config's leads with a history) take many times longer.
const LEADS_PER_CALL = 256;
const SEGMENT_LEADS_PER_CALL = 1024;
const BYTES_PER_CALL = 1 << 20;

// The times the core accepts (core/duration.h: 1973-03-03 .. 2200-01-01).
const EARLIEST_TIME = 1e11;
const MAX_TIME = 7258118400000;

// The lead loop's yield, in an async function: TurboFan inlines no async
// function, so the loop's optimized code does not take in node's timer code
// (yield.js's refresh(), its timer lists) and the objects it checks, which
// die between calls; a major GC then threw that code away ("weak
// objects") and the next call ran in the interpreter while it was
// compiled again (docs/performance.md, s37 leads).
async function yieldOutOfLine() {
  await yieldToEventLoop();
}

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

const NONE = Object.freeze([]);

/** A lead that failed in JavaScript: its result, made there. */
class Failed {
  constructor(lead) {
    this.lead = lead;
  }
}

// Why lead `number` failed in wasm (LeadObjects.failureOf), worded as the
// per-lead path words it.
function failureMessage(f, number, history) {
  const what = `lead ${number}`;
  if (f.step === 1) return `${what} at /declarations/${pointerKey(history.declarations[f.index][0])}: ${f.message}`;
  if (f.step === 2) return `${what} at /events/${-1 - history.flat[history.order[f.index] + 3]}: ${f.message}`;
  return `${what}: ${f.message}`;
}

/**
 * @param {string} text the config's JSON text
 * @param {object[]} leads lead objects
 * @param {object} options checked segmentLeads options, `now` a number
 * @param {{emptySummary: Function, countOutputs: Function, columnReport: Function, columnMap: object,
 *          progressEvery: number, leadOffset: number, columns?: LeadColumns}} context batch.js's helpers;
 *          `columns`: fill these (results: 'columns')
 */
export function segmentObjectsInWasm(text, leads, options, context) {
  // `options` and `context` are objects made per call (by batch.js): once
  // no call holds one, a major GC frees their maps, and V8 throws away the
  // optimized code of any function that read them ("weak objects"). Read
  // here, in a function run once a call, and passed on as values, they are
  // never checked by the code of the lead loop below.
  const { emptySummary, countOutputs, columnReport, columnMap, progressEvery, leadOffset, columns } = context;
  const { onProgress, onLead, keepLeads = true, signal, metrics = false, now } = options;
  return segmentObjects(text, leads, now, metrics, keepLeads, onProgress, onLead, signal,
    columnMap, progressEvery, leadOffset, columns, emptySummary, countOutputs, columnReport);
}

async function segmentObjects(text, leads, at, withMetrics, keepLeads, onProgress, onLead, signal,
  columnMap, progressEvery, leadOffset, into, emptySummary, countOutputs, columnReport) {
  const mapped = Object.keys(columnMap).length > 0;
  const module = await loadBatchModule();
  // The call's LeadObjects, writers, result reader and column set: the
  // module's, started over; the config compiled again only when its text
  // changed (lead-object-helpers.js says why).
  const helpers = takeHelpers(module);
  const { batch } = helpers;
  try {
    let warnings;
    try {
      warnings = helpers.load(text, at, withMetrics);
    } catch (error) {
      throw withContext(error, 'invalid config');
    }
    const summary = emptySummary(text);
    const events = summary.events;
    const total = leads.length;
    const progress = (fields) => onProgress?.({ ...fields, total });

    // The column report over every lead's keys, as the per-lead path makes
    // it. It refuses a list (columnReport throws) before any lead is
    // evaluated, and can only while no lead seen has a column the config
    // reads, nor a history, and nothing is mapped: the leads are scanned up
    // front only that far (most lists: their first lead), and the rest of
    // their keys gathered as they are written, with the keys the write
    // reads anyway (rather than a second Object.keys a lead).
    const reads = helpers.reads;
    const seen = helpers.seen;
    const report = () => {
      summary.columns = leads.length ? columnReport(reads, seen.names, columnMap, seen.inline) : columnReport(reads, [], columnMap, true);
    };
    let gatherFrom = leads.length;  // keys of leads from here on are gathered in the loop
    if (!mapped) {
      const readSet = new Set(reads);
      // As compareColumns maps a column to what it reads.
      const readsOne = (keys) => keys.some((key) => readSet.has(columnMap[key] ?? key));
      for (let i = 0; i < leads.length; i++) {
        if (!isPlainObject(leads[i])) continue;
        const keys = Object.keys(leads[i]);
        seen.add(keys);
        if (reads.length === 0 || seen.inline || readsOne(keys)) {
          gatherFrom = i + 1;
          break;
        }
      }
    } else {
      seen.addLeads(leads);
    }
    if (gatherFrom === leads.length) report();

    const results = helpers.results;
    // Without keepLeads and onLead no result object is made: the results
    // go into columns from the result rows (the caller's, with results:
    // 'columns'; or our own, for the summary's counts alone).
    const objects = keepLeads || typeof onLead === 'function';
    const columns = into ?? (objects ? null : new LeadColumns(results.segmentIds, results.stageIds, withMetrics, leads.length));
    const kept = [];
    const writer = helpers.writer;
    // Indexed records: a segments-only config, keys as given, no metrics
    // (and no toJSON every plain object would inherit).
    const indexed = !mapped && !withMetrics && batch.takesIndexed() && typeof Object.prototype.toJSON !== 'function'
      ? helpers.indexed : null;
    const leadsPerCall = batch.takesIndexed() ? SEGMENT_LEADS_PER_CALL : LEADS_PER_CALL;
    const check = (result) => {
      if (result < 0) unwrapBatch(batch.lastError());
    };
    // Per lead of this call, from lead number `first` on: its attributes
    // (written as a record) or, when it failed in JavaScript, a Failed
    // holding its result; and its history (null for a lead without one).
    let first = leadOffset;
    let pending = [];
    let histories = [];
    let withHistory = 0;  // of the call's leads
    let processed = 0;
    const made = [];  // the call's results, in order (null: failed in wasm)
    const rows = [];  // their result rows (-1: failed in JavaScript)

    // Result objects' segments are counted from their rows' membership
    // bits (a failed lead has none), their other outputs one by one.
    const members = new Float64Array(results.segmentIds.length);
    const finish = (lead, failed) => {
      if (columns !== null) columns.addLead(lead);
      countOutputs(summary, lead);
      if (failed) summary.errors += 1;
      if (keepLeads) kept.push(lead);
      if (onLead) onLead(lead, processed);
      processed += 1;
      if (processed % progressEvery === 0) progress({ processed });
    };

    const flush = () => {
      let n = 0;
      if (writer.length > 0) {
        indexed?.sendStrings(module, check);
        const ptr = batch.inputBuffer(writer.length); // may grow memory: read HEAPU8 after
        module.HEAPU8.set(writer.bytes.subarray(0, writer.length), ptr);
        n = batch.feed(writer.length, 0);
        check(n);
        indexed?.afterFeed();
      }
      results.start(n);
      if (!objects) {
        drainColumns(n);
        return;
      }
      // Every result of the call first, in one pass over the result rows
      // and their membership bits with no call into wasm in between; then
      // what needs such calls (why a lead failed, its metrics), which may
      // allocate and so grow the memory.
      const count = pending.length;
      for (let k = 0, i = 0; k < count; k++) {
        const entry = pending[k];
        if (entry instanceof Failed) {
          rows[k] = -1;
          made[k] = entry.lead;
        } else {
          rows[k] = i;
          made[k] = results.failed(i) ? null : results.lead(i, entry);
          i += 1;
        }
      }
      for (let k = 0; k < count; k++) {
        const row = rows[k];
        let lead = made[k];
        made[k] = null;
        if (row < 0) {
          finish(lead, true);
        } else if (lead === null) {
          lead = failedLead(pending[k], failureMessage(batch.failureOf(row), first + k, histories[k]), withMetrics);
          finish(lead, true);
        } else {
          if (withMetrics) lead.metrics = readValueFrame(results.memory(), batch.metricsAt(row));
          countHistory(histories[k]);
          results.countMembers(row, members);
          finish(lead, false);
        }
      }
      done(n, count);
    };

    // A segmented lead's history in the summary: its events replayed, and
    // those after the call's time.
    const countHistory = (history) => {
      if (history === null) return;
      events.replayed += history.count;
      events.afterNow += history.order.length - history.count;
    };

    const done = (n, count) => {
      if (n) batch.clearResults();
      writer.reset();
      first += count;
      pending = [];
      histories = [];
      withHistory = 0;
    };

    // The call's results straight into columns, counted at the end.
    const drainColumns = (n) => {
      const count = pending.length;
      // The usual call: every lead a result row, none failed, no history to
      // count, no metrics: the rows in one pass, progress as lead by lead.
      if (count === n && withHistory === 0 && !withMetrics && results.firstFailed() === n) {
        columns.addRows(results, 0, n);
        for (let next = (Math.floor(processed / progressEvery) + 1) * progressEvery; next <= processed + n; next += progressEvery) {
          progress({ processed: next });
        }
        processed += n;
        done(n, count);
        return;
      }
      for (let k = 0, i = 0; k < count; k++) {
        const entry = pending[k];
        if (entry instanceof Failed) {
          columns.addLead(entry.lead);
        } else {
          if (results.failed(i)) {
            columns.addFailed(failureMessage(batch.failureOf(i), first + k, histories[k]));
          } else {
            const at = columns.addRow(results, i);
            if (withMetrics) columns.metrics[at] = readValueFrame(results.memory(), batch.metricsAt(i));
            countHistory(histories[k]);
          }
          i += 1;
        }
        processed += 1;
        if (processed % progressEvery === 0) progress({ processed });
      }
      done(n, count);
    };

    let lastYield = Date.now();
    let index = 0;
    for (const row of leads) {
      if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
      const number = first + pending.length;
      const start = writer.length;
      try {
        if (!isPlainObject(row)) throw leadsegError(`lead ${number} is not a plain object, got ${describe(row)}`);
        let attributes = row;
        let history = null;
        // In objects, `events` and `declarations` are the lead's history, not attributes.
        const hasHistory = 'events' in row || 'declarations' in row;
        // The usual lead, the previous lead's keys and no history, is
        // written without its Object.keys: its keys are in the column
        // report already (the lead of this call that gave the shape added
        // them). Any other has its keys read and gathered first.
        if (hasHistory || indexed === null || !indexed.writeSameShape(row)) {
          const keys = Object.keys(row);
          if (index >= gatherFrom) seen.add(keys);
          if (hasHistory || indexed === null || !indexed.write(row, keys)) {
            if (hasHistory) {
              const what = `lead ${number}`;
              const { events: own, declarations: declared, ...rest } = row;
              attributes = rest;
              const flat = own !== undefined && own !== null ? inlineEvents(own, what) : null;
              const declarations = declared !== undefined && declared !== null ? inlineDeclarations(declared, what) : [];
              const order = flat === null ? [] : timeOrder(flat);
              let count = order.length;
              while (count > 0 && flat[order[count - 1]] > at) count--;
              history = { flat, order, count, declarations };
            }
            // A flat lead (the usual CRM row) as a value frame, checked and
            // written in one pass; anything else as toJsonText's JSON text.
            const renamed = renameColumns(attributes, columnMap, mapped);
            writer.attributes(renamed, () => toJsonText(renamed, `lead ${number}`));
            if (history === null) writer.history(NONE, null, NONE, 0);
            else writer.history(history.declarations, history.flat, history.order, history.count);
          }
        }
        pending.push(attributes);
        histories.push(history);
        if (history !== null) withHistory += 1;
      } catch (error) {
        writer.truncate(start);
        pending.push(new Failed(failedLead(row, error?.message ?? String(error), withMetrics)));
        histories.push(null);
      }
      index += 1;
      if (pending.length >= leadsPerCall || withHistory >= LEADS_PER_CALL || writer.length >= BYTES_PER_CALL) {
        const before = processed;
        flush();
        // Let a page repaint at least every 50 ms, and at each progress
        // report it is given. Not at a report no one is given: each yield
        // is a timer's wait (~1 ms in node, 4 ms for a browser's nested
        // timers), 50 of them a 50,000-lead call that computes for ~65 ms.
        const reported = onProgress !== undefined && Math.floor(before / progressEvery) !== Math.floor(processed / progressEvery);
        if (reported || Date.now() - lastYield >= YIELD_EVERY_MS) {
          await yieldOutOfLine();
          lastYield = Date.now();
        }
      }
    }
    flush();
    if (gatherFrom < leads.length) report();
    if (processed % progressEvery !== 0 || processed === 0) progress({ processed });
    if (objects) results.segmentIds.forEach((id, s) => { summary.segments[id] += members[s]; });
    else columns.countInto(summary);
    if (into) return { leads: kept, columns: columns.trimmed(), summary, warnings };
    return { leads: kept, summary, warnings };
  } finally {
    releaseHelpers(module, helpers);
  }
}
