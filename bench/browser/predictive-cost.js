// The page half of bench/node/predictive-cost.mjs: the same measurement
// (bench/lib/predictive-cost.js) through the package's createEngine in
// Chromium, batches timed with performance.now() (a page has no CPU clock).
import { createEngine } from '/web/src/index.js';
import { measurePredictiveCost } from '/bench/lib/predictive-cost.js';

window.measurePredictiveCost = (args) => measurePredictiveCost({ ...args, createEngine, clockUs: () => performance.now() * 1000 });
window.predictiveCostReady = true;
