// Writes tests/native/batch_fixture/: lead lists and an activity table in
// CSV, and what the package's segmentLeads (web/, the wasm build) answers
// for them. tests/native/batch_fixture_test.cc checks that the native batch
// kernel (src/batch/) gives every lead the same answer.
//
//   bash scripts/build.sh wasm && node scripts/batch-fixture.mjs
//
// Deterministic (fixed seed, fixed `now`): rerun it when segmentLeads's
// semantics change, and commit the result.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { segmentLeads } from '../web/src/node.js';
import { mulberry32 } from '../bench/lib/track.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'tests/native/batch_fixture');
const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const rnd = mulberry32(20261203);
const pick = (list) => list[Math.floor(rnd() * list.length)];
const field = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const TITLES = ['CTO', 'IT Manager', 'VP Engineering', 'CEO', 'Intern', 'Designer', '', 'cto', '"CTO"', 'CTO, Head of IT'];
const INDUSTRIES = ['Technology', 'Software', 'Retail', 'Health', '', 'technology', 'Tech\nnology'];
const NUMBERS = ['120', '5', '5000', '49', '50', '999', '1000', '0', '-0', '007', '+1', ' 42', '1e3', '1e400', '1.5e2', '12.0', 'abc', '', '10000001', '999999.5'];
const AGES = ['17', '18', '34', '35', '36', '55', '56', '80', '', 'thirty', '35.5', '1e1'];
const BOOLS = ['true', 'false', 'TRUE', 'False', 'yes', '1', '', 'tRuE'];
const COUNTRIES = ['US', 'DE', 'FR', '', 'true', '42'];
const TYPES = ['page_view', 'webinar_attended', 'form_submit', 'download', 'purchase', 'email_open'];
const PATHS = ['/pricing', '/pricing/enterprise', '/blog/x', '/careers', '/', ''];

function eventTimeText(ms) {
  switch (Math.floor(rnd() * 4)) {
    case 0: return String(ms);
    case 1: return new Date(ms).toISOString();
    case 2: return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
    default: return new Date(ms + 2 * HOUR).toISOString().replace(/\.\d+Z$/, '+02:00');
  }
}

// Leads: the file's own names for two attributes (mapped with columnMap),
// a duplicate column, quoted fields, CRLF line ends and a BOM.
const leadHeader = ['email', 'Job Title', 'industry', 'Employees', 'age', 'annual_revenue', 'newsletter_subscribed', 'country', 'notes', 'industry'];
const leadLines = [leadHeader.join(',')];
const ids = [];
for (let i = 0; i < 400; i++) {
  const id = rnd() < 0.05 ? '' : rnd() < 0.1 ? String(1000 + i) : `lead${i}@example.com`;
  ids.push(id);
  const row = [id, pick(TITLES), pick(INDUSTRIES), pick(NUMBERS), pick(AGES), pick(NUMBERS), pick(BOOLS), pick(COUNTRIES),
    rnd() < 0.2 ? 'said "hi",\r\nthen left' : 'x', rnd() < 0.3 ? pick(INDUSTRIES) : ''];
  if (rnd() < 0.03) row.length = 4; // a short row
  leadLines.push(row.map(field).join(','));
  if (rnd() < 0.02) leadLines.push(''); // a blank line
}
// A column the engine computes: refused row by row, as identify refuses it.
const leadsCsv = '\uFEFF' + leadLines.join('\r\n') + '\r\n';
const refusedCsv = 'email,job_title,visits_30d\na@x.com,CTO,3\nb@x.com,CTO,\n';

// Activity: joined on email; some ids no lead has, a few malformed rows,
// some events after `now`, props in the other columns.
const eventLines = ['email,type,at,path,form,category,amount'];
for (let i = 0; i < 1500; i++) {
  const id = rnd() < 0.03 ? `stranger${i}@example.com` : rnd() < 0.02 ? '' : pick(ids);
  const type = rnd() < 0.01 ? '' : pick(TYPES);
  const ms = NOW - Math.floor(rnd() * 40 * DAY) + (rnd() < 0.03 ? 2 * DAY : 0);
  const at = rnd() < 0.01 ? pick(['yesterday', '1700000000', '2026-02-30T00:00:00Z', '']) : eventTimeText(ms);
  const p = type === 'page_view' ? pick(PATHS) : '';
  const form = type === 'form_submit' ? pick(['demo', 'contact']) : '';
  const category = type === 'download' ? pick(['guide', 'whitepaper']) : '';
  const amount = type === 'purchase' ? pick(['49', '120.5', '']) : '';
  eventLines.push([id, type, at, p, form, category, amount].map(field).join(','));
}
const eventsCsv = eventLines.join('\n') + '\n';

const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/examples/b2b-saas.json'), 'utf8'));
const columnMap = { 'Job Title': 'job_title', Employees: 'company_size' };

async function run(name, leads, options) {
  const { leads: out, summary } = await segmentLeads(config, leads, { now: NOW, ...options });
  return {
    name,
    options: { columnMap: options.columnMap ?? {}, events: options.events !== undefined, types: options.types ?? true },
    leads: out.map((l) => ({
      segments: l.segments, score: l.score, grade: l.grade, stage: l.stage, temperature: l.temperature,
      error: l.error ?? null,
    })),
    summary: { count: summary.count, errors: summary.errors, segments: summary.segments, grades: summary.grades,
      stages: summary.stages, temperatures: summary.temperatures, events: summary.events,
      columns: { read: summary.columns.read, ignored: summary.columns.ignored, missing: summary.columns.missing } },
  };
}

fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, 'leads.csv'), leadsCsv);
fs.writeFileSync(path.join(OUT, 'events.csv'), eventsCsv);
fs.writeFileSync(path.join(OUT, 'refused.csv'), refusedCsv);
const cases = [
  await run('leads', leadsCsv, { columnMap }),
  await run('leads-text', leadsCsv, { columnMap, types: false }),
  await run('leads-events', leadsCsv, { columnMap, events: eventsCsv }),
  await run('refused', refusedCsv, {}),
];
// One lead a line: small enough to commit, readable in a diff.
const text = JSON.stringify({ now: NOW, columnMap, cases }).replace(/\},\{"segments"/g, '},\n{"segments"');
fs.writeFileSync(path.join(OUT, 'expected.json'), text + '\n');
console.log(`wrote ${path.relative(ROOT, OUT)}: ${cases.map((c) => `${c.name} ${c.leads.length} leads, ${c.summary.errors} errors`).join('; ')}`);
