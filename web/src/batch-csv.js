// segmentLeads' CSV path through the batch module (batch-module.js): the
// file's UTF-8 bytes go to wasm in chunks, wasm tokenises, types the
// columns the config reads and evaluates each row (src/batch/lead_batch.h),
// and the results are read in place from wasm memory. A JavaScript object
// is built only for the leads the caller keeps or sees (keepLeads, onLead):
// with keepLeads: false and no onLead a run is counts alone.
//
// Same answers as the per-lead path in batch.js (tests/web/batch-csv.test.mjs
// compares them): the kernel follows segmentLeads' contract, and the
// column report and its errors are computed here, by the same code.
import { leadsegError, withContext } from './errors.js';
import { CsvParser, typeValue } from './csv.js';
import { columnsRead } from './column-map.js';
import { computedColumnsWarning, reservedNames } from './computed-columns.js';
import { feedSlices, loadBatchModule, unwrapBatch } from './batch-module.js';
import { eventsFitBatch, feedEventsToBatch } from './batch-events-wasm.js';
import { BatchResults, GRADES, TEMPERATURES, copyAttributes } from './batch-results.js';
import { YIELD_EVERY_MS, yieldToEventLoop } from './yield.js';
import { blobChunks } from './blob-bytes.js';

const CHUNK_BYTES = 1 << 20;
const HEADER_SLICE_BYTES = 16 << 10;

const isBlob = (value) => typeof globalThis.Blob === 'function' && value instanceof globalThis.Blob;

/**
 * Byte chunks of a string, Blob/File, ReadableStream or (async) iterable of
 * text/bytes. A chunk is valid until the next is asked for.
 */
async function* byteChunks(input) {
  const encoder = new TextEncoder();
  if (typeof input === 'string') {
    for (let i = 0; i < input.length; i += CHUNK_BYTES) {
      // Never cut a surrogate pair.
      let end = Math.min(input.length, i + CHUNK_BYTES);
      const c = input.charCodeAt(end - 1);
      if (end < input.length && c >= 0xd800 && c <= 0xdbff) end++;
      yield encoder.encode(input.slice(i, end));
      i = end - CHUNK_BYTES;
    }
    return;
  }
  if (isBlob(input)) {
    // One reused buffer (each chunk is copied into wasm before the next is read).
    yield* blobChunks(input, CHUNK_BYTES);
    return;
  }
  const bytesOf = (chunk) => {
    if (typeof chunk === 'string') return encoder.encode(chunk);
    if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
    if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    throw leadsegError(`CSV: a stream chunk must be text or bytes, got ${chunk === null ? 'null' : typeof chunk}`);
  };
  if (input && typeof input.getReader === 'function') {
    const reader = input.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield bytesOf(value);
      }
    } finally {
      reader.releaseLock();
    }
    return;
  }
  for await (const chunk of input) yield bytesOf(chunk);
}

/** Whether segmentLeadsPart can take this run to the batch module. */
export function batchModuleFits(leads, options) {
  return !Array.isArray(leads) && eventsFitBatch(options.events) && options.metrics !== true &&
    options.module === undefined && options.wasmUrl === undefined && options.wasmBinary === undefined;
}

// The config compiled last in this thread ({text, bytes}): by
// compileForWorkers in a page, or handed over by the page in a worker
// (useCompiledConfig). Every later load of the same text, in a worker
// range or in this thread, decodes these bytes rather than compiling the
// JSON again.
let lastCompiled = null;

/**
 * The config's JSON text compiled once (in the page) for segmentLeads'
 * workers: each worker range then decodes these bytes instead of compiling
 * the JSON, whose compiler is enough code for V8 to tier it up with
 * TurboFan (~1 s of CPU on a page's first 1M-row run, when every range
 * compiled it: docs/performance.md). The same text again (the page's next
 * run) is not compiled again. Throws the LeadsegError a range's load would
 * (same message and path), before any worker starts.
 * @param {string} text
 * @returns {Promise<Uint8Array>}
 */
