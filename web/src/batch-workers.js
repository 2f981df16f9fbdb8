// segmentLeads across Web Workers: a CSV Blob is cut into row-aligned byte
// ranges (csv-ranges.js, scanned while the workers already run, or guessed
// for a run of counts alone), handed to one worker per core
// (batch-worker.js) as they free up, and the parts' results are merged in
// input order: onLead sees leads in order, `leads` is in order (or, with
// results: 'columns', the parts' columns are appended in order), the
// summary is the whole file's.
//
// Memory stays bounded: at most two ranges per worker are out at a time
// (finished parts wait only for the ones before them), the file itself is
// never read whole on this thread (only slices, while scanning, through one
// reused buffer), and with keepLeads: false and no onLead the workers send
// back counts alone (or their part's columns, transferred).
import { leadsegError } from './errors.js';
import { csvRanges, guessedRanges } from './csv-ranges.js';
import { segmentLeadsPart } from './batch.js';
import { compiledBatchWasm } from './batch-module.js';
import { batchModuleFits, compileForWorkers } from './batch-csv.js';

const MIN_RANGE_BYTES = 256 << 10;
const MAX_RANGE_BYTES = 16 << 20;
const RANGES_PER_WORKER = 4;
const IN_FLIGHT_PER_WORKER = 2;

/**
 * The size of the file's ranges for `workers` workers: as many ranges as
 * RANGES_PER_WORKER per worker or as MAX_RANGE_BYTES asks, rounded up to a
 * multiple of the workers, so that equal workers end together. Each range
 * is this many bytes and the rest of its last row, so the file splits into
 * at most that many ranges (a file of less than a range per worker: fewer).
 * A 151.6 MB file on 2 workers was 9 ranges of 16 MiB and a 0.6 MB tail:
 * one worker ran 5 ranges while the other ran 4 (docs/performance.md, s36).
 * @param {number} size the file's bytes
 * @param {number} workers
 */
export function rangeBytesFor(size, workers) {
  let perWorker = Math.max(RANGES_PER_WORKER, Math.ceil(size / (workers * MAX_RANGE_BYTES)));
  // A small file: fewer ranges, none below MIN_RANGE_BYTES.
  if (size < workers * perWorker * MIN_RANGE_BYTES) perWorker = Math.max(1, Math.floor(size / (workers * MIN_RANGE_BYTES)));
  return Math.max(MIN_RANGE_BYTES, Math.ceil(size / (workers * perWorker)));
}

function defaultCreateWorker(url) {
  return new Worker(url ?? new URL('./batch-worker.js', import.meta.url), { type: 'module', name: 'leadseg-segmentLeads' });
}

// The options a worker's segmentLeadsPart gets (plain data: functions,
// signals and modules do not cross).
function workerOptions(options) {
  const out = {
    keepLeads: options.keepLeads !== false || typeof options.onLead === 'function',
    now: options.now,
  };
  for (const key of ['progressEvery', 'types', 'idColumn', 'metrics', 'columnMap', 'listColumns', 'wasmBinary']) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  if (options.wasmUrl !== undefined) out.wasmUrl = String(options.wasmUrl);
  return out;
}

