// segmentLeads with scoring and events (issue 15: "≥ 10× today's per-lead
// time, 930 µs"): the worked example (docs/examples/b2b-saas.json: metrics,
// RFM, scoring with caps and decay, grading, temperature, lifecycle) over
// N leads × 20 events each, a leads CSV and an activity CSV, through the
// package's documented API in one node process:
//   - the bulk path: segmentLeads(config, leadsCsv, {events: activityCsv}),
//     the activity table grouped and each lead's events replayed in the
//     batch module (src/batch/);
//   - the per-lead path it replaces, in the same run: the same call with
//     options.module (the full core module), which runs one engine per lead
//     from JavaScript (identify + track through the Embind API).
// Both results are compared lead by lead (segments, score, grade, stage,
// temperature) before any time is printed.
//
//   node bench/node/leads-scoring.mjs [--leads N] [--events-per-lead K] [--runs R]
//
// It leaves the two CSVs in build/bench/ (scoring-leads-N.csv,
// scoring-activity-NxK.csv) for timing `leadseg segment --events` on them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { segmentLeads } from '../../web/src/node.js';
import { loadModule } from '../../web/src/loader.js';
import { seededRandom } from '../../demo/assets/lead-sample.js';
import { typeValue } from '../../web/src/csv.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const LEADS = arg('--leads', 10_000);
const PER_LEAD = arg('--events-per-lead', 20);
const RUNS = arg('--runs', 3);
const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;

function makeData(leads, perLead) {
  const random = seededRandom(15);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const titles = ['CTO', 'IT Manager', 'VP Engineering', 'CEO', 'Developer', 'Intern'];
  const industries = ['Technology', 'Software', 'Retail', 'Health'];
  const paths = ['/pricing', '/pricing/team', '/careers', '/blog/post', '/'];
  const kinds = ['page_view', 'page_view', 'page_view', 'session_start', 'email_open', 'download', 'form_submit',
    'webinar_attended', 'cart_add', 'purchase'];
  const lead = ['email,job_title,industry,age,annual_revenue,company_size,newsletter_subscribed,country'];
  const activity = ['email,type,at,path,utm_source,category,form,value,amount'];
  for (let i = 0; i < leads; i++) {
    const email = `lead${i}@example.com`;
    lead.push([email, pick(titles), pick(industries), 18 + Math.floor(random() * 50), (1 + Math.floor(random() * 30)) * 500000,
      1 + Math.floor(random() * 3000), random() < 0.5, pick(['US', 'DE', 'FR', 'GB'])].join(','));
    for (let k = 0; k < perLead; k++) {
      const type = pick(kinds);
      const at = NOW - Math.floor(random() * 30 * 24 * HOUR);
      const row = [email, type, at, '', '', '', '', '', ''];
      if (type === 'page_view') row[3] = pick(paths);
      if (type === 'session_start') row[4] = pick(['google', 'newsletter', '']);
      if (type === 'download') row[5] = random() < 0.7 ? 'guide' : 'whitepaper';
      if (type === 'form_submit') row[6] = random() < 0.5 ? 'demo' : 'contact';
      if (type === 'cart_add') row[7] = Math.floor(random() * 500);
      if (type === 'purchase') row[8] = 1 + Math.floor(random() * 900);
      activity.push(row.join(','));
    }
  }
  return { leadsCsv: `${lead.join('\n')}\n`, activityCsv: `${activity.join('\n')}\n` };
}

const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json'), 'utf8'));
const { leadsCsv, activityCsv } = makeData(LEADS, PER_LEAD);
// The same files for the CLI (docs/batch.md: `leadseg segment --events`).
const BUILD_DIR = path.join(REPO_ROOT, 'build', 'bench');
fs.mkdirSync(BUILD_DIR, { recursive: true });
fs.writeFileSync(path.join(BUILD_DIR, `scoring-leads-${LEADS}.csv`), leadsCsv);
fs.writeFileSync(path.join(BUILD_DIR, `scoring-activity-${LEADS}x${PER_LEAD}.csv`), activityCsv);
const options = { events: activityCsv, now: NOW };
const core = await loadModule({});

async function timed(extra) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await segmentLeads(config, leadsCsv, { ...options, ...extra });
  const used = process.cpuUsage(cpu);
  // CPU time too: on a shared machine the wall time is mostly waiting for a core.
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, result };
}

// Both modules loaded and compiled before any time is taken.
await segmentLeads(config, 'email,job_title\nx,CTO\n', { events: 'email,type,at\nx,page_view,1\n', now: NOW });
await segmentLeads(config, 'email,job_title\nx,CTO\n', { events: 'email,type,at\nx,page_view,1\n', now: NOW, module: core });

