// bench/node/leads-scoring.mjs's comparison in headless Chromium: the
// worked example over the leads and activity CSVs that script leaves in
// build/bench/ (run it first, with the same --leads and --events-per-lead),
// through segmentLeads in the bench page: the bulk path (batch module) and
// the per-lead path (options.module: the full core module), answers
// compared lead by lead before the times are printed. Wall time only (the
// page has no CPU clock).
//
//   node bench/node/leads-scoring.mjs --leads 10000 && node bench/node/leads-scoring-chromium.mjs --leads 10000
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBenchPage, withBrowser } from './browser.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
const BUILD_DIR = path.join(REPO_ROOT, 'build', 'bench');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const LEADS = arg('--leads', 10_000);
const PER_LEAD = arg('--events-per-lead', 20);
const RUNS = arg('--runs', 3);
const files = { leads: `scoring-leads-${LEADS}.csv`, activity: `scoring-activity-${LEADS}x${PER_LEAD}.csv` };
for (const name of Object.values(files)) {
  if (!fs.existsSync(path.join(BUILD_DIR, name))) throw new Error(`${name} is missing: run node bench/node/leads-scoring.mjs --leads ${LEADS} --events-per-lead ${PER_LEAD} first`);
}
const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json'), 'utf8'));

await withBrowser({ repoRoot: REPO_ROOT, sharedDir: SHARED_DIR, buildDir: BUILD_DIR, log: console.log }, async ({ browser, server, version }) => {
  const bench = await openBenchPage(browser, server);
  try {
    const out = await bench.page.evaluate(async ({ config, files, runs }) => {
      const { segmentLeads, loadCore } = await import('/web/src/index.js');
      const [leads, events] = await Promise.all([files.leads, files.activity].map((f) => fetch(`/data/${f}`).then((r) => r.text())));
      const now = Date.UTC(2026, 0, 15, 12);
      const core = await loadCore();
      const tiny = ['email,job_title\nx,CTO\n', { events: 'email,type,at\nx,page_view,1768471200000\n', now }];
      await segmentLeads(config, ...tiny);
      await segmentLeads(config, tiny[0], { ...tiny[1], module: core });
      const timed = async (extra) => {
        const start = performance.now();
        const result = await segmentLeads(config, leads, { events, now, ...extra });
        return { ms: performance.now() - start, result };
      };
      const outputs = ({ leads: list }) => JSON.stringify(list.map(({ segments, score, grade, stage, temperature, error }) => [segments, score, grade, stage, temperature, error]));
      const bulk = [await timed({})];
      const perLead = await timed({ module: core });
      if (outputs(bulk[0].result) !== outputs(perLead.result)) throw new Error('the bulk and per-lead paths differ');
      if (JSON.stringify(bulk[0].result.summary) !== JSON.stringify(perLead.result.summary)) throw new Error('the summaries differ');
      for (let r = 1; r < runs; r++) bulk.push(await timed({}));
      // The same leads as objects with their events inline (the lead-list page's input).
      const type = (v) => (v === 'true' ? true : v === 'false' ? false : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
      const [head, ...lines] = leads.trim().split('\n');
      const names = head.split(',');
      const byEmail = new Map();
      const objects = lines.map((line) => {
        const lead = {};
        line.split(',').forEach((v, k) => { if (v !== '') lead[names[k]] = type(v); });
        lead.events = [];
        byEmail.set(lead.email, lead.events);
        return lead;
      });
      const [eventHead, ...eventLines] = events.trim().split('\n');
      const columns = eventHead.split(',');
      for (const line of eventLines) {
        const f = line.split(',');
        const props = {};
        for (let k = 3; k < f.length; k++) if (f[k] !== '') props[columns[k]] = type(f[k]);
        byEmail.get(f[0]).push({ type: f[1], at: Number(f[2]), props });
      }
      const timedObjects = async (extra) => {
        const start = performance.now();
        const result = await segmentLeads(config, objects, { now, ...extra });
        return { ms: performance.now() - start, result };
      };
      const objectsBulk = [await timedObjects({})];
      if (outputs(objectsBulk[0].result) !== outputs(bulk[0].result)) throw new Error('lead objects and the CSV give different answers');
      const objectsPerLead = await timedObjects({ module: core });
      if (outputs(objectsBulk[0].result) !== outputs(objectsPerLead.result)) throw new Error('lead objects: the bulk and per-lead paths differ');
      for (let r = 1; r < runs; r++) objectsBulk.push(await timedObjects({}));
      return { bulk: bulk.map((b) => b.ms), perLead: perLead.ms, replayed: bulk[0].result.summary.events.replayed,
        objects: objectsBulk.map((b) => b.ms), objectsPerLead: objectsPerLead.ms };
    }, { config, files, runs: RUNS });
    const sorted = [...out.bulk].sort((a, b) => a - b);
    const bulkMs = sorted[Math.floor(sorted.length / 2)];
    console.log(`Chromium ${version}; ${LEADS.toLocaleString('en-US')} leads × ${PER_LEAD} events (${out.replayed.toLocaleString('en-US')} replayed), worked example; answers equal on every lead`);
    console.log(`  segmentLeads, bulk (batch module)       ${bulkMs.toFixed(0).padStart(7)} ms  ${((bulkMs * 1000) / LEADS).toFixed(1).padStart(7)} µs/lead  (median of ${out.bulk.length}: ${out.bulk.map((x) => x.toFixed(0)).join(', ')} ms)`);
    console.log(`  segmentLeads, per-lead engine (module)  ${out.perLead.toFixed(0).padStart(7)} ms  ${((out.perLead * 1000) / LEADS).toFixed(1).padStart(7)} µs/lead`);
    console.log(`  ratio: ${(out.perLead / bulkMs).toFixed(1)}× the per-lead path in this run; ${(930 / ((bulkMs * 1000) / LEADS)).toFixed(1)}× the issue's 930 µs/lead`);
    const objectsSorted = [...out.objects].sort((x, y) => x - y);
    const objectsMs = objectsSorted[Math.floor(objectsSorted.length / 2)];
    console.log(`  lead objects (events inline): bulk ${((objectsMs * 1000) / LEADS).toFixed(1)} µs/lead (median of ${out.objects.length}: ${out.objects.map((x) => x.toFixed(0)).join(', ')} ms), per-lead engine ${((out.objectsPerLead * 1000) / LEADS).toFixed(1)} µs/lead; ${(out.objectsPerLead / objectsMs).toFixed(1)}×; ${(930 / ((objectsMs * 1000) / LEADS)).toFixed(1)}× the issue's 930 µs/lead`);
  } finally {
    await bench.close();
  }
});