export async function compileForWorkers(text) {
  if (lastCompiled !== null && lastCompiled.text === text) return lastCompiled.bytes;
  const module = await loadBatchModule();
  let bytes;
  try {
    bytes = unwrapBatch(module.LeadBatch.compileConfig(text)).bytes;
  } catch (error) {
    throw withContext(error, 'invalid config');
  }
  lastCompiled = { text, bytes };
  return bytes;
}

/** In a worker: later loads of the config `text` decode `bytes` (compileForWorkers') instead. */
export function useCompiledConfig(text, bytes) {
  if (bytes instanceof Uint8Array) lastCompiled = { text, bytes };
}

// LeadBatch.load(text, options), or loadCompiled from the bytes the same
// text was compiled to (they hold the compiler's warnings too).
function loadBatch(module, batch, text, options) {
  if (lastCompiled === null || lastCompiled.text !== text) return batch.load(text, options);
  const { bytes } = lastCompiled;
  const ptr = batch.inputBuffer(bytes.length); // may grow memory: read HEAPU8 after
  module.HEAPU8.set(bytes, ptr);
  return batch.loadCompiled(bytes.length, options);
}

/**
 * @param {string} text the config's JSON text
 * @param {object} leads CSV input
 * @param {object} options checked segmentLeads options, `now` a number
 * @param {{emptySummary: Function, columnReport: Function, columnMap: object, progressEvery: number,
 *          leadOffset: number, rowOffset: number}} context batch.js's helpers
 */
