// The lead-list page's activity columns and the events they become.
//
// The demo config (docs/examples/b2b-saas.json) segments and scores on
// behaviour (metrics over events: visits, pricing views, email opens,
// carts, orders), but a CRM export has counts ("visits_30d: 4"), not
// events. So a row's *activity columns* are turned into the events a
// visitor with that history would have produced, and segmentLeads()
// replays them (a lead object's `events`, its `interests` as a
// declaration) and reads the lead at AS_OF. The lead-list page, the
// predict page and their tests share this one mapping.
//
// No imports: the package's typeValue() is handed in where needed, so the
// same code runs in workers, pages and node tests.

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
 * How a file's columns are read: the config's attributes (identified), the
 * activity columns (replayed as events) and the rest (passed through to the
 * download). `toLead(record)` is one row as a segmentLeads() lead object:
 * its attributes, `events` at whole milliseconds before AS_OF (the
 * package's rule for times) and `interests` as a declaration.
 */
export function leadReader(config, header, { typeValue, asOf = AS_OF }) {
  const metricIds = new Set((config.metrics ?? []).map((m) => m.id));
  const attributeNames = new Set(Object.keys(config.attributes ?? {}));
  const names = header.map((h) => h.trim());
  const attributes = [];
  const activity = new Map();
  names.forEach((name, i) => {
    if (ACTIVITY.has(name)) activity.set(name, i);
    else if (attributeNames.has(name) && !metricIds.has(name)) attributes.push([name, i]);
  });
  const toLead = (record) => {
    const lead = {};
    for (const [name, i] of attributes) {
      const value = i < record.length ? typeValue(record[i]) : undefined;
      if (value !== undefined) lead[name] = value;
    }
    const get = (name) => {
      const i = activity.get(name);
      return i === undefined || i >= record.length ? undefined : typeValue(record[i]);
    };
    const events = activityEvents(get);
    if (events.length) {
      lead.events = events.map(([msAgo, type, props]) => ({ type, at: Math.round(asOf - msAgo), props }));
    }
    const interests = get('interests');
    if (typeof interests === 'string' && interests.trim()) {
      lead.declarations = { interests: interests.split(/[;|]/).map((s) => s.trim()).filter(Boolean) };
    }
    return lead;
  };
  return {
    attributes: attributes.map(([name]) => name),
    activity: [...activity.keys()],
    ignored: names.filter((name) => !ACTIVITY.has(name) && !attributeNames.has(name)),
    toLead,
  };
}
