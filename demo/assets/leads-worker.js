// Lead-list coordinator (module worker). Streams the input (a File through
// file.stream(), or the generated sample) through the package's CsvParser,
// sends batches of records to evaluation workers (lead-batch-worker.js, one
// per spare core; in this worker on two cores or fewer, and when nested
// workers are unavailable), each
// of which runs the package's segmentLeads() on its batch (lead-batch.js),
// merges their summaries and figures and appends their CSV lines, in input
// order, to Blob parts: neither the input nor the output is ever one
// string, and no per-lead results are kept.
//
// Why not one segmentLeads(file, {workers}) call: the rows carry activity
// columns that become each lead's events and its interests declaration,
// which only lead objects can carry (a CSV column is always an attribute,
// and these are named like the config's metrics), and segmentLeads() runs
// lead objects in one thread; so the batches are spread here.
//
// In:  {type: 'start', source: {kind: 'file', file} | {kind: 'sample', count}, workers}
// Out: {type: 'header', attributes, activity, ignored}, {type: 'phase', text}
//      {type: 'progress', processed, total, bytes, totalBytes, elapsed}
//      {type: 'done', aggregate, blob, processed, elapsed, workers}
//      {type: 'error', message}
import { CsvParser, segmentLeads, typeValue } from '/web/dist/leadseg.browser.js';
import { sampleCsvChunks } from './lead-sample.js';
import { leadReader } from './lead-activity.js';
import { createBatchSegmenter } from './lead-batch.js';
import { createFigures, mergeFigures, mergeSummary, outputHeader } from './lead-results.js';

const BATCH_ROWS = 1000;
const IN_FLIGHT_PER_WORKER = 2;
const PROGRESS_MS = 100;

const post = (message, transfer) => self.postMessage(message, transfer ?? []);

/** Evaluation workers, or an in-process evaluator with the same interface. */
class Pool {
  #workers = [];
  #pending = new Map(); // id -> {resolve, reject, worker}
  #load = new Map();
  #waiters = [];
  #local = null;
  #localLoad = 0;
  #failed = null;

  static async create({ count, config, header }) {
    const pool = new Pool();
    if (typeof Worker === 'function' && count > 0) {
      try {
        await pool.#startWorkers(count, config, header);
        return pool;
      } catch (error) {
        pool.terminate();
        console.warn(`lead list: evaluating in one worker (${error?.message ?? error})`);
      }
    }
    await pool.#startLocal(config, header);
    return pool;
  }

  /** Evaluation workers (0: evaluating in this worker). */
  get size() {
    return this.#local ? 0 : this.#workers.length;
  }

