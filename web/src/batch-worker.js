// The module worker segmentLeads starts for a CSV split across cores
// (batch-workers.js). One per core; see batch-worker-handler.js.
import { createWorkerHandler } from './batch-worker-handler.js';
// Every module under batch-worker-handler.js, named here too: a module
// worker fetches its graph a level at a time (a module's imports are asked
// for once it has arrived and been parsed), and from the package's sources
// that was six levels, 140-220 ms from new Worker() to the handler in
// Chromium (docs/performance.md, s36). Named here, they are all fetched at
// once. `export {} from`, not a bare import: esbuild warns about those in a
// package marked sideEffects: false. (The bundled worker,
// dist/leadseg.browser-batch-worker.js, is one file anyway;
// tests/web/batch-workers.test.mjs keeps this list whole.)
export {} from './batch-csv.js';
export {} from './batch-events-wasm.js';
export {} from './batch-module.js';
export {} from './batch-objects.js';
export {} from './batch-results.js';
export {} from './batch-workers-option.js';
export {} from './batch.js';
export {} from './blob-bytes.js';
export {} from './column-map.js';
export {} from './computed-columns.js';
export {} from './csv.js';
export {} from './errors.js';
export {} from './indexed-leads.js';
export {} from './instantiate-compiled.js';
export {} from './lead-columns.js';
export {} from './lead-events.js';
export {} from './lead-object-helpers.js';
export {} from './lead-records.js';
export {} from './loader-wasm.js';
export {} from './loader.js';
export {} from './plain-json-text.js';
export {} from './yield.js';

const handle = createWorkerHandler((message, transfer) => self.postMessage(message, transfer));
self.onmessage = ({ data }) => {
  handle(data);
};
// A message from the page this worker cannot deserialize (a range, or the
// init with the file and the compiled module) would otherwise be dropped
// without a word, and the page would wait for its part forever.
self.onmessageerror = () => {
  self.postMessage({ type: 'error', id: null, error: { name: 'LeadsegError', message: 'segmentLeads: a worker could not read a message from the page', path: '' } });
};
