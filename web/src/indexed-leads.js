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
// comparison per key.

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

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormed = typeof String.prototype.isWellFormed === 'function'
  ? (s) => s.isWellFormed()
  : (s) => !LONE_SURROGATE.test(s);

const NO_KEYS = [];

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
    this.ids = new Map();
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
    this.ids.clear();
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
        attr = key === '__proto__' || key === 'events' || key === 'declarations' || !wellFormed(key)
          ? REFUSED : this.batch.attrIndexOf(key);
        this.attrByName.set(key, attr);
      }
      if (attr === REFUSED) this.refused = true;
      this.attrs[k] = attr;
      this.keyBound += textBound(key);
    }
  }

  /** The id of string `s` in the table (added if new), or -1 if it is not well-formed. */
  intern(s) {
    let id = this.ids.get(s);
    if (id === undefined) {
      if (!wellFormed(s)) return -1;
      id = this.ids.size;
      this.ids.set(s, id);
      this.strings.string(s);
    }
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
    if (this.refused) return false;
    const w = this.w;
    const start = w.pos;
    // Room for the header, every key's scalar and the end (arrays reserve
    // their items): one check for most leads.
    w.reserve(17 + 13 * keys.length);
    w.bytes[w.pos] = INDEXED;
    w.pos += 9;  // u8 kind, u32 bytes, u32 count: filled in below
    const attrs = this.attrs;
    let bound = this.keyBound;
    let count = 0;
    let k = 0;
    // The values by for-in: V8 reads `row[key]` there by the field index of
    // the shape's enum cache, with no array made (Object.values made one a
    // lead: ~0.1 µs, and young-generation garbage; row[keys[k]] is a keyed
    // lookup per attribute). for-in also visits inherited enumerable keys,
    // and skips a key a getter deleted: where a key visited is not the key
    // of `keys` in its place, that lead takes the other paths (a deleted
    // last key is skipped by both, and the lead written without it).
    for (const key in row) {
      if (key !== keys[k]) return this.undo(start);
      const v = row[key];
      const attr = attrs[k];
      // Only the attributes a condition reads are written; the others are
      // checked all the same (the lead must be one the engine would take).
      const write = attr >= 0;
      if (write) {
        w.view.setUint32(w.pos, attr, true);
        w.pos += 4;
      }
      if (Array.isArray(v)) {
        if (typeof v.toJSON === 'function') return this.undo(start);
        const n = v.length;
        if (write) {
          // 9 bytes an item at most, and the 13 this key was given above
          // for the rest of the record.
          w.reserve(5 + 9 * n + 13 * (keys.length - k) + 8);
          w.bytes[w.pos] = ARRAY;
          w.view.setUint32(w.pos + 1, n, true);
          w.pos += 5;
        }
        for (let i = 0; i < n; i++) {
          const added = this.scalar(v[i], write);  // a hole reads undefined: refused
          if (added < 0) return this.undo(start);
          bound += added;
        }
      } else {
        const added = this.scalar(v, write);
        if (added < 0) return this.undo(start);
        bound += added;
      }
      if (write) count += 1;
      k += 1;
    }
    if (bound > MAX_ATTRIBUTES_BYTES) return this.undo(start);
    w.view.setUint32(start + 1, w.pos - start - 5, true);
    w.view.setUint32(start + 5, count, true);
    w.view.setUint32(w.pos, 0, true);  // no declarations
    w.view.setUint32(w.pos + 4, 0, true);  // no events
    w.pos += 8;
    return true;
  }

  /**
   * A scalar (a string, a finite number, a boolean), written as a value
   * (tag and payload) when `write`: what it adds to the lead's JSON text
   * bound, or -1 when the lead must take another path (anything else: null,
   * undefined, objects, bigints, functions, symbols, NaN, a lone surrogate).
   */
  scalar(v, write) {
    const w = this.w;
    if (typeof v === 'string') {
      if (!write) return wellFormed(v) ? textBound(v) : -1;
      const id = this.intern(v);
      if (id < 0) return -1;
      w.bytes[w.pos] = STRING;
      w.view.setUint32(w.pos + 1, id, true);
      w.pos += 5;
      return textBound(v);
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return -1;
      if (write) {
        w.bytes[w.pos] = NUMBER;
        w.view.setFloat64(w.pos + 1, v === 0 ? 0 : v, true);  // -0 as JSON has it
        w.pos += 9;
      }
      return SCALAR_BOUND;
    }
    if (typeof v === 'boolean') {
      if (write) w.bytes[w.pos++] = v ? TRUE : FALSE;
      return SCALAR_BOUND;
    }
    return -1;
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
    if (this.ids.size > MAX_STRINGS) {
      this.ids.clear();
      this.reset = true;
    }
  }
}
