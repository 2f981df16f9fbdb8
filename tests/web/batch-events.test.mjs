// segmentLeads() with each lead's history: `events` / `declarations` on lead
// objects, and an activity table (objects or CSV) joined on a lead id.
// The strongest check: every lead's result equals what createEngine gives
// the same visitor (identify, declare, track the same events, read at now).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, segmentLeads } from '../../web/src/node.js';
import { eventTime, isoTime } from '../../web/src/lead-events.js';
import { DAY, HOUR, exampleConfig, seededRandom } from './helpers.mjs';

const NOW = Date.UTC(2026, 0, 15, 12); // 2026-01-15T12:00:00Z
const HALF_LIFE_H = 720; // the example's scoring.decay.halfLife, 30d
const decayed = (points, hoursAgo) => points * 2 ** (-hoursAgo / HALF_LIFE_H);
const near = (actual, expected, message) => assert.ok(Math.abs(actual - expected) < 1e-9, `${message}: ${actual} vs ${expected}`);

// The worked example of web/README.md ("Batch").
const LEADS_CSV = [
  'email,job_title,industry,company_size,age',
  'ada@example.com,CTO,Technology,120,34',
  'bob@shop.example,Intern,Retail,5,22',
  'cy@big.example,VP Engineering,Software,5000,45',
].join('\n') + '\n';
const ACTIVITIES_CSV = [
  'email,activity,timestamp,path,form',
  'ada@example.com,page_view,1768471200000,/pricing/enterprise,',
  'ada@example.com,webinar_attended,2026-01-10T15:00:00Z,,',
  'cy@big.example,form_submit,2026-01-12T08:30:00+01:00,,demo',
  'ada@example.com,page_view,2026-01-14 09:00:00,/pricing,',
  'dan@nowhere.example,page_view,2026-01-15T08:00:00Z,/pricing,',
].join('\n') + '\n';
const COLUMNS = { type: 'activity', at: 'timestamp' };

test('the worked example: a leads CSV and an activity CSV, numbers computed by hand from b2b-saas.json', async () => {
  assert.equal(Date.UTC(2026, 0, 15, 10), 1768471200000, 'the epoch time in the CSV is Jan 15 10:00 UTC');
  const { leads, summary } = await segmentLeads(exampleConfig(), LEADS_CSV, { events: ACTIVITIES_CSV, eventColumns: COLUMNS, now: NOW });
  const [ada, bob, cy] = leads;

  // Ada: webinar (10) at Jan 10 15:00, pricing views (15 each, 25 h apart so
  // oncePer 1d lets both score) at Jan 14 09:00 and Jan 15 10:00; read at
  // Jan 15 12:00, i.e. 117, 27 and 2 hours later; + decision_maker 20.
  near(ada.score, decayed(10, 117) + decayed(15, 27) + decayed(15, 2) + 20, 'ada score');
  assert.equal(ada.score.toFixed(2), '58.52');
  assert.deepEqual(ada.segments, ['high_intent_tech', 'age_18_35', 'company_mid', 'sales_ready']);
  assert.equal(ada.grade, 'A', 'fit 30 + 40 + 30');
  assert.equal(ada.stage, 'decision', 'high_intent_tech');
  assert.equal(ada.temperature, 'warm', 'between 30 and 60');
  assert.equal(ada.email, 'ada@example.com');
  assert.ok(!('events' in ada) && !('metrics' in ada), 'the default result is not bloated');

  // Bob: no events, exactly as before.
  assert.deepEqual(bob.segments, ['age_18_35', 'company_small']);
  assert.deepEqual([bob.score, bob.grade, bob.stage, bob.temperature], [0, 'D', 'awareness', 'cold']);

  // Cy: a demo request at 07:30 UTC on Jan 12 (08:30+01:00), 76.5 h before now, + 20.
  near(cy.score, decayed(25, 76.5) + 20, 'cy score');
  assert.equal(cy.score.toFixed(2), '43.22');
  assert.deepEqual(cy.segments, ['age_36_55', 'company_large']);
  assert.deepEqual([cy.grade, cy.stage, cy.temperature], ['B', 'decision', 'warm']);

  assert.equal(summary.errors, 0);
  assert.deepEqual(summary.events, { read: 5, replayed: 4, afterNow: 0, unknownLead: 1, unknownLeadIds: ['dan@nowhere.example'], leadsWithoutId: 0 });
  assert.equal(summary.segments.high_intent_tech, 1);
  assert.deepEqual(summary.stages, { awareness: 1, consideration: 0, decision: 2, customer: 0 });
  assert.deepEqual(summary.temperatures, { cold: 1, warm: 2, hot: 0 });

  // metrics: true shows why.
  const withMetrics = await segmentLeads(exampleConfig(), LEADS_CSV, { events: ACTIVITIES_CSV, eventColumns: COLUMNS, now: NOW, metrics: true });
  assert.equal(withMetrics.leads[0].metrics.pricing_views_2d, 2);
  assert.equal(withMetrics.leads[0].metrics.page_views_30d, 2);
  assert.equal(withMetrics.leads[2].metrics.demo_requests, 1);
  assert.equal(withMetrics.leads[1].metrics.page_views_30d, 0);
  const { metrics: _m, ...adaAgain } = withMetrics.leads[0];
  assert.deepEqual(adaAgain, ada);
});

