// Lead objects as indexed records (src/batch/lead_objects.h): the fast path
// of lead objects on a segments-only config. Only the attributes a
// condition reads cross, by attribute index, and each distinct string crosses once
// (a lead list repeats its values: a country, a job title, a source): the
// record holds its id in a string table the module keeps for the run.
// Nothing is encoded per lead but numbers, ids and tags, and wasm decodes
// no frame and looks no name up.
//
// A lead is written this way only when the segment loop answers it
// exactly as the engine would (RowEvaluator::SegmentsOnly's rules): every
// key one the module does not refuse (empty, reserved) and well-formed,
// every value a well-formed string, a finite number, a boolean or an array
// of those, and a bound on the attributes' JSON text within identify's
// limit. Anything else (a null, undefined, a nested object, a Date, NaN, a
// lone surrogate, a very long lead) is left to the value-frame and JSON
// paths, whose messages and meanings are the per-lead path's: write()
// returns false having written nothing.
//
// Keys are mapped to attribute indexes once per shape (the keys of the previous lead,
// compared in order), so a list whose leads share their keys costs one
// comparison per key: writeSameShape() takes a lead without its
// Object.keys at all, comparing the keys for-in visits with the shape's.
import { isWellFormed } from './errors.js';

// Engine's kMaxAttributesBytes (leadseg/engine.h).
const MAX_ATTRIBUTES_BYTES = 256 * 1024;
// Bounds on a value's JSON text, as RowEvaluator::SegmentsOnly makes them
// from UTF-8 bytes (every byte escaped as \u00XX, quotes, a separator), here
// from UTF-16 code units (at most 3 bytes each): never below the core's.
const textBound = (s) => 18 * s.length + 3;
const SCALAR_BOUND = 32;
// The module's string table is emptied when it grows past this many
// strings (a column of unique values, e.g. emails a condition reads).
const MAX_STRINGS = 1 << 16;

const INDEXED = 2, FALSE = 1, TRUE = 2, NUMBER = 3, STRING = 4, ARRAY = 5;
const REFUSED = -2;

const NO_KEYS = [];

// A string, finite number or boolean: what it adds to the lead's JSON text
// bound, or -1 (anything else, a lone surrogate, NaN). For the attributes
// no condition reads, which are checked all the same: the lead must be one
// the engine would take.
function scalarBound(v) {
  if (typeof v === 'string') return isWellFormed(v) ? textBound(v) : -1;
  if (typeof v === 'number') return Number.isFinite(v) ? SCALAR_BOUND : -1;
  if (typeof v === 'boolean') return SCALAR_BOUND;
  return -1;
}

// The string table's ids by string: a dictionary object, not a Map. The
// workload's ~10 string values a lead are each looked up once a lead, and
// a keyed load on a dictionary object costs ~11 ns where Map.get costs ~19
// (docs/performance.md, s37 leads). No prototype, so any string (also
// "__proto__" or "toString") is only its own key.
const newTable = () => Object.create(null);

export class IndexedWriter {
  /**
   * @param {object} batch the module's LeadObjects (loaded, takesIndexed())
   * @param {object} frames the FrameWriter records are written into
   * @param {object} strings a FrameWriter for the string table's new entries
   */
  constructor(batch, frames, strings) {
    this.batch = batch;
    this.w = frames;
    this.strings = strings;
    strings.pos = 0;
    this.ids = newTable();
    this.idCount = 0;
    this.reset = false;
    this.attrByName = new Map();
    this.keys = NO_KEYS;
    this.attrs = [];
    this.keyBound = 0;
    this.refused = false;
  }

  /**
   * Starts over for another LeadObjects (a new call): its string table is
   * empty and its attribute indexes are its config's. Reusing the writer,
   * rather than making one a call, keeps its map alive, and with it the
   * optimized code that checks that map (see batch-objects.js).
   * @param {object} batch the module's LeadObjects (loaded, takesIndexed())
   */
  begin(batch) {
    this.batch = batch;
    this.strings.pos = 0;
    this.reset = false;
    this.forget();
  }

