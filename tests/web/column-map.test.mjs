// Lead lists meet real exports: segmentLeads() reports which columns the
// config reads, which the file has and which it ignores, takes a columnMap,
// and refuses a file that has none of the columns (instead of zeros).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { columnsRead, compareColumns, normalizeColumn } from '../../web/src/column-map.js';
import { exampleConfig, START } from './helpers.mjs';

const CRM_EXPORT = 'email,Employees,Annual Revenue,Job Title,industry,visits,last_seen\nada@x.com,120,8000000,CTO,Technology,4,2026-01-01\n';

test('the columns the example config reads: declared and in conditions, not what the engine computes', () => {
  const config = exampleConfig();
  const reads = columnsRead(config, config.metrics.map((m) => m.id));
  assert.deepEqual(reads, ['age', 'annual_revenue', 'company_size', 'country', 'industry', 'job_title', 'newsletter_subscribed']);
});

test('near matches are suggested: case, spacing, synonyms; behaviour columns get a hint', () => {
  assert.equal(normalizeColumn('Annual-Revenue'), 'annual revenue');
  assert.equal(normalizeColumn('annualRevenue'), 'annual revenue');
  const reads = ['annual_revenue', 'company_size', 'industry', 'job_title'];
  const out = compareColumns(reads, ['email', 'Employees', 'Annual Revenue', 'JOB_TITLE', 'Industry', 'visits', 'last_seen']);
  assert.deepEqual(out.suggestions, { Employees: 'company_size', 'Annual Revenue': 'annual_revenue', JOB_TITLE: 'job_title', Industry: 'industry' });
  assert.deepEqual(Object.keys(out.hints), ['visits', 'last_seen']);
  assert.deepEqual(out.used, []);
  assert.deepEqual(out.missing, reads);
});

test('a CRM export with none of the columns is an error that proposes the mapping', async () => {
  await assert.rejects(segmentLeads(exampleConfig(), 'email,employees,revenue,visits,last_seen\na@x,120,5000000,4,2026-01-01\n', { now: START }), (error) => {
    assert.equal(error.name, 'LeadsegError');
    assert.match(error.message, /the file has none of the columns the config reads/);
    assert.match(error.message, /columnMap, e\.g\. \{"employees": "company_size", "revenue": "annual_revenue"\}/);
    return true;
  });
});

test('columnMap renames columns for the engine; the summary reports read, ignored and missing columns', async () => {
  const columnMap = { Employees: 'company_size', 'Annual Revenue': 'annual_revenue', 'Job Title': 'job_title' };
  const { leads, summary } = await segmentLeads(exampleConfig(), CRM_EXPORT, { now: START, columnMap });
  assert.equal(summary.errors, 0);
  assert.deepEqual(summary.columns.read, ['Employees', 'Annual Revenue', 'Job Title', 'industry']);
  assert.deepEqual(summary.columns.ignored, ['email', 'visits', 'last_seen']);
  assert.deepEqual(summary.columns.missing, ['age', 'country', 'newsletter_subscribed']);
  assert.deepEqual(summary.columns.mapped, columnMap);
  // The lead keeps the file's own column names; the engine saw the config's.
  assert.equal(leads[0].Employees, 120);
  assert.ok(!('company_size' in leads[0]));
  assert.ok(leads[0].segments.includes('company_mid'), leads[0].segments.join());
  assert.equal(leads[0].grade, 'A');
  // Without the map the same file scores only on industry.
  const plain = await segmentLeads(exampleConfig(), CRM_EXPORT, { now: START });
  assert.deepEqual(plain.summary.columns.read, ['industry']);
  assert.deepEqual(plain.summary.columns.suggestions, { Employees: 'company_size', 'Annual Revenue': 'annual_revenue', 'Job Title': 'job_title' });
  assert.ok(!plain.leads[0].segments.includes('company_mid'));
});

test('objects: the columns are the union of the rows\' keys; with events a bare id list is fine', async () => {
  const { summary } = await segmentLeads(exampleConfig(), [{ email: 'a', age: 30 }, { email: 'b', country: 'DE' }], { now: START });
  assert.deepEqual(summary.columns.read, ['age', 'country']);
  const events = [{ email: 'a', type: 'page_view', at: START - 1000, path: '/pricing' }];
  const ids = await segmentLeads(exampleConfig(), 'email\na\n', { now: START, events });
  assert.equal(ids.summary.count, 1);
  assert.deepEqual(ids.summary.columns.ignored, ['email']);
});