// ---------------------------------------------------------------------------
// Equivalence with createEngine.

const TYPES = [
  ['page_view', () => ({ path: '/pricing' })],
  ['page_view', () => ({ path: '/pricing/enterprise', title: 'Plans, "Enterprise"' })],
  ['page_view', () => ({ path: '/blog/post-1' })],
  ['page_view', () => ({ path: '/careers' })],
  ['session_start', (r) => (r() < 0.5 ? { utm_source: r() < 0.5 ? 'google' : 'newsletter' } : {})],
  ['email_open', () => ({})],
  ['download', () => ({ category: 'guide' })],
  ['webinar_attended', () => ({ topic: 'zero trust,\nline two' })],
  ['form_submit', () => ({ form: 'demo' })],
  ['cart_add', (r) => ({ value: Math.round(r() * 500) })],
  ['purchase', (r) => ({ amount: Math.round(r() * 3000) })],
];
const TITLES = ['CTO', 'IT Manager', 'Intern', 'CEO', 'VP Engineering', 'Designer'];
const INDUSTRIES = ['Technology', 'Software', 'Retail'];

/** Random leads: attributes, sometimes declarations, 0..40 events over 120 days (some after now), out of order. */
function randomLeads(seed, n) {
  const r = seededRandom(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const leads = [];
  for (let i = 0; i < n; i++) {
    const lead = {
      email: `lead${i}@example.com`,
      job_title: pick(TITLES),
      industry: pick(INDUSTRIES),
      company_size: Math.floor(r() * 3000),
      age: 20 + Math.floor(r() * 50),
      newsletter_subscribed: r() < 0.5,
    };
    if (r() < 0.3) lead.declarations = { interests: r() < 0.5 ? ['security', 'sso'] : ['pricing'] };
    const count = i % 7 === 0 ? 0 : Math.floor(r() * 40);
    const events = [];
    const burst = r() < 0.5; // many events in the last days: windows, caps, hot leads
    for (let k = 0; k < count; k++) {
      const [type, props] = pick(TYPES);
      const back = burst ? r() * 4 * DAY : r() * 120 * DAY;
      const at = Math.round(NOW - back + (r() < 0.05 ? 2 * DAY : 0)); // ~5% after now
      events.push({ type, at, props: props(r) });
    }
    if (count > 2) events.push({ ...events[1] }); // two events at the same time
    lead.events = events;
    leads.push(lead);
  }
  // One certain high-intent tech lead (two pricing views in two days).
  Object.assign(leads[1], { job_title: 'CTO', industry: 'Technology' });
  leads[1].events.push({ type: 'page_view', at: NOW - 3 * HOUR, props: { path: '/pricing' } }, { type: 'page_view', at: NOW - 30 * HOUR, props: { path: '/pricing' } });
  return leads;
}

/** What createEngine gives the same visitor: identify + declare at the first event, track in time order, read at now. */
async function viaEngine(lead) {
  const { events = [], declarations = {}, ...attributes } = lead;
  const kept = events.map((e, i) => ({ ...e, i })).filter((e) => e.at <= NOW).sort((a, b) => a.at - b.at || a.i - b.i);
  const clock = { t: kept.length ? kept[0].at : NOW };
  const engine = await createEngine({ config: exampleConfig(), now: () => clock.t });
  try {
    engine.identify(attributes);
    for (const [key, value] of Object.entries(declarations)) engine.declare(key, value);
    for (const e of kept) {
      clock.t = e.at;
      engine.track(e.type, e.props);
    }
    clock.t = NOW;
    const score = engine.score();
    return {
      ...attributes,
      segments: engine.segments(),
      score: score.score,
      grade: score.grade,
      stage: score.stage,
      temperature: score.temperature,
      // score() gives the time the lead became an MQL / SQL (or null).
      mql: score.stage === null ? null : score.mql !== null,
      sql: score.stage === null ? null : score.sql !== null,
      metrics: engine.metrics(),
    };
  } finally {
    engine.destroy();
  }
}

const csvField = (value) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The leads' events as an activity CSV (lead id, type, time, one column per property), rows shuffled, times ISO or epoch. */
function activityCsv(leads, seed) {
  const r = seededRandom(seed);
  const props = ['path', 'title', 'utm_source', 'category', 'topic', 'form', 'value', 'amount'];
  const rows = [];
  for (const lead of leads) {
    for (const e of lead.events) {
      const at = r() < 0.5 ? new Date(e.at).toISOString() : String(e.at);
      rows.push([lead.email, e.type, at, ...props.map((p) => (p in e.props ? csvField(e.props[p]) : ''))].join(','));
    }
  }
  // Shuffled: an export is in any order. (Events at the same time are the
  // duplicated ones, identical, so their order does not matter.)
  const shuffled = rows.map((row) => ({ row, k: r() })).sort((x, y) => x.k - y.k).map((x) => x.row);
  return ['lead_email,kind,when,' + props.join(','), ...shuffled].join('\r\n') + '\r\n';
}

test('equivalence: 40 random leads, inline events and an activity CSV, give exactly what createEngine gives', async () => {
  const leads = randomLeads(7, 40);
  const expected = [];
  for (const lead of leads) expected.push(await viaEngine(lead));
  assert.ok(expected.some((e) => e.segments.includes('high_intent_tech')), 'the sample reaches behavioural segments');
  assert.ok(expected.some((e) => e.temperature === 'hot'));
  assert.ok(expected.some((e) => e.stage === 'customer'));
  assert.ok(expected.some((e) => e.segments.includes('security_minded')), 'declarations');

  // 1. Objects with events.
  const inline = await segmentLeads(exampleConfig(), leads, { now: NOW, metrics: true });
  assert.equal(inline.summary.errors, 0, inline.leads.find((l) => l.error)?.error);
  for (let i = 0; i < leads.length; i++) assert.deepEqual(inline.leads[i], expected[i], `lead ${i} (inline)`);
  const all = leads.reduce((n, l) => n + l.events.length, 0);
  const late = leads.reduce((n, l) => n + l.events.filter((e) => e.at > NOW).length, 0);
  assert.ok(late > 0);
  assert.equal(inline.summary.events.replayed, all - late);
  assert.equal(inline.summary.events.afterNow, late);

  // 2. Attributes as objects, events from an activity CSV (shuffled, quoted
  //    fields with commas, quotes and line breaks, ISO and epoch times).
  const csv = activityCsv(leads, 11);
  const joined = await segmentLeads(exampleConfig(), leads.map(({ events, ...rest }) => rest), {
    now: NOW, metrics: true, events: csv, eventColumns: { lead: 'lead_email', type: 'kind', at: 'when' },
  });
  assert.equal(joined.summary.errors, 0, joined.leads.find((l) => l.error)?.error);
  for (let i = 0; i < leads.length; i++) assert.deepEqual(joined.leads[i], expected[i], `lead ${i} (activity CSV)`);
  assert.deepEqual(joined.summary.events, { read: all, replayed: all - late, afterNow: late, unknownLead: 0, unknownLeadIds: [], leadsWithoutId: 0 });

  // 3. Both as CSV (declarations cannot be CSV columns: leads without them).
  const plain = leads.filter((l) => !l.declarations);
  const cols = ['email', 'job_title', 'industry', 'company_size', 'age', 'newsletter_subscribed'];
  const leadsCsv = [cols.join(','), ...plain.map((l) => cols.map((c) => csvField(l[c])).join(','))].join('\n') + '\n';
  const both = await segmentLeads(exampleConfig(), leadsCsv, {
    now: NOW, metrics: true, events: csv, eventColumns: { lead: 'lead_email', type: 'kind', at: 'when' },
  });
  assert.equal(both.summary.errors, 0);
  const expectedPlain = expected.filter((_, i) => !leads[i].declarations);
  for (let i = 0; i < plain.length; i++) assert.deepEqual(both.leads[i], expectedPlain[i], `lead ${i} (two CSVs)`);
  const unknown = leads.filter((l) => l.declarations).reduce((n, l) => n + l.events.length, 0);
  assert.equal(both.summary.events.unknownLead, unknown, 'the events of the leads left out are counted');
});

test('events out of order, equal times, ISO forms, epoch numbers and text, Dates: same result as sorted', async () => {
  const sorted = [
    { type: 'session_start', at: NOW - 3 * DAY, props: { utm_source: 'google' } },
    { type: 'page_view', at: NOW - 30 * HOUR, props: { path: '/pricing' } },
    { type: 'page_view', at: NOW - 30 * HOUR, props: { path: '/careers' } },
    { type: 'form_submit', at: NOW - HOUR, props: { form: 'demo' } },
  ];
  const attributes = { email: 'a@x.example', job_title: 'IT Manager', industry: 'Technology', company_size: 300 };
  const mixed = [
    { type: 'form_submit', at: '2026-01-15T12:00:00+01:00', props: { form: 'demo' } }, // = NOW - 1 h
    { type: 'page_view', at: new Date(NOW - 30 * HOUR), props: { path: '/pricing' } },
    { type: 'session_start', at: '2026-01-12 12:00:00', props: { utm_source: 'google' } }, // no offset: UTC
    { type: 'page_view', at: String(NOW - 30 * HOUR), props: { path: '/careers' } },
  ];
  const { leads } = await segmentLeads(exampleConfig(), [
    { ...attributes, events: sorted },
    { ...attributes, events: mixed },
  ], { now: NOW, metrics: true });
  assert.equal(leads[0].error, undefined);
  assert.deepEqual(leads[1], leads[0]);
  assert.deepEqual(leads[0], await viaEngine({ ...attributes, events: sorted }));
  assert.ok(leads[0].segments.includes('from_search'));
  assert.equal(leads[0].stage, 'decision', 'a demo request');
});

test('a lead without events is exactly what segmentLeads gave before; events: [] and null are none', async () => {
  const rows = [{ job_title: 'CTO', industry: 'Technology', company_size: 20, age: 30 }];
  const before = await segmentLeads(exampleConfig(), rows, { now: NOW });
  const none = await segmentLeads(exampleConfig(), [{ ...rows[0], events: [] }, { ...rows[0], events: null, declarations: null }], { now: NOW });
  assert.deepEqual(none.leads[0], before.leads[0]);
  assert.deepEqual(none.leads[1], before.leads[0]);
  const joined = await segmentLeads(exampleConfig(), rows, { now: NOW, events: [] });
  assert.deepEqual(joined.leads, before.leads);
  assert.equal(joined.summary.events.leadsWithoutId, 1, 'no email column: nothing could be joined');
});

test('declarations are declared, not identified; in a CSV lead list "events" is just a column', async () => {
  const { leads } = await segmentLeads(exampleConfig(), [{ email: 'a', declarations: { interests: ['compliance'] } }], { now: NOW });
  assert.ok(leads[0].segments.includes('security_minded'));
  assert.ok(!('declarations' in leads[0]));
  const csv = await segmentLeads(exampleConfig(), 'email,events,age\na@x,3,30\n', { now: NOW });
  assert.equal(csv.leads[0].events, 3);
  assert.equal(csv.summary.errors, 0);
});

test('activity rows as objects: flat columns or props; Dates; every row of a duplicated lead id gets the events', async () => {
  const events = [
    { id: 7, type: 'page_view', at: new Date(NOW - HOUR), path: '/pricing' },
    { id: '7', type: 'page_view', at: NOW - 26 * HOUR, props: { path: '/pricing' } },
    { id: 8, type: 'webinar_attended', at: '2026-01-15' },
  ];
  const rows = [
    { id: 7, job_title: 'CTO', industry: 'Technology' },
    { id: 7, job_title: 'CTO', industry: 'Technology' },
    { id: 9 },
  ];
  const { leads, summary } = await segmentLeads(exampleConfig(), rows, { now: NOW, events, idColumn: 'id', metrics: true });
  assert.equal(leads[0].metrics.pricing_views_2d, 2, '7 and "7" are the same id');
  assert.ok(leads[0].segments.includes('high_intent_tech'));
  assert.deepEqual(leads[1], leads[0]);
  assert.deepEqual(summary.events, { read: 3, replayed: 4, afterNow: 0, unknownLead: 1, unknownLeadIds: ['8'], leadsWithoutId: 0 });
});

test('events after now are left out and counted; an id with only later events', async () => {
  const csv = 'email,type,at\na@x,page_view,2026-01-15T11:00:00Z\na@x,page_view,2026-01-16T11:00:00Z\nb@x,page_view,2027-01-01T00:00:00Z\n';
  const { leads, summary } = await segmentLeads(exampleConfig(), [{ email: 'a@x' }, { email: 'b@x', events: [{ type: 'email_open', at: NOW + 1 }] }], {
    now: NOW, events: csv, metrics: true,
  });
  assert.equal(leads[0].metrics.page_views_30d, 1);
  assert.equal(leads[1].metrics.page_views_30d, 0);
  assert.equal(leads[1].metrics.emails_opened_30d, 0);
  assert.deepEqual(summary.events, { read: 3, replayed: 1, afterNow: 3, unknownLead: 0, unknownLeadIds: [], leadsWithoutId: 0 });
});

// ---------------------------------------------------------------------------
// Malformed events: the lead gets `error` (with rows), the run goes on.

test('a malformed activity row gives its lead an error naming both rows; other leads go on', async () => {
  const leadsCsv = 'email,job_title\n"a@x","CTO"\nb@x,Intern\nc@x,CEO\nd@x,CTO\ne@x,CTO\nf@x,CTO\n';
  const activity = [
    'email,type,at,note',
    'a@x,page_view,yesterday,',
    'b@x,page_view,2026-01-14T10:00:00Z,"a note, with a comma',
    'and a line break"',
    'a@x,,2026-01-14T10:00:00Z,',
    'c@x,page_view,2300-01-01T00:00:00Z,',
    'd@x,page_view,1768471200,',
    'e@x,page_view,2026-02-30T10:00:00Z,',
    `f@x,${'x'.repeat(200)},2026-01-14T10:00:00Z,`,
    ',page_view,2026-01-14T10:00:00Z,',
    'zed@x,page_view,nonsense,',
  ].join('\n');
  const { leads, summary } = await segmentLeads(exampleConfig(), leadsCsv, { now: NOW, events: activity });
  assert.equal(summary.count, 6);
  assert.equal(summary.errors, 5);
  assert.match(leads[0].error, /^lead 0 \(row 2\): events CSV row 2: column "at": a string \("yesterday"\) is not a time \(milliseconds since the epoch, or ISO 8601 text/);
  assert.match(leads[0].error, /\(and 1 more malformed event of this lead\)$/);
  assert.deepEqual([leads[0].segments, leads[0].score, leads[0].grade], [[], null, null]);
  assert.equal(leads[0].job_title, 'CTO', 'the row is kept');
  assert.equal(leads[1].error, undefined, 'a quoted field with a comma and a line break is one field');
  assert.equal(leads[1].score, 0, 'an Intern page view scores nothing');
  assert.match(leads[2].error, /^lead 2 \(row 4\): events CSV row 5: column "at": a string \("2300-01-01T00:00:00Z"\) is outside 1970\.\.2200$/);
  assert.match(leads[3].error, /^lead 3 \(row 5\): events CSV row 6: column "at": 1768471200 is in 1970: seconds passed as milliseconds\?/);
  assert.match(leads[4].error, /events CSV row 7: column "at": a string \("2026-02-30T10:00:00Z"\) is not a time/);
  assert.match(leads[5].error, /^lead 5 \(row 7\): events CSV row 8: an event type must be 1 to 128 characters$/, 'rejected by the core, still named');
  assert.deepEqual(summary.events, { read: 9, replayed: 1, afterNow: 0, unknownLead: 2, unknownLeadIds: ['zed@x'], leadsWithoutId: 0 });

  const missingType = await segmentLeads(exampleConfig(), 'email\na@x\n', { now: NOW, events: 'email,type,at\na@x,,2026-01-14\n' });
  assert.match(missingType.leads[0].error, /events CSV row 2: the type column "type" is empty/);
  const missingTime = await segmentLeads(exampleConfig(), 'email\na@x\n', { now: NOW, events: 'email,type,at\na@x,page_view,\n' });
  assert.match(missingTime.leads[0].error, /events CSV row 2: the time column "at" is empty/);
});

const BAD_INLINE = [
  { events: 'page_view', expect: /^lead 1 at \/events: events must be an array of \{type, at, props\?\}, got a string/ },
  { events: [42], expect: /^lead 1 at \/events\/0: an event must be an object \{type, at, props\?\}, got the number 42/ },
  { events: [{ at: NOW }], expect: /^lead 1 at \/events\/0\/type: the event type is missing/ },
  { events: [{ type: '', at: NOW }], expect: /at \/events\/0\/type: the event type is missing/ },
  { events: [{ type: 5, at: NOW }], expect: /at \/events\/0\/type: the event type must be text, got the number 5/ },
  { events: [{ type: 'x' }], expect: /at \/events\/0\/at: the event time "at" is missing/ },
  { events: [{ type: 'x', at: 'last tuesday' }], expect: /at \/events\/0\/at: a string \("last tuesday"\) is not a time/ },
  { events: [{ type: 'x', at: NaN }], expect: /at \/events\/0\/at: NaN is not a time/ },
  { events: [{ type: 'x', at: NOW + 0.5 }], expect: /at \/events\/0\/at: \d+\.5 is not a whole number of milliseconds/ },
  { events: [{ type: 'x', at: -1 }], expect: /at \/events\/0\/at: -1 is outside 1970\.\.2200/ },
  { events: [{ type: 'x', at: 8e12 }], expect: /at \/events\/0\/at: 8000000000000 is outside 1970\.\.2200/ },
  { events: [{ type: 'x', at: 1768471200 }], expect: /1768471200 is in 1970: seconds passed as milliseconds\?/ },
  { events: [{ type: 'x', at: new Date('nope') }], expect: /an invalid Date is not a time/ },
  { events: [{ type: 'x', at: '2026-13-01' }], expect: /"2026-13-01"\) is not a time/ },
  { events: [{ type: 'x', at: NOW, props: 'x' }], expect: /^lead 1 at \/events\/0\/props: props must be an object, got a string \("x"\)/ },
  { events: [{ type: 'x', at: NOW, props: [1] }], expect: /at \/events\/0\/props: props must be an object, got an array/ },
  { events: [{ type: 'x', at: NOW, props: { n: NaN } }], expect: /^lead 1 at \/events\/0\/props\/n: NaN is not a finite number/ },
  { events: [{ type: 'x', at: NOW, properties: {} }], expect: /at \/events\/0\/properties: unknown key "properties" \(an event is \{type, at, props\?\}\)/ },
  { events: [{ type: 'ok', at: NOW }, { type: 'x', at: NOW, props: { deep: nested(70) } }], expect: /^lead 1 at \/events\/1: event properties nests deeper than 64 levels$/ },
  { declarations: ['security'], expect: /^lead 1 at \/declarations: declarations must be an object/ },
  { declarations: { interests: () => 1 }, expect: /^lead 1 at \/declarations\/interests: a function is not JSON data/ },
  { declarations: { ['k'.repeat(200)]: 1 }, expect: /^lead 1 at \/declarations\/k{200}: a declaration key must be 1 to 128 characters$/ },
  { extra: { pricing_views_2d: 1 }, events: [{ type: 'x', at: NOW }], expect: /"pricing_views_2d" is a reserved name/ },
];

function nested(depth) {
  let v = 1;
  for (let i = 0; i < depth; i++) v = { v };
  return v;
}

test('a malformed inline event or declaration gives the lead an error with its path; the others go on', async (t) => {
  for (const c of BAD_INLINE) {
    await t.test(String(c.expect), async () => {
      const bad = { job_title: 'CTO', ...(c.extra ?? {}) };
      if ('events' in c) bad.events = c.events;
      if ('declarations' in c) bad.declarations = c.declarations;
      const { leads, summary } = await segmentLeads(exampleConfig(), [
        { job_title: 'CTO', events: [{ type: 'webinar_attended', at: NOW - HOUR }] }, bad, { company_size: 5 },
      ], { now: NOW });
      assert.equal(summary.errors, 1);
      assert.match(leads[1].error, c.expect);
      assert.deepEqual(leads[1].segments, []);
      assert.ok(!('events' in leads[1]) && !('declarations' in leads[1]));
      assert.equal(leads[0].error, undefined);
      assert.ok(leads[0].score > 29);
      assert.deepEqual(leads[2].segments, ['company_small']);
      assert.equal(summary.events.replayed, 1, 'only the good lead counts');
    });
  }
});

test('activity rows as objects that are malformed are named by index', async () => {
  const { leads } = await segmentLeads(exampleConfig(), [{ email: 'a' }, { email: 'b' }, { email: 'c' }], {
    now: NOW,
    events: [
      { email: 'a', type: 'x', at: NOW, props: 'x' },
      { email: 'b', type: 'x', at: NOW, props: {}, path: '/x' },
      { email: 'c', type: 'x', at: NOW, n: NaN },
    ],
  });
  assert.match(leads[0].error, /^lead 0: options\.events\[0\]: props must be an object, got a string/);
  assert.match(leads[1].error, /^lead 1: options\.events\[1\]: "path": a row with props keeps every property in props/);
  assert.match(leads[2].error, /^lead 2: options\.events\[2\] at \/n: NaN is not a finite number/);
});

// ---------------------------------------------------------------------------
// Options.

test('wrong options reject at once with a LeadsegError', async () => {
  const cases = [
    [{ evnets: [] }, /unknown option "evnets"/],
    [{ events: 42 }, /events must be an array of rows, CSV text, a Blob\/File or a ReadableStream, got the number 42/],
    [{ events: {} }, /events must be an array of rows/],
    [{ idColumn: '' }, /idColumn must be a column name/],
    [{ idColumn: 3 }, /idColumn must be a column name, got the number 3/],
    [{ eventColumns: { lead: 'email', typ: 'kind' } }, /unknown eventColumns key "typ" \(expected lead, type, at\)/],
    [{ eventColumns: 'kind' }, /eventColumns must be an object/],
    [{ eventColumns: { at: '' } }, /eventColumns\.at must be a column name/],
    [{ eventColumns: { type: 'email' } }, /eventColumns name the same column twice/],
    [{ metrics: 'yes' }, /metrics must be true or false/],
    [{ keepLeads: 0 }, /keepLeads must be true or false/],
    [{ types: 'no' }, /types must be true or false/],
  ];
  for (const [options, expect] of cases) {
    await assert.rejects(segmentLeads(exampleConfig(), [], { now: NOW, ...options }), (error) => {
      assert.equal(error.name, 'LeadsegError');
      assert.match(error.message, expect);
      return true;
    }, JSON.stringify(options));
  }
  await assert.rejects(segmentLeads(exampleConfig(), LEADS_CSV, { now: NOW, events: ACTIVITIES_CSV }),
    /the events CSV has no column "type", "at" \(its columns: "email", "activity", "timestamp", "path", "form"\); name the columns with eventColumns: \{lead, type, at\}/);
  await assert.rejects(segmentLeads(exampleConfig(), LEADS_CSV, { now: NOW, events: ACTIVITIES_CSV, eventColumns: COLUMNS, idColumn: 'id' }),
    /the events CSV has no column "id"/);
  await assert.rejects(segmentLeads(exampleConfig(), 'id,job_title\n1,CTO\n', { now: NOW, events: ACTIVITIES_CSV, eventColumns: COLUMNS }),
    /the leads CSV has no column "email" to join options\.events on \(its columns: "id", "job_title"\); set idColumn/);
  await assert.rejects(segmentLeads(exampleConfig(), [], { now: NOW, events: 'email,type,at\n"unclosed' }),
    /segmentLeads: options\.events: CSV: the quoted field that starts on line 2 is never closed/);
  await assert.rejects(segmentLeads(exampleConfig(), LEADS_CSV, { now: NOW, events: LEADS_CSV }), /events and leads are the same input/);
});

// ---------------------------------------------------------------------------
// Streaming and progress.

function byteStream(text, size) {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
      controller.close();
    },
  });
}

