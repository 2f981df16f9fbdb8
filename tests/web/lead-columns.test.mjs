// segmentLeads(..., {results: 'columns'}) (web/src/lead-columns.js): every
// lead's outputs as typed arrays. On every path (lead objects and CSV
// through the batch module, read from its result rows; the per-lead path
// and workers, from result objects) each lead's columns must say what its
// result object says, and the summary, warnings and progress must be the
// objects run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { segmentLeadsInColumns } from '../../web/src/batch.js';
import { loadModule } from '../../web/src/loader.js';
import { HOUR, START, exampleConfig, inProcessWorkers, seededRandom } from './helpers.mjs';

const NOW = Date.UTC(2026, 0, 15, 12);
const OWN = new Set(['segments', 'score', 'grade', 'stage', 'temperature', 'mql', 'sql', 'metrics', 'error']);

// A result object's outputs, without the lead's own fields.
function outputsOf(lead) {
  return Object.fromEntries(Object.entries(lead).filter(([key]) => OWN.has(key)));
}

// Runs `leads` both ways; asserts the columns say what the objects say.
async function sameAsObjects(config, leads, options = {}) {
  const progress = { objects: [], columns: [] };
  const objects = await segmentLeads(config, leads, { now: NOW, onProgress: (p) => progress.objects.push(p), ...options });
  const run = await segmentLeads(config, leads, { now: NOW, onProgress: (p) => progress.columns.push(p), ...options, results: 'columns' });
  const { columns } = run;
  assert.deepEqual(run.leads, []);
  assert.equal(columns.count, objects.leads.length);
  for (let i = 0; i < columns.count; i++) {
    assert.deepEqual(columns.outputs(i), outputsOf(objects.leads[i]), `lead ${i}`);
  }
  assert.deepEqual(run.summary, objects.summary);
  assert.deepEqual(run.warnings, objects.warnings);
  assert.deepEqual(progress.columns, progress.objects);
  return { objects, columns };
}

function randomLeads(n, seed, { events = true } = {}) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const leads = [];
  for (let i = 0; i < n; i++) {
    const lead = { email: `l${i}@example.com`, job_title: pick(['CTO', 'IT Manager', 'VP Engineering', 'Intern']), industry: pick(['Technology', 'Software', 'Retail']) };
    if (random() < 0.8) lead.company_size = Math.floor(random() * 2000);
    if (random() < 0.7) lead.age = 16 + Math.floor(random() * 50);
    if (events) {
      const list = [];
      const count = Math.floor(random() * 12);
      for (let k = 0; k < count; k++) {
        const type = pick(['page_view', 'email_open', 'form_submit', 'webinar_attended']);
        const event = { type, at: NOW - Math.floor(random() * 30 * 24 * HOUR) + HOUR };
        if (type === 'page_view') event.props = { path: pick(['/pricing', '/careers', '/']) };
        if (type === 'form_submit') event.props = { form: pick(['demo', 'contact']) };
        list.push(event);
      }
      lead.events = list;
    }
    leads.push(lead);
  }
  return leads;
}

test('results: "columns" on lead objects with events: every lead, the summary and progress as the objects run', async () => {
  const leads = randomLeads(600, 7);
  // Leads that fail, in JavaScript and in wasm.
  leads[3] = 'not an object';
  leads[40] = { email: 'm@example.com', visits_30d: 3 };
  leads[41] = { email: 'e@example.com', events: [{ type: 'page_view', at: 'yesterday' }] };
  const { objects, columns } = await sameAsObjects(exampleConfig(), leads, { progressEvery: 100 });
  assert.equal(objects.summary.errors, 3);
  assert.equal(columns.errors.size, 3);
  assert.ok(objects.summary.mql > 0 && Object.values(objects.summary.grades).filter((n) => n > 0).length >= 2, 'the leads reach grades and hand-offs');
  assert.ok(columns.segments instanceof Uint32Array && columns.score instanceof Float64Array);
  assert.equal(columns.segments.length, columns.count * columns.wordsPerLead, 'trimmed to the leads');
  // keepLeads: false without onLead counts from the result rows too (no object made): the same summary.
  const counted = await segmentLeads(exampleConfig(), leads, { now: NOW, keepLeads: false });
  assert.deepEqual(counted.leads, []);
  assert.deepEqual(counted.summary, objects.summary);
});

test('results: "columns" with metrics, and on the per-lead path (a caller\'s module)', async () => {
  const leads = randomLeads(120, 11);
  leads[5] = { email: 'm@example.com', visits_30d: 3 };
  const withMetrics = await sameAsObjects(exampleConfig(), leads, { metrics: true });
  assert.ok(withMetrics.columns.metrics[0] !== null && typeof withMetrics.columns.metrics[0] === 'object');
  assert.equal(withMetrics.columns.metrics[5], null);
  await sameAsObjects(exampleConfig(), leads, { module: await loadModule({}) });
});

