// segmentLeads split across workers (web/src/batch-workers.js): the same
// leads, in the same order, with the same summary and the same lead and row
// numbers in errors as one thread; progress; cancel; a worker's error.
// The workers run in-process here (node has no Web Workers), through the
// same message handler and structured clone as batch-worker.js; the real
// module workers run in Chromium (tests/browser/web-batch-workers.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { segmentLeadsInWorkers } from '../../web/src/batch-workers.js';
import { workerPlan, checkWorkersOption, MIN_WORKER_BYTES } from '../../web/src/batch-workers-option.js';
import fs from 'node:fs';
import path from 'node:path';
import { exampleConfig, inProcessWorkers, REPO_ROOT, START } from './helpers.mjs';

const TITLES = ['CTO', 'Intern', 'CEO', 'VP "Sales", EMEA', 'Head of\nGrowth', 'IT Manager'];
const INDUSTRIES = ['Technology', 'Retail', 'Software', 'Finance'];

function leadsCsv(rows) {
  const quote = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['email,job_title,industry,company_size,age,pricing_views_2d'];
  for (let i = 0; i < rows; i++) {
    if (i % 97 === 5) lines.push(''); // blank lines count as rows, not leads
    // A column named like a metric is data (left out, reported); a title
    // larger than identify's 256 KB limit is that lead's error.
    const metricColumn = i % 13 === 7 ? '3' : '';
    const title = i % 251 === 7 ? 'x'.repeat(300_000) : TITLES[i % TITLES.length];
    lines.push([`lead${i}@example.com`, quote(title), INDUSTRIES[i % 4], String((i * 37) % 3000), i % 5 ? String(20 + (i % 50)) : '', metricColumn].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

test('workers: the same leads, order, summary and error numbering as one thread', async () => {
  const csv = leadsCsv(1200);
  const blob = new Blob([csv]);
  const single = await segmentLeads(exampleConfig(), blob, { now: START });
  assert.ok(single.summary.errors > 0 && single.leads.some((l) => /\(row \d+\)/.test(l.error ?? '')));
  for (const [workers, rangeBytes] of [[2, 4096], [3, 1000]]) {
    const log = { started: 0, terminated: 0 };
    const seen = [];
    const progress = [];
    const split = await segmentLeadsInWorkers(JSON.stringify(exampleConfig()), { blob, workers }, {
      now: START, onLead: (lead, i) => seen.push(i), onProgress: (p) => progress.push(p.processed),
    }, { createWorker: inProcessWorkers(log), rangeBytes });
    assert.deepEqual(split.leads, single.leads, `${workers} workers, ${rangeBytes}-byte ranges`);
    assert.deepEqual(split.summary, single.summary);
    assert.deepEqual(split.warnings, single.warnings);
    assert.deepEqual(seen, single.leads.map((_, i) => i), 'onLead in input order');
    assert.equal(progress.at(-1), 1200);
    assert.ok(log.started <= workers && log.started > 1, `${log.started} workers started`);
    assert.equal(log.terminated, log.started, 'every worker is terminated at the end');
  }
});

test('workers with keepLeads: false send counts only; the summary is the same', async () => {
  const blob = new Blob([leadsCsv(1500)]);
  const single = await segmentLeads(exampleConfig(), blob, { now: START, keepLeads: false });
  const split = await segmentLeadsInWorkers(JSON.stringify(exampleConfig()), { blob, workers: 2 }, { now: START, keepLeads: false },
    { createWorker: inProcessWorkers(), rangeBytes: 8000 });
  assert.deepEqual(split.leads, []);
  assert.deepEqual(split.summary, single.summary);
});

// Leads whose quoted titles hold line breaks (every `every`-th), or none.
function multilineCsv(rows, every) {
  const lines = ['email,job_title,industry,company_size,age'];
  for (let i = 0; i < rows; i++) {
    const title = every && i % every === 0 ? '"Head of\nGrowth,\n""EMEA""\n"' : TITLES[(i % 3) * 2 + 1];
    lines.push([`lead${i}@example.com`, title, INDUSTRIES[i % 4], String((i * 37) % 3000), String(20 + (i % 50))].join(','));
  }
  return lines.join('\n') + '\n';
}

test('workers, counts alone: a split guessed at line feeds, not read by this thread, gives the same summary', async () => {
  const blob = new Blob([multilineCsv(3000, 0)]);
  const single = await segmentLeads(exampleConfig(), blob, { now: START, keepLeads: false });
  assert.ok(single.summary.count === 3000 && Object.values(single.summary.segments).some((n) => n > 0));
  for (const rangeBytes of [500, 4096, 20_000]) {
    const log = { started: 0, terminated: 0 };
    const progress = [];
    const split = await segmentLeadsInWorkers(JSON.stringify(exampleConfig()), { blob, workers: 2 },
      { now: START, keepLeads: false, onProgress: (p) => progress.push(p.processed) }, { createWorker: inProcessWorkers(log), rangeBytes });
    assert.deepEqual(split.summary, single.summary, `${rangeBytes}-byte ranges`);
    assert.ok(log.started <= 2, `${log.started} workers started: the guessed split held (no second run)`);
    assert.equal(progress.at(-1), 3000);
  }
});

test('workers, counts alone: a guessed cut inside a quoted field fails its part, and the file runs again on an exact split', async () => {
  const blob = new Blob([multilineCsv(3000, 3)]);
  const single = await segmentLeads(exampleConfig(), blob, { now: START, keepLeads: false });
  for (const rangeBytes of [700, 5000]) {
    const log = { started: 0, terminated: 0 };
    const progress = [];
    const split = await segmentLeadsInWorkers(JSON.stringify(exampleConfig()), { blob, workers: 2 },
      { now: START, keepLeads: false, progressEvery: 50, onProgress: (p) => progress.push(p.processed) }, { createWorker: inProcessWorkers(log), rangeBytes });
    assert.deepEqual(split.summary, single.summary, `${rangeBytes}-byte ranges`);
    assert.ok(log.started > 2, `${log.started} workers started: the run started again`);
    assert.equal(log.terminated, log.started);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress never goes back');
    assert.equal(progress.at(-1), 3000);
  }
});

test('workers: cancel rejects with the signal\'s reason and terminates every worker', async () => {
  const blob = new Blob([leadsCsv(3000)]);
  const log = { started: 0, terminated: 0 };
  const controller = new AbortController();
  const reason = new Error('stopped by the user');
  const run = segmentLeadsInWorkers(JSON.stringify(exampleConfig()), { blob, workers: 2 }, {
    now: START, signal: controller.signal, onProgress: () => controller.abort(reason),
  }, { createWorker: inProcessWorkers(log), rangeBytes: 4000 });
  await assert.rejects(run, (error) => error === reason);
  assert.equal(log.terminated, log.started);
});

test('workers: an error of the whole file (no column the config reads) rejects once, with its message', async () => {
  const blob = new Blob(['a,b\n' + '1,2\n'.repeat(5000)]);
  const log = { started: 0, terminated: 0 };
  await assert.rejects(
    segmentLeadsInWorkers(JSON.stringify(exampleConfig()), { blob, workers: 2 }, { now: START }, { createWorker: inProcessWorkers(log), rangeBytes: 2000 }),
    (error) => error.name === 'LeadsegError' && /none of the columns the config reads/.test(error.message),
  );
  assert.equal(log.terminated, log.started);
});

// The bench's shared workload (30 segments; ../shared/bench-workload) as a
// CSV: row i is profile i % 10,000, so the expected count of each segment
// is known from expected-membership.txt.
function sharedWorkload(rows) {
  const dir = path.join(REPO_ROOT, '..', 'shared', 'bench-workload');
  if (!fs.existsSync(path.join(dir, 'segments.json'))) return null;
  const segments = JSON.parse(fs.readFileSync(path.join(dir, 'segments.json'), 'utf8'));
  const profiles = fs.readFileSync(path.join(dir, 'profiles.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const expected = fs.readFileSync(path.join(dir, 'expected-membership.txt'), 'utf8').trim().split('\n');
  const columns = Object.keys(profiles[0]);
  const field = (v) => {
    const s = Array.isArray(v) ? v.join(';') : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.join(',')];
  const counts = Object.fromEntries(segments.map((seg) => [seg.id, 0]));
  for (let i = 0; i < rows; i++) {
    const k = i % profiles.length;
    lines.push(columns.map((c) => field(profiles[k][c])).join(','));
    segments.forEach((seg, s) => { if (expected[k][s] === '1') counts[seg.id]++; });
  }
  // A copy of the first segment: a warning (duplicate-condition) for the
  // compiled config to carry to the workers.
  counts.copy = counts[segments[0].id];
  const config = JSON.stringify({ segments: [...segments, { id: 'copy', condition: segments[0].condition }] });
  return { config, blob: new Blob([lines.join('\n') + '\n']), counts };
}

// inProcessWorkers, keeping what the page posts to each worker.
function recordingWorkers(log, sent) {
  const create = inProcessWorkers(log);
  return (url) => {
    const worker = create(url);
    const post = worker.postMessage;
    worker.postMessage = (message) => {
      sent.push(message);
      post(message);
    };
    return worker;
  };
}

test('workers load the config the page compiled: the same counts as its JSON, on the shared workload, with 1 and 2 workers', async (t) => {
  const workload = sharedWorkload(12_000);
  if (workload === null) return t.skip('no ../shared/bench-workload');
  const { config, blob, counts } = workload;
  const options = { now: START, keepLeads: false, listColumns: ['interests'] };
  const single = await segmentLeads(config, blob, { ...options, keepLeads: true });
  assert.deepEqual(single.summary.segments, counts, 'one thread, the JSON: the expected counts');
  assert.ok(single.warnings.some((w) => w.code === 'duplicate-condition'), JSON.stringify(single.warnings));
  for (const workers of [1, 2]) {
    for (const keepLeads of [false, true]) {
      const log = { started: 0, terminated: 0 };
      const sent = [];
      const split = await segmentLeadsInWorkers(config, { blob, workers }, { ...options, keepLeads },
        { createWorker: recordingWorkers(log, sent), rangeBytes: 64 << 10 });
      const inits = sent.filter((m) => m.type === 'init');
      assert.equal(inits.length, log.started);
      for (const init of inits) {
        assert.ok(init.compiled instanceof Uint8Array, 'each worker is handed the compiled config');
        assert.equal(new TextDecoder().decode(init.compiled.subarray(0, 4)), 'LSCF');
      }
      assert.deepEqual(split.summary, single.summary, `${workers} worker(s), keepLeads: ${keepLeads}`);
      assert.deepEqual(split.warnings, single.warnings);
      assert.deepEqual(split.leads, keepLeads ? single.leads : []);
    }
  }
  // This thread's next run of the same text loads the bytes it compiled for the workers.
  const again = await segmentLeads(config, blob, { ...options, keepLeads: true });
  assert.deepEqual(again, single);
});

test('workers: an invalid config rejects with the one-thread error (message, path) before any worker starts', async () => {
  const blob = new Blob([leadsCsv(3000)]);
  const bad = JSON.stringify({ segments: [{ id: 'cto', condition: { job_title: { $regex: 'CTO' } } }, { id: 'x', condition: { age: { $nope: 3 } } }] });
  const single = await segmentLeads(bad, blob, { now: START }).then(() => null, (error) => error);
  assert.ok(single && single.name === 'LeadsegError' && single.path.startsWith('/segments/1'), `one thread: ${single}`);
  for (const keepLeads of [true, false]) {
    const log = { started: 0, terminated: 0 };
    await assert.rejects(
      segmentLeadsInWorkers(bad, { blob, workers: 2 }, { now: START, keepLeads }, { createWorker: inProcessWorkers(log), rangeBytes: 4000 }),
      (error) => error.name === 'LeadsegError' && error.message === single.message && error.path === single.path,
    );
    assert.equal(log.started, 0, 'no worker started');
  }
});

test('workers: a message the page cannot read (messageerror) rejects the call, it does not wait forever', async () => {
  const blob = new Blob([leadsCsv(1500)]);
  const log = { started: 0, terminated: 0 };
  const inProcess = inProcessWorkers(log);
  const createWorker = () => {
    const worker = inProcess();
    const post = worker.postMessage;
    worker.postMessage = (message) => {
      if (message.type !== 'range') return post(message);
      // The part's answer is lost in the structured clone, as a browser
      // drops a message it cannot deserialize: only messageerror fires.
      setTimeout(() => worker.onmessageerror?.(new Event('messageerror')), 0);
    };
    return worker;
  };
  await assert.rejects(
    segmentLeadsInWorkers(JSON.stringify(exampleConfig()), { blob, workers: 2 }, { now: START, keepLeads: false }, { createWorker, rangeBytes: 8000 }),
    (error) => error.name === 'LeadsegError' && /message could not be read/.test(error.message),
  );
  assert.equal(log.terminated, log.started, 'every worker stopped');
});

test('the workers option: checked; used only for a whole CSV of at least 1 MB, without events or a module, where Workers exist', async () => {
  for (const bad of [0, -1, 1.5, '2', 65, null]) {
    await assert.rejects(segmentLeads(exampleConfig(), 'a\n', { workers: bad }), /workers must be a whole number from 1 to 64/);
  }
  await assert.rejects(segmentLeads(exampleConfig(), 'a\n', { workerUrl: 3 }), /workerUrl must be a URL/);
  const big = new Blob([leadsCsv(30000)]);
  assert.ok(big.size >= MIN_WORKER_BYTES);
  const has = { hasWorkers: true };
  assert.equal(workerPlan(big, {}, 4, has).workers, 4);
  assert.equal(workerPlan(big, {}, 1, has), null);
  assert.equal(workerPlan(big, {}, 4, { hasWorkers: false }), null, 'no Web Workers (node): one thread');
  assert.equal(workerPlan(new Blob(['a\n1\n']), {}, 4, has), null, 'small files: one thread');
  assert.equal(workerPlan(big, { events: [] }, 4, has), null, 'an activity table: one thread');
  assert.equal(workerPlan(big, { module: {} }, 4, has), null, 'a caller\'s module: one thread');
  assert.equal(workerPlan(big.stream(), {}, 4, has), null, 'a stream cannot be cut');
  assert.equal(checkWorkersOption(undefined), undefined);
  // Under node, workers: n runs in this thread, with the same results.
  const csv = leadsCsv(50);
  assert.deepEqual(await segmentLeads(exampleConfig(), csv, { now: START, workers: 4 }), await segmentLeads(exampleConfig(), csv, { now: START }));
});

test('workers: a large file splits into ranges of at most 16 MiB, as many per worker', async () => {
  const { rangeBytesFor } = await import('../../web/src/batch-workers.js');
  for (const size of [151_595_695, 40_000_000, 1_000_000_000, 3_000_000]) {
    for (const workers of [1, 2, 3, 4]) {
      const bytes = rangeBytesFor(size, workers);
      const ranges = Math.ceil(size / bytes);
      assert.ok(bytes <= 16 << 20, `${size} bytes, ${workers} workers: ${bytes}-byte ranges`);
      assert.equal(ranges % workers, 0, `${size} bytes, ${workers} workers: ${ranges} ranges of ${bytes}`);
      // The last range is about as large as the others (no short tail).
      assert.ok(size - (ranges - 1) * bytes > 0.9 * bytes, `${size} bytes, ${workers} workers: tail`);
    }
  }
  assert.equal(rangeBytesFor(100_000, 2), 256 << 10, 'small files: ranges of at least 256 KiB');
});

test('workers: every worker a file has ranges for starts before the first range is posted', async () => {
  const blob = new Blob([leadsCsv(1500)]);
  const events = [];
  const inProcess = inProcessWorkers();
  const createWorker = () => {
    const worker = inProcess();
    const n = events.filter((e) => e === 'created').length;
    events.push('created');
    const post = worker.postMessage;
    worker.postMessage = (message) => {
      events.push(`${message.type} ${n}`);
      post(message);
    };
    return worker;
  };
  const split = await segmentLeadsInWorkers(JSON.stringify(exampleConfig()), { blob, workers: 2 }, { now: START, keepLeads: false },
    { createWorker, rangeBytes: 8000 });
  assert.ok(split.summary.count > 0);
  assert.deepEqual(events.slice(0, 4), ['created', 'created', 'init 0', 'range 0'], events.slice(0, 6).join(', '));
});

test('batch-worker.js names every module under its handler (fetched at once, not a level at a time)', () => {
  const src = path.join(REPO_ROOT, 'web', 'src');
  const imports = (file) => [...fs.readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)]
    .map((m) => path.resolve(path.dirname(file), m[1]));
  const graph = new Set();
  const stack = [path.join(src, 'batch-worker-handler.js')];
  while (stack.length) {
    for (const file of imports(stack.pop())) {
      if (!graph.has(file)) {
        graph.add(file);
        stack.push(file);
      }
    }
  }
  const named = [...fs.readFileSync(path.join(src, 'batch-worker.js'), 'utf8').matchAll(/^export \{\} from '\.\/([^']+)';$/gm)].map((m) => m[1]);
  assert.ok(graph.size > 10, `${graph.size} modules under the handler`);
  assert.deepEqual(named.sort(), [...graph].map((f) => path.basename(f)).sort());
});
