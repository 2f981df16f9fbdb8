// The lead-list page's batch code in node (demo/assets/lead-activity.js,
// lead-results.js, lead-batch.js): how a row becomes a segmentLeads() lead
// object, and the figures the page adds up beside segmentLeads()'s summary
// (lead cells, RFM) read the same as the engine's own attributes. The page
// in Chromium, on the whole sample: tests/browser/demo-leads.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createEngine, segmentLeads, typeValue, CsvParser } from '../../web/src/node.js';
import { AS_OF, leadReader } from '../../demo/assets/lead-activity.js';
import { createBatchSegmenter } from '../../demo/assets/lead-batch.js';
import { createFigures, leadReadings, mergeFigures, mergeSummary, outputLine } from '../../demo/assets/lead-results.js';
import { sampleCsvChunks } from '../../demo/assets/lead-sample.js';

const CONFIG = JSON.parse(fs.readFileSync(new URL('../../docs/examples/b2b-saas.json', import.meta.url), 'utf8'));

async function sampleRecords(n) {
  const parser = new CsvParser();
  const records = [];
  for (const chunk of sampleCsvChunks(n)) records.push(...await parser.push(chunk));
  records.push(...await parser.end());
  return { header: records[0], records: records.slice(1).filter((r) => r.length > 1) };
}

test('a row becomes a lead object: attributes, events at whole milliseconds, interests declared; activity columns are not attributes', () => {
  const header = ['lead_id', 'job_title', 'company_size', 'visits_30d', 'page_views_30d', 'last_visit_days_ago', 'pricing_views', 'interests', 'notes'];
  const reader = leadReader(CONFIG, header, { typeValue });
  assert.deepEqual(reader.attributes, ['job_title', 'company_size']);
  assert.deepEqual(reader.activity, ['visits_30d', 'page_views_30d', 'last_visit_days_ago', 'pricing_views', 'interests']);
  assert.deepEqual(reader.ignored, ['lead_id', 'notes']);
  const lead = reader.toLead(['L1', 'CTO', '120', '3', '5', '1.5', '1', 'security; compliance', 'x']);
  assert.equal(lead.job_title, 'CTO');
  assert.equal(lead.company_size, 120);
  assert.equal('visits_30d' in lead, false, 'a metric-named column would be refused by segmentLeads');
  assert.deepEqual(lead.declarations, { interests: ['security', 'compliance'] });
  assert.ok(lead.events.length >= 5);
  assert.ok(lead.events.every((e) => Number.isInteger(e.at) && e.at <= AS_OF));
  assert.ok(lead.events.some((e) => e.type === 'page_view' && e.props.path === '/pricing.html'));
  assert.deepEqual(reader.toLead(['L2']), {}, 'a row with nothing known is an empty lead');
});

test('lead cells and RFM cells read from segmentLeads results are the engine\'s own', async () => {
  const { header, records } = await sampleRecords(300);
  const reader = leadReader(CONFIG, header, { typeValue });
  const readings = leadReadings(CONFIG);
  const leads = records.map(reader.toLead);
  const { leads: results } = await segmentLeads(CONFIG, leads, { now: AS_OF, metrics: true });
  let time = 0;
  const engine = await createEngine({ config: CONFIG, now: () => time });
  const cells = new Set();
  try {
    for (const [i, lead] of leads.entries()) {
      await engine.erase();
      const events = lead.events ?? [];
      time = events.length ? events[0].at : AS_OF;
      const { events: _events, declarations, ...attributes } = lead;
      if (Object.keys(attributes).length) engine.identify(attributes);
      for (const [key, value] of Object.entries(declarations ?? {})) engine.declare(key, value);
      for (const e of events) {
        time = e.at;
        engine.track(e.type, e.props);
      }
      time = AS_OF;
      const own = engine.attributes();
      assert.equal(readings.leadCell(results[i]), own.leadCell, `lead ${i}: lead cell`);
      assert.equal(readings.rfm(results[i]).cell, own.rfm.cell, `lead ${i}: RFM cell`);
      cells.add(own.rfm.cell);
    }
  } finally {
    engine.destroy();
  }
  assert.ok(cells.size > 5, `varied RFM cells (${[...cells].join(' ')})`);
});

test('batches add up: two halves merged give the whole', async () => {
  const { header, records } = await sampleRecords(400);
  const segmenter = createBatchSegmenter({ config: CONFIG, header, segmentLeads, typeValue });
  const whole = await segmenter.segment(records);
  const a = await segmenter.segment(records.slice(0, 150));
  const b = await segmenter.segment(records.slice(150));
  const summary = mergeSummary(mergeSummary({ count: 0, errors: 0 }, a.summary), b.summary);
  assert.deepEqual(summary.segments, whole.summary.segments);
  assert.deepEqual(summary.stages, whole.summary.stages);
  assert.deepEqual([summary.mql, summary.sql], [whole.summary.mql, whole.summary.sql]);
  assert.ok(whole.summary.mql > 0, 'some MQLs among the 400');
  assert.equal(summary.count, 400);
  const figures = mergeFigures(mergeFigures(createFigures(), a.figures), b.figures);
  // The score sum is added in another order: equal up to rounding.
  assert.ok(Math.abs(figures.scoreSum - whole.figures.scoreSum) < 1e-6);
  assert.deepEqual({ ...figures, scoreSum: 0 }, { ...whole.figures, scoreSum: 0 });
  assert.equal(a.csv + b.csv, whole.csv);
  assert.equal(whole.csv.split('\n').length, 401);
});

test('a lead segmentLeads could not take is a line with its error, not counted in the figures', () => {
  const figures = createFigures();
  const lead = { segments: [], score: null, grade: null, stage: null, temperature: null, error: 'lead 0: "x" is bad, really' };
  assert.equal(outputLine(['a', 'b,c'], 2, lead, null, null), 'a,"b,c",,,,,,,,"lead 0: ""x"" is bad, really"\n');
  assert.deepEqual(figures, createFigures());
});
