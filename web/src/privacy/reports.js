// report() and previewReport() of an engine: the options checked, the
// visitor's true bits read (report.js), one item drawn and randomized and
// the budget checked (reporter.js), the payload sent, and the spend given
// back when the send fails. docs/privacy.md says why each step is there.
// Without measurement consent report() and previewReport() answer null
// and run none of this.
import { leadsegError } from '../errors.js';
import { isExperimentList } from '../options.js';
import { DEFAULT_EPSILON, DEFAULT_SCORE_BANDS, checkBands, checkEpsilon, cryptoRandom, trueBits } from '../report.js';
import { planReport, reportItems } from './reporter.js';

/**
 * What the report code needs of the engine.
 * @typedef {object} ReportHost
 * @property {number} maxEpsilon
 * @property {Map<string, string>} segmentNames every segment of the config
 * @property {Record<string, string[]>} experiments createEngine's (or the config's) experiments
 * @property {import('./state.js').ReportState} state
 * @property {{perDay: number, per30Days: number}} limits
 * @property {() => void} sync moves the core's clock to now
 * @property {object} raw the core Engine (segments and score, read after sync)
 * @property {import('../decisions.js').Ledger} ledger exposures and conversions
 * @property {() => number} time now(), checked
 * @property {import('../emitter.js').Emitter} events the engine's events
 * @property {() => object} budget engine.reportBudget()
 */

/**
 * The report `options` ask for, planned against the budget: {refused} or
 * {payload, next, send, url}. `options` is a plain object (checked by the
 * engine, as the consent is).
 * @param {ReportHost} host
 */
export function planEngineReport(options, host) {
  const { epsilon = DEFAULT_EPSILON, send, url, scoreBands = DEFAULT_SCORE_BANDS } = options;
  checkEpsilon(epsilon, host.maxEpsilon);
  if (scoreBands !== false) checkBands(scoreBands);
  if (send !== undefined && typeof send !== 'function') throw leadsegError('report: send must be a function (payload) => Promise');
  const segmentIds = options.segments ?? [...host.segmentNames.keys()];
  if (!Array.isArray(segmentIds)) throw leadsegError('report: segments must be an array of segment ids');
  for (const id of segmentIds) {
    if (!host.segmentNames.has(id)) throw leadsegError(`report: unknown segment "${id}"`);
  }
  const experiments = options.experiments ?? host.experiments;
  if (!isExperimentList(experiments)) {
    throw leadsegError('report: experiments must be an object {experimentKey: [variant ids]}');
  }
  host.sync();
  const items = reportItems(trueBits({
    segmentIds,
    member: new Set(host.raw.segments()),
    score: host.raw.score().score,
    bands: scoreBands === false ? DEFAULT_SCORE_BANDS : scoreBands,
    experiments,
    ledger: host.ledger.toJSON(),
  }), { score: scoreBands !== false });
  if (items.length === 0) throw leadsegError('report: nothing to report (no segments, scoreBands false and no experiments)');
  const plan = planReport({ items, epsilon, state: host.state, limits: host.limits, time: host.time(), random: cryptoRandom });
  return { ...plan, send, url };
}

/**
 * Spends the plan's ε (written first: a report whose spend cannot be saved
 * is not sent) and sends its payload. Resolves to the payload, or to a
 * refusal when the spend could not be saved. A failed send gives the spend
 * back and rethrows.
 * @param {ReportHost} host
 */
export async function sendPlannedReport(plan, host) {
  const { payload, next } = plan;
  const writeError = host.state.write(next);
  if (writeError) {
    host.events.emit('storage:error', { operation: 'report', storage: 'localstorage', error: writeError, recovered: false });
    return { sent: false, reason: 'storage-error', message: `report: the privacy budget could not be saved (${writeError.message}); nothing was sent`, budget: host.budget() };
  }
  try {
    if (plan.send) await plan.send(payload);
    else if (plan.url !== undefined) {
      const response = await fetch(plan.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        credentials: 'omit',
        keepalive: true,
      });
      if (!response.ok) throw leadsegError(`report: ${plan.url} answered HTTP ${response.status}`);
    }
  } catch (error) {
    refund(host.state, next.spends.at(-1));
    throw error;
  }
  return payload;
}

// Gives back the spend of a report that was not sent (re-reading the
// state: another tab may have spent since). The memo drawn stays: if the
// payload did reach the collector, a retry must repeat it.
function refund(reportState, spend) {
  const state = reportState.read();
  const i = state.spends.findLastIndex((s) => s[0] === spend[0] && s[1] === spend[1]);
  if (i >= 0) state.spends.splice(i, 1);
  reportState.write(state);
}
