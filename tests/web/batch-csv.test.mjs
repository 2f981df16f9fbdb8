// segmentLeads' CSV path through the batch module (web/src/batch-csv.js,
// bindings/batch.cc, src/batch/) gives exactly what the per-lead path gives
// (forced here with `module`, which keeps a run on the full module): the
// same leads (fields, segments, score, grade, stage, temperature, errors),
// summary, warnings and progress, on several configs and tricky files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadCore, segmentLeads } from '../../web/src/node.js';
import { loadBatchModule } from '../../web/src/batch-module.js';
import { exampleConfig, REPO_ROOT, START } from './helpers.mjs';
import { growMemoryOn, restoreBatchLoader } from './batch-memory.mjs';

const SHARED = path.join(REPO_ROOT, '..', 'shared', 'bench-workload');

function configs() {
  const list = [['b2b-saas', exampleConfig()]];
  if (fs.existsSync(path.join(SHARED, 'segments.json'))) {
    list.push(['bench workload (30 segments)', { segments: JSON.parse(fs.readFileSync(path.join(SHARED, 'segments.json'), 'utf8')) }]);
  }
  return list;
}

const TITLES = ['CTO', 'Intern', 'CEO', '"VP ""Sales"", EMEA"', '"Head of\r\nGrowth"', 'IT Manager', 'TRUE', '007', '-0', '1e400'];

function tricky(rows) {
  const lines = ['\uFEFFemail,job_title,industry,company_size,age,country,pricing_views_2d, extra '];
  for (let i = 0; i < rows; i++) {
    if (i % 41 === 3) lines.push('');
    lines.push([`l${i}@x.com`, TITLES[i % TITLES.length], ['Technology', 'Retail', 'Software', ''][i % 4], String((i * 37) % 3000),
      i % 5 ? String(18 + (i % 60)) : '', ['US', 'DE', 'FR'][i % 3], i % 53 === 9 ? '2' : '', i % 7 ? 'x' : ''].join(','));
  }
  return lines.join('\r\n');
}

async function both(config, input, options = {}) {
  const core = await loadCore();
  const progressFast = [];
  const progressOld = [];
  const fast = await segmentLeads(config, input, { now: START, ...options, onProgress: (p) => progressFast.push(p) });
  const old = await segmentLeads(config, input, { now: START, ...options, module: core, onProgress: (p) => progressOld.push(p) });
  return { fast, old, progressFast, progressOld };
}

test('the batch module loads and is the fast path', async () => {
  const module = await loadBatchModule();
  assert.equal(typeof module.LeadBatch, 'function');
});

test('CSV through the batch module: the same leads, summary, warnings and progress as the per-lead path', async () => {
  for (const [name, config] of configs()) {
    for (const [what, input, options] of [
      ['tricky CSV', tricky(700), { progressEvery: 100 }],
      ['as a Blob', new Blob([tricky(300)]), {}],
      ['types: false', tricky(200), { types: false }],
      ['columnMap', tricky(200).replace('company_size', 'Employees'), { columnMap: { Employees: 'company_size' } }],
      ['one row, no line break', 'email,job_title,company_size\nada@x.com,CTO,50', {}],
    ]) {
      const { fast, old, progressFast, progressOld } = await both(config, input, options);
      assert.deepEqual(fast.leads, old.leads, `${name}: ${what}: leads`);
      assert.deepEqual(fast.summary, old.summary, `${name}: ${what}: summary`);
      assert.deepEqual(fast.warnings, old.warnings, `${name}: ${what}: warnings`);
      assert.deepEqual(progressFast, progressOld, `${name}: ${what}: progress`);
    }
  }
});

test('keepLeads: false without onLead: counts only, the same summary', async () => {
  const { fast, old } = await both(exampleConfig(), tricky(500), { keepLeads: false });
  assert.deepEqual(fast.leads, []);
  assert.deepEqual(fast.summary, old.summary);
});

test('whole-file errors are the per-lead path\'s: no column the config reads, an unknown columnMap column, an unclosed quote, an invalid config', async () => {
  const core = await loadCore();
  const cases = [
    [exampleConfig(), 'a,b\n1,2\n', {}],
    [exampleConfig(), 'email,job_title\nx,CTO\n', { columnMap: { Nope: 'company_size' } }],
    [exampleConfig(), 'email,job_title\nx,"CTO\n', {}],
    [{ segments: [{ id: 's', condition: { x: { $gtee: 1 } } }] }, 'x\n1\n', {}],
  ];
  for (const [config, csv, options] of cases) {
    const errorOf = async (extra) => {
      try {
        await segmentLeads(config, csv, { now: START, ...options, ...extra });
      } catch (error) {
        return { name: error.name, message: error.message, path: error.path };
      }
      return null;
    };
    const fast = await errorOf({});
    assert.ok(fast, `${csv}: rejects`);
    assert.deepEqual(fast, await errorOf({ module: core }), csv);
  }
});

test('listColumns: "a;b;c" fields are arrays of text (an empty one is []), the same on both paths', async () => {
  const config = { segments: [{ id: 'seo', condition: { interests: { $elemMatch: { $eq: 'seo' } } } }, { id: 'big', condition: { n: { $gt: 10 } } }] };
  const csv = 'email,interests,n\na@x,seo;api,11\nb@x,,5\nc@x,1e6;007,\nd@x,api,20\n';
  const { fast, old } = await both(config, csv, { listColumns: ['interests'] });
  assert.deepEqual(fast.leads, old.leads);
  assert.deepEqual(fast.summary, old.summary);
  assert.deepEqual(fast.leads.map((l) => l.interests), [['seo', 'api'], [], ['1e6', '007'], ['api']]);
  assert.deepEqual(fast.summary.segments, { seo: 1, big: 2 });
  await assert.rejects(segmentLeads(config, csv, { listColumns: 'interests' }), /listColumns must be an array of column names/);
});

test('wasm memory growing while a call\'s rows are read: the same leads as the per-lead path', async () => {
  // fields(i) copies a row's text out through wasm allocations; grow the
  // memory there, twice, in the middle of the rows a call completed.
  const grew = growMemoryOn('LeadBatch', 'fields', (call) => call === 5 || call === 400);
  try {
    const { fast, old } = await both(exampleConfig(), tricky(700));
    assert.equal(grew.times, 2, 'the memory grew mid-batch');
    assert.deepEqual(fast.leads, old.leads);
    assert.deepEqual(fast.summary, old.summary);
  } finally {
    restoreBatchLoader();
  }
});
