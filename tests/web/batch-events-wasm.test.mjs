// segmentLeads with an activity CSV on the batch module's path
// (web/src/batch-events-wasm.js): the table's bytes go to wasm once, each
// lead's events are replayed there. Every answer, the summary and the
// messages must be those of the per-lead path (options.module: one engine
// per lead from JavaScript), which tests/web/batch-events.test.mjs checks
// against createEngine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { loadModule } from '../../web/src/loader.js';
import { setBatchLoader } from '../../web/src/batch-module.js';
import { nodeBatchLoader } from '../../web/src/loader-node.js';
import { HOUR, exampleConfig, seededRandom } from './helpers.mjs';

const NOW = Date.UTC(2026, 0, 15, 12);

function randomTables(leads, perLead, seed) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const rows = ['email,job_title,industry,company_size,age,newsletter_subscribed'];
  const events = ['email,type,at,path,category,form,value,amount,utm_source'];
  const kinds = ['page_view', 'page_view', 'session_start', 'email_open', 'download', 'form_submit', 'webinar_attended', 'cart_add', 'purchase'];
  for (let i = 0; i < leads; i++) {
    const email = `l${i}@example.com`;
    rows.push([email, pick(['CTO', 'IT Manager', 'Intern', '']), pick(['Technology', 'Retail', '']), Math.floor(random() * 2000),
      16 + Math.floor(random() * 50), pick(['true', 'false', ''])].join(','));
    const n = Math.floor(random() * perLead * 2);
    for (let k = 0; k < n; k++) {
      const type = pick(kinds);
      // A few later than now, left out and counted by both paths.
      const at = NOW - Math.floor(random() * 40 * 24 * HOUR) + 2 * HOUR;
      events.push([email, type, random() < 0.5 ? at : new Date(at).toISOString(), type === 'page_view' ? pick(['/pricing', '/careers', '/']) : '',
        type === 'download' ? pick(['guide', 'other']) : '', type === 'form_submit' ? pick(['demo', 'contact']) : '',
        type === 'cart_add' ? Math.floor(random() * 300) : '', type === 'purchase' ? 1 + Math.floor(random() * 500) : '',
        type === 'session_start' ? pick(['google', '']) : ''].join(','));
    }
  }
  // Events of a lead the list does not have, and a malformed row of lead 3.
  events.push('nobody@example.com,page_view,2026-01-14,/pricing,,,,,');
  events.push('l3@example.com,page_view,yesterday,/pricing,,,,,');
  return { leads: `${rows.join('\n')}\n`, events: `${events.join('\n')}\n` };
}

// Counts the batch module's activity-table calls, to know which path ran.
function countingBatchLoader() {
  const calls = { feedEvents: 0 };
  setBatchLoader(async () => {
    const module = await nodeBatchLoader();
    const feedEvents = module.LeadBatch.prototype.feedEvents;
    module.LeadBatch.prototype.feedEvents = function (...args) {
      calls.feedEvents++;
      return feedEvents.apply(this, args);
    };
    return module;
  });
  return calls;
}

test('an activity CSV is replayed in the batch module, with the per-lead path\'s answers, summary and errors', async () => {
  const calls = countingBatchLoader();
  try {
    const core = await loadModule({});
    const { leads, events } = randomTables(300, 12, 7);
    const bulk = await segmentLeads(exampleConfig(), leads, { events, now: NOW });
    assert.ok(calls.feedEvents > 0, 'the activity table went to the batch module');
    const perLead = await segmentLeads(exampleConfig(), leads, { events, now: NOW, module: core });
    assert.deepEqual(bulk, perLead);
    assert.equal(bulk.summary.errors, 1);
    assert.match(bulk.leads[3].error, /^lead 3 \(row 5\): events CSV row \d+: column "at": a string \("yesterday"\) is not a time/);
    assert.equal(bulk.summary.events.unknownLead, 1);
    assert.deepEqual(bulk.summary.events.unknownLeadIds, ['nobody@example.com']);
    assert.ok(bulk.summary.events.afterNow > 0 && bulk.summary.events.replayed > 1000);
    assert.ok(bulk.leads.some((lead) => lead.score > 0 && lead.stage !== 'awareness'));

    // Chunked input (a stream of small pieces) and other event columns.
    const renamed = events.replace(/^email,type,at,/, 'lead,activity,when,');
    async function* pieces(text, size) {
      for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
    }
    const columns = { eventColumns: { lead: 'lead', type: 'activity', at: 'when' } };
    const streamed = await segmentLeads(exampleConfig(), pieces(leads, 333), { events: pieces(renamed, 101), now: NOW, ...columns });
    assert.deepEqual(streamed, await segmentLeads(exampleConfig(), leads, { events: renamed, now: NOW, module: core, ...columns }));
  } finally {
    setBatchLoader(nodeBatchLoader);
  }
});

test('activity CSV errors read as on the per-lead path', async () => {
  const core = await loadModule({});
  const leads = 'email,job_title\na@x,CTO\n';
  const cases = [
    [leads, 'email,kind,at\na@x,page_view,2026-01-01\n'],
    [leads, 'email,type,at\na@x,"page_view,2026-01-01\n'],
    ['id,job_title\na@x,CTO\n', 'email,type,at\na@x,page_view,2026-01-01\n'],
  ];
  for (const [list, events] of cases) {
    const message = async (extra) => {
      try {
        await segmentLeads(exampleConfig(), list, { events, now: NOW, ...extra });
      } catch (error) {
        assert.equal(error.name, 'LeadsegError');
        return error.message;
      }
      assert.fail('no error');
    };
    assert.equal(await message({}), await message({ module: core }));
  }
});
