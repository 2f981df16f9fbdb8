// The module worker trainModel() / discoverSegments() start with
// { worker: true } (learn-in-worker.js): it runs one call, here, off the
// page's main thread, and posts its progress and its result back. It loads
// the learning module itself (dist/leadseg-learn.{mjs,wasm}); the lead list
// arrives by postMessage and nothing leaves the worker but what the call
// returns.
//
// In:  {prepare: {wasmUrl, wasmBinary, wasmModule}}
//                     first: start loading the learning module now, while
//                     the leads arrive (a failure is the call's, later);
//                     wasmModule: the page's compiled WebAssembly.Module
//                     (instantiated, not fetched and compiled again), or null
//      {rows: [...]}  zero or more: a lead list of objects, in parts (the
//                     page copies a part per task, so it keeps drawing)
//      {fn: 'trainModel' | 'discoverSegments', config, leads | frame, options,
//       eventsFrame?, eventsAreLeads?}
//                     frame: an array of lead objects as columns
//                     (learn-transfer.js), read as columns here, not
//                     built into objects again; neither: the rows received before;
//                     eventsFrame: options.events (an array of activity rows)
//                     as columns; eventsAreLeads: options.events was the lead list
// Out: {type: 'progress', progress}
//      {type: 'done', result}
//      {type: 'error', error: {name, message, path}}
import { discoverSegments, trainModel } from './learn.js';
import { loadLearnModule } from './learn-loader.js';
import { LeadFrame } from './learn-transfer.js';

const FUNCTIONS = { trainModel, discoverSegments };

let received = [];

self.onmessage = async ({ data }) => {
  if (data.prepare) {
    // The same cached promise the call's loadLearnModule() gets; a failed
    // load is dropped from the cache and retried (and reported) there.
    loadLearnModule(data.prepare).catch(() => {});
    return;
  }
  if (data.rows) {
    for (const row of data.rows) received.push(row);
    return;
  }
  const { fn, config, options } = data;
  const leads = data.frame ? new LeadFrame(data.frame) : 'leads' in data ? data.leads : received;
  received = [];
  const events = data.eventsFrame ? { events: new LeadFrame(data.eventsFrame) } : data.eventsAreLeads ? { events: leads } : {};
  try {
    const result = await FUNCTIONS[fn](config, leads, {
      ...options,
      ...events,
      onProgress: (progress) => self.postMessage({ type: 'progress', progress }),
    });
    self.postMessage({ type: 'done', result });
  } catch (error) {
    self.postMessage({
      type: 'error',
      error: { name: error?.name ?? 'Error', message: error?.message ?? String(error), path: error?.path ?? '' },
    });
  }
};

// A message from the page this worker cannot deserialize is dropped without
// a word: a part of the lead list missing would make a model of the rest,
// the call's own message missing would leave the page waiting. Either way
// the call fails, saying so.
self.onmessageerror = () => {
  received = [];
  self.postMessage({
    type: 'error',
    error: { name: 'LeadsegError', message: 'a worker could not read a message from the page', path: '' },
  });
};