// Answers first: the two paths agree on every lead.
const bulk = await timed({});
const perLead = await timed({ module: core });
const outputs = ({ leads }) => leads.map(({ segments, score, grade, stage, temperature, error }) => ({ segments, score, grade, stage, temperature, error }));
assert.deepEqual(outputs(bulk.result), outputs(perLead.result), 'the bulk and per-lead paths differ');
assert.deepEqual(bulk.result.summary, perLead.result.summary, 'the summaries differ');
assert.equal(bulk.result.summary.errors, 0);
assert.equal(bulk.result.summary.events.replayed, LEADS * PER_LEAD);

// The same leads as lead objects, each with its events inline (what the
// lead-list page passes): the bulk path (batch-objects.js, the batch
// module) against the per-lead engine, answers compared first.
const objects = (() => {
  const [head, ...lines] = leadsCsv.trim().split('\n');
  const names = head.split(',');
  const byEmail = new Map();
  const list = lines.map((line) => {
    const lead = {};
    line.split(',').forEach((v, k) => { if (v !== '') lead[names[k]] = typeValue(v); });
    lead.events = [];
    byEmail.set(lead.email, lead.events);
    return lead;
  });
  const [eventHead, ...eventLines] = activityCsv.trim().split('\n');
  const columns = eventHead.split(',');
  for (const line of eventLines) {
    const f = line.split(',');
    const props = {};
    for (let k = 3; k < f.length; k++) if (f[k] !== '') props[columns[k]] = typeValue(f[k]);
    byEmail.get(f[0]).push({ type: f[1], at: Number(f[2]), props });
  }
  return list;
})();
async function timedObjects(extra) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await segmentLeads(config, objects, { now: NOW, ...extra });
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, result };
}
const objectsBulk = await timedObjects({});
const objectsPerLead = await timedObjects({ module: core });
assert.deepEqual(outputs(objectsBulk.result), outputs(objectsPerLead.result), 'lead objects: the bulk and per-lead paths differ');
assert.deepEqual(outputs(objectsBulk.result), outputs(bulk.result), 'lead objects and the CSV give different answers');
const objectsRuns = [objectsBulk];
for (let r = 1; r < RUNS; r++) objectsRuns.push(await timedObjects({}));

const bulkRuns = [bulk.ms];
const bulkCpu = [bulk.cpuMs];
for (let r = 1; r < RUNS; r++) {
  const run = await timed({});
  bulkRuns.push(run.ms);
  bulkCpu.push(run.cpuMs);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bulkMs = median(bulkRuns);
const perLeadUs = (perLead.ms * 1000) / LEADS;
const bulkUs = (bulkMs * 1000) / LEADS;
console.log(`node ${process.version}; ${LEADS.toLocaleString('en-US')} leads × ${PER_LEAD} events (${(activityCsv.length / 1e6).toFixed(1)} MB activity CSV), worked example; answers equal on every lead`);
console.log(`  segmentLeads, bulk (batch module)      ${bulkMs.toFixed(0).padStart(7)} ms  ${bulkUs.toFixed(1).padStart(7)} µs/lead  (median of ${bulkRuns.length}: ${bulkRuns.map((x) => x.toFixed(0)).join(', ')} ms)`);
console.log(`  segmentLeads, per-lead engine (module)  ${perLead.ms.toFixed(0).padStart(7)} ms  ${perLeadUs.toFixed(1).padStart(7)} µs/lead`);
const bulkCpuMs = median(bulkCpu);
console.log(`  CPU (user + system): bulk ${bulkCpuMs.toFixed(0)} ms (${((bulkCpuMs * 1000) / LEADS).toFixed(1)} µs/lead, median), per-lead ${perLead.cpuMs.toFixed(0)} ms (${((perLead.cpuMs * 1000) / LEADS).toFixed(1)} µs/lead)`);
console.log(`  ratio: ${(perLead.ms / bulkMs).toFixed(1)}× the per-lead path in this run (wall), ${(perLead.cpuMs / bulkCpuMs).toFixed(1)}× (CPU); ${(930 / bulkUs).toFixed(1)}× the issue's 930 µs/lead (wall)`);
const objectsMs = median(objectsRuns.map((r) => r.ms));
const objectsCpu = median(objectsRuns.map((r) => r.cpuMs));
// The first objects call is the process's first through batch-objects.js
// and LeadObjects (their code compiled while it runs); the runs in order.
const objectsEach = objectsRuns.map((r) => ((r.cpuMs * 1000) / LEADS).toFixed(1)).join(', ');
console.log(`  lead objects (events inline): bulk ${objectsMs.toFixed(0)} ms wall, ${((objectsCpu * 1000) / LEADS).toFixed(1)} µs CPU/lead (median of ${objectsRuns.length}; runs in order: ${objectsEach} µs); per-lead engine ${objectsPerLead.ms.toFixed(0)} ms wall, ${((objectsPerLead.cpuMs * 1000) / LEADS).toFixed(1)} µs CPU/lead; ${(objectsPerLead.cpuMs / objectsCpu).toFixed(1)}× (CPU), ${((930 * LEADS) / (objectsCpu * 1000)).toFixed(1)}× the issue's 930 µs/lead (CPU)`);
