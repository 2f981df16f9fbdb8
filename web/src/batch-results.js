// Reads the results of a batch module call (LeadBatch or LeadObjects) in
// place from wasm memory: the LeadResult rows, where LeadBatch.layout()
// says each field is, and their membership bits. Shared by batch-csv.js and
// batch-objects.js.
//
// Any call into wasm that allocates (fields(i), errorOf(i) and failureOf(i)
// copy text out) may grow the memory, and growing detaches the ArrayBuffer
// that every view made before was on: a read through such a view throws or
// reads nothing. So each read checks the buffer first and makes its views
// again when it moved. The rows themselves stay where they are. The result
// objects themselves (copyAttributes, failedLead) are batch.js's per-lead
// path's too.
import { isPlainObject } from './errors.js';

export const GRADES = ['A', 'B', 'C', 'D'];

/**
 * A copy of a lead's own attributes, for its outputs to be added to. Not
 * `{...attributes}`: in node 20's V8, adding properties to an object made
 * by spread takes a slow path, ~20 µs for a lead of 24 attributes, where
 * a copy by Object.assign then the same properties takes ~1.3 µs
 * (docs/performance.md, "Lead objects to wasm as value frames"). Assigning
 * would set the prototype for an own "__proto__" key (JSON.parse makes
 * one): such a lead is spread.
 * @param {object} attributes
 * @returns {object}
 */
export function copyAttributes(attributes) {
  return Object.hasOwn(attributes, '__proto__') ? { ...attributes } : Object.assign({}, attributes);
}

/**
 * The result a failed lead leaves: its own fields, no outputs, the message.
 * @param {unknown} row the lead as given
 * @param {string} message
 * @param {boolean} withMetrics
 * @param {boolean} [ownHistory] whether `events` and `declarations` hold the
 *   lead's own history (lead objects) rather than columns (CSV rows)
 * @returns {object}
 */
export function failedLead(row, message, withMetrics, ownHistory = true) {
  let attributes = isPlainObject(row) ? row : {};
  if (ownHistory && ('events' in attributes || 'declarations' in attributes)) {
    const { events: _events, declarations: _declarations, ...rest } = attributes;
    attributes = rest;
  }
  const lead = copyAttributes(attributes);
  Object.assign(lead, { segments: [], score: null, grade: null, stage: null, temperature: null, mql: null, sql: null, error: message });
  if (withMetrics) lead.metrics = null;
  return lead;
}

export const TEMPERATURES = ['cold', 'warm', 'hot'];

export class BatchResults {
  /**
   * @param {object} module the batch module
   * @param {object} batch its LeadBatch or LeadObjects
   * @param {object} config the parsed config (segment and stage ids, in order)
   */
  constructor(module, batch, config) {
    this.module = module;
    this.layout = module.LeadBatch.layout();
    this.begin(batch, config);
  }

  /**
   * Reads another call's results (a reader kept with the module, rather
   * than one made a call: see batch-objects.js).
   * @param {object} batch its LeadBatch or LeadObjects
   * @param {object} config the parsed config
   */
  begin(batch, config) {
    this.batch = batch;
    this.segmentIds = (config.segments ?? []).map((s) => s.id);
    this.stageIds = (config.lifecycle?.stages ?? []).map((s) => s.id);
    this.start(0);
  }

  /** After a feed that left `n` results: reads them from here on. */
  start(n) {
    this.n = n;
    this.rows = n ? this.batch.rows() : 0;
    this.words = n ? this.batch.wordsPerRow() : 0;
    this.memberships = n ? this.batch.memberships() : 0;
    this.heap = null;
    this.view = null;
    this.bits = null;
  }

  /** The module's memory now (HEAPU8), with the views made again if it grew. */
  memory() {
    const heap = this.module.HEAPU8;
    if (this.heap === null || this.heap.buffer !== heap.buffer) {
      this.heap = heap;
      this.view = new DataView(heap.buffer);
      // Two 32-bit halves per 64-bit membership word, low half first.
      this.bits = this.n ? new Uint32Array(heap.buffer, this.memberships, this.n * this.words * 2) : null;
    }
    return heap;
  }

  /** Whether result i failed (errorOf / failureOf say why). */
  failed(i) {
    this.memory();
    return this.view.getUint32(this.rows + i * this.layout.size + this.layout.error, true) !== 0;
  }

  /** The first of the call's results that failed, or n when none did. */
  firstFailed() {
    this.memory();
    const { view, layout } = this;
    for (let i = 0, at = this.rows + layout.error; i < this.n; i++, at += layout.size) {
      if (view.getUint32(at, true) !== 0) return i;
    }
    return this.n;
  }

  /** Adds result i's segments to `members` (a count per segment, in the config's order). */
  countMembers(i, members) {
    this.memory();
    const { bits } = this;
    const first = i * this.words * 2;
    for (let w = 0, end = (this.segmentIds.length + 31) >>> 5; w < end; w++) {
      for (let x = bits[first + w]; x !== 0; x &= x - 1) members[w * 32 + 31 - Math.clz32(x & -x)] += 1;
    }
  }

  /**
   * Lead i's result: a copy of `attributes` followed by its outputs
   * (segments, score, grade, stage, temperature, mql, sql).
   */
  lead(i, attributes) {
    return this.outputs(i, copyAttributes(attributes));
  }

  /**
   * Result i's outputs (segments, score, grade, stage, temperature, mql,
   * sql) set on `lead`, which is returned.
   */
  outputs(i, lead) {
    this.memory();
    const { view, bits, layout, segmentIds } = this;
    const at = this.rows + i * layout.size;
    const first = i * this.words * 2;
    // Made at its length: a result is kept, and an array grown by push
    // keeps room for 17 (young-generation bytes the scavenger copies).
    let n = 0;
    for (let w = 0, end = (segmentIds.length + 31) >>> 5; w < end; w++) {
      for (let x = bits[first + w]; x !== 0; x &= x - 1) n++;
    }
    const segments = new Array(n);
    for (let s = 0, j = 0; j < n; s++) {
      if ((bits[first + (s >>> 5)] >>> (s & 31)) & 1) segments[j++] = segmentIds[s];
    }
    const score = view.getFloat64(at + layout.score, true);
    const grade = view.getInt8(at + layout.grade);
    const stage = view.getInt16(at + layout.stage, true);
    const temperature = view.getInt8(at + layout.temperature);
    const mql = view.getInt8(at + layout.mql);
    const sql = view.getInt8(at + layout.sql);
    lead.segments = segments;
    lead.score = Number.isNaN(score) ? null : score;
    lead.grade = grade < 0 ? null : GRADES[grade];
    lead.stage = stage < 0 ? null : this.stageIds[stage];
    lead.temperature = temperature < 0 ? null : TEMPERATURES[temperature];
    lead.mql = mql < 0 ? null : mql === 1;
    lead.sql = sql < 0 ? null : sql === 1;
    return lead;
  }
}
