// segmentLeads on lead objects with events and declarations, through the
// batch module (web/src/batch-objects.js: many leads per call, each lead's
// history replayed in wasm). Every answer, metric, summary count, progress
// call and error message must be the per-lead path's (options.module: one
// engine per lead from JavaScript).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { loadModule } from '../../web/src/loader.js';
import { setBatchLoader } from '../../web/src/batch-module.js';
import { nodeBatchLoader } from '../../web/src/loader-node.js';
import { HOUR, exampleConfig, seededRandom } from './helpers.mjs';
import { growMemoryOn, restoreBatchLoader } from './batch-memory.mjs';

const NOW = Date.UTC(2026, 0, 15, 12);

function randomLeads(n, seed) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const kinds = ['page_view', 'page_view', 'session_start', 'email_open', 'download', 'form_submit', 'webinar_attended', 'cart_add', 'purchase'];
  const leads = [];
  for (let i = 0; i < n; i++) {
    const lead = { email: `l${i}@example.com`, job_title: pick(['CTO', 'IT Manager', 'VP Engineering', 'Intern']), industry: pick(['Technology', 'Software', 'Retail']) };
    if (random() < 0.8) lead.company_size = Math.floor(random() * 2000);
    if (random() < 0.7) lead.age = 16 + Math.floor(random() * 50);
    if (random() < 0.3) lead.declarations = { interests: [pick(['security', 'compliance', 'pricing'])] };
    const events = [];
    const count = random() < 0.1 ? 0 : Math.floor(random() * 30);
    for (let k = 0; k < count; k++) {
      const type = pick(kinds);
      // Out of order, some later than now (left out and counted by both paths), ISO or ms.
      const at = NOW - Math.floor(random() * 40 * 24 * HOUR) + 2 * HOUR;
      const event = { type, at: random() < 0.5 ? at : new Date(at).toISOString() };
      if (type === 'page_view') event.props = { path: pick(['/pricing', '/careers', '/']) };
      if (type === 'download') event.props = { category: pick(['guide', 'other']) };
      if (type === 'form_submit') event.props = { form: pick(['demo', 'contact']) };
      if (type === 'cart_add') event.props = { value: Math.floor(random() * 300) };
      if (type === 'purchase') event.props = { amount: 1 + Math.floor(random() * 500) };
      if (type === 'session_start' && random() < 0.5) event.props = { utm_source: 'google' };
      events.push(event);
    }
    if (events.length || random() < 0.5) lead.events = events;
    leads.push(lead);
  }
  return leads;
}

// Counts the batch module's lead-object calls, to know which path ran.
function countingBatchLoader() {
  const calls = { feed: 0 };
  setBatchLoader(async () => {
    const module = await nodeBatchLoader();
    const feed = module.LeadObjects.prototype.feed;
    module.LeadObjects.prototype.feed = function (...args) {
      calls.feed++;
      return feed.apply(this, args);
    };
    return module;
  });
  return calls;
}

async function bothPaths(config, leads, options = {}) {
  const core = await loadModule({});
  const progress = { bulk: [], perLead: [] };
  const bulk = await segmentLeads(config, leads, { now: NOW, onProgress: (p) => progress.bulk.push(p), ...options });
  const perLead = await segmentLeads(config, leads, { now: NOW, module: core, onProgress: (p) => progress.perLead.push(p), ...options });
  return { bulk, perLead, progress };
}

test('lead objects with events and declarations go to the batch module, with the per-lead path\'s answers and metrics', async () => {
  const calls = countingBatchLoader();
  const config = exampleConfig();
  const leads = randomLeads(700, 15);
  const { bulk, perLead, progress } = await bothPaths(config, leads, { metrics: true, progressEvery: 100 });
  assert.ok(calls.feed >= 3, `the batch module evaluated the leads (${calls.feed} calls)`);
  assert.equal(bulk.summary.errors, 0);
  assert.ok(bulk.summary.events.replayed > 5000 && bulk.summary.events.afterNow > 0, JSON.stringify(bulk.summary.events));
  assert.ok(bulk.summary.mql > 0 && bulk.summary.sql > 0, 'the random histories reach the hand-offs');
  assert.ok(Object.values(bulk.summary.temperatures).filter((n) => n > 0).length >= 2);
  assert.deepEqual(bulk.leads, perLead.leads);
  assert.deepEqual(bulk.summary, perLead.summary);
  assert.deepEqual(bulk.warnings, perLead.warnings);
  assert.deepEqual(progress.bulk, progress.perLead);
});

