// segmentLeads(): arrays, CSV text, Blobs and streams; summary; progress;
// constant-memory mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { exampleConfig, START } from './helpers.mjs';

const CSV = [
  'email,job_title,industry,company_size,age,annual_revenue,newsletter_subscribed',
  'ada@example.com,CTO,Technology,120,34,5000000,true',
  '"intern@shop.example","Intern","Retail",5,,,false',
  'ceo@big.example,CEO,Software,5000,58,"50000000",',
].join('\r\n') + '\r\n';

test('CSV text: each lead gets segments, score, grade, stage; the summary counts them', async () => {
  const progress = [];
  const { leads, summary } = await segmentLeads(exampleConfig(), CSV, { now: START, onProgress: (p) => progress.push(p) });
  assert.equal(leads.length, 3);
  const [ada, intern, ceo] = leads;
  assert.equal(ada.email, 'ada@example.com');
  assert.equal(ada.company_size, 120, 'numbers are typed');
  assert.equal(ada.newsletter_subscribed, true, 'booleans are typed');
  assert.ok(!('age' in intern), 'empty fields are missing');
  assert.deepEqual(ada.segments, ['age_18_35', 'revenue_1m_10m', 'company_mid']);
  assert.equal(ada.score, 20, 'decision_maker trait points');
  assert.equal(ada.grade, 'A', 'tech (30) + decision maker (40) + right size (30)');
  assert.equal(ada.stage, 'awareness');
  assert.equal(ada.temperature, 'cold');
  assert.equal(intern.grade, 'D');
  assert.deepEqual(intern.segments, ['company_small']);
  assert.equal(ceo.annual_revenue, 50000000, 'a quoted number is typed too');
  assert.deepEqual(ceo.segments, ['age_56_plus', 'revenue_over_10m', 'company_large']);
  assert.equal(ceo.grade, 'B', 'software (30) + CEO (40), too big');

  assert.equal(summary.count, 3);
  assert.equal(summary.errors, 0);
  assert.deepEqual(summary.grades, { A: 1, B: 1, C: 0, D: 1 });
  assert.equal(summary.segments.company_small, 1);
  assert.equal(summary.segments.high_intent_tech, 0, 'every configured segment is listed');
  assert.deepEqual(summary.stages, { awareness: 3, consideration: 0, decision: 0, customer: 0 });
  assert.deepEqual(summary.temperatures, { cold: 3, warm: 0, hot: 0 });
  assert.deepEqual(progress.at(-1), { processed: 3 });
});

test('arrays, Blobs and byte streams give the same results; total is known for arrays', async () => {
  const fromText = await segmentLeads(exampleConfig(), CSV, { now: START });
  const fromBlob = await segmentLeads(exampleConfig(), new Blob([CSV]), { now: START });
  const bytes = new TextEncoder().encode(CSV);
  const stream = new ReadableStream({
    pull(controller) {
      controller.enqueue(bytes.slice(0, 7));
      controller.enqueue(bytes.slice(7));
      controller.close();
    },
  });
  const fromStream = await segmentLeads(exampleConfig(), stream, { now: START });
  assert.deepEqual(fromBlob, fromText);
  assert.deepEqual(fromStream, fromText);
  const rows = fromText.leads.map(({ segments, score, grade, stage, temperature, mql, sql, ...row }) => row);
  const progress = [];
  const fromArray = await segmentLeads(JSON.stringify(exampleConfig()), rows, { now: START, onProgress: (p) => progress.push(p) });
  assert.deepEqual(fromArray.leads, fromText.leads);
  assert.deepEqual(progress, [{ processed: 3, total: 3 }]);
});

test('a lead the engine rejects is reported on that lead, the others go on', async () => {
  const { leads, summary } = await segmentLeads(exampleConfig(), [
    { job_title: 'CTO' },
    { pricing_views_2d: 5 }, // a metric id: reserved
    'not an object',
  ], { now: START });
  assert.equal(summary.count, 3);
  assert.equal(summary.errors, 2);
  assert.equal(leads[0].error, undefined);
  assert.match(leads[1].error, /reserved/);
  assert.deepEqual(leads[1].segments, []);
  assert.match(leads[2].error, /not a plain object/);
});

test('keepLeads: false keeps only the summary; onLead sees every lead in order', async () => {
  const n = 2500;
  async function* generate() {
    yield 'job_title,company_size\n';
    for (let i = 0; i < n; i++) yield `${i % 2 ? 'CTO' : 'Intern'},${i}\n`;
  }
  let seen = 0;
  const progress = [];
  const result = await segmentLeads(exampleConfig(), generate(), {
    now: START,
    keepLeads: false,
    progressEvery: 1000,
    onProgress: (p) => progress.push(p.processed),
    onLead: (lead, index) => {
      assert.equal(index, seen++);
      assert.equal(lead.company_size, index);
    },
  });
  assert.deepEqual(result.leads, []);
  assert.equal(result.summary.count, n);
  assert.equal(seen, n);
  assert.deepEqual(progress, [1000, 2000, 2500]);
  assert.equal(result.summary.segments.company_small, 50 - 1, 'sizes 1..49');
  assert.equal(result.summary.segments.company_large, n - 1000);
});

test('clear errors: an invalid config names its path; bad inputs and options', async () => {
  await assert.rejects(segmentLeads({ version: 1, segments: [{ id: 'x', condition: { age: { $gtee: 1 } } }] }, []), (e) => {
    assert.match(e.message, /invalid config: unknown operator/);
    assert.equal(e.path, '/segments/0/condition/age/$gtee');
    return true;
  });
  await assert.rejects(segmentLeads(exampleConfig(), 42), /leads must be an array/);
  await assert.rejects(segmentLeads(exampleConfig(), [], { onProgress: 1 }), /onProgress must be a function/);
  await assert.rejects(segmentLeads(exampleConfig(), 'age,b\n"unclosed'), /never closed/);
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  await assert.rejects(segmentLeads(exampleConfig(), [{}], { signal: controller.signal }), /stop/);
});

test('throughput (informational): 20,000 CSV leads, kept out of memory', async () => {
  const n = 20_000;
  async function* generate() {
    yield 'job_title,industry,company_size,age,annual_revenue\n';
    const titles = ['CTO', 'IT Manager', 'Intern', 'CEO', 'VP Engineering'];
    for (let i = 0; i < n; i += 500) {
      let chunk = '';
      for (let j = i; j < i + 500; j++) chunk += `${titles[j % 5]},${j % 3 ? 'Technology' : 'Retail'},${j % 2000},${20 + (j % 50)},${j * 1000}\n`;
      yield chunk;
    }
  }
  const t0 = performance.now();
  const { summary } = await segmentLeads(exampleConfig(), generate(), { now: START, keepLeads: false });
  const ms = performance.now() - t0;
  assert.equal(summary.count, n);
  console.log(`# segmentLeads: ${n} leads in ${ms.toFixed(0)} ms (${((ms * 1000) / n).toFixed(0)} µs per lead)`);
});
