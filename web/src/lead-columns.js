// segmentLeads(..., {results: 'columns'}): every lead's outputs as typed
// arrays, one entry per lead in input order, instead of one result object
// per lead. A result object copies the lead's own fields and adds seven
// properties and a segments array: for a lead list already in memory that
// copy and its garbage cost more than evaluating the lead in wasm
// (docs/performance.md, "lead objects as slotted records"). Here a lead is
// a few bytes: its membership bits as the batch module leaves them, its
// score and its small codes.
//
// Filled from the batch module's result rows in place (addRow) where a
// path can, and from result objects (addLead) where a path makes them
// anyway (the per-lead path, onLead): the same columns either way. Workers
// fill their part's columns and send the buffers back (toMessage,
// transferred), appended in input order (append).
import { addMembers, GRADES, TEMPERATURES } from './batch-results.js';

const MIN_CAPACITY = 1024;

// A lead's one-number outputs: each a typed array of one entry a lead,
// beside `segments` (wordsPerLead entries a lead). allocate, toMessage and
// append go over this list, so a new output is added here once.
const SCALARS = [
  ['score', Float64Array], ['grade', Int8Array], ['stage', Int16Array],
  ['temperature', Int8Array], ['mql', Int8Array], ['sql', Int8Array],
];

// Per bit of a lead's `words` words, how many of the leads in
// segments[0, end) have it set.
function countBits(segments, end, words) {
  const members = new Float64Array(words * 32);
  for (let i = 0; i < end; i += words) addMembers(segments, i, words, members);
  return members;
}

// Adds to `table` (by name) how many of the first n codes are each name's index.
function tally(codes, n, names, table) {
  const counts = new Float64Array(names.length);
  for (let i = 0; i < n; i++) if (codes[i] >= 0) counts[codes[i]] += 1;
  names.forEach((name, k) => {
    if (counts[k] > 0) table[name] = (table[name] ?? 0) + counts[k];
  });
}

// How many of the first n codes are 1.
function countOnes(codes, n) {
  let ones = 0;
  for (let i = 0; i < n; i++) if (codes[i] === 1) ones += 1;
  return ones;
}

export class LeadColumns {
  /**
   * @param {string[]} segmentIds the config's segment ids, in order
   * @param {string[]} stageIds its lifecycle stage ids, in order
   * @param {boolean} withMetrics whether leads carry `metrics`
   * @param {number} [capacity] leads expected (the columns grow past it)
   */
  constructor(segmentIds, stageIds, withMetrics, capacity = MIN_CAPACITY) {
    this.count = 0;
    this.segmentIds = segmentIds;
    this.stageIds = stageIds;
    this.grades = GRADES;
    this.temperatures = TEMPERATURES;
    this.wordsPerLead = Math.ceil(segmentIds.length / 32);
    this.errors = new Map();
    this.metrics = withMetrics ? [] : undefined;
    this.segmentIndex = null;
    this.allocate(Math.max(1, capacity));
  }

  /**
   * Empty columns for config `text` (its JSON text): its segments and
   * lifecycle stages, in order.
   */
  static forConfig(text, withMetrics, capacity = undefined) {
    const parsed = JSON.parse(text);
    return new LeadColumns((parsed.segments ?? []).map((s) => s.id), (parsed.lifecycle?.stages ?? []).map((s) => s.id),
      withMetrics, capacity);
  }

  allocate(capacity) {
    const grow = (Type, old, per = 1) => {
      const next = new Type(capacity * per);
      if (old) next.set(old.subarray(0, this.count * per));
      return next;
    };
    this.capacity = capacity;
    this.segments = grow(Uint32Array, this.segments, this.wordsPerLead);
    for (const [name, Type] of SCALARS) this[name] = grow(Type, this[name]);
  }

  /** Room for `count` leads in all, growing by at least doubling. */
  reserve(count) {
    if (count > this.capacity) this.allocate(Math.max(MIN_CAPACITY, count, this.capacity * 2));
  }

  /** The index of the next lead, with room made for it. */
  next() {
    this.reserve(this.count + 1);
    return this.count++;
  }

  /**
   * Result row i of a batch module call (BatchResults, after start()),
   * read in place; the caller has checked that it did not fail.
   * @returns {number} the lead's index
   */
  addRow(results, i) {
    this.addRows(results, i, i + 1);
    return this.count - 1;
  }

  /**
   * Result rows [from, to) of a batch module call, none of them failed
   * (BatchResults.firstFailed), read in place in one pass: the memory
   * checked once, the columns grown once.
   */
  addRows(results, from, to) {
    const end = this.count + to - from;
    this.reserve(end);
    results.memory();
    const { view, bits, layout } = results;
    const stride = results.words * 2;  // two 32-bit halves per 64-bit word, low first
    const words = this.wordsPerLead;
    const { segments, score, grade, stage, temperature, mql, sql } = this;
    let row = results.rows + from * layout.size;
    for (let i = from, at = this.count; i < to; i++, at++, row += layout.size) {
      for (let w = 0; w < words; w++) segments[at * words + w] = bits[i * stride + w];
      score[at] = view.getFloat64(row + layout.score, true);
      grade[at] = view.getInt8(row + layout.grade);
      stage[at] = view.getInt16(row + layout.stage, true);
      temperature[at] = view.getInt8(row + layout.temperature);
      mql[at] = view.getInt8(row + layout.mql);
      sql[at] = view.getInt8(row + layout.sql);
    }
    this.count = end;
  }