function addCounts(into, from) {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

// A part failed on a guessed split (guessedRanges): the split is made again
// exactly, and the file run again.
class GuessedWrong extends Error {}

/**
 * @param {string} config the config's JSON text
 * @param {{blob: Blob, workers: number}} plan
 * @param {object} options segmentLeads' options, `now` a number
 * @param {{createWorker?: (url?: string|URL) => Worker, rangeBytes?: number}} [hooks] tests run workers in-process, on small ranges
 * @param {import('./lead-columns.js').LeadColumns|null} [columns] results: 'columns' without onLead: the
 *   workers fill their parts' columns, appended here in input order
 */
export async function segmentLeadsInWorkers(config, plan, options, hooks = {}, columns = null) {
  // A run of counts alone (no lead goes back) splits the file where a
  // range's size says, without the page reading all of it to find where
  // records end (guessedRanges): the workers read the file, the page does
  // not, and a part that failed (a quoted field open at a cut, or a real
  // error in the file) makes the run start again on an exact split. Runs
  // that send leads back (as objects or columns) need each range's first
  // row and lead: exact.
  const perLead = options.keepLeads !== false || typeof options.onLead === 'function' || columns !== null;
  let reported = 0;
  const onProgress = options.onProgress && ((progress) => {
    if (progress.processed < reported) return; // a run started again counts up from 0
    reported = progress.processed;
    options.onProgress(progress);
  });
  const checked = { ...options, onProgress };
  if (options.signal?.aborted) throw options.signal.reason ?? leadsegError('segmentLeads: aborted');
  // Where the workers run the batch module, the config is compiled here,
  // once (a bad config fails now, before any worker starts), and they load
  // its bytes.
  const compiled = batchModuleFits(plan.blob, options) ? await compileForWorkers(config) : null;
  if (!perLead) {
    try {
      return await runParts(config, compiled, plan, checked, hooks, guessedRanges, null);
    } catch (error) {
      if (!(error instanceof GuessedWrong)) throw error;
    }
  }
  return runParts(config, compiled, plan, checked, hooks, csvRanges, columns);
}

async function runParts(config, compiled, { blob, workers }, options, { createWorker = defaultCreateWorker, rangeBytes: fixedRangeBytes }, ranges, columns) {
  const guessed = ranges === guessedRanges;
  const { onProgress, onLead, signal, keepLeads = true } = options;
  const progressEvery = options.progressEvery ?? 1000;
  if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
  const rangeBytes = fixedRangeBytes ?? rangeBytesFor(blob.size, workers);

  const pool = []; // {worker, busy, started: whether its init was posted}
  const pending = new Map(); // id -> {worker, processed}
  const finished = new Map(); // id -> done message, until the parts before it are merged
  let nextToMerge = 0;
  let dispatched = 0;
  let failure = null;
  let wake = null; // resolves the dispatch loop's wait
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (error) => {
    failure ??= error;
    notify();
  };

  const kept = [];
  let summary = null;
  let warnings = [];
  let merged = 0; // leads merged
  let reported = 0; // processed at the last onProgress
  const report = (final = false) => {
    let processed = merged;
    for (const p of pending.values()) processed += p.processed;
    if (final || processed - reported >= progressEvery) {
      reported = processed;
      onProgress?.({ processed });
    }
  };

  const merge = () => {
    while (finished.has(nextToMerge)) {
      const part = finished.get(nextToMerge);
      finished.delete(nextToMerge);
      pending.delete(nextToMerge);
      nextToMerge++;
      if (summary === null) {
        summary = part.summary;
        warnings = part.warnings;
      } else {
        summary.count += part.summary.count;
        summary.errors += part.summary.errors;
        for (const table of ['segments', 'grades', 'stages', 'temperatures']) addCounts(summary[table], part.summary[table]);
        summary.mql += part.summary.mql;
        summary.sql += part.summary.sql;
      }
      if (part.columns) columns.append(part.columns);
      for (const lead of part.leads) {
        if (keepLeads) kept.push(lead);
        if (onLead) onLead(lead, merged);
        merged++;
      }
      if (part.leads.length === 0) merged += part.summary.count;
    }
  };

  const onMessage = (member, data) => {
    if (data.type === 'progress') {
      const p = pending.get(data.id);
      if (p) p.processed = data.processed;
      report();
      return;
    }
    member.busy--;
    if (data.type === 'error') {
      fail(guessed ? new GuessedWrong(data.error.message) : leadsegError(data.error.message, data.error.path));
      return;
    }
    finished.set(data.id, data);
    try {
      merge();
      report();
    } catch (error) {
      fail(error); // onLead or onProgress threw
    }
    notify();
  };

  const spawn = () => {
    let worker;
    try {
      worker = createWorker(options.workerUrl);
    } catch (error) {
      throw leadsegError(`segmentLeads: could not start a worker (${error?.message ?? error})`, '', error);
    }
    const member = { worker, busy: 0, started: false };
    pool.push(member);
    worker.onmessage = ({ data }) => onMessage(member, data);
    worker.onerror = (event) => {
      event?.preventDefault?.();
      fail(leadsegError(`segmentLeads: a worker failed${event?.message ? `: ${event.message}` : ''} (workerUrl: ${options.workerUrl ?? 'the package\'s batch-worker.js'})`));
    };
    // A message the page cannot deserialize never reaches onmessage: without
    // this, the part it carried would be waited for forever.
    worker.onmessageerror = () => fail(leadsegError('segmentLeads: a worker\'s message could not be read on this page'));
    return member;
  };

  let wasmModule = null;
  let header = null;
  const start = (range) => {
    let member = pool.find((s) => s.busy === 0);
    if (!member && pool.length < workers) member = spawn();
    member ??= pool.reduce((a, b) => (b.busy < a.busy ? b : a));
    if (!member.started) {
      member.started = true;
      member.worker.postMessage({ type: 'init', config, compiled, options: workerOptions(options), blob, header, wasmModule, columns: columns !== null });
    }
    member.busy++;
    const id = dispatched++;
    pending.set(id, { processed: 0 });
    member.worker.postMessage({ type: 'range', id, ...range });
  };

  const onAbort = () => fail(signal.reason ?? leadsegError('segmentLeads: aborted'));
  signal?.addEventListener('abort', onAbort);
  try {
    // The workers start now, as many as the file has ranges for: a worker
    // fetches and compiles its scripts before it can take a range, and that
    // overlaps the first reads of the file here (the header, the first
    // range's end) and the batch module's compile (init is posted with a
    // worker's first range).
    const early = Math.min(workers, Math.ceil(blob.size / rangeBytes));
    while (pool.length < early) spawn();
    // Compiled once here and shared: each worker only instantiates it.
    wasmModule = await compiledBatchWasm();
    for await (const range of ranges(blob, { rangeBytes, signal })) {
      if (failure) throw failure;
      if ('header' in range) {
        header = range.header;
        if (header === null) break;
        continue;
      }
      while (!failure && dispatched - nextToMerge >= workers * IN_FLIGHT_PER_WORKER) {
        await new Promise((resolve) => {
          wake = resolve;
        });
      }
      if (failure) throw failure;
      start(range);
    }
    if (failure) throw failure;
    // No data line (or no complete header line): nothing to split.
    if (dispatched === 0) return segmentLeadsPart(config, blob, options, { columns });
    while (!failure && nextToMerge < dispatched) {
      await new Promise((resolve) => {
        wake = resolve;
      });
    }
    if (failure) throw failure;
    report(true);
    return { leads: kept, summary, warnings };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const { worker } of pool) worker.terminate();
  }
}
