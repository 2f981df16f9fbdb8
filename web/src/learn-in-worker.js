// trainModel() / discoverSegments() with { worker: true }: the whole call
// (reading the leads, fitting, describing) runs in a module Web Worker
// (learn-worker.js), so the page keeps painting and handling input while a
// 100,000-lead list trains. The promise, onProgress and the AbortSignal
// behave as in the page's thread: progress events are forwarded, and an
// abort terminates the worker at once (not only between steps) and rejects
// with the signal's reason. Where there are no Web Workers (node) the call
// runs in this thread instead (learn.js decides).
import { describe, leadsegError } from './errors.js';
import { compiledLearnWasm, learnWasmHref } from './learn-loader.js';

// Lead objects are copied to the worker in parts of this many, as many
// parts per task as fit in SEND_SLICE_MS: structured cloning 100,000
// objects at once would hold the page's thread for hundreds of
// milliseconds, and one part per task paid a (clamped, >= 4 ms) timer per
// part on top of the copying.
const ROWS_PER_MESSAGE = 2000;
const SEND_SLICE_MS = 12;
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
const clock = () => (typeof performance === 'object' ? performance.now() : Date.now());

function defaultCreateWorker(url, what) {
  return new Worker(url ?? new URL('./learn-worker.js', import.meta.url), { type: 'module', name: `leadseg-${what}` });
}

const isBlob = (value) => typeof Blob === 'function' && value instanceof Blob;
const isStream = (value) => typeof ReadableStream === 'function' && value instanceof ReadableStream;

/** Checks options.worker / options.workerUrl; true when the call should run in a worker here. */
export function wantsWorker(options, what, hasWorkers = typeof globalThis.Worker === 'function') {
  const { worker, workerUrl } = options;
  if (worker !== undefined && typeof worker !== 'boolean') {
    throw leadsegError(`${what}: worker must be true or false, got ${describe(worker)}`, '/worker');
  }
  if (workerUrl !== undefined && typeof workerUrl !== 'string' && !(typeof URL === 'function' && workerUrl instanceof URL)) {
    throw leadsegError(`${what}: workerUrl must be a URL (string or URL), got ${describe(workerUrl)}`, '/workerUrl');
  }
  if (!worker) return false;
  if (options.module !== undefined) {
    throw leadsegError(`${what}: module cannot be used with worker: true (a module instance cannot cross to a worker; pass wasmUrl or wasmBinary)`, '/module');
  }
  return hasWorkers;
}

// A CSV input a worker can receive: text, a Blob/File (cloned: no copy of
// the bytes), or a ReadableStream (transferred); arrays of objects are cloned.
function transferable(value, name, what, transfer) {
  if (value === undefined || typeof value === 'string' || Array.isArray(value) || isBlob(value)) return value;
  if (isStream(value)) {
    transfer.push(value);
    return value;
  }
  if (value && typeof value[Symbol.asyncIterator] === 'function') {
    throw leadsegError(`${what}: with worker: true, ${name} must be text, a Blob/File, a ReadableStream or an array (an async iterable cannot be sent to a worker)`, `/${name}`);
  }
  return value;
}

// Resolved here: a relative URL would otherwise be read against the worker's own URL.
function absolute(url) {
  const base = globalThis.location?.href;
  return base ? new URL(String(url), base).href : String(url);
}

/**
 * Runs `fn` ('trainModel' or 'discoverSegments') in a worker.
 * @param {{createWorker?: (url: string|URL|undefined, what: string) => Worker}} [hooks] for tests
 */
export function learnInWorker(fn, config, leads, options, { createWorker = defaultCreateWorker } = {}) {
  const what = fn;
  const { signal, onProgress, worker: _worker, workerUrl, now, ...rest } = options;
  if (signal?.aborted) return Promise.reject(signal.reason ?? leadsegError(`${what}: aborted`));
  const transfer = [];
  const workerOptions = { ...rest };
  // A function cannot cross: the time is read here, once, as in-thread.
  if (now !== undefined) workerOptions.now = typeof now === 'function' ? now() : now;
  if (rest.wasmUrl !== undefined) workerOptions.wasmUrl = absolute(rest.wasmUrl);
  // The page's URL of the module: where its bundler emitted it.
  else if (rest.wasmBinary === undefined) workerOptions.wasmUrl = learnWasmHref();
  if (rest.events !== undefined) workerOptions.events = transferable(rest.events, 'events', what, transfer);
  const inParts = Array.isArray(leads) && leads.length > ROWS_PER_MESSAGE;
  const message = { fn, config, options: workerOptions };
  if (!inParts) message.leads = transferable(leads, 'leads', what, transfer);

  return new Promise((resolve, reject) => {
    let thread;
    const finish = () => {
      signal?.removeEventListener('abort', onAbort);
      thread?.terminate();
    };
    const onAbort = () => {
      finish();
      reject(signal.reason ?? leadsegError(`${what}: aborted`));
    };
    try {
      thread = createWorker(workerUrl, what);
    } catch (error) {
      reject(leadsegError(`${what}: could not start a worker (workerUrl: ${workerUrl ?? 'the package\'s learn-worker.js'}): ${error?.message ?? error}`, '/workerUrl', error));
      return;
    }
    signal?.addEventListener('abort', onAbort);
    thread.onmessage = ({ data }) => {
      if (data.type === 'progress') {
        onProgress?.(data.progress);
      } else if (data.type === 'done') {
        finish();
        resolve(data.result);
      } else if (data.type === 'error') {
        finish();
        const error = leadsegError(data.error.message, data.error.path);
        if (data.error.name !== 'LeadsegError') error.name = data.error.name;
        reject(error);
      }
    };
    thread.onerror = (event) => {
      event?.preventDefault?.();
      finish();
      reject(leadsegError(`${what}: the worker failed${event?.message ? `: ${event.message}` : ''} (workerUrl: ${workerUrl ?? 'the package\'s learn-worker.js'})`));
    };
    const send = async () => {
      // The module compiled once per page (off the page's thread, and only
      // the first time): the worker only instantiates it. Null in node or
      // when compiling failed: the worker then fetches and compiles its own.
      const wasmModule = workerOptions.wasmBinary === undefined ? await compiledLearnWasm(workerOptions.wasmUrl) : null;
      if (signal?.aborted) return;  // onAbort has settled the promise
      // First, so the worker instantiates (or loads) the learning module
      // while the leads are still arriving (not after).
      thread.postMessage({ prepare: { wasmUrl: workerOptions.wasmUrl, wasmBinary: workerOptions.wasmBinary, wasmModule } });
      if (inParts) {
        let sliceStart = clock();
        for (let start = 0; start < leads.length; start += ROWS_PER_MESSAGE) {
          if (clock() - sliceStart >= SEND_SLICE_MS) {
            await nextTask();
            sliceStart = clock();
          }
          if (signal?.aborted) return;  // onAbort has settled the promise
          thread.postMessage({ rows: leads.slice(start, start + ROWS_PER_MESSAGE) });
        }
      }
      thread.postMessage(message, transfer);
    };
    send().catch((error) => {
      finish();
      reject(leadsegError(`${what}: the leads could not be sent to the worker: ${error?.message ?? error}`, '/leads', error));
    });
  });
}
