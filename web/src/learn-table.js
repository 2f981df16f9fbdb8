// A lead list as trainModel() / discoverSegments() read it: by column. The
// learning code asks which columns there are and, for a column, every
// lead's value; it never needs a lead as an object. Two sources:
// - rows: lead objects (an array, parsed CSV, segmentLeads()' results),
//   each column read once from every object and kept;
// - a frame (learn-transfer.js): the columns the learn worker received in
//   typed arrays from the page, read without building the objects again.
// Both give what reading the objects gives: a column's values in lead
// order (undefined where a lead lacks the key), and the columns in the order
// their keys first appear in the list.
import { ABSENT, valueAt } from './learn-transfer.js';

// for...in lists an inherited enumerable key too, which a plain object has
// none of unless Object.prototype was given one: then keys are read with
// Object.keys, row by row.
const prototypeIsClean = () => {
  for (const _ in {}) return false;
  return true;
};

class RowTable {
  #rows;
  #names = null; // every key, in the order it first appears
  #columns = null; // name -> every lead's value

  constructor(rows) {
    this.#rows = rows;
  }

  get length() {
    return this.#rows.length;
  }

  // Every column in one pass over the leads, each object's keys and values
  // read together (for...in: V8's fast path), instead of a keyed read per
  // column and lead: 100,000 leads x 20 columns took about twice as long
  // that way. Leads of one shape (most lists) need no lookup per key.
  #read() {
    if (this.#columns) return;
    const rows = this.#rows;
    const n = rows.length;
    const columns = new Map();
    const column = (key) => {
      let values = columns.get(key);
      if (values === undefined) {
        values = new Array(n).fill(undefined);
        columns.set(key, values);
      }
      return values;
    };
    if (prototypeIsClean()) {
      const lastKeys = [];
      const lastColumns = [];
      for (let i = 0; i < n; i++) {
        const row = rows[i];
        let k = 0;
        for (const key in row) {
          let values = lastKeys[k] === key ? lastColumns[k] : undefined;
          if (values === undefined) {
            values = column(key);
            lastKeys[k] = key;
            lastColumns[k] = values;
          }
          values[i] = row[key];
          k++;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const row = rows[i];
        for (const key of Object.keys(row)) column(key)[i] = row[key];
      }
    }
    this.#columns = columns;
    this.#names = [...columns.keys()];
  }

  /** Every key of the leads, in the order it first appears. */
  names() {
    this.#read();
    return [...this.#names];
  }

  /** Whether any lead has the key. */
  has(name) {
    this.#read();
    return this.#columns.has(name);
  }

  /** Every lead's value of a column, in lead order. */
  values(name) {
    this.#read();
    return this.#columns.get(name) ?? new Array(this.#rows.length).fill(undefined);
  }

  /** The leads at `indices` (ascending). */
  subset(indices) {
    return new RowTable(indices.map((i) => this.#rows[i]));
  }
}

class FrameTable {
  #frame;
  #indices; // the frame's leads this table holds (ascending), or null for all
  #length;
  #values = new Map();

  constructor(frame, indices = null) {
    this.#frame = frame;
    this.#indices = indices;
    this.#length = indices ? indices.length : frame.n;
  }

  get length() {
    return this.#length;
  }

  #column(name) {
    return this.#frame.columns.find((c) => c.name === name);
  }

  // The frame numbers columns as their keys first appear in the list; in a
  // subset they first appear as its leads' own key orders say.
  names() {
    const { columns, order, ends } = this.#frame;
    if (!this.#indices) return columns.map((c) => c.name);
    const seen = new Uint8Array(columns.length);
    const names = [];
    for (const i of this.#indices) {
      for (let p = i === 0 ? 0 : ends[i - 1]; p < ends[i]; p++) {
        if (seen[order[p]]) continue;
        seen[order[p]] = 1;
        names.push(columns[order[p]].name);
      }
      if (names.length === columns.length) break;
    }
    return names;
  }

  has(name) {
    const column = this.#column(name);
    if (!column) return false;
    if (!this.#indices) return true;
    return this.#indices.some((i) => column.kinds[i] !== ABSENT);
  }

  values(name) {
    let values = this.#values.get(name);
    if (!values) {
      values = new Array(this.#length).fill(undefined);
      const column = this.#column(name);
      if (column) {
        for (let j = 0; j < this.#length; j++) values[j] = valueAt(column, this.#indices ? this.#indices[j] : j);
      }
      this.#values.set(name, values);
    }
    return values;
  }

  subset(indices) {
    return new FrameTable(this.#frame, this.#indices ? indices.map((j) => this.#indices[j]) : indices);
  }
}

/** A table of lead objects. */
export const tableOfRows = (rows) => new RowTable(rows);

/** A table of the leads in a frame from encodeLeads(). */
export const tableOfFrame = (frame) => new FrameTable(frame);
