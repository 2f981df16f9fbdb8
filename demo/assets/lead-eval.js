// Evaluates lead-list rows with a leadseg engine: one row = one lead.
//
// leadseg's segmentLeads() identifies each row's fields as attributes; the
// demo config (docs/examples/b2b-saas.json) also segments on behaviour
// (metrics over events: visits, pricing views, email opens, carts, orders).
// So the demo turns a row's *activity columns* into the events a visitor
// with that history would have produced, replays them into an engine with
// simulated time, and reads segments, score, grade, stage, temperature and
// RFM at the evaluation time. The row's *attribute columns* (the config's
// `attributes`) are identified; other columns are passed through untouched.
//
// No imports: the engine (created with `now: () => time`) and the package's
// typeValue() are handed in, so the same code runs in the worker and in
// node tests.

/** The evaluation time: rows say "days ago", so any fixed time gives the same results. */
export const AS_OF = Date.UTC(2026, 0, 15, 12);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Activity columns and the events they become (shown on the lead-list page). */
export const ACTIVITY_COLUMNS = [
  ['utm_source', 'utm_source of the first session_start'],
  ['first_visit_days_ago', 'the first session_start'],
  ['last_visit_days_ago', 'the latest session_start'],
  ['visits_30d', 'session_start events in the last 30 days (at most 30)'],
  ['page_views_30d', 'page_view events in the last 30 days, pricing views included (at most 40)'],
  ['pricing_views', 'page_view /pricing.html, 26 hours apart, the latest in the last visit (at most 10)'],
  ['emails_opened_30d', 'email_open events spread over 30 days (at most 30)'],
  ['guide_downloads', 'download {category: "guide"} (at most 10)'],
  ['webinars_attended', 'webinar_attended (at most 10)'],
  ['demo_requested', 'form_submit {form: "demo"} when true'],
  ['visited_careers', 'page_view /careers.html when true'],
  ['open_cart_value', 'cart_add {value} (with cart_hours_ago: when)'],
  ['cart_hours_ago', 'when the cart was filled (hours before the evaluation)'],
  ['orders_365d', 'purchase events over the last year (at most 24)'],
  ['spend_365d', 'their total amount, split evenly'],
  ['last_order_days_ago', 'when the latest purchase was'],
  ['interests', 'a zero-party declaration: declare("interests", [...]) from a ;-separated list'],
];
const ACTIVITY = new Set(ACTIVITY_COLUMNS.map(([name]) => name));

/** Columns appended to each row of the segmented CSV. */
export const RESULT_COLUMNS = ['segments', 'score', 'grade', 'lead_cell', 'temperature', 'stage', 'rfm_cell', 'error'];

export const GRADES = ['A', 'B', 'C', 'D'];
export const TEMPERATURES = ['cold', 'warm', 'hot'];
export const SCORE_BIN_WIDTH = 5;
const SCORE_BINS = 100 / SCORE_BIN_WIDTH;

/** An empty aggregate for a config: every count the lead-list page charts. */
export function createAggregate(config) {
  const gradeTemp = {};
  for (const g of GRADES) gradeTemp[g] = Object.fromEntries(TEMPERATURES.map((t) => [t, 0]));
  return {
    count: 0,
    errors: 0,
    scored: 0,
    scoreSum: 0,
    mql: 0,
    sql: 0,
    segments: Object.fromEntries((config.segments ?? []).map((s) => [s.id, 0])),
    scoreBins: new Array(SCORE_BINS).fill(0),
    gradeTemp,
    stages: Object.fromEntries((config.lifecycle?.stages ?? []).map((s) => [s.id, 0])),
    leadCells: {},
    // RFM: recency x frequency (5 x 5, index (r-1)*5 + (f-1)): leads and the sum of their monetary scores.
    rfmCount: new Array(25).fill(0),
    rfmMonetary: new Array(25).fill(0),
    rfmCells: {},
  };
}

const bump = (table, key, n = 1) => {
  if (key === null || key === undefined) return;
  table[key] = (table[key] ?? 0) + n;
};

/** Adds aggregate `from` into `into` (same config). */
export function mergeAggregate(into, from) {
  for (const key of ['count', 'errors', 'scored', 'scoreSum', 'mql', 'sql']) into[key] += from[key];
  for (const [k, n] of Object.entries(from.segments)) bump(into.segments, k, n);
  from.scoreBins.forEach((n, i) => (into.scoreBins[i] += n));
  for (const [g, row] of Object.entries(from.gradeTemp)) {
    into.gradeTemp[g] ??= {};
    for (const [t, n] of Object.entries(row)) bump(into.gradeTemp[g], t, n);
  }
  for (const [k, n] of Object.entries(from.stages)) bump(into.stages, k, n);
  for (const [k, n] of Object.entries(from.leadCells)) bump(into.leadCells, k, n);
  for (const [k, n] of Object.entries(from.rfmCells)) bump(into.rfmCells, k, n);
  from.rfmCount.forEach((n, i) => (into.rfmCount[i] += n));
  from.rfmMonetary.forEach((n, i) => (into.rfmMonetary[i] += n));
  return into;
}