test('streams, Blobs and async iterables of both files give the same results', async () => {
  const reference = await segmentLeads(exampleConfig(), LEADS_CSV, { events: ACTIVITIES_CSV, eventColumns: COLUMNS, now: NOW });
  async function* pieces(text, size) {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }
  const variants = [
    [byteStream(LEADS_CSV, 3), byteStream(ACTIVITIES_CSV, 5)],
    [new Blob([LEADS_CSV]), new Blob([ACTIVITIES_CSV])],
    [pieces(LEADS_CSV, 7), pieces(ACTIVITIES_CSV, 1)],
  ];
  for (const [leads, events] of variants) {
    const result = await segmentLeads(exampleConfig(), leads, { events, eventColumns: COLUMNS, now: NOW });
    assert.deepEqual(result, reference);
  }
});

test('progress: eventsRead while the activity table is read, then leads; onLead in order; keepLeads: false', async () => {
  const n = 250;
  let activity = 'email,type,at,path\n';
  for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) activity += `l${i},page_view,${NOW - (k + 1) * HOUR},/pricing\n`;
  async function* leadsCsv() {
    yield 'email,job_title,industry\n';
    for (let i = 0; i < n; i++) yield `l${i},CTO,Technology\n`;
  }
  const progress = [];
  const seen = [];
  const { leads, summary } = await segmentLeads(exampleConfig(), leadsCsv(), {
    now: NOW, events: new Blob([activity]), keepLeads: false, progressEvery: 100,
    onProgress: (p) => progress.push(p),
    onLead: (lead, index) => seen.push([index, lead.segments.includes('high_intent_tech')]),
  });
  assert.deepEqual(leads, []);
  assert.deepEqual(progress, [
    ...[100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((eventsRead) => ({ processed: 0, eventsRead })),
    { processed: 100 }, { processed: 200 }, { processed: 250 },
  ]);
  assert.deepEqual(seen, Array.from({ length: n }, (_, i) => [i, true]));
  assert.equal(summary.segments.high_intent_tech, n);
  assert.equal(summary.events.replayed, 4 * n);

  const arrayProgress = [];
  await segmentLeads(exampleConfig(), [{ email: 'l1' }, { email: 'l2' }], {
    now: NOW, events: [{ email: 'l1', type: 'x', at: NOW }], onProgress: (p) => arrayProgress.push(p),
  });
  assert.deepEqual(arrayProgress, [{ processed: 0, eventsRead: 1, total: 2 }, { processed: 2, total: 2 }]);
});

