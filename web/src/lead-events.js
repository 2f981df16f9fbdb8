// Events of leads for segmentLeads(): event times, the events a lead object
// carries (`events: [{type, at, props}]`), and an activity table (objects or
// CSV, one row per event) grouped per lead id before the leads are read.
//
// What is held: the activity table is read whole, streaming, into a Map
// from lead id to that lead's events, each kept as [time, type, props as
// JSON text, row]. Types are shared, empty props are one string; the CSV
// text itself is not kept. A lead list can then be streamed against it.
import { describe, isPlainObject, isWellFormed, leadsegError, loneSurrogateAt, toJsonText, withContext } from './errors.js';
import { parseCsvNumbered, typeValue } from './csv.js';
import { YIELD_EVERY_MS, yieldToEventLoop } from './yield.js';

/** 2200-01-01, the core's latest time (kMaxTime). */
export const MAX_TIME = 7_258_118_400_000;
/** 1973-03-03T09:46:40Z, the core's earliest time (kEarliestTime): a number of milliseconds below this is almost surely seconds. */
export const SECONDS_LIMIT = 1e11;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DIGITS = /^\d{1,16}$/;
const TIME_FORMS = 'milliseconds since the epoch, or ISO 8601 text such as "2026-01-05T10:30:00Z"';
const EMPTY_PROPS = '{}';