function addToAggregate(agg, a) {
  agg.count += 1;
  for (const id of a.segments ?? []) bump(agg.segments, id);
  if (typeof a.score === 'number') {
    agg.scored += 1;
    agg.scoreSum += a.score;
    agg.scoreBins[Math.min(SCORE_BINS - 1, Math.max(0, Math.floor(a.score / SCORE_BIN_WIDTH)))] += 1;
  }
  if (a.grade && a.temperature) {
    agg.gradeTemp[a.grade] ??= {};
    bump(agg.gradeTemp[a.grade], a.temperature);
  }
  bump(agg.stages, a.stage);
  bump(agg.leadCells, a.leadCell);
  if (a.mql) agg.mql += 1;
  if (a.sql) agg.sql += 1;
  const rfm = a.rfm;
  if (rfm && rfm.r >= 1 && rfm.f >= 1) {
    const i = (Math.min(5, rfm.r) - 1) * 5 + (Math.min(5, rfm.f) - 1);
    agg.rfmCount[i] += 1;
    agg.rfmMonetary[i] += rfm.m ?? 0;
    bump(agg.rfmCells, rfm.cell);
  }
}

/** A CSV field, quoted when needed (RFC 4180). */
export function csvField(text) {
  const s = text === null || text === undefined ? '' : String(text);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function isTrue(value) {
  if (value === true) return true;
  if (typeof value === 'number') return value > 0;
  return typeof value === 'string' && /^(y|yes|1|true|x)$/i.test(value.trim());
}

function count(value, max) {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(max, Math.floor(value)) : 0;
}

function days(value) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

const PAGES = ['/', '/blog.html', '/docs.html', '/webinar.html'];

/**
 * The events a row's activity columns stand for, oldest first:
 * [[msBeforeAsOf, type, props], ...]. `get(name)` returns a typed value.
 */
export function activityEvents(get) {
  const out = [];
  const add = (msAgo, type, props = {}) => out.push([Math.max(0, msAgo), type, props]);
  let visits = count(get('visits_30d'), 30);
  const pageViews = count(get('page_views_30d'), 1e9);
  const pricing = count(get('pricing_views'), 10);
  let last = days(get('last_visit_days_ago'));
  let first = days(get('first_visit_days_ago'));
  if (last === undefined) last = visits || pageViews || pricing ? 0 : first;
  if (first === undefined) first = last;
  if (first !== undefined && last !== undefined && first < last) first = last;

  // Sessions start 90 minutes before their day mark; what happens in a
  // session follows its start by a few minutes.
  const sessionAt = (d) => d * DAY + 90 * MINUTE;
  const sessions = [];
  if (last !== undefined) {
    if (last < 30 && visits === 0) visits = 1;
    if (first >= 30) {
      sessions.push(first);
      const start = Math.min(29, first);
      if (visits === 1) sessions.push(last);
      else for (let i = 0; i < visits; i++) sessions.push(start - ((start - last) * i) / (visits - 1));
    } else {
      const n = Math.max(visits, first !== last ? 2 : 1);
      if (n === 1) sessions.push(last);
      else for (let i = 0; i < n; i++) sessions.push(first - ((first - last) * i) / (n - 1));
    }
    if (last >= 30 && first !== last && !sessions.includes(last)) sessions.push(last);
  }
  const source = get('utm_source');
  sessions.forEach((d, i) => {
    add(sessionAt(d), 'session_start', i === 0 && typeof source === 'string' && source ? { utm_source: source } : {});
  });

  const lastSession = last === undefined ? 0 : sessionAt(last);
  // Pricing views: 26 hours apart (each one scores), the latest in the last session.
  let pricingInWindow = 0;
  for (let j = 0; j < pricing; j++) {
    const msAgo = sessionAt(last ?? 0) - 2 * MINUTE + j * 26 * HOUR;
    if (msAgo < 30 * DAY) pricingInWindow += 1;
    add(msAgo, 'page_view', { path: '/pricing.html' });
  }
  const recent = sessions.filter((d) => d < 30);
  if (recent.length === 0) recent.push(last ?? 0);
  const generic = Math.min(40, Math.max(0, pageViews - pricingInWindow));
  for (let k = 0; k < generic; k++) {
    const d = recent[k % recent.length];
    add(sessionAt(d) - (3 + Math.floor(k / recent.length)) * MINUTE, 'page_view', { path: PAGES[k % PAGES.length] });
  }

  const emails = count(get('emails_opened_30d'), 30);
  for (let k = 0; k < emails; k++) add(((29 * (k + 0.5)) / emails) * DAY, 'email_open', {});
  const guides = count(get('guide_downloads'), 10);
  for (let k = 0; k < guides; k++) add(lastSession - (50 + k) * MINUTE, 'download', { category: 'guide' });
  const webinars = count(get('webinars_attended'), 10);
  for (let k = 0; k < webinars; k++) add(lastSession - (60 + k) * MINUTE, 'webinar_attended', {});
  if (isTrue(get('demo_requested'))) add(lastSession - 70 * MINUTE, 'form_submit', { form: 'demo' });
  if (isTrue(get('visited_careers'))) add(lastSession - 75 * MINUTE, 'page_view', { path: '/careers.html' });

  const orders = count(get('orders_365d'), 24);
  if (orders) {
    const spend = typeof get('spend_365d') === 'number' ? get('spend_365d') : 0;
    const lastOrder = Math.min(364, days(get('last_order_days_ago')) ?? last ?? 0);
    const amount = Math.round((spend / orders) * 100) / 100;
    for (let i = 0; i < orders; i++) {
      const d = orders === 1 ? lastOrder : 364 - ((364 - lastOrder) * i) / (orders - 1);
      add(d * DAY + 30 * MINUTE, 'purchase', { amount });
    }
  }
  const cart = get('open_cart_value');
  if (typeof cart === 'number' && cart > 0) {
    const hours = days(get('cart_hours_ago'));
    add(hours === undefined ? lastSession - 80 * MINUTE : hours * HOUR, 'cart_add', { value: cart });
  }
  // Oldest first; a stable sort keeps a session's order.
  return out.sort((a, b) => b[0] - a[0]);
}

/**
 * Evaluates rows of one lead list. `engine` was created with
 * `now: () => time` and `setTime(ms)` moves that clock.
 */
export class LeadEvaluator {
  #engine;
  #setTime;
  #typeValue;
  #asOf;
  #header = null;
  #attributeColumns = [];
  #activityIndex = new Map();
  #metricIds;
  #attributeNames;

  constructor({ engine, setTime, typeValue, config, asOf }) {
    this.#engine = engine;
    this.#setTime = setTime;
    this.#typeValue = typeValue;
    this.#asOf = asOf;
    this.#attributeNames = new Set(Object.keys(config.attributes ?? {}));
    this.#metricIds = new Set((config.metrics ?? []).map((m) => m.id));
  }

  /** Reads the header line: which columns are attributes, which are activity. */
  setHeader(header) {
    this.#header = header.map((h) => h.trim());
    this.#attributeColumns = [];
    this.#activityIndex.clear();
    this.#header.forEach((name, i) => {
      if (ACTIVITY.has(name)) this.#activityIndex.set(name, i);
      else if (this.#attributeNames.has(name) && !this.#metricIds.has(name)) this.#attributeColumns.push([name, i]);
    });
    return {
      attributes: this.#attributeColumns.map(([name]) => name),
      activity: [...this.#activityIndex.keys()],
      ignored: this.#header.filter((name) => !ACTIVITY.has(name) && !this.#attributeNames.has(name)),
    };
  }

  /** The header of the segmented CSV. */
  outputHeader() {
    return [...this.#header, ...RESULT_COLUMNS].map(csvField).join(',') + '\n';
  }

  /** One lead: {attributes of the engine} or throws. */
  async evaluate(record) {
    const type = this.#typeValue;
    const traits = {};
    for (const [name, i] of this.#attributeColumns) {
      const value = i < record.length ? type(record[i]) : undefined;
      if (value !== undefined) traits[name] = value;
    }
    const get = (name) => {
      const i = this.#activityIndex.get(name);
      return i === undefined || i >= record.length ? undefined : type(record[i]);
    };
    const events = activityEvents(get);
    const engine = this.#engine;
    await engine.erase();
    const asOf = this.#asOf;
    this.#setTime(asOf - (events.length ? events[0][0] : 0));
    if (Object.keys(traits).length) engine.identify(traits);
    const interests = get('interests');
    if (typeof interests === 'string' && interests.trim()) {
      engine.declare('interests', interests.split(/[;|]/).map((s) => s.trim()).filter(Boolean));
    }
    for (const [msAgo, eventType, props] of events) {
      this.#setTime(asOf - msAgo);
      engine.track(eventType, props);
    }
    this.#setTime(asOf);
    return engine.attributes();
  }

  /**
   * Evaluates records (arrays of field texts), adds them to `agg` and
   * returns their lines of the segmented CSV.
   */
  async evaluateBatch(records, agg) {
    const width = this.#header.length;
    let csv = '';
    for (const record of records) {
      let line = '';
      for (let i = 0; i < width; i++) line += (i ? ',' : '') + csvField(record[i] ?? '');
      try {
        const a = await this.evaluate(record);
        addToAggregate(agg, a);
        const rfm = a.rfm?.cell ?? '';
        const score = typeof a.score === 'number' ? String(Math.round(a.score * 10) / 10) : '';
        line += `,${(a.segments ?? []).join(';')},${score},${a.grade ?? ''},${a.leadCell ?? ''},${a.temperature ?? ''},${a.stage ?? ''},${rfm},`;
      } catch (error) {
        agg.count += 1;
        agg.errors += 1;
        line += `,,,,,,,,${csvField(error?.message ?? String(error))}`;
      }
      csv += line + '\n';
    }
    return csv;
  }
}
