// Which lead-list columns a config reads, and how an export's column names
// map onto them. CRM and marketing-automation exports name things their own
// way ("Employees", "Annual Revenue", "Job Title"); a column the config does
// not read is silently useless, so segmentLeads() reports it and the lead
// list page suggests a mapping for near matches.
//
// The config reads an attribute when it declares it (`attributes`) or a
// condition names it (segments, scoring traits, grading, lifecycle, slots;
// GrowthBook-style keys), minus what the engine
// computes (metrics, segments, score, grade, stage, ...): those come from
// events, never from a column.
import { isPlainObject, leadsegError, describe } from './errors.js';

const CONDITION_KEYS = new Set(['condition', 'when', 'trait', 'mql', 'sql']);

// Common export names -> the attribute they usually mean (compared normalized).
const SYNONYMS = {
  company_size: ['employees', 'employee count', 'number of employees', 'num employees', 'headcount', 'staff', 'company employees', 'size', 'team size'],
  annual_revenue: ['revenue', 'annual revenue', 'arr', 'turnover', 'yearly revenue', 'company revenue'],
  job_title: ['title', 'job', 'role', 'position', 'job role'],
  industry: ['sector', 'vertical', 'industry type'],
  country: ['country code', 'nation', 'location country'],
  age: ['years', 'age years'],
  newsletter_subscribed: ['newsletter', 'subscribed', 'newsletter subscriber', 'opt in', 'email opt in'],
};

// Columns that name something the engine computes from events.
const COMPUTED_HINTS = [
  { names: ['visits', 'sessions', 'visit count', 'page views', 'pageviews'], what: 'visits and page views are counted from events' },
  { names: ['last seen', 'last visit', 'last activity', 'last active', 'last touch'], what: 'recency is computed from the time of events' },
  { names: ['score', 'lead score', 'grade', 'stage', 'lifecycle stage', 'temperature'], what: 'the score, grade, stage and temperature are what this run computes' },
];

/** "Annual Revenue", "annual-revenue", "annualRevenue" -> "annual revenue". */
export function normalizeColumn(name) {
  return String(name).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

// Attribute names in a GrowthBook-style condition: its keys that are not
// operators ($or, $and, $not and $nor hold conditions; other operators hold
// values). Dotted paths read their first segment.
function collect(condition, into) {
  if (Array.isArray(condition)) {
    for (const item of condition) collect(item, into);
    return;
  }
  if (!isPlainObject(condition)) return;
  for (const [key, value] of Object.entries(condition)) {
    if (['$or', '$and', '$not', '$nor'].includes(key)) collect(value, into);
    else if (!key.startsWith('$')) into.add(key.split('.')[0]);
  }
}

function walk(node, into) {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, into);
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (CONDITION_KEYS.has(key)) collect(value, into);
    else walk(value, into);
  }
}

/**
 * The attributes (lead-list columns) a config reads.
 * @param {object} config the parsed config
 * @param {Iterable<string>} computed names the engine computes (engine.attributes() keys of an empty profile)
 * @returns {string[]} sorted
 */
export function columnsRead(config, computed) {
  const names = new Set(Object.keys(isPlainObject(config.attributes) ? config.attributes : {}));
  walk(config, names);
  for (const name of computed) names.delete(name);
  for (const s of config.segments ?? []) names.delete(s.id);
  for (const name of ['segments', 'score', 'grade', 'stage', 'temperature', 'leadCell', 'fit', 'engagement', 'declared', 'rfm']) names.delete(name);
  return [...names].sort();
}

const NO_KEYS = Object.freeze([]);

/**
 * The columns of lead objects, gathered one lead at a time: every key of
 * every plain-object lead, in the order first seen, but `events` and
 * `declarations`, which hold a lead's own history (`inline` says whether
 * any lead has one). segmentLeads' batch path adds each lead's keys as it
 * writes the lead (one Object.keys a lead), objectColumns a whole list.
 */
export class ObjectColumns {
  constructor() {
    this.seen = new Set();
    this.inline = false;
    this.previous = NO_KEYS;
  }

  /** Empty again, for another list (a set kept with the batch module: see batch-objects.js). */
  clear() {
    this.seen.clear();
    this.inline = false;
    this.previous = NO_KEYS;
  }