function daysInMonth(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO 8601 date or date-time → ms; a time without an offset is UTC. null if not ISO 8601. */
export function isoTime(text) {
  const m = ISO.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0..99 to 1900..1999
  date.setUTCHours(hour, minute, second, millis);
  let ms = date.getTime();
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (zh > 23 || zm > 59) return null;
    ms -= (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  return ms;
}

/**
 * An event time → ms since the epoch, or a string saying what is wrong.
 * Accepts whole milliseconds (a number or a string of digits), ISO 8601
 * text (no offset: UTC) and valid Dates; 1973-03-03 (SECONDS_LIMIT, the
 * core's kEarliestTime) to 2200 (MAX_TIME). A number below SECONDS_LIMIT is
 * refused as seconds passed as milliseconds.
 */
export function eventTime(value) {
  let ms;
  let numeric = false;
  if (typeof value === 'number') {
    ms = value;
    numeric = true;
  } else if (typeof value === 'string') {
    if (DIGITS.test(value)) {
      ms = Number(value);
      numeric = true;
    } else {
      ms = isoTime(value);
      if (ms === null) return `${describe(value)} is not a time (${TIME_FORMS})`;
    }
  } else if (value instanceof Date) {
    ms = value.getTime();
    if (Number.isNaN(ms)) return 'an invalid Date is not a time';
  } else {
    return `${describe(value)} is not a time (${TIME_FORMS})`;
  }
  if (!Number.isFinite(ms)) return `${ms} is not a time (${TIME_FORMS})`;
  if (!Number.isInteger(ms)) return `${ms} is not a whole number of milliseconds`;
  if (ms < 0 || ms > MAX_TIME) return `${numeric ? ms : describe(value)} is outside 1970..2200`;
  if (numeric && ms < SECONDS_LIMIT) {
    return `${ms} is in ${new Date(ms).getUTCFullYear()}: seconds passed as milliseconds? (times are milliseconds since the epoch)`;
  }
  // The core refuses every time before 1e11 (docs/config.md, "Time and
  // durations"); say so here rather than blame seconds for a date.
  if (ms < SECONDS_LIMIT) return `${describe(value)} is before 1973-03-03, the earliest time leadseg accepts`;
  return ms;
}

// toJsonText with the error's path made absolute: "lead 2 at /events/3/props/x: ...".
function jsonAt(value, what, base) {
  const mark = '\u0000';
  try {
    return toJsonText(value, mark);
  } catch (error) {
    if (error?.name !== 'LeadsegError') throw error;
    const path = base + (error.path ?? '');
    const prefix = error.path ? `${mark} at ${error.path}: ` : `${mark}: `;
    const problem = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message.replace(mark, '').trim();
    throw leadsegError(`${what} at ${path}: ${problem}`, path, error);
  }
}

function typeProblem(type) {
  if (type === undefined || type === null || type === '') return 'the event type is missing';
  if (typeof type !== 'string') return `the event type must be text, got ${describe(type)}`;
  const at = loneSurrogateAt(type);
  if (at >= 0) return `the event type has a lone surrogate (at index ${at}), which is not valid Unicode`;
  return null;
}

/**
 * The join key of a lead id value: text and numbers (and booleans) as text,
 * so 42 in one file matches "42" in the other; null if there is none.
 */
export function leadKey(value) {
  switch (typeof value) {
    case 'string': return value === '' ? null : value;
    case 'number': return Number.isFinite(value) ? String(value) : null;
    case 'boolean': return String(value);
    default: return null;
  }
}

// A string as JSON text (JSON.stringify's), or null if it holds a lone
// surrogate. The usual key or value needs no escape: quoted as it is,
// without a call into JSON.stringify.
function quoted(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return isWellFormed(s) ? JSON.stringify(s) : null;
  }
  return `"${s}"`;
}

// A scalar of flat props as JSON text (JSON.stringify's), or null for
// anything else: undefined, NaN, objects, functions, lone surrogates.
function scalarJson(v) {
  switch (typeof v) {
    case 'string': return quoted(v);
    case 'number': return Number.isFinite(v) ? String(v) : null;  // -0 as "0", as JSON.stringify
    case 'boolean': return v ? 'true' : 'false';
    case 'object': return v === null ? 'null' : null;
    default: return null;
  }
}

/**
 * The JSON text toJsonText gives for flat `props` (flat-props.js's rules:
 * strings, finite numbers, booleans, null or arrays of those, no lone
 * surrogate, no "__proto__" key, no toJSON method), or null for any other,
 * which then takes toJsonText and its messages. For an event's usual props
 * ({path: '/pricing'}) toJsonText's replacer (a JSON Pointer built and
 * checked per value) was most of a lead object's JavaScript cost
 * (docs/performance.md, s38 events). Each value is read once; props that
 * are not flat have theirs read again by toJsonText, as flatPropsCopy's.
 * @param {object} props a plain object (the caller has checked)
 * @returns {string|null}
 */
function flatPropsJson(props) {
  if (typeof props.toJSON === 'function') return null;
  let text = '';
  for (const key of Object.keys(props)) {
    const name = key === '__proto__' ? null : quoted(key);
    if (name === null) return null;
    const value = props[key];
    let json;
    if (Array.isArray(value)) {
      if (typeof value.toJSON === 'function') return null;
      json = '';
      for (let i = 0; i < value.length; i++) {
        const item = scalarJson(value[i]);
        if (item === null) return null;
        json += i === 0 ? item : `,${item}`;
      }
      json = `[${json}]`;
    } else {
      json = scalarJson(value);
      if (json === null) return null;
    }
    text += `${text === '' ? '' : ','}${name}:${json}`;
  }
  return `{${text}}`;
}

// Why event `i` of a lead is refused, at `/events/i` + `suffix`.
function eventError(what, i, suffix, problem) {
  const at = `/events/${i}${suffix}`;
  return leadsegError(`${what} at ${at}: ${problem}`, at);
}

/**
 * The `events` of a lead object → flat [at, type, propsJson, ref, ...]
 * with ref = -1 - index, or throws naming the lead and the path.
 * `what`: "lead 3" (or "lead 3 (row 5)").
 */
export function inlineEvents(events, what) {
  if (!Array.isArray(events)) throw leadsegError(`${what} at /events: events must be an array of {type, at, props?}, got ${describe(events)}`, '/events');
  const out = new Array(events.length * 4);
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!isPlainObject(e)) throw eventError(what, i, '', `an event must be an object {type, at, props?}, got ${describe(e)}`);
    // for-in rather than Object.keys (no array an event): own keys come
    // first, in Object.keys' order, so the first unknown own key is the same.
    for (const key in e) {
      if (key !== 'type' && key !== 'at' && key !== 'props' && Object.hasOwn(e, key)) {
        throw eventError(what, i, `/${key}`, `unknown key "${key}" (an event is {type, at, props?})`);
      }
    }
    const type = e.type;
    const problem = typeProblem(type);
    if (problem) throw eventError(what, i, '/type', problem);
    const when = e.at;
    let ms;
    // Whole milliseconds in range, the usual time, as eventTime answers them.
    if (typeof when === 'number' && when >= SECONDS_LIMIT && when <= MAX_TIME && Number.isInteger(when)) {
      ms = when;
    } else {
      if (when === undefined) throw eventError(what, i, '/at', 'the event time "at" is missing');
      ms = eventTime(when);
      if (typeof ms === 'string') throw eventError(what, i, '/at', ms);
    }
    let props = EMPTY_PROPS;
    const given = e.props;
    if (given !== undefined && given !== null) {
      if (!isPlainObject(given)) throw eventError(what, i, '/props', `props must be an object, got ${describe(given)}`);
      props = flatPropsJson(given) ?? jsonAt(given, what, `/events/${i}/props`);
      if (props.length === 2) props = EMPTY_PROPS;
    }
    out[4 * i] = ms;
    out[4 * i + 1] = type;
    out[4 * i + 2] = props;
    out[4 * i + 3] = -1 - i;
  }
  return out;
}

