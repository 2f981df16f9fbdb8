// A lead list of objects as the learn worker receives it (learn-in-worker.js
// → learn-worker.js): one column per key, its values in typed arrays whose
// buffers are transferred, not copied. Structured cloning 100,000 lead
// objects cost 0.5–0.9 s of CPU (serialised in the page, every key and
// object built again in the worker); here the page reads each object once,
// and the worker reads the columns without building objects
// (learn-table.js).
//
// A frame says all that cloning would keep: each lead's own keys in their
// order (`order`: column numbers, lead after lead, lead i's ending at
// `ends[i]`), undefined apart from a missing key, -0 and NaN as they were.
// Only what it can say exactly is encoded: plain objects whose values are
// undefined, null, booleans, numbers or strings. Anything else (a nested
// value such as inline events, a class instance, a key named __proto__)
// makes encodeLeads() give up, and the objects are cloned as before.
// An activity table (options.events) is encoded with `nested`: its rows
// may hold a `props` object or a Date, and such a cell is kept as it is in
// a column's `others` (cloned with the frame, as cloning the row would
// have cloned it), the rest of the table still in typed arrays.

import { isPlainObject } from './errors.js';

// What a cell holds: the kinds, with the value in `numbers`, or in
// `strings` (numbered by `codes`) or `texts`.
export const ABSENT = 0; // the object has no such key
const UNDEFINED = 1;
const NULL = 2;
const NUMBER = 3;
const FALSE = 4;
const TRUE = 5;
const STRING = 6;
const OTHER = 7; // any other value, in `others` (encoded with `nested` only)

const ROWS_PER_PAUSE = 1024;
// Column numbers are stored as Uint16.
const MAX_COLUMNS = 0xffff;

// A column's strings are numbered (each distinct one sent once) up to this
// many; past it (emails, names: a value per lead) the column keeps each
// lead's string in a plain array instead, which costs less than hashing
// every one of them and is copied as cheaply.
const MAX_NUMBERED = 4096;

class Column {
  constructor(name, n) {
    this.name = name;
    this.kinds = new Uint8Array(n);
    this.numbers = null; // Float64Array(n), once a number is seen
    this.codes = null; // Int32Array(n): index into strings, once a string is seen
    this.strings = [];
    this.index = new Map();
    this.texts = null; // each lead's string, once there are too many to number
    this.others = null; // each OTHER cell's value (sparse), once one is seen
  }

  set(i, value, nested) {
    switch (typeof value) {
      case 'number':
        this.kinds[i] = NUMBER;
        (this.numbers ??= new Float64Array(this.kinds.length))[i] = value;
        return true;
      case 'string': {
        this.kinds[i] = STRING;
        if (this.texts) {
          this.texts[i] = value;
          return true;
        }
        let code = this.index.get(value);
        if (code === undefined) {
          if (this.strings.length === MAX_NUMBERED) {
            this.#unnumber(i);
            this.texts[i] = value;
            return true;
          }
          code = this.strings.length;
          this.strings.push(value);
          this.index.set(value, code);
        }
        (this.codes ??= new Int32Array(this.kinds.length))[i] = code;
        return true;
      }
      case 'boolean':
        this.kinds[i] = value ? TRUE : FALSE;
        return true;
      case 'undefined':
        this.kinds[i] = UNDEFINED;
        return true;
      default:
        if (value === null) {
          this.kinds[i] = NULL;
          return true;
        }
        // A function or a symbol cannot be cloned either: left for
        // postMessage to refuse, as it refuses the objects.
        if (!nested || typeof value === 'function' || typeof value === 'symbol') return false;
        this.kinds[i] = OTHER;
        (this.others ??= new Array(this.kinds.length))[i] = value;
        return true;
    }
  }

  // From lead `end` on, strings go to `texts`; those numbered before move there.
  #unnumber(end) {
    this.texts = new Array(this.kinds.length);
    for (let i = 0; i < end; i++) if (this.kinds[i] === STRING) this.texts[i] = this.strings[this.codes[i]];
    this.codes = null;
    this.strings = [];
    this.index = null;
  }

  frame() {
    return { name: this.name, kinds: this.kinds, numbers: this.numbers, codes: this.codes, strings: this.strings, texts: this.texts, others: this.others };
  }
}

