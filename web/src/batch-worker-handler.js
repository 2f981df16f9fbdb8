// What one segmentLeads worker does (batch-worker.js wires it to `self`;
// node tests drive it in-process): it is handed the file once, then parts
// of it (row-aligned byte ranges, see csv-ranges.js) one at a time, and
// runs segmentLeadsPart on each with the header line in front, naming
// leads and rows by their numbers in the whole file.
//
// In:  {type: 'init', config, compiled, options, blob, header, wasmModule, columns}  (compiled: the config's
//       bytes, compiled by the page, which every range loads, or null; wasmModule: the compiled batch wasm,
//       or null; columns: send the part's results as columns, LeadColumns.toMessage's)
//      {type: 'range', id, start, end, firstRow, firstLead}  (firstRow, firstLead: null on a guessed split)
// Out: {type: 'progress', id, processed}
//      {type: 'done', id, leads, summary, warnings, columns?}  (columns' buffers transferred)
//      {type: 'error', id, error: {name, message, path}}
import { segmentLeadsPart } from './batch.js';
import { useCompiledBatchWasm } from './batch-module.js';
import { useCompiledConfig } from './batch-csv.js';
import { LeadColumns } from './lead-columns.js';

/** Returns the worker's message handler; `post(message, transfer)` sends one back. */
export function createWorkerHandler(post) {
  let job = null;
  let queue = Promise.resolve();

  async function range({ id, start, end, firstRow, firstLead }) {
    const { config, options, blob, header } = job;
    const part = new Blob([header, blob.slice(start, end)]);
    const columns = job.columns ? LeadColumns.forConfig(config, options.metrics === true) : null;
    const result = await segmentLeadsPart(config, part, {
      ...options,
      onProgress: ({ processed }) => post({ type: 'progress', id, processed }),
    }, { leadOffset: firstLead ?? 0, rowOffset: (firstRow ?? 2) - 2, columns }); // null: not known (a guessed split, counts alone)
    const done = { type: 'done', id, leads: result.leads, summary: result.summary, warnings: result.warnings };
    if (columns === null) {
      post(done, []);
      return;
    }
    const { part: sent, transfer } = columns.toMessage();
    post({ ...done, columns: sent }, transfer);
  }

  return (message) => {
    if (message.type === 'init') {
      job = message;
      if (message.wasmModule) useCompiledBatchWasm(message.wasmModule);
      useCompiledConfig(message.config, message.compiled);
      return queue;
    }
    queue = queue.then(() => range(message)).catch((error) => {
      post({
        type: 'error',
        id: message.id,
        error: { name: error?.name ?? 'Error', message: error?.message ?? String(error), path: error?.path ?? '' },
      });
    });
    return queue;
  };
}