test('bad leads fail alone, with the per-lead path\'s messages', async () => {
  countingBatchLoader();
  const config = exampleConfig();
  const good = { email: 'ok@example.com', job_title: 'CTO', events: [{ type: 'page_view', at: NOW - HOUR, props: { path: '/pricing' } }] };
  const leads = [
    good,
    'not an object',
    { email: 'a@example.com', visits_30d: 3 },                                                  // a metric's name: identify refuses it
    { email: 'b@example.com', events: [{ type: 'page_view', at: NOW - HOUR }, { type: 'x'.repeat(200), at: NOW - 2 * HOUR }] },
    { email: 'c@example.com', events: [{ type: 'page_view', at: 'yesterday' }] },               // refused in JavaScript
    { email: 'd@example.com', declarations: { ['k'.repeat(200)]: 1 } },                         // refused by declare
    { email: 'e@example.com', events: [{ type: 'page_view', at: NOW - HOUR, props: { n: 1 } }], declarations: 'nope' },
    { email: 'f@example.com', nested: { deep: [1, 2, { x: null }] }, events: [] },
    good,
  ];
  const { bulk, perLead } = await bothPaths(config, leads, { metrics: true });
  assert.equal(bulk.summary.errors, 6);
  assert.deepEqual(bulk.leads, perLead.leads);
  assert.deepEqual(bulk.summary, perLead.summary);
  assert.match(bulk.leads[3].error, /^lead 3 at \/events\/1: an event type must be 1 to 128 characters/);
  assert.match(bulk.leads[5].error, /^lead 5 at \/declarations\/k+: a declaration key must be 1 to 128 characters/);
  assert.equal(bulk.leads[8].score, bulk.leads[0].score, 'a lead after failed ones is unaffected');
});

test('a segments-only config and an empty list take the bulk path too', async () => {
  countingBatchLoader();
  const config = { segments: [{ id: 'cto', condition: { job_title: 'CTO' } }, { id: 'big', condition: { company_size: { $gte: 1000 } } }] };
  const leads = randomLeads(50, 3).map(({ events: _e, declarations: _d, ...rest }) => rest);
  const { bulk, perLead } = await bothPaths(config, leads);
  assert.deepEqual(bulk, perLead);
  const empty = await bothPaths(config, []);
  assert.deepEqual(empty.bulk, empty.perLead);
});

test('wasm memory growing while a call\'s results are read: the per-lead path\'s leads and metrics', async () => {
  // failureOf(i) copies a message out through wasm allocations; grow the
  // memory there, between the results of one call, twice.
  const grew = growMemoryOn('LeadObjects', 'failureOf', (call) => call === 0 || call === 3);
  try {
    const leads = randomLeads(600, 21);
    for (let i = 10; i < leads.length; i += 40) {
      leads[i] = i % 80 === 10 ? { email: `m${i}@example.com`, visits_30d: 3 } // identify refuses a metric's name
        : { email: `t${i}@example.com`, events: [{ type: 'x'.repeat(200), at: NOW - HOUR }] };
    }
    const { bulk, perLead } = await bothPaths(exampleConfig(), leads, { metrics: true });
    assert.equal(grew.times, 2, 'the memory grew mid-batch');
    assert.equal(bulk.summary.errors, 15);
    assert.deepEqual(bulk.leads, perLead.leads);
    assert.deepEqual(bulk.summary, perLead.summary);
  } finally {
    restoreBatchLoader();
  }
});

// The column report's keys are gathered as the leads are written, past the
// first lead that settles that the list cannot be refused: the report must
// still be the per-lead path's, on every path the leads take, and a list
// that is refused must be refused before any lead is evaluated.
test('the column report over every lead\'s keys, and a refused list refused before its first lead', async () => {
  const core = await loadModule({});
  const config = { segments: [{ id: 'big', condition: { company_size: { $gte: 100 } } }, { id: 'cto', condition: { job_title: 'CTO' } }] };
  // Lead 0 reads nothing; new keys appear after several calls' worth of
  // leads, on leads written as indexed records, as frames (null), as JSON
  // text (nested) and with a history.
  const leads = [{ email: 'a' }];
  for (let i = 1; i < 1200; i++) {
    const lead = { email: `l${i}`, company_size: i };
    if (i === 1) lead.first = 1;  // settles it: keys from lead 2 on are gathered while written
    if (i === 2) lead.second = 1;
    if (i === 700) lead.late = 1;
    if (i === 800) lead.nullable = null;
    if (i === 900) lead.nested = { a: 1 };
    if (i === 1000) lead.events = [];
    if (i === 1100) Object.assign(lead, { 'Job Title': 'CTO' });
    leads.push(lead);
  }
  const perLead = await segmentLeads(config, leads, { now: NOW, module: core });
  const bulk = await segmentLeads(config, leads, { now: NOW });
  const columns = await segmentLeads(config, leads, { now: NOW, results: 'columns' });
  assert.deepEqual(perLead.summary.columns.ignored, ['email', 'first', 'second', 'late', 'nullable', 'nested', 'Job Title']);
  assert.deepEqual(perLead.summary.columns.suggestions, { 'Job Title': 'job_title' });
  assert.deepEqual(bulk.summary, perLead.summary);
  assert.deepEqual(columns.summary, perLead.summary);

  // No lead has a column the config reads: refused, nothing evaluated.
  const unread = Array.from({ length: 600 }, (_, i) => ({ email: `l${i}`, ...(i === 599 ? { 'Job Title': 'CTO' } : {}) }));
  for (const options of [{}, { results: 'columns' }]) {
    let seen = 0;
    await assert.rejects(segmentLeads(config, unread, { now: NOW, ...options, onLead: () => seen++, onProgress: () => seen++ }),
      /the file has none of the columns the config reads .*"Job Title": "job_title"/);
    assert.equal(seen, 0);
  }
  // The last lead has one: no error.
  unread[599].company_size = 5;
  const fine = await segmentLeads(config, unread, { now: NOW, results: 'columns' });
  assert.deepEqual(fine.summary.columns.read, ['company_size']);
});
