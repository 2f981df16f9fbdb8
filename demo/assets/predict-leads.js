// Turns a lead list (header + records of field texts) into what trainModel()
// and discoverSegments() read: one plain object per lead with the config's
// attributes, the events its activity columns stand for (lead-activity.js, the
// same replay as the lead-list page, so the config's metrics are features)
// and the outcome. Also finds the outcome column.
//
// Only the config's attributes and the activity columns become features:
// a model may only use what the runtime also knows about a visitor (other
// columns, e.g. an id or the sample's planted `persona`, are left out).
//
// No imports but lead-activity.js: the package's typeValue() is handed in, so
// node tests run the same code.
import { AS_OF, ACTIVITY_COLUMNS, activityEvents } from './lead-activity.js';

/** Column names taken as the outcome without asking (case and spacing ignored). */
export const OUTCOME_NAMES = ['converted', 'won', 'outcome'];

const ACTIVITY = new Set(ACTIVITY_COLUMNS.map(([name]) => name));
const TRUE_TEXT = /^(1|true|yes|y|won|converted)$/i;
const FALSE_TEXT = /^(0|false|no|n|lost)$/i;

const normalise = (name) => name.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** true / false for an outcome field, null when it is not a yes/no value (empty: null too). */
export function outcomeValue(text) {
  const t = String(text ?? '').trim();
  if (TRUE_TEXT.test(t)) return true;
  if (FALSE_TEXT.test(t)) return false;
  return null;
}

/**
 * The columns that can be an outcome: every value yes/no-like (empty
 * allowed), both classes present. `auto` is the one named converted / won /
 * outcome, if any (else null: the user chooses).
 * @returns {{candidates: {name: string, positives: number, labelled: number}[], auto: string|null}}
 */
export function detectOutcome(header, records) {
  const candidates = [];
  header.forEach((name, i) => {
    let positives = 0;
    let labelled = 0;
    for (const record of records) {
      const text = record[i] ?? '';
      if (text.trim() === '') continue;
      const v = outcomeValue(text);
      if (v === null) return;
      labelled += 1;
      if (v) positives += 1;
    }
    if (labelled > 0 && positives > 0 && positives < labelled) candidates.push({ name, positives, labelled });
  });
  const named = candidates.find((c) => OUTCOME_NAMES.includes(normalise(c.name)));
  return { candidates, auto: named ? named.name : null };
}

/**
 * Lead objects for the learning functions. With an `outcome` column, rows
 * whose outcome is empty are skipped (counted in `unlabelled`) and the
 * outcome is a boolean under its column's name; without one (discovery)
 * every row is a lead and the objects carry no outcome.
 * @returns {{leads: object[], unlabelled: number, attributes: string[], activity: string[]}}
 */
export function toLeads(header, records, { config, typeValue, outcome = null, asOf = AS_OF }) {
  const metricIds = new Set((config.metrics ?? []).map((m) => m.id));
  const attributeNames = new Set(Object.keys(config.attributes ?? {}).filter((n) => !metricIds.has(n)));
  const attributes = [];
  const activity = new Map();
  const names = header.map((h) => h.trim());
  names.forEach((name, i) => {
    if (name === outcome) return;
    if (ACTIVITY.has(name)) activity.set(name, i);
    else if (attributeNames.has(name)) attributes.push([name, i]);
  });
  const outcomeIndex = outcome ? names.indexOf(outcome) : -1;
  if (outcome && outcomeIndex < 0) throw new Error(`the outcome column "${outcome}" is not in the file`);
  const leads = [];
  let unlabelled = 0;
  for (const record of records) {
    const label = outcome ? outcomeValue(record[outcomeIndex]) : undefined;
    if (label === null) {
      unlabelled += 1;
      continue;
    }
    const lead = {};
    for (const [name, i] of attributes) {
      const value = i < record.length ? typeValue(record[i]) : undefined;
      if (value !== undefined) lead[name] = value;
    }
    const get = (name) => {
      const i = activity.get(name);
      return i === undefined || i >= record.length ? undefined : typeValue(record[i]);
    };
    // Event times are whole milliseconds (the package's rule); sessions spread
    // over days by lead-activity.js fall between them.
    const events = activityEvents(get).map(([msAgo, type, props]) => {
      const at = Math.round(asOf - msAgo);
      return Object.keys(props).length ? { type, at, props } : { type, at };
    });
    if (events.length) lead.events = events;
    if (outcome) lead[outcome] = label;
    leads.push(lead);
  }
  return { leads, unlabelled, attributes: attributes.map(([n]) => n), activity: [...activity.keys()] };
}

// What segmentLeads() adds to a lead besides its metrics: not features.
const RESULT_FIELDS = new Set(['segments', 'score', 'grade', 'stage', 'temperature', 'leadCell', 'mql', 'sql', 'rfm', 'error', 'metrics', 'events', 'declarations']);

/**
 * One feature row from a segmentLeads({metrics: true}) result: the lead's
 * own fields and every metric's value, without the rule results. A lead the
 * engine could not take throws, naming its row.
 */
export function featureRow(result, index) {
  if (result.error) throw new Error(`lead ${index + 1}: ${result.error}`);
  const row = {};
  for (const [key, value] of Object.entries(result)) if (!RESULT_FIELDS.has(key)) row[key] = value;
  return Object.assign(row, result.metrics ?? {});
}

/**
 * The rows with the outcome (a boolean under its column's name, replacing a
 * feature of that name); rows whose outcome is empty are left out.
 * `rows[i]` belongs to `records[i]`.
 */
export function withOutcome(rows, header, records, outcome) {
  const index = header.indexOf(outcome);
  if (index < 0) throw new Error(`the outcome column "${outcome}" is not in the file`);
  const out = [];
  records.forEach((record, i) => {
    const label = outcomeValue(record[index]);
    if (label !== null) out.push({ ...rows[i], [outcome]: label });
  });
  return out;
}