test('results: "columns" on a segments-only config past 32 segments (two words a lead), a call\'s rows read at once', async () => {
  const segments = [];
  for (let s = 0; s < 40; s++) segments.push({ id: `s${s}`, condition: s % 2 ? { company_size: { $gte: s * 40 } } : { age: { $lt: 20 + s } } });
  // Three calls into wasm (1,024 leads a call, batch-objects.js).
  const leads = randomLeads(2600, 3, { events: false });
  // A lead past identify's 256 KB limit fails in wasm: its call's rows are
  // read one by one, the other calls' in one pass (progress within them).
  leads[1500].job_title = 'x'.repeat(300_000);
  const { objects, columns } = await sameAsObjects({ segments }, leads, { progressEvery: 50 });
  assert.equal(objects.summary.errors, 1);
  assert.equal(columns.errors.size, 1);
  assert.equal(columns.wordsPerLead, 2);
  const i = leads.findIndex((l) => l.age !== undefined && l.age < 50);
  assert.equal(columns.has(i, 's38'), leads[i].age < 58);
  assert.equal(columns.has(i, 'no such segment'), false);
});

const TITLES = ['CTO', 'Intern', 'CEO', 'VP "Sales", EMEA', 'IT Manager'];

function leadsCsv(rows) {
  const quote = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['email,job_title,industry,company_size,age'];
  for (let i = 0; i < rows; i++) {
    // A title past identify's 256 KB limit is that lead's error.
    const title = i % 151 === 7 ? 'x'.repeat(300_000) : TITLES[i % TITLES.length];
    lines.push([`lead${i}@example.com`, quote(title), ['Technology', 'Retail', 'Software'][i % 3], String((i * 37) % 3000), i % 5 ? String(20 + (i % 50)) : ''].join(','));
  }
  return lines.join('\n') + '\n';
}

test('results: "columns" on CSV in this thread (read from the batch module\'s rows), with and without onLead', async () => {
  const csv = leadsCsv(700);
  const { objects, columns } = await sameAsObjects(exampleConfig(), new Blob([csv]), { now: START });
  assert.ok(objects.summary.errors > 0 && /\(row \d+\)/.test(columns.errors.values().next().value));
  const seen = [];
  const withOnLead = await segmentLeads(exampleConfig(), csv, { now: START, results: 'columns', onLead: (lead, i) => seen.push([lead, i]) });
  assert.deepEqual(seen.map(([lead]) => lead), objects.leads, 'onLead still gets every result object');
  assert.deepEqual(seen.map(([, i]) => i), objects.leads.map((_, i) => i));
  for (let i = 0; i < columns.count; i++) assert.deepEqual(withOnLead.columns.outputs(i), columns.outputs(i));
});

test('results: "columns" across workers: each part\'s columns sent back, in input order, the one-thread summary', async () => {
  const blob = new Blob([leadsCsv(900)]);
  const text = JSON.stringify(exampleConfig());
  for (const metrics of [false, true]) {
    const single = await segmentLeads(exampleConfig(), blob, { now: START, results: 'columns', metrics });
    assert.ok(single.columns.errors.size > 0);
    const log = { started: 0, terminated: 0, messages: [] };
    const split = await segmentLeadsInColumns(text, blob, { now: START, metrics }, { blob, workers: 2 },
      { createWorker: inProcessWorkers(log), rangeBytes: 6000 });
    // The workers sent their parts as columns, no lead as an object.
    const done = log.messages.filter((m) => m.type === 'done');
    assert.ok(done.length > 3, `${done.length} parts`);
    for (const part of done) {
      assert.deepEqual(part.leads, []);
      assert.ok(part.columns.score instanceof Float64Array && part.columns.count > 0);
    }
    assert.equal(done.reduce((n, part) => n + part.columns.count, 0), 900);
    assert.deepEqual(split.leads, []);
    assert.equal(split.columns.count, 900);
    for (let i = 0; i < 900; i++) assert.deepEqual(split.columns.outputs(i), single.columns.outputs(i), `lead ${i}`);
    assert.deepEqual(split.summary, single.summary);
  }
  // With onLead the workers send result objects, which onLead gets in order.
  const seen = [];
  const withOnLead = await segmentLeadsInColumns(text, blob, { now: START, onLead: (lead, i) => seen.push(i) }, { blob, workers: 2 },
    { createWorker: inProcessWorkers(), rangeBytes: 6000 });
  assert.deepEqual(seen, Array.from({ length: 900 }, (_, i) => i));
  assert.equal(withOnLead.columns.count, 900);
});

test('results: checked, and exclusive with keepLeads: true', async () => {
  await assert.rejects(segmentLeads(exampleConfig(), [], { results: 'rows' }), /results must be "objects" or "columns", got a string/);
  await assert.rejects(segmentLeads(exampleConfig(), [], { results: 'columns', keepLeads: true }), /keepLeads: true and results: "columns" exclude each other/);
  const empty = await segmentLeads(exampleConfig(), [], { now: NOW, results: 'columns', keepLeads: false });
  assert.equal(empty.columns.count, 0);
  assert.equal(empty.summary.count, 0);
  const objects = await segmentLeads(exampleConfig(), [], { now: NOW, results: 'objects' });
  assert.equal('columns' in objects, false);
});
