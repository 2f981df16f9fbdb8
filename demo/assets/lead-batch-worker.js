// Lead-list evaluation worker (module worker): segments batches of CSV
// records with the package's segmentLeads() (lead-batch.js) and returns
// their summary, figures and segmented CSV lines. Started by
// leads-worker.js, one per spare core.
import { segmentLeads, typeValue } from '/web/dist/leadseg.browser.js';
import { createBatchSegmenter } from './lead-batch.js';

let segmenter = null;
let queue = Promise.resolve();

function init({ config, header }) {
  segmenter = createBatchSegmenter({ config, header, segmentLeads, typeValue });
  self.postMessage({ type: 'ready' });
}

async function batch({ id, records }) {
  const result = await segmenter.segment(records);
  self.postMessage({ type: 'result', id, ...result });
}

self.onmessage = ({ data }) => {
  const run = data.type === 'init' ? async () => init(data) : () => batch(data);
  queue = queue.then(run).catch((error) => {
    self.postMessage({ type: 'error', message: error?.message ?? String(error) });
  });
};
