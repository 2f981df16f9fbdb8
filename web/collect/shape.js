// What a collector accepts: the shape of version-2 reports (web/src/privacy/)
// for one config, and the rows a valid report becomes. Validation is strict:
// a report is stored whole or not at all, and a rejection names the
// offending JSON path.
import { channel } from '../src/privacy/channels.js';
import { scoreBand, DEFAULT_MAX_EPSILON, DEFAULT_SCORE_BANDS } from '../src/report.js';

/** {experimentKey: [variant ids]} of the config's slot experiments: the fixed shape of a report's experiment items. */
function configExperiments(config) {
  const out = {};
  for (const slot of Array.isArray(config.slots) ? config.slots : []) {
    const experiment = slot?.experiment;
    if (experiment && typeof experiment.key === 'string' && Array.isArray(experiment.variants)) out[experiment.key] = [...experiment.variants];
  }
  return out;
}

export class ReportError extends Error {
  constructor(message, path) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'ReportError';
    this.path = path;
  }
}

/**
 * The cells a config's reports count, and a validator.
 * @param {object} config  the site's leadseg config (parsed JSON)
 * @param {{scoreBands?: number[], maxEpsilon?: number, experiments?: Record<string, string[]>}} [options]
 */
export function reportShape(config, { scoreBands = DEFAULT_SCORE_BANDS, maxEpsilon = DEFAULT_MAX_EPSILON, experiments } = {}) {
  if (!config || typeof config !== 'object' || Array.isArray(config)) throw new TypeError('collector: the config must be a config object');
  if (config.segments !== undefined && !Array.isArray(config.segments)) throw new TypeError('collector: the config\'s segments must be an array');
  // `segments` is optional (an experiments-only site), as in the engine.
  const segments = (config.segments ?? []).map((s) => s.id);
  const bands = scoreBand(null, scoreBands).labels;
  const variants = experiments ?? configExperiments(config);
  return { segments, bands, experiments: variants, maxEpsilon };
}

const BASE_KEYS = ['version', 'mechanism', 'epsilon'];

function isBit(x) {
  return x === 0 || x === 1;
}

function exactKeys(object, keys, path) {
  if (!object || typeof object !== 'object' || Array.isArray(object)) throw new ReportError('must be an object', path);
  for (const key of Object.keys(object)) {
    if (!keys.includes(key)) throw new ReportError(`unknown field "${key}"`, path || '/');
  }
  for (const key of keys) {
    if (!(key in object)) throw new ReportError(`missing field "${key}"`, path || '/');
  }
}

function bitsOf(bits, length, path) {
  if (!Array.isArray(bits) || bits.length !== length) throw new ReportError(`must be an array of ${length} bits`, path);
  bits.forEach((b, i) => {
    if (!isBit(b)) throw new ReportError('must be 0 or 1', `${path}/${i}`);
  });
  return bits;
}

/**
 * Checks one payload against the shape; returns the rows to store:
 * [{cell, bit, p1, p0}] (p1 = P(report 1 | true 1), p0 = P(report 1 | true 0)
 * of the report's channel). Throws a ReportError naming the JSON path.
 */
export function reportRows(shape, payload) {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new ReportError('a report must be a JSON object', '');
  const item = ['segment', 'score', 'experiment'].filter((k) => k in payload);
  if (item.length !== 1) throw new ReportError('a report carries exactly one of segment, score, experiment', '');
  exactKeys(payload, [...BASE_KEYS, item[0]], '');
  if (payload.version !== 2) throw new ReportError('only version 2 reports are accepted', '/version');
  const { epsilon } = payload;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon <= 0 || epsilon > shape.maxEpsilon) {
    throw new ReportError(`must be a number in (0, ${shape.maxEpsilon}]`, '/epsilon');
  }
  const expected = item[0] === 'score' ? 'memoized-oue' : 'memoized-rr';
  if (payload.mechanism !== expected) throw new ReportError(`must be "${expected}" for a ${item[0]} report`, '/mechanism');

  if (item[0] === 'segment') {
    const s = payload.segment;
    exactKeys(s, ['id', 'bit'], '/segment');
    if (!shape.segments.includes(s.id)) throw new ReportError(`unknown segment ${JSON.stringify(s.id)}`, '/segment/id');
    if (!isBit(s.bit)) throw new ReportError('must be 0 or 1', '/segment/bit');
    const { a, b } = channel('segment', epsilon);
    return [{ cell: `segment:${s.id}`, bit: s.bit, p1: a, p0: b }];
  }
  if (item[0] === 'score') {
    const s = payload.score;
    exactKeys(s, ['bands', 'bits'], '/score');
    if (!Array.isArray(s.bands) || s.bands.length !== shape.bands.length || s.bands.some((label, i) => label !== shape.bands[i])) {
      throw new ReportError(`must be ${JSON.stringify(shape.bands)}`, '/score/bands');
    }
    bitsOf(s.bits, shape.bands.length, '/score/bits');
    const { a, b } = channel('score', epsilon);
    return s.bits.map((bit, i) => ({ cell: `score:${shape.bands[i]}`, bit, p1: a, p0: b }));
  }
  const e = payload.experiment;
  exactKeys(e, ['key', 'variant', 'bits'], '/experiment');
  if (typeof e.key !== 'string' || !Object.hasOwn(shape.experiments, e.key)) throw new ReportError(`unknown experiment ${JSON.stringify(e.key)}`, '/experiment/key');
  if (!shape.experiments[e.key].includes(e.variant)) throw new ReportError(`unknown variant ${JSON.stringify(e.variant)} of ${e.key}`, '/experiment/variant');
  bitsOf(e.bits, 2, '/experiment/bits');
  const { a, b } = channel('experiment', epsilon);
  const cell = `experiment:${e.key}:${e.variant}`;
  return [
    { cell: `${cell}:exposed`, bit: e.bits[0], p1: a, p0: b },
    { cell: `${cell}:converted`, bit: e.bits[1], p1: a, p0: b },
  ];
}
