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
import { encodeLeads } from './learn-transfer.js';

// An array of lead objects, and an activity table of row objects
// (options.events), is read into columns whose buffers are
// transferred (learn-transfer.js), SEND_SLICE_MS of reading per task so
// that the page keeps drawing. A list that cannot be (nested values, class
// instances) is copied as objects, in parts of ROWS_PER_MESSAGE, as many
// parts per task as fit in SEND_SLICE_MS: structured cloning 100,000
// objects at once would hold the page's thread for hundreds of
// milliseconds, and one part per task paid a (clamped, >= 4 ms) timer per
// part on top of the copying.
const ROWS_PER_MESSAGE = 2000;
const SEND_SLICE_MS = 12;
const ABORTED = Symbol('aborted');
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
  // An activity table of row objects is sent as a frame, like the leads (below).
  const eventRows = Array.isArray(rest.events) ? rest.events : null;
  if (eventRows) delete workerOptions.events;
  else if (rest.events !== undefined) workerOptions.events = transferable(rest.events, 'events', what, transfer);
  const message = { fn, config, options: workerOptions };
  if (!Array.isArray(leads)) message.leads = transferable(leads, 'leads', what, transfer);

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
    // A result the page cannot deserialize never reaches onmessage: the
    // call would otherwise wait for it forever.
    thread.onmessageerror = () => {
      finish();
      reject(leadsegError(`${what}: the worker's message could not be read on this page`));
    };
    let sliceStart = clock();
    const pause = async () => {
      if (clock() - sliceStart >= SEND_SLICE_MS) {
        await nextTask();
        sliceStart = clock();
      }
      if (signal?.aborted) throw ABORTED;  // onAbort has settled the promise
    };
    const send = async () => {
      // The module compiled once per page (off the page's thread, and only
      // the first time): the worker only instantiates it. Null in node or
      // when compiling failed: the worker then fetches and compiles its own.
      // Told first, as soon as the module is there, so that the worker
      // instantiates (or loads) it while the page is still reading the leads.
      const prepared = (workerOptions.wasmBinary === undefined ? compiledLearnWasm(workerOptions.wasmUrl) : Promise.resolve(null))
        .then((wasmModule) => thread.postMessage({ prepare: { wasmUrl: workerOptions.wasmUrl, wasmBinary: workerOptions.wasmBinary, wasmModule } }));
      prepared.catch(() => {});  // awaited below, unless aborted before
      const encoded = Array.isArray(leads) ? await encodeLeads(leads, { pause }) : null;
      if (eventRows && eventRows === leads) {
        // One list as both: the worker is told so, and the call refuses it there as here.
        message.eventsAreLeads = true;
      } else if (eventRows) {
        // Rows with props objects or Dates too: such cells are cloned with the frame.
        const events = await encodeLeads(eventRows, { pause, nested: true });
        if (events) {
          message.eventsFrame = events.frame;
          transfer.push(...events.transfer);
        } else {
          workerOptions.events = eventRows;  // cloned: rows a frame cannot state (class instances, __proto__)
        }
      }
      await prepared;
      if (signal?.aborted) return;  // onAbort has settled the promise
      if (encoded) {
        message.frame = encoded.frame;
        transfer.push(...encoded.transfer);
      } else if (Array.isArray(leads) && leads.length <= ROWS_PER_MESSAGE) {
        message.leads = leads;
      } else if (Array.isArray(leads)) {
        for (let start = 0; start < leads.length; start += ROWS_PER_MESSAGE) {
          await pause();
          thread.postMessage({ rows: leads.slice(start, start + ROWS_PER_MESSAGE) });
        }
      }
      thread.postMessage(message, transfer);
    };
    send().catch((error) => {
      if (error === ABORTED) return;
      finish();
      reject(leadsegError(`${what}: the leads could not be sent to the worker: ${error?.message ?? error}`, '/leads', error));
    });
  });
}