/** A lead object's `declarations` → [[key, valueJson]], or throws naming the lead and the path. */
export function inlineDeclarations(declarations, what) {
  if (!isPlainObject(declarations)) {
    throw leadsegError(`${what} at /declarations: declarations must be an object {key: value}, got ${describe(declarations)}`, '/declarations');
  }
  const out = [];
  for (const [key, value] of Object.entries(declarations)) {
    if (value === undefined || value === null) continue;
    const path = `/declarations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const at = loneSurrogateAt(key);
    if (at >= 0) throw leadsegError(`${what} at ${path}: the key has a lone surrogate (at index ${at}), which is not valid Unicode`, path);
    out.push([key, jsonAt(value, what, path)]);
  }
  return out;
}

const isBlob = (value) => typeof globalThis.Blob === 'function' && value instanceof globalThis.Blob;

/** Whether `value` is something options.events can be. */
export function isEventsInput(value) {
  return Array.isArray(value) || typeof value === 'string' || isBlob(value) ||
    Boolean(value && (typeof value.getReader === 'function' || typeof value[Symbol.asyncIterator] === 'function'));
}

const MAX_UNKNOWN_IDS = 10;

/**
 * The activity table, grouped per lead id. Build it with `readEvents()`;
 * `take(key)` hands a lead its events; `unmatched()` counts what no lead took.
 */
export class EventIndex {
  /** key -> {events: [at, type, props, ref, ...], rows, error, errors, late, used} */
  groups = new Map();
  /** Activity rows read. */
  read = 0;
  /** Rows without a lead id (counted as events for unknown leads). */
  withoutId = 0;
  #types = new Map();
  #now;
  #source;

  /** @param {{now: number, source: 'csv' | 'array'}} options */
  constructor({ now, source }) {
    this.#now = now;
    this.#source = source;
  }

  /** "events CSV row 17" / "options.events[16]" */
  where(ref) {
    return this.#source === 'csv' ? `events CSV row ${ref}` : `options.events[${ref}]`;
  }

  #type(type) {
    let shared = this.#types.get(type);
    if (shared === undefined) {
      // A copy, so the key does not keep a whole chunk of the input alive.
      shared = JSON.parse(JSON.stringify(type));
      this.#types.set(shared, shared);
    }
    return shared;
  }

  /**
   * One row: `key` its lead id (leadKey), or null; `problem` what is wrong
   * with it, or null; else at, type and props.
   */
  add(key, ref, problem, at, type, props) {
    this.read++;
    if (key === null) {
      this.withoutId++;
      return;
    }
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { events: [], rows: 0, error: null, errors: 0, late: 0, used: false };
      this.groups.set(JSON.parse(JSON.stringify(key)), group);
    }
    group.rows++;
    if (problem !== null) {
      group.errors++;
      if (group.error === null) {
        group.error = `${this.where(ref)}${problem.startsWith(' at ') ? '' : ': '}${problem}`;
        group.events = [];
      }
      return;
    }
    if (group.error !== null) return;
    if (at > this.#now) {
      group.late++;
      return;
    }
    group.events.push(at, this.#type(type), props, ref);
  }

  /** The group of a lead id (marked as used), or undefined. */
  take(key) {
    const group = this.groups.get(key);
    if (group !== undefined && !group.used) {
      group.used = true;
      if (group.error === null) this.#late += group.late;
    }
    return group;
  }

  #late = 0;

  /**
   * {unknownLead, unknownLeadIds, afterNow}: rows no lead took (rows without
   * an id included), and the rows later than `now` of the leads that did.
   */
  unmatched() {
    let unknownLead = this.withoutId;
    const unknownLeadIds = [];
    for (const [key, group] of this.groups) {
      if (group.used) continue;
      unknownLead += group.rows;
      if (unknownLeadIds.length < MAX_UNKNOWN_IDS) unknownLeadIds.push(key);
    }
    return { unknownLead, unknownLeadIds, afterNow: this.#late };
  }
}

/**
 * Checks options.eventColumns and fills in the defaults:
 * {lead: idColumn, type: 'type', at: 'at'}.
 */
export function eventColumnsOption(value, idColumn) {
  const columns = { lead: idColumn, type: 'type', at: 'at' };
  if (value === undefined) return columns;
  if (!isPlainObject(value)) throw leadsegError(`segmentLeads: eventColumns must be an object {lead?, type?, at?}, got ${describe(value)}`);
  for (const [key, name] of Object.entries(value)) {
    if (!(key in columns)) throw leadsegError(`segmentLeads: unknown eventColumns key "${key}" (expected lead, type, at)`, `/eventColumns/${key}`);
    if (typeof name !== 'string' || name.trim() === '') {
      throw leadsegError(`segmentLeads: eventColumns.${key} must be a column name, got ${describe(name)}`, `/eventColumns/${key}`);
    }
    columns[key] = name.trim();
  }
  if (new Set([columns.lead, columns.type, columns.at]).size < 3) {
    throw leadsegError(`segmentLeads: eventColumns name the same column twice (lead "${columns.lead}", type "${columns.type}", at "${columns.at}")`);
  }
  return columns;
}

/**
 * Reads options.events (an array of row objects or CSV) into an EventIndex.
 * @param {unknown} input
 * @param {{columns: {lead: string, type: string, at: string}, types: boolean, now: number,
 *          signal?: AbortSignal, progressEvery: number, onRows?: (read: number) => void}} options
 */
export async function readEvents(input, { columns, types, now, signal, progressEvery, onRows }) {
  const csv = !Array.isArray(input);
  const index = new EventIndex({ now, source: csv ? 'csv' : 'array' });
  let lastYield = Date.now();
  const tick = async () => {
    if (index.read % progressEvery === 0) onRows?.(index.read);
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = Date.now();
      if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
    }
  };
  if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
  if (csv) {
    const onHeader = (names) => {
      const missing = [columns.lead, columns.type, columns.at].filter((name) => !names.includes(name));
      if (missing.length) {
        const which = missing.map((name) => `"${name}"`).join(', ');
        throw leadsegError(`segmentLeads: the events CSV has no column ${which} (its columns: ${names.map((n) => `"${n}"`).join(', ')}); name the columns with eventColumns: {lead, type, at}`);
      }
    };
    // Parsed as text: the type, time and lead id are read as written; the
    // other columns are typed like the leads' (options.types).
    try {
      for await (const [row, number] of parseCsvNumbered(input, { types: false, onHeader })) {
        csvRow(index, row, number, columns, types);
        await tick();
      }
    } catch (error) {
      // "CSV: ... never closed": say which of the two CSVs.
      if (error?.name === 'LeadsegError' && error.message.startsWith('CSV')) throw withContext(error, 'segmentLeads: options.events');
      throw error;
    }
  } else {
    for (let i = 0; i < input.length; i++) {
      objectRow(index, input[i], i, columns);
      await tick();
    }
  }
  if (index.read % progressEvery !== 0) onRows?.(index.read);
  return index;
}

function csvRow(index, row, number, { lead, type, at }, types) {
  const id = row[lead];
  const key = id === undefined ? null : leadKey(types ? typeValue(id) : id);
  const t = row[type];
  const when = row[at];
  let problem = null;
  let ms = 0;
  if (t === undefined) problem = `the type column "${type}" is empty`;
  else if (when === undefined) problem = `the time column "${at}" is empty`;
  else {
    ms = eventTime(when);
    if (typeof ms === 'string') problem = `column "${at}": ${ms}`;
  }
  if (problem !== null) return index.add(key, number, problem);
  let props = EMPTY_PROPS;
  let object = null;
  for (const name in row) {
    if (name === lead || name === type || name === at) continue;
    object ??= {};
    object[name] = types ? typeValue(row[name]) : row[name];
  }
  if (object !== null) props = JSON.stringify(object);
  return index.add(key, number, null, ms, t, props);
}

function objectRow(index, row, i, { lead, type, at }) {
  if (!isPlainObject(row)) return index.add(null, i, `a row must be an object, got ${describe(row)}`);
  const key = leadKey(row[lead]);
  let problem = row[type] === undefined ? `the type "${type}" is missing` : typeProblem(row[type]);
  let ms = 0;
  if (problem === null) {
    if (row[at] === undefined) problem = `the time "${at}" is missing`;
    else {
      ms = eventTime(row[at]);
      if (typeof ms === 'string') problem = `"${at}": ${ms}`;
    }
  }
  let props = EMPTY_PROPS;
  if (problem === null) {
    let object = null;
    if ('props' in row && lead !== 'props' && type !== 'props' && at !== 'props') {
      if (row.props !== null && row.props !== undefined && !isPlainObject(row.props)) problem = `props must be an object, got ${describe(row.props)}`;
      else {
        const extra = Object.keys(row).find((name) => name !== lead && name !== type && name !== at && name !== 'props');
        if (extra !== undefined) problem = `"${extra}": a row with props keeps every property in props`;
        else object = row.props ?? null;
      }
    } else {
      for (const name of Object.keys(row)) {
        if (name === lead || name === type || name === at) continue;
        object ??= {};
        object[name] = row[name];
      }
    }
    if (problem === null && object !== null) {
      try {
        props = jsonAt(object, '', object === row.props ? '/props' : '');
        if (props.length === 2) props = EMPTY_PROPS;
      } catch (error) {
        problem = error.message;
      }
    }
  }
  return index.add(key, i, problem, ms, row[type], props);
}

/** Sorts flat [at, type, props, ref, ...] entries by time, stably; returns entry offsets in order. */
export function timeOrder(flat) {
  const n = flat.length / 4;
  const order = new Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i * 4;
    if (i > 0 && flat[i * 4] < flat[i * 4 - 4]) sorted = false;
  }
  if (sorted) return order;
  // A lead's few events: an insertion sort, stable as the sort below is,
  // without its comparator calls.
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const entry = order[i];
      const time = flat[entry];
      let j = i - 1;
      for (; j >= 0 && flat[order[j]] > time; j--) order[j + 1] = order[j];
      order[j + 1] = entry;
    }
    return order;
  }
  order.sort((a, b) => flat[a] - flat[b] || a - b);
  return order;
}
