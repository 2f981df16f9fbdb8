// segmentLeads reports whether each lead is an MQL / SQL at `now` (null
// without a lifecycle, or when the lead failed) and counts them in
// summary.mql / summary.sql, the same on the per-lead path (forced with
// `module`), the batch module's CSV path and the workers' merged summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore, segmentLeads } from '../../web/src/node.js';
import { segmentLeadsInWorkers } from '../../web/src/batch-workers.js';
import { inProcessWorkers, START } from './helpers.mjs';

const WITH_LIFECYCLE = {
  segments: [{ id: 'big', condition: { company_size: { $gte: 1000 } } }],
  lifecycle: {
    stages: [{ id: 'new' }, { id: 'engaged', condition: { company_size: { $gte: 100 } } }],
    mql: { stage: 'engaged' },
    sql: { mql: true, job_title: 'CTO' },
  },
};
const WITHOUT_LIFECYCLE = { segments: WITH_LIFECYCLE.segments };

// Sizes 0..2999 (a third reach "engaged"), every third a CTO; every 101st
// row gives the computed attribute "sql" as a column, which is data, not an
// attribute (computed-columns.js): the computed hand-off is what counts.
function leadsCsv(rows) {
  const lines = ['email,job_title,company_size,sql'];
  for (let i = 0; i < rows; i++) {
    lines.push([`lead${i}@example.com`, i % 3 ? 'Intern' : 'CTO', String((i * 37) % 3000), i % 101 === 4 ? 'true' : ''].join(','));
  }
  return lines.join('\n') + '\n';
}

function expected(leads) {
  return { mql: leads.filter((l) => l.mql === true).length, sql: leads.filter((l) => l.sql === true).length };
}

test('mql and sql per lead and in the summary: the per-lead path and the batch module agree', async () => {
  const core = await loadCore();
  const csv = leadsCsv(600);
  const fast = await segmentLeads(WITH_LIFECYCLE, csv, { now: START });
  const old = await segmentLeads(WITH_LIFECYCLE, csv, { now: START, module: core });
  assert.deepEqual(fast.leads, old.leads);
  assert.deepEqual(fast.summary, old.summary);
  const { mql, sql } = expected(fast.leads);
  assert.ok(mql > 0 && sql > 0 && sql < mql, `some MQLs (${mql}), fewer SQLs (${sql})`);
  assert.equal(fast.summary.mql, mql);
  assert.equal(fast.summary.sql, sql);
  for (const lead of fast.leads) {
    if (lead.error) {
      assert.equal(lead.mql, null);
      assert.equal(lead.sql, null);
      continue;
    }
    assert.equal(lead.mql, lead.stage === 'engaged', `${lead.email}: an MQL exactly when engaged`);
    assert.equal(lead.sql, lead.stage === 'engaged' && lead.job_title === 'CTO', `${lead.email}: an SQL when an engaged CTO`);
  }
  assert.equal(fast.summary.errors, 0);
  assert.deepEqual(fast.summary.columns.computed, ['sql']);
  assert.ok(fast.warnings.some((w) => w.code === 'computed-column'));
});

test('without a lifecycle: mql and sql are null on every lead and the counts 0, on both paths', async () => {
  const core = await loadCore();
  const csv = leadsCsv(300).replace(/,sql\n/, '\n').replace(/,(true)?\n/g, '\n');
  const fast = await segmentLeads(WITHOUT_LIFECYCLE, csv, { now: START });
  const old = await segmentLeads(WITHOUT_LIFECYCLE, csv, { now: START, module: core });
  assert.deepEqual(fast.leads, old.leads);
  assert.deepEqual(fast.summary, old.summary);
  assert.ok(fast.leads.every((l) => l.mql === null && l.sql === null));
  assert.equal(fast.summary.mql, 0);
  assert.equal(fast.summary.sql, 0);
});

test('objects in: mql and sql on the per-lead path', async () => {
  const { leads, summary } = await segmentLeads(WITH_LIFECYCLE, [
    { email: 'a@x.com', job_title: 'CTO', company_size: 500 },
    { email: 'b@x.com', job_title: 'Intern', company_size: 500 },
    { email: 'c@x.com', job_title: 'CTO', company_size: 5 },
  ], { now: START });
  assert.deepEqual(leads.map((l) => [l.mql, l.sql]), [[true, true], [true, false], [false, false]]);
  assert.equal(summary.mql, 2);
  assert.equal(summary.sql, 1);
});

test('workers: the merged summary counts the MQLs and SQLs of every part', async () => {
  const blob = new Blob([leadsCsv(1200)]);
  const single = await segmentLeads(WITH_LIFECYCLE, blob, { now: START });
  const split = await segmentLeadsInWorkers(JSON.stringify(WITH_LIFECYCLE), { blob, workers: 3 }, { now: START },
    { createWorker: inProcessWorkers(), rangeBytes: 4096 });
  assert.deepEqual(split.leads, single.leads);
  assert.deepEqual(split.summary, single.summary);
  assert.deepEqual(expected(split.leads), { mql: split.summary.mql, sql: split.summary.sql });
  assert.ok(split.summary.mql > 0);
});
