// A lead list as the learning module takes it: one typed column per
// feature. Rows come from the inputs segmentLeads() takes (objects, CSV
// text, a Blob/File or a stream); when there is activity (options.events,
// or `events` inside lead objects) each lead is replayed through the
// config by segmentLeads() and its metrics (every metric's value at `now`)
// become columns next to its own. Columns are named by attribute
// (after columnMap), as the exported model and segment conditions read them.
// The leads are read by column (learn-table.js); in the learn worker, an
// array of objects arrives as columns already (learn-transfer.js).
import { describe, isPlainObject, leadsegError } from './errors.js';
import { parseCsv } from './csv.js';
import { checkColumnMap, renameColumns } from './column-map.js';
import { LeadFrame, decodeLeads } from './learn-transfer.js';
import { tableOfFrame, tableOfRows } from './learn-table.js';

// Not features: what segmentLeads adds to a lead, and a lead's history.
const RESULT_FIELDS = new Set(['segments', 'score', 'grade', 'stage', 'temperature', 'error', 'metrics', 'events', 'declarations']);
// A text column with more distinct values than this (and than half the
// rows) is an identifier (email, name), not a category.
const MAX_DISTINCT = 50;

function isCsvInput(leads) {
  return typeof leads === 'string' || (typeof Blob === 'function' && leads instanceof Blob) ||
    (leads && typeof leads.getReader === 'function') || (leads && typeof leads[Symbol.asyncIterator] === 'function');
}

function parseConfig(config, what) {
  if (typeof config === 'string') {
    try {
      return JSON.parse(config);
    } catch (error) {
      throw leadsegError(`${what}: config is not valid JSON: ${error.message}`);
    }
  }
  if (isPlainObject(config)) return config;
  throw leadsegError(`${what}: config must be a config object or its JSON text, got ${describe(config)}`);
}

/**
 * The leads (by column, keyed by attribute: learn-table.js) and the parsed config.
 * @returns {Promise<{table: object, config: object, metricIds: string[]}>}
 */
export async function readLeads(config, leads, options, what) {
  const parsed = parseConfig(config, what);
  const columnMap = checkColumnMap(options.columnMap);
  const mapped = Object.keys(columnMap).length > 0;
  // In the learn worker, frames (learn-transfer.js) stand for the arrays of
  // objects the page passed: as leads, and as options.events.
  let events = options.events;
  if (leads instanceof LeadFrame) {
    // Renaming and replaying read lead objects (the worker gets no frame with inline events).
    if (!mapped && events === undefined) return { table: tableOfFrame(leads.frame), config: parsed, metricIds: [] };
    const frame = leads;
    leads = decodeLeads(frame.frame);
    if (events === frame) events = leads;  // one list passed as both: segmentLeads refuses it
  }
  if (events instanceof LeadFrame) events = decodeLeads(events.frame);
  if (!Array.isArray(leads) && !isCsvInput(leads)) {
    throw leadsegError(`${what}: leads must be an array of objects, CSV text, a Blob/File or a ReadableStream, got ${describe(leads)}`);
  }
  const inline = Array.isArray(leads) && leads.some((row) => isPlainObject(row) && row.events != null);
  const metricIds = (parsed.metrics ?? []).map((m) => m.id).filter((id) => typeof id === 'string');
  if (events !== undefined || inline) {
    // Replayed through the config: the package's batch path.
    const { segmentLeads } = await import('./batch.js');
    const passed = {};
    for (const key of ['idColumn', 'eventColumns', 'columnMap', 'types', 'now', 'signal']) {
      if (options[key] !== undefined) passed[key] = options[key];
    }
    if (events !== undefined) passed.events = events;
    const { leads: results } = await segmentLeads(config, leads, { ...passed, metrics: true });
    const rows = [];
    results.forEach((lead, i) => {
      if (lead.error) throw leadsegError(`${what}: lead ${i}: ${lead.error}`);
      const row = {};
      for (const [key, value] of Object.entries(renameColumns(lead, columnMap, mapped))) {
        if (!RESULT_FIELDS.has(key)) row[key] = value;
      }
      for (const [id, value] of Object.entries(lead.metrics ?? {})) row[id] = value;
      rows.push(row);
    });
    return { table: tableOfRows(rows), config: parsed, metricIds };
  }
  const rows = [];
  const take = (row) => {
    if (!isPlainObject(row)) throw leadsegError(`${what}: lead ${rows.length} is not a plain object, got ${describe(row)}`);
    rows.push(renameColumns(row, columnMap, mapped));
  };
  if (Array.isArray(leads)) {
    leads.forEach(take);
  } else {
    for await (const row of parseCsv(leads, { types: options.types ?? true })) {
      take(row);
      if (options.signal?.aborted) throw options.signal.reason ?? leadsegError(`${what}: aborted`);
    }
  }
  return { table: tableOfRows(rows), config: parsed, metricIds: [] };
}