  /** Drops what a call learned (its strings, its attribute indexes): nothing is held past the call. */
  forget() {
    this.ids = newTable();
    this.idCount = 0;
    this.attrByName.clear();
    this.keys = NO_KEYS;
    this.keyBound = 0;
    this.refused = false;
  }

  /** Learns the attribute indexes of a new shape's keys. */
  learn(keys) {
    this.keys = keys;
    this.attrs = new Array(keys.length);
    this.keyBound = 2;
    this.refused = false;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      let attr = this.attrByName.get(key);
      if (attr === undefined) {
        // events and declarations are a lead's history (the caller
        // checks); "__proto__" would be a prototype in a copy.
        attr = key === '__proto__' || key === 'events' || key === 'declarations' || !isWellFormed(key)
          ? REFUSED : this.batch.attrIndexOf(key);
        this.attrByName.set(key, attr);
      }
      if (attr === REFUSED) this.refused = true;
      this.attrs[k] = attr;
      this.keyBound += textBound(key);
    }
  }

  /** A string not in the table yet, added: its id, or -1 if it is not well-formed. */
  add(s) {
    if (!isWellFormed(s)) return -1;
    const id = this.idCount++;
    this.ids[s] = id;
    this.strings.string(s);
    return id;
  }

  /**
   * Writes `row` (a plain object without history) as an indexed record.
   * @param {object} row
   * @param {string[]} keys Object.keys(row)
   * @returns {boolean} false, with nothing written, when it must take another path
   */
  write(row, keys) {
    const previous = this.keys;
    let same = keys.length === previous.length;
    for (let k = 0; same && k < keys.length; k++) same = keys[k] === previous[k];
    if (!same) this.learn(keys);
    return this.writeSameShape(row);
  }

  /**
   * Writes `row` (a plain object without history) as an indexed record if
   * its keys are the shape's, the last write's: the usual lead of a list,
   * taken without an Object.keys array (~30 ns and young garbage a lead).
   * @param {object} row
   * @returns {boolean} false, with nothing written, when its keys are
   *   others or it must take another path
   */
  writeSameShape(row) {
    if (this.refused) return false;
    const keys = this.keys;
    const w = this.w;
    const start = w.pos;
    // Room for the header, every key's scalar and the end (arrays reserve
    // their items): one check for most leads. The position, buffer and
    // view are locals until the end (or an array's reserve).
    w.reserve(17 + 13 * keys.length);
    let bytes = w.bytes;
    let view = w.view;
    let pos = start + 9;  // u8 kind, u32 bytes, u32 count: filled in below
    bytes[start] = INDEXED;
    const attrs = this.attrs;
    const ids = this.ids;
    let bound = this.keyBound;
    let count = 0;
    let k = 0;
    // The values by for-in: V8 reads `row[key]` there by the field index of
    // the shape's enum cache, with no array made (Object.values made one a
    // lead: ~0.1 µs, and young-generation garbage; row[keys[k]] is a keyed
    // lookup per attribute). for-in visits the own keys first, in
    // Object.keys' order, then inherited enumerable ones, and skips a key a
    // getter deleted: the keys visited must be the shape's, in order, and
    // the last one visited own (then so are all), or the lead takes the
    // other paths. Fewer keys than the shape's (a lead without the last
    // ones, or a last key a getter deleted) are written as they are.
    for (const key in row) {
      if (key !== keys[k]) return this.undo(start);
      const v = row[key];
      const attr = attrs[k];
      k += 1;
      if (attr < 0) {
        // Not read by any condition: checked all the same.
        let added;
        if (Array.isArray(v)) {
          if (typeof v.toJSON === 'function') return this.undo(start);
          added = 0;
          for (let i = 0; i < v.length && added >= 0; i++) {
            const item = scalarBound(v[i]);  // a hole reads undefined: refused
            added = item < 0 ? -1 : added + item;
          }
        } else {
          added = scalarBound(v);
        }
        if (added < 0) return this.undo(start);
        bound += added;
        continue;
      }
      view.setUint32(pos, attr, true);
      if (typeof v === 'string') {
        let id = ids[v];
        if (id === undefined && (id = this.add(v)) < 0) return this.undo(start);
        bytes[pos + 4] = STRING;
        view.setUint32(pos + 5, id, true);
        pos += 9;
        bound += textBound(v);
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) return this.undo(start);
        bytes[pos + 4] = NUMBER;
        view.setFloat64(pos + 5, v === 0 ? 0 : v, true);  // -0 as JSON has it
        pos += 13;
        bound += SCALAR_BOUND;
      } else if (typeof v === 'boolean') {
        bytes[pos + 4] = v ? TRUE : FALSE;
        pos += 5;
        bound += SCALAR_BOUND;
      } else if (Array.isArray(v)) {
        if (typeof v.toJSON === 'function') return this.undo(start);
        const n = v.length;
        // 9 bytes an item at most, 13 for each key left, and the end
        // (a grown buffer keeps the bytes before w.pos: the index's too).
        w.pos = pos + 4;
        w.reserve(5 + 9 * n + 13 * (keys.length - k) + 8);
        bytes = w.bytes;
        view = w.view;
        bytes[pos + 4] = ARRAY;
        view.setUint32(pos + 5, n, true);
        pos += 9;
        for (let i = 0; i < n; i++) {
          const item = v[i];  // a hole reads undefined: refused
          if (typeof item === 'string') {
            let id = ids[item];
            if (id === undefined && (id = this.add(item)) < 0) return this.undo(start);
            bytes[pos] = STRING;
            view.setUint32(pos + 1, id, true);
            pos += 5;
            bound += textBound(item);
          } else if (typeof item === 'number') {
            if (!Number.isFinite(item)) return this.undo(start);
            bytes[pos] = NUMBER;
            view.setFloat64(pos + 1, item === 0 ? 0 : item, true);
            pos += 9;
            bound += SCALAR_BOUND;
          } else if (typeof item === 'boolean') {
            bytes[pos] = item ? TRUE : FALSE;
            pos += 1;
            bound += SCALAR_BOUND;
          } else {
            return this.undo(start);
          }
        }
      } else {
        return this.undo(start);
      }
      count += 1;
    }
    if (k > 0 && !Object.hasOwn(row, keys[k - 1])) return this.undo(start);
    if (bound > MAX_ATTRIBUTES_BYTES) return this.undo(start);
    view.setUint32(start + 1, pos - start - 5, true);
    view.setUint32(start + 5, count, true);
    view.setUint32(pos, 0, true);  // no declarations
    view.setUint32(pos + 4, 0, true);  // no events
    w.pos = pos + 8;
    return true;
  }

  undo(start) {
    this.w.pos = start;
    return false;
  }

  /**
   * Before the records of a call are fed: sends the strings they added to
   * the module's table (the input buffer is reused for the records next).
   * @param {object} module the batch module
   * @param {(result: number) => void} check throws the module's error for -1
   */
  sendStrings(module, check) {
    const s = this.strings;
    if (s.pos === 0) return;
    const ptr = this.batch.inputBuffer(s.pos); // may grow memory: read HEAPU8 after
    module.HEAPU8.set(s.bytes.subarray(0, s.pos), ptr);
    check(this.batch.addStrings(s.pos, this.reset));
    this.reset = false;
    s.pos = 0;
  }

  /** After a call's records were fed: a table grown too large starts again. */
  afterFeed() {
    if (this.idCount > MAX_STRINGS) {
      this.ids = newTable();
      this.idCount = 0;
      this.reset = true;
    }
  }
}