  async #startWorkers(count, config, header) {
    const starts = [];
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./lead-batch-worker.js', import.meta.url), { type: 'module', name: `leadseg-eval-${i + 1}` });
      this.#workers.push(worker);
      this.#load.set(worker, 0);
      starts.push(new Promise((resolve, reject) => {
        worker.onmessage = ({ data }) => {
          if (data.type === 'ready') {
            worker.onmessage = ({ data: message }) => this.#onMessage(worker, message);
            resolve();
          } else reject(new Error(data.message ?? 'evaluation worker failed to start'));
        };
        worker.onerror = (event) => {
          event.preventDefault?.();
          reject(new Error(event.message || 'evaluation worker failed to load'));
        };
      }));
      worker.postMessage({ type: 'init', config, header });
    }
    await Promise.all(starts);
    for (const worker of this.#workers) {
      worker.onerror = (event) => {
        event.preventDefault?.();
        this.#fail(new Error(event.message || 'an evaluation worker crashed'));
      };
    }
  }

  async #startLocal(config, header) {
    this.#local = createBatchSegmenter({ config, header, segmentLeads, typeValue });
  }

  #onMessage(worker, message) {
    if (message.type === 'error') {
      this.#fail(new Error(message.message));
      return;
    }
    const job = this.#pending.get(message.id);
    if (!job) return;
    this.#pending.delete(message.id);
    this.#load.set(worker, this.#load.get(worker) - 1);
    job.resolve(message);
    this.#waiters.splice(0).forEach((wake) => wake());
  }

  #fail(error) {
    this.#failed ??= error;
    for (const job of this.#pending.values()) job.reject(error);
    this.#pending.clear();
    this.#waiters.splice(0).forEach((wake) => wake());
  }

  /**
   * Resolves when a worker can take another batch. The in-process
   * evaluator too takes at most IN_FLIGHT_PER_WORKER batches at a time:
   * its segment() yields to the event loop, and without this bound the
   * file was parsed and queued whole while the first batches ran (1.4 GB
   * for 250,000 rows).
   */
  async capacity() {
    for (;;) {
      if (this.#failed) throw this.#failed;
      if (this.#local && this.#localLoad < IN_FLIGHT_PER_WORKER) return;
      if (!this.#local) for (const n of this.#load.values()) if (n < IN_FLIGHT_PER_WORKER) return;
      await new Promise((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Evaluates one batch: resolves to {summary, figures, csv, rows}. */
  submit(id, records) {
    if (this.#failed) return Promise.reject(this.#failed);
    if (this.#local) {
      this.#localLoad += 1;
      return this.#local.segment(records).finally(() => {
        this.#localLoad -= 1;
        this.#waiters.splice(0).forEach((wake) => wake());
      });
    }
    let best = null;
    for (const worker of this.#workers) if (!best || this.#load.get(worker) < this.#load.get(best)) best = worker;
    this.#load.set(best, this.#load.get(best) + 1);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker: best });
      best.postMessage({ type: 'batch', id, records });
    });
  }

  terminate() {
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
  }
}

/** Text chunks of the source and a byte counter (files) or row total (sample). */
function openSource(source, stats) {
  if (source.kind === 'sample') {
    stats.total = source.count;
    return (async function* sample() {
      for (const text of sampleCsvChunks(source.count)) yield text;
    })();
  }
  const file = source.file;
  stats.totalBytes = file.size;
  return (async function* read() {
    const reader = file.stream().getReader();
    const decoder = new TextDecoder('utf-8');
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        stats.bytes += value.byteLength;
        const text = decoder.decode(value, { stream: true });
        if (text) yield text;
      }
    } finally {
      reader.releaseLock();
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  })();
}

async function run({ source, workers, columnMap = {} }) {
  const started = performance.now();
  const config = await (await fetch('/config/b2b-saas.json')).json();
  const stats = { bytes: 0, totalBytes: null, total: null };
  const parser = new CsvParser();
  const summary = { count: 0, errors: 0, segments: {}, grades: {}, stages: {}, temperatures: {}, mql: 0, sql: 0 };
  const figures = createFigures();
  const parts = [];
  const done = new Map(); // batch id -> csv, until it is its turn
  let nextToWrite = 0;
  let nextId = 0;
  let processed = 0;
  let pool = null;
  let header = null;
  let batch = [];
  const inFlight = new Set();
  let lastProgress = 0;

  const progress = (force = false) => {
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    post({ type: 'progress', processed, total: stats.total, bytes: stats.bytes, totalBytes: stats.totalBytes, elapsed: now - started });
  };

  const write = (id, csv) => {
    done.set(id, csv);
    while (done.has(nextToWrite)) {
      parts.push(new Blob([done.get(nextToWrite)], { type: 'text/csv' }));
      done.delete(nextToWrite);
      nextToWrite += 1;
    }
  };

  const dispatch = async (records) => {
    await pool.capacity();
    const id = nextId++;
    const job = pool.submit(id, records).then((result) => {
      mergeSummary(summary, result.summary);
      mergeFigures(figures, result.figures);
      processed += result.rows;
      write(id, result.csv);
      progress();
    });
    inFlight.add(job);
    job.finally(() => inFlight.delete(job)).catch(() => {});
  };

  const onRecords = async (records) => {
    for (const record of records) {
      if (header === null) {
        if (record.length === 1 && record[0] === '') continue;
        // The columns the visitor mapped on the page get the names the rules read.
        header = record.map((h) => columnMap[h.trim()] ?? h.trim());
        const { attributes, activity, ignored } = leadReader(config, header, { typeValue });
        post({ type: 'header', attributes, activity, ignored });
        parts.push(new Blob([outputHeader(header)], { type: 'text/csv' }));
        post({ type: 'phase', text: workers === 0 ? 'Loading the evaluator (WebAssembly)…' : `Starting ${workers} evaluation worker${workers === 1 ? '' : 's'} (WebAssembly)…` });
        pool = await Pool.create({ count: workers, config, header });
        post({ type: 'phase', text: 'Segmenting…' });
        continue;
      }
      if (record.length === 1 && record[0] === '') continue; // blank line
      batch.push(record);
      if (batch.length >= BATCH_ROWS) {
        const full = batch;
        batch = [];
        await dispatch(full);
      }
    }
  };

  try {
    for await (const text of openSource(source, stats)) {
      await onRecords(await parser.push(text));
      progress();
    }
    await onRecords(await parser.end());
    if (header === null) throw new Error('the file is empty: a CSV needs a header line');
    if (batch.length) await dispatch(batch);
    while (inFlight.size) await Promise.all([...inFlight]);
    progress(true);
    const blob = new Blob(parts, { type: 'text/csv' });
    post({ type: 'done', aggregate: { ...summary, ...figures }, blob, processed, elapsed: performance.now() - started, workers: pool.size });
  } finally {
    pool?.terminate();
  }
}

self.onmessage = ({ data }) => {
  if (data?.type !== 'start') return;
  run(data).catch((error) => post({ type: 'error', message: error?.message ?? String(error) }));
};

// The sample as a CSV file (for "Download the sample CSV"), built from chunks.
self.addEventListener('message', ({ data }) => {
  if (data?.type !== 'sample-csv') return;
  try {
    const parts = [];
    for (const text of sampleCsvChunks(data.count, { rowsPerChunk: 5000 })) parts.push(new Blob([text], { type: 'text/csv' }));
    post({ type: 'sample-csv', blob: new Blob(parts, { type: 'text/csv' }), count: data.count });
  } catch (error) {
    post({ type: 'error', message: error?.message ?? String(error) });
  }
});