  /** Adds a plain-object lead's own keys (Object.keys). */
  add(keys) {
    // A lead whose keys are the previous lead's (a list's usual case) adds
    // nothing: skipped with a comparison per key rather than a set lookup.
    const previous = this.previous;
    let same = keys.length === previous.length;
    for (let k = 0; same && k < keys.length; k++) same = keys[k] === previous[k];
    if (same) return;
    this.previous = keys;
    for (const key of keys) {
      if (key === 'events' || key === 'declarations') this.inline = true;
      else this.seen.add(key);
    }
  }

  /** Adds the keys of every plain-object lead of `leads`. */
  addLeads(leads) {
    for (const row of leads) if (isPlainObject(row)) this.add(Object.keys(row));
  }

  /** The names, in the order first seen. */
  get names() {
    return [...this.seen];
  }
}

/**
 * The columns of a list of lead objects (ObjectColumns over every lead).
 * @param {unknown[]} leads
 * @returns {{names: string[], inline: boolean}}
 */
export function objectColumns(leads) {
  const columns = new ObjectColumns();
  columns.addLeads(leads);
  return { names: columns.names, inline: columns.inline };
}

/**
 * Compares a file's columns with what the config reads.
 * @param {string[]} reads columnsRead()
 * @param {string[]} columns the file's column names
 * @param {Record<string, string>} [columnMap] file column -> attribute
 * @param {Record<string, string[]>} [synonyms] more names per attribute (normalized), besides the built-in ones
 * @returns {{reads: string[], used: string[], missing: string[], ignored: string[],
 *            suggestions: Record<string, string>, hints: Record<string, string>}}
 */
export function compareColumns(reads, columns, columnMap = {}, synonyms = {}) {
  const readSet = new Set(reads);
  const target = (column) => columnMap[column] ?? column;
  const used = columns.filter((c) => readSet.has(target(c)));
  const covered = new Set(used.map(target));
  const ignored = columns.filter((c) => !readSet.has(target(c)));
  const missing = reads.filter((r) => !covered.has(r));
  const suggestions = {};
  const hints = {};
  const byNormal = new Map(missing.map((r) => [normalizeColumn(r), r]));
  for (const [attribute, names] of [...Object.entries(synonyms), ...Object.entries(SYNONYMS)]) {
    if (!missing.includes(attribute)) continue;
    for (const n of names) if (!byNormal.has(n)) byNormal.set(n, attribute);
  }
  const taken = new Set();
  for (const column of ignored) {
    if (column in columnMap) continue;
    const normal = normalizeColumn(column);
    const attribute = byNormal.get(normal) ?? byNormal.get(normal.replace(/ /g, '')) ?? byNormal.get(normal.replace(/s$/, ''));
    if (attribute && !taken.has(attribute)) {
      suggestions[column] = attribute;
      taken.add(attribute);
      continue;
    }
    const hint = COMPUTED_HINTS.find((h) => h.names.includes(normal));
    if (hint) hints[column] = hint.what;
  }
  return { reads, used, missing, ignored, suggestions, hints };
}

/** Checks segmentLeads's columnMap option: {fileColumn: attribute}. */
export function checkColumnMap(columnMap) {
  if (columnMap === undefined) return {};
  if (!isPlainObject(columnMap)) throw leadsegError(`segmentLeads: columnMap must be an object {fileColumn: attribute}, got ${describe(columnMap)}`, '/columnMap');
  const seen = new Map();
  for (const [column, attribute] of Object.entries(columnMap)) {
    if (typeof attribute !== 'string' || attribute.trim() === '') {
      throw leadsegError(`segmentLeads: columnMap["${column}"] must be an attribute name, got ${describe(attribute)}`, `/columnMap/${column.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
    if (seen.has(attribute)) throw leadsegError(`segmentLeads: columnMap maps both "${seen.get(attribute)}" and "${column}" to "${attribute}"`, '/columnMap');
    seen.set(attribute, column);
  }
  return columnMap;
}

/** The row with its mapped columns renamed (the row itself when nothing is mapped). */
export function renameColumns(row, columnMap, mapped) {
  if (!mapped) return row;
  const out = {};
  for (const [key, value] of Object.entries(row)) {
    const name = Object.hasOwn(columnMap, key) ? columnMap[key] : key;
    if (!(name in out) || name === key) out[name] = value;
  }
  return out;
}