test('an abort while the activity table is read stops the run', async () => {
  const controller = new AbortController();
  async function* slow() {
    yield 'email,type,at\n';
    for (let i = 0; ; i++) {
      yield `l${i},page_view,${NOW}\n`;
      if (i === 50) controller.abort(new Error('stopped while reading events'));
      if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  await assert.rejects(segmentLeads(exampleConfig(), [], { now: NOW, events: slow(), signal: controller.signal }), /stopped while reading events/);
});

// ---------------------------------------------------------------------------
// Times.

test('event times: ISO 8601 forms (no offset = UTC), whole ms, 1970..2200, seconds refused', () => {
  const t = Date.UTC(2026, 0, 14, 9, 30, 15, 250);
  for (const text of [
    '2026-01-14T09:30:15.250Z', '2026-01-14T09:30:15.25Z', '2026-01-14T09:30:15,250Z', '2026-01-14 09:30:15.250',
    '2026-01-14t09:30:15.250z', '2026-01-14T10:30:15.250+01:00', '2026-01-14T10:30:15.250+0100', '2026-01-14T10:30:15.250+01',
    '2026-01-14T04:00:15.250-05:30', '2026-01-14T09:30:15.250999Z',
  ]) assert.equal(isoTime(text), t, text);
  assert.equal(isoTime('2026-01-14'), Date.UTC(2026, 0, 14));
  assert.equal(isoTime('2026-01-14T09:30'), Date.UTC(2026, 0, 14, 9, 30));
  assert.equal(isoTime('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29), 'a leap day');
  for (const text of ['2026-02-29', '2026-00-10', '2026-01-32', '2026-01-14T24:00', '2026-01-14T09:60', '2026-01-14T09:30:60Z',
    '2026-01-14T09:30:00+24:00', '14/01/2026', '2026-1-14', 'Jan 14 2026', '2026-01-14T09', '2026-01-14Z', ' 2026-01-14', '2026-01-14T09:30:00 Z']) {
    assert.equal(isoTime(text), null, text);
  }
  assert.equal(eventTime(1768471200000), 1768471200000);
  assert.equal(eventTime('1768471200000'), 1768471200000);
  assert.equal(eventTime(new Date(1768471200000)), 1768471200000);
  // The core's one time rule: nothing before 1e11 ms, whatever the form.
  assert.match(eventTime('1971-06-01'), /a string \("1971-06-01"\) is before 1973-03-03, the earliest time leadseg accepts/);
  assert.match(eventTime(new Date(1e11 - 1)), /is before 1973-03-03/);
  assert.equal(eventTime(new Date(1e11)), 1e11, '1973-03-03T09:46:40Z is the first time');
  assert.equal(eventTime(7258118400000), 7258118400000, '2200-01-01 is the last time');
  assert.match(eventTime(7258118400001), /outside 1970\.\.2200/);
  assert.match(eventTime('2200-01-02'), /outside 1970\.\.2200/);
  assert.match(eventTime('1969-12-31T23:59:59Z'), /outside 1970\.\.2200/);
  assert.match(eventTime(99_999_999_999), /seconds passed as milliseconds/);
  assert.match(eventTime('1768471200'), /seconds passed as milliseconds/);
  assert.match(eventTime(true), /the boolean true is not a time/);
  assert.match(eventTime(null), /null is not a time/);
});

// ---------------------------------------------------------------------------

test('throughput (informational): 2,000 CSV leads with and without 20 activities each', async () => {
  const n = 2000;
  const per = 20;
  const titles = ['CTO', 'IT Manager', 'Intern', 'CEO', 'VP Engineering'];
  let leadsCsv = 'email,job_title,industry,company_size,age\n';
  for (let i = 0; i < n; i++) leadsCsv += `l${i}@x.example,${titles[i % 5]},${i % 3 ? 'Technology' : 'Retail'},${i % 2000},${20 + (i % 50)}\n`;
  const kinds = ['page_view,/pricing,', 'page_view,/blog,', 'session_start,,', 'email_open,,', 'download,,guide', 'webinar_attended,,', 'form_submit,,'];
  let activity = 'email,type,at,path,category\n';
  for (let k = 0; k < per; k++) for (let i = 0; i < n; i++) activity += `l${i}@x.example,${kinds[(i + k) % kinds.length].split(',')[0]},${new Date(NOW - (per - k) * 5 * HOUR - i).toISOString()},${kinds[(i + k) % kinds.length].split(',').slice(1).join(',')}\n`;
  let t0 = performance.now();
  const plain = await segmentLeads(exampleConfig(), leadsCsv, { now: NOW, keepLeads: false });
  const plainMs = performance.now() - t0;
  t0 = performance.now();
  const withEvents = await segmentLeads(exampleConfig(), leadsCsv, { now: NOW, keepLeads: false, events: activity });
  const eventsMs = performance.now() - t0;
  assert.equal(plain.summary.count, n);
  assert.equal(withEvents.summary.events.replayed, n * per);
  assert.equal(withEvents.summary.errors, 0);
  console.log(`# segmentLeads: ${n} leads without events ${((plainMs * 1000) / n).toFixed(0)} µs per lead; with ${per} events each ${((eventsMs * 1000) / n).toFixed(0)} µs per lead (${((eventsMs - plainMs) * 1000 / (n * per)).toFixed(0)} µs per event)`);
});