/** The feature columns to use: options.features, or every column but `exclude`. */
export function featureNames(table, options, exclude, what) {
  const present = new Set(table.names());
  if (options.features !== undefined) {
    if (!Array.isArray(options.features) || options.features.length === 0) {
      throw leadsegError(`${what}: features must be a non-empty array of column names, got ${describe(options.features)}`, '/features');
    }
    options.features.forEach((name, i) => {
      if (typeof name !== 'string') throw leadsegError(`${what}: features[${i}] must be a column name, got ${describe(name)}`, `/features/${i}`);
      if (!present.has(name)) {
        throw leadsegError(`${what}: features[${i}] "${name}" is not a column of the leads (their columns: ${[...present].map((c) => `"${c}"`).join(', ')})`, `/features/${i}`);
      }
      if (exclude.has(name)) throw leadsegError(`${what}: features[${i}] "${name}" is the outcome or the id column`, `/features/${i}`);
    });
    return { names: [...new Set(options.features)], explicit: true };
  }
  return { names: [...present].filter((name) => !exclude.has(name) && !RESULT_FIELDS.has(name)), explicit: false };
}

/**
 * Types each column from its values and hands it to the learner: numbers
 * (booleans read as 0/1 among them) as a numeric column, only booleans as a
 * boolean column, any text as a categorical column (levels keep their JSON
 * value). Missing: undefined, null, '' and NaN. Returns the columns left out.
 */
export function addColumns(learner, table, names, explicit, unwrap) {
  const skipped = [];
  const n = table.length;
  for (const name of names) {
    const column = table.values(name);
    let numbers = 0, booleans = 0, texts = 0, other = 0;
    for (const v of column) {
      if (v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v))) continue;
      if (typeof v === 'number' && Number.isFinite(v)) numbers++;
      else if (typeof v === 'boolean') booleans++;
      else if (typeof v === 'string') texts++;
      else other++;
    }
    if (other > 0) {
      skipped.push({ column: name, reason: 'has values that are not numbers, booleans or text' });
      continue;
    }
    if (texts === 0) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = column[i];
        values[i] = typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'boolean' ? (v ? 1 : 0) : NaN;
      }
      learner.addNumeric(name, values, numbers === 0 && booleans > 0);
      continue;
    }
    const codes = new Int32Array(n);
    // Levels by value: text in one map, numbers and booleans in another (so
    // that "1" and 1 stay two levels), without building a key per lead.
    const textCodes = new Map();
    const otherCodes = new Map();
    const levels = [];
    for (let i = 0; i < n; i++) {
      const v = column[i];
      if (v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v))) {
        codes[i] = -1;
        continue;
      }
      const index = typeof v === 'string' ? textCodes : otherCodes;
      let code = index.get(v);
      if (code === undefined) {
        code = levels.length;
        index.set(v, code);
        levels.push(v);
      }
      codes[i] = code;
    }
    if (!explicit && levels.length > Math.max(MAX_DISTINCT, n / 2)) {
      skipped.push({ column: name, reason: `${levels.length} distinct values: an identifier, not a category (name it in features to use it)` });
      continue;
    }
    unwrap(learner.addCategorical(name, JSON.stringify(levels), codes));
  }
  return skipped;
}
