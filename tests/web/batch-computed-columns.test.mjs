// CSV columns named like what the config computes (a metric id, score,
// grade, stage, segments, ...): data, not attributes (web/src/computed-
// columns.js). The run goes on, the computed values are what conditions
// see, the lead keeps the column's value, and the run reports the columns
// (summary.columns.computed) and warns, on the batch module's path and on
// the per-lead path alike. Before, every such row failed ("is a reserved
// name").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { loadModule } from '../../web/src/loader.js';
import { exampleConfig } from './helpers.mjs';

const NOW = Date.UTC(2026, 0, 15, 12);

test('columns named like a metric or a computed output are left out, reported and warned about', async () => {
  // A re-segmented export (score, grade, stage) with a CRM column named like the metric page_views_30d.
  const csv = 'email,job_title,industry,company_size,page_views_30d,score,grade,stage\n' +
    'a@x.com,CTO,Technology,120,50,99,A,customer\n' +
    'b@x.com,Intern,Retail,5,,,,\n' +
    'c@x.com,CTO,Technology,120,12,,,\n';
  const events = `email,type,at\nc@x.com,page_view,${NOW - 3_600_000}\n`;
  const core = await loadModule({});
  for (const options of [{}, { events }]) {
    const bulk = await segmentLeads(exampleConfig(), csv, { now: NOW, ...options });
    const perLead = await segmentLeads(exampleConfig(), csv, { now: NOW, module: core, ...options });
    assert.deepEqual(bulk, perLead, 'the batch module and the per-lead path agree');
    assert.equal(bulk.summary.errors, 0);
    assert.deepEqual(bulk.summary.columns.computed, ['page_views_30d', 'score', 'grade', 'stage']);
    assert.ok(bulk.summary.columns.ignored.includes('score'));
    const warning = bulk.warnings.find((w) => w.code === 'computed-column');
    assert.match(warning.message, /"page_views_30d", "score", "grade", "stage" are named like what the config computes/);
    assert.match(warning.message, /columnMap, e\.g\. \{"page_views_30d": "crm_page_views_30d"\}/);
    // The lead keeps its data; conditions saw the computed values.
    const [a] = bulk.leads;
    assert.equal(a.page_views_30d, 50);
    assert.equal(a.score, 20);
    assert.equal(a.stage, 'awareness');
    assert.ok(!a.segments.includes('high_engagement'), 'page_views_30d is the metric (no events), not the column');
  }
  // Mapped to another name, the column is an attribute of its own (read by nothing here).
  const mapped = await segmentLeads(exampleConfig(), csv, { now: NOW, columnMap: { page_views_30d: 'crm_page_views_30d', score: 'crm_score', grade: 'crm_grade', stage: 'crm_stage' } });
  assert.equal(mapped.summary.columns.computed, undefined);
  assert.equal(mapped.warnings.some((w) => w.code === 'computed-column'), false);
});
