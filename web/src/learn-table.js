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

class RowTable {
  #rows;
  #values = new Map();

  constructor(rows) {
    this.#rows = rows;
  }

  get length() {
    return this.#rows.length;
  }

  /** Every key of the leads, in the order it first appears. */
  names() {
    const present = new Set();
    for (const row of this.#rows) for (const key of Object.keys(row)) present.add(key);
    return [...present];
  }

  /** Whether any lead has the key. */
  has(name) {
    return this.#rows.some((row) => Object.hasOwn(row, name));
  }

  /** Every lead's value of a column, in lead order. */
  values(name) {
    let values = this.#values.get(name);
    if (!values) {
      values = this.#rows.map((row) => row[name]);
      this.#values.set(name, values);
    }
    return values;
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