  /**
   * A lead that failed: no segments, every output null, `message` in errors.
   * @returns {number} the lead's index
   */
  addFailed(message) {
    const at = this.next();
    this.segments.fill(0, at * this.wordsPerLead, (at + 1) * this.wordsPerLead);
    this.score[at] = NaN;
    this.grade[at] = this.stage[at] = this.temperature[at] = this.mql[at] = this.sql[at] = -1;
    this.errors.set(at, message);
    if (this.metrics) this.metrics[at] = null;
    return at;
  }

  /** A result object (LeadResult) of any path, as columns. */
  addLead(lead) {
    if (lead.error !== undefined) {
      this.addFailed(lead.error);
      return;
    }
    const at = this.next();
    const words = this.wordsPerLead;
    this.segments.fill(0, at * words, (at + 1) * words);
    for (const id of lead.segments) {
      const s = this.indexOf(id);
      this.segments[at * words + (s >>> 5)] |= 1 << (s & 31);
    }
    this.score[at] = lead.score ?? NaN;
    this.grade[at] = lead.grade === null ? -1 : GRADES.indexOf(lead.grade);
    this.stage[at] = lead.stage === null ? -1 : this.stageIds.indexOf(lead.stage);
    this.temperature[at] = lead.temperature === null ? -1 : TEMPERATURES.indexOf(lead.temperature);
    this.mql[at] = lead.mql === null ? -1 : lead.mql ? 1 : 0;
    this.sql[at] = lead.sql === null ? -1 : lead.sql ? 1 : 0;
    if (this.metrics) this.metrics[at] = lead.metrics ?? null;
  }

  /** The index of segment `id` in segmentIds (-1 if the config has none such). */
  indexOf(id) {
    if (this.segmentIndex === null) this.segmentIndex = new Map(this.segmentIds.map((s, k) => [s, k]));
    return this.segmentIndex.get(id) ?? -1;
  }

  /** Whether lead i is in segment `id`. */
  has(i, id) {
    const s = this.indexOf(id);
    return s >= 0 && ((this.segments[i * this.wordsPerLead + (s >>> 5)] >>> (s & 31)) & 1) === 1;
  }

  /** Lead i's segment ids, in the config's order (a result object's `segments`). */
  segmentsOf(i) {
    const out = [];
    for (let s = 0; s < this.segmentIds.length; s++) {
      if ((this.segments[i * this.wordsPerLead + (s >>> 5)] >>> (s & 31)) & 1) out.push(this.segmentIds[s]);
    }
    return out;
  }

  /**
   * Lead i's outputs as a result object has them (segments, score, grade,
   * stage, temperature, mql, sql, and error / metrics when there are), without
   * the lead's own fields.
   */
  outputs(i) {
    const flag = (v) => (v < 0 ? null : v === 1);
    const out = {
      segments: this.segmentsOf(i),
      score: Number.isNaN(this.score[i]) ? null : this.score[i],
      grade: this.grade[i] < 0 ? null : GRADES[this.grade[i]],
      stage: this.stage[i] < 0 ? null : this.stageIds[this.stage[i]],
      temperature: this.temperature[i] < 0 ? null : TEMPERATURES[this.temperature[i]],
      mql: flag(this.mql[i]),
      sql: flag(this.sql[i]),
    };
    if (this.metrics) out.metrics = this.metrics[i];
    if (this.errors.has(i)) out.error = this.errors.get(i);
    return out;
  }

  /**
   * Adds every lead's outputs to a summary's counts (count, errors,
   * segments, grades, stages, temperatures, mql, sql), as batch.js's
   * countLead does one result object at a time. The loops over the leads
   * are functions of their own: optimized code for this method, once a
   * call, stopped for want of feedback at its last lines (run once a call)
   * and finished its loops in the interpreter.
   */
  countInto(summary) {
    const n = this.count;
    const members = countBits(this.segments, n * this.wordsPerLead, this.wordsPerLead);
    this.segmentIds.forEach((id, s) => {
      summary.segments[id] = (summary.segments[id] ?? 0) + members[s];
    });
    tally(this.grade, n, GRADES, summary.grades);
    tally(this.stage, n, this.stageIds, summary.stages);
    tally(this.temperature, n, TEMPERATURES, summary.temperatures);
    summary.mql += countOnes(this.mql, n);
    summary.sql += countOnes(this.sql, n);
    summary.count += n;
    summary.errors += this.errors.size;
  }

  /**
   * The columns as plain data for postMessage (a worker's part of a run),
   * and the buffers to transfer with it: the leads cross as a few typed
   * arrays, not as an object each.
   * @returns {{part: object, transfer: ArrayBuffer[]}}
   */
  toMessage() {
    this.trimmed();
    const part = { count: this.count, segments: this.segments, errors: this.errors, metrics: this.metrics };
    const transfer = [this.segments.buffer];
    for (const [name] of SCALARS) {
      part[name] = this[name];
      transfer.push(this[name].buffer);
    }
    return { part, transfer };
  }

  /** Appends a part (toMessage's, from a worker) after the leads already here. */
  append(part) {
    const at = this.count;
    this.reserve(at + part.count);
    this.segments.set(part.segments.subarray(0, part.count * this.wordsPerLead), at * this.wordsPerLead);
    for (const [name] of SCALARS) this[name].set(part[name].subarray(0, part.count), at);
    for (const [i, message] of part.errors) this.errors.set(at + i, message);
    if (this.metrics) for (let i = 0; i < part.count; i++) this.metrics[at + i] = part.metrics[i];
    this.count += part.count;
  }

  /** The columns cut to `count` leads (memory past it given back), as returned. */
  trimmed() {
    if (this.capacity !== this.count) this.allocate(this.count);
    return this;
  }
}