/**
 * Reads `leads` (an array of objects) into columns. Returns null when the
 * list cannot be sent this way (see the module comment).
 *
 * @param {object[]} leads
 * @param {{pause?: () => Promise<void>, nested?: boolean}} [hooks] pause:
 *   awaited every ROWS_PER_PAUSE rows, so that the caller can give the
 *   page's thread back; nested: keep values that are not text, numbers,
 *   booleans, null or undefined for cloning instead of giving up
 * @returns {Promise<{frame: {n: number, columns: object[], order: Uint16Array, ends: Uint32Array}, transfer: ArrayBuffer[]}|null>}
 */
export async function encodeLeads(leads, { pause, nested = false } = {}) {
  // for...in reads a plain object's keys and values on V8's fast path (a
  // keyed read per key is a slower lookup); it also lists inherited keys,
  // which a plain object has none of unless Object.prototype was given an
  // enumerable one.
  for (const _ in {}) return null;
  const n = leads.length;
  const columns = [];
  const byName = new Map();
  let order = new Uint16Array(Math.max(16, n * 4));
  const ends = new Uint32Array(n);
  let at = 0;
  // The previous object's keys and their columns: a lead list is mostly
  // objects of one shape, whose keys then need no lookup.
  const lastKeys = [];
  const lastColumns = [];
  for (let i = 0; i < n; i++) {
    const row = leads[i];
    if (!isPlainObject(row)) return null;
    let k = 0;
    for (const key in row) {
      let entry = lastKeys[k] === key ? lastColumns[k] : undefined;
      if (entry === undefined) {
        entry = byName.get(key);
        if (entry === undefined) {
          if (key === '__proto__' || columns.length === MAX_COLUMNS) return null;
          entry = { at: columns.length, column: new Column(key, n) };
          columns.push(entry.column);
          byName.set(key, entry);
        }
        lastKeys[k] = key;
        lastColumns[k] = entry;
      }
      if (!entry.column.set(i, row[key], nested)) return null;
      if (at === order.length) {
        const grown = new Uint16Array(order.length * 2);
        grown.set(order);
        order = grown;
      }
      order[at++] = entry.at;
      k++;
    }
    ends[i] = at;
    lastKeys.length = k;
    lastColumns.length = k;
    if (pause && i % ROWS_PER_PAUSE === ROWS_PER_PAUSE - 1) await pause();
  }
  order = order.slice(0, at);
  const frame = { n, columns: columns.map((c) => c.frame()), order, ends };
  const transfer = [order.buffer, ends.buffer];
  for (const c of frame.columns) for (const a of [c.kinds, c.numbers, c.codes]) if (a) transfer.push(a.buffer);
  return { frame, transfer };
}

/** A frame's value of a column at lead i (undefined where the lead lacks the key). */
export function valueAt({ kinds, numbers, codes, strings, texts, others }, i) {
  switch (kinds[i]) {
    case NUMBER: return numbers[i];
    case STRING: return texts ? texts[i] : strings[codes[i]];
    case TRUE: return true;
    case FALSE: return false;
    case NULL: return null;
    case OTHER: return others[i];
    default: return undefined; // ABSENT, UNDEFINED
  }
}

/**
 * A frame the learn worker received, as the leads argument of its call
 * (learn-input.js reads it by column, learn-table.js).
 */
export class LeadFrame {
  constructor(frame) {
    this.frame = frame;
  }
}

/** The objects encodeLeads() read, built again from its frame. */
export function decodeLeads({ n, columns, order, ends }) {
  const rows = new Array(n);
  for (let i = 0, p = 0; i < n; i++) {
    const row = {};
    for (; p < ends[i]; p++) {
      const column = columns[order[p]];
      row[column.name] = valueAt(column, i);
    }
    rows[i] = row;
  }
  return rows;
}