export async function segmentCsvInWasm(text, leads, options, context) {
  const { emptySummary, columnReport, columnMap, listColumns, progressEvery, leadOffset, rowOffset } = context;
  // An activity table (CSV) is grouped and replayed inside wasm too.
  const hasEvents = options.events !== undefined;
  const idColumn = options.idColumn ?? 'email';
  const lists = new Set(listColumns);
  const { onProgress, onLead, keepLeads = true, signal, types = true, now } = options;
  const perLead = keepLeads || typeof onLead === 'function';
  const columns = context.columns ?? null;  // results: 'columns'
  const module = await loadBatchModule();
  const batch = new module.LeadBatch();
  try {
    const warnings = (() => {
      try {
        return unwrapBatch(loadBatch(module, batch, text, {
          now, types, idColumn, columnMap: Object.entries(columnMap), listColumns, keepFields: perLead,
          eventColumns: hasEvents ? context.eventColumns : undefined,
        }));
      } catch (error) {
        throw withContext(error, 'invalid config');
      }
    })();
    const config = JSON.parse(text);
    const summary = emptySummary(text);
    const reads = columnsRead(config, Object.keys(JSON.parse(batch.computedAttributes())));
    const results = new BatchResults(module, batch, config);
    const { segmentIds, stageIds } = results;

    // The header, read here too: the column report and its errors are batch.js's.
    const headerParser = new CsvParser();
    let header = null;
    const headerDecoder = new TextDecoder();
    // Slice by slice until the parser has the header record: csv.js on the
    // whole first chunk (1 MB, ~6,600 rows of a lead list) was ~2% of a
    // 1M-row run's CPU, for one line (docs/performance.md).
    const readHeader = (bytes, last) => {
      let at = 0;
      let records;
      do {
        const end = Math.min(bytes.length, at + HEADER_SLICE_BYTES);
        const final = last && end === bytes.length;
        records = headerParser.push(headerDecoder.decode(bytes.subarray(at, end), { stream: !final }));
        if (records.length === 0 && final) records.push(...headerParser.end());
        at = end;
      } while (records.length === 0 && at < bytes.length);
      if (records.length) {
        header = records[0].map((name) => name.trim());
        if (hasEvents && !header.includes(idColumn)) {
          throw leadsegError(`segmentLeads: the leads CSV has no column "${idColumn}" to join options.events on (its columns: ${header.map((n) => `"${n}"`).join(', ')}); set idColumn`);
        }
        summary.columns = columnReport(reads, header, columnMap, hasEvents, reservedNames(config));
        if (summary.columns.computed) warnings.push(computedColumnsWarning(summary.columns.computed));
      }
    };

    let processed = 0;
    let lastYield = Date.now();
    const renumber = (message) => (leadOffset === 0 && rowOffset === 0 ? message
      : message.replace(/^lead (\d+) \(row (\d+)\)/, (_, l, r) => `lead ${Number(l) + leadOffset} (row ${Number(r) + rowOffset})`));

    const drain = (n) => {
      if (n === 0) return;
      if (perLead) {
        results.start(n);
        for (let i = 0; i < n; i++) {
          const fields = batch.fields(i); // may grow wasm memory: results makes its views again
          const row = {};
          const m = Math.min(fields.length, header.length);
          for (let k = 0; k < m; k++) {
            const name = header[k];
            if (name === '') continue;
            if (lists.size && lists.has(name)) {
              if (fields[k] !== '' || !(name in row)) row[name] = fields[k] === '' ? [] : fields[k].split(';');
              continue;
            }
            const value = types ? typeValue(fields[k]) : fields[k] === '' ? undefined : fields[k];
            if (value !== undefined) row[name] = value;
          }
          if (lists.size) for (const name of header) if (lists.has(name) && !(name in row)) row[name] = [];
          // Copied by copyAttributes, not spread: a spread copy is slow to add to.
          const lead = results.failed(i)
            ? Object.assign(copyAttributes(row), { segments: [], score: null, grade: null, stage: null, temperature: null, mql: null, sql: null, error: renumber(batch.errorOf(i)) })
            : results.outputs(i, copyAttributes(row));
          if (keepLeads) context.kept.push(lead);
          if (columns !== null) columns.addLead(lead);
          if (onLead) onLead(lead, processed + i);
        }
      } else if (columns !== null) {
        // results: 'columns' without onLead: read in place, no object made.
        results.start(n);
        for (let i = 0; i < n; i++) {
          if (results.failed(i)) columns.addFailed(renumber(batch.errorOf(i)));
          else columns.addRow(results, i);
        }
      }
      batch.clearResults();
      const before = processed;
      processed += n;
      for (let p = (Math.floor(before / progressEvery) + 1) * progressEvery; p <= processed; p += progressEvery) onProgress?.({ processed: p });
    };

    const feed = (bytes, last) => {
      if (header === null) readHeader(bytes, last);
      feedSlices(module, batch, bytes, last, CHUNK_BYTES, (size, lastSlice) => {
        const n = batch.feed(size, lastSlice);
        if (n < 0) throw unwrapBatch(batch.lastError());
        drain(n);
      });
    };

    if (hasEvents) {
      summary.events.read = await feedEventsToBatch(module, batch, byteChunks(options.events), {
        signal, onProgress, progressEvery, chunkBytes: CHUNK_BYTES,
      });
    }
    for await (const bytes of byteChunks(leads)) {
      if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
      feed(bytes, false);
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
    if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
    feed(new Uint8Array(0), true);
    if (processed % progressEvery !== 0 || processed === 0) onProgress?.({ processed });

    const counts = batch.summary();
    summary.count = counts.count;
    summary.errors = counts.errors;
    segmentIds.forEach((id, s) => {
      summary.segments[id] = counts.segments[s];
    });
    if (config.grading) GRADES.forEach((g, k) => { summary.grades[g] = counts.grades[k]; });
    stageIds.forEach((id, k) => { summary.stages[id] = counts.stages[k]; });
    if (config.temperature) TEMPERATURES.forEach((t, k) => { summary.temperatures[t] = counts.temperatures[k]; });
    summary.mql = counts.mql;
    summary.sql = counts.sql;
    if (hasEvents) Object.assign(summary.events, counts.events);
    if (columns !== null) return { leads: context.kept, columns: columns.trimmed(), summary, warnings };
    return { leads: context.kept, summary, warnings };
  } finally {
    batch.delete();
  }
}
