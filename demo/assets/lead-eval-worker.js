// Lead-list evaluation worker (module worker): evaluates batches of CSV
// records with its own leadseg engine and returns their segmented CSV lines
// and aggregates. Started by leads-worker.js, one per spare core.
import { createEngine, typeValue } from '/web/dist/leadseg.browser.js';
import { LeadEvaluator, createAggregate } from './lead-eval.js';

let config = null;
let evaluator = null;
let time = 0;
let queue = Promise.resolve();

async function init({ config: cfg, header, asOf }) {
  config = cfg;
  const engine = await createEngine({ config, now: () => time });
  evaluator = new LeadEvaluator({ engine, setTime: (t) => { time = t; }, typeValue, config, asOf });
  evaluator.setHeader(header);
  self.postMessage({ type: 'ready' });
}

async function batch({ id, records }) {
  const agg = createAggregate(config);
  const csv = await evaluator.evaluateBatch(records, agg);
  self.postMessage({ type: 'result', id, csv, agg, rows: records.length });
}

self.onmessage = ({ data }) => {
  const run = data.type === 'init' ? () => init(data) : () => batch(data);
  queue = queue.then(run).catch((error) => {
    self.postMessage({ type: 'error', message: error?.message ?? String(error) });
  });
};
