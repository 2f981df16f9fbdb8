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

/**
 * Adds one lead's membership bits, `words` 32-bit words from bits[first]
 * (segment s is bit s & 31 of word s >>> 5), to `members`: one count per
 * segment. Result rows and LeadColumns share the layout.
 */
export function addMembers(bits, first, words, members) {
  for (let w = 0; w < words; w++) {
    for (let x = bits[first + w]; x !== 0; x &= x - 1) members[w * 32 + 31 - Math.clz32(x & -x)] += 1;
  }
}

export const GRADES = ['A', 'B', 'C', 'D'];

// What a result object is made as: a plain object (its prototype is
// Object.prototype, as {}'s is; nothing else tells it from one) with room
// for its properties in the object itself. `{}` has room for 4, so a lead's
// ~24 attributes and the 7 outputs went into a separate property array,
// reallocated as the outputs were added: ~230 B more a result to allocate
// and, as results are kept, for the scavenger to copy (about half the
// default run's CPU). V8 sizes the objects of a constructor by the
// `this.x =` assignments its body has (8 more), then, after its first few
// objects, to the room they used: the never-run block below asks for 64.
function Result(never) {
  if (never) {
    this.p0 = 0; this.p1 = 0; this.p2 = 0; this.p3 = 0; this.p4 = 0; this.p5 = 0; this.p6 = 0; this.p7 = 0;
    this.p8 = 0; this.p9 = 0; this.p10 = 0; this.p11 = 0; this.p12 = 0; this.p13 = 0; this.p14 = 0; this.p15 = 0;
    this.p16 = 0; this.p17 = 0; this.p18 = 0; this.p19 = 0; this.p20 = 0; this.p21 = 0; this.p22 = 0; this.p23 = 0;
    this.p24 = 0; this.p25 = 0; this.p26 = 0; this.p27 = 0; this.p28 = 0; this.p29 = 0; this.p30 = 0; this.p31 = 0;
    this.p32 = 0; this.p33 = 0; this.p34 = 0; this.p35 = 0; this.p36 = 0; this.p37 = 0; this.p38 = 0; this.p39 = 0;
    this.p40 = 0; this.p41 = 0; this.p42 = 0; this.p43 = 0; this.p44 = 0; this.p45 = 0; this.p46 = 0; this.p47 = 0;
    this.p48 = 0; this.p49 = 0; this.p50 = 0; this.p51 = 0; this.p52 = 0; this.p53 = 0; this.p54 = 0; this.p55 = 0;
  }
}
Result.prototype = Object.prototype;

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
  return Object.hasOwn(attributes, '__proto__') ? { ...attributes } : Object.assign(new Result(), attributes);
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
    addMembers(this.bits, i * this.words * 2, (this.segmentIds.length + 31) >>> 5, members);
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
