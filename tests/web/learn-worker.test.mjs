// trainModel() / discoverSegments() with { worker: true }
// (web/src/learn-in-worker.js): what crosses to the worker (plain data
// only; `now` read once here), progress forwarded, results and errors
// returned as in-thread, and an abort terminating the worker. The worker
// here is a stand-in running learn-worker.js's protocol in-process; the
// real module worker runs in Chromium (tests/browser/learn.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { learnInWorker, wantsWorker } from '../../web/src/learn-in-worker.js';
import { LeadFrame } from '../../web/src/learn-transfer.js';
import { discoverSegments, trainModel } from '../../web/src/node.js';
import { exampleConfig, START } from './helpers.mjs';

const CONFIG = { version: 1, segments: [] };
const FUNCTIONS = { trainModel, discoverSegments };

function leads(n = 300) {
  return Array.from({ length: n }, (_, i) => ({ email: `l${i}@example.com`, visits: i % 9, plan: ['free', 'pro'][i % 2], converted: (i * 7) % 9 < (i % 9) }));
}

// An in-process Worker: clones the message as postMessage would and runs
// the call as learn-worker.js does.
function fakeWorker(log) {
  let received = [];
  const worker = {
    terminated: false,
    terminate() { worker.terminated = true; log.push('terminate'); },
    postMessage(sent, transfer = []) {
      if (sent.prepare) {
        const message = sent;
        log.push({ prepare: structuredClone(message.prepare) });
        return;
      }
      if (sent.rows) {
        log.push({ part: sent.rows.length });
        received.push(...structuredClone(sent.rows));
        return;
      }
      // As postMessage: cloned, the listed buffers moved (detached here).
      const message = structuredClone(sent, { transfer });
      const { fn, config, options } = message;
      if (message.frame) log.push({ frame: message.frame.n });
      if (message.eventsFrame) {
        const detached = sent.eventsFrame.columns.every((c) => [c.kinds, c.numbers, c.codes].every((a) => !a || a.byteLength === 0));
        log.push({ eventsFrame: message.eventsFrame.n, detached });
      }
      const rows = message.frame ? new LeadFrame(message.frame) : 'leads' in message ? message.leads : received;
      received = [];
      log.push({ options });
      const events = message.eventsFrame ? { events: new LeadFrame(message.eventsFrame) } : message.eventsAreLeads ? { events: rows } : {};
      FUNCTIONS[fn](config, rows, { ...options, ...events, onProgress: (progress) => !worker.terminated && worker.onmessage({ data: { type: 'progress', progress } }) })
        .then((result) => !worker.terminated && worker.onmessage({ data: { type: 'done', result } }),
          (error) => !worker.terminated && worker.onmessage({ data: { type: 'error', error: { name: error.name, message: error.message, path: error.path } } }));
    },
  };
  return worker;
}

test('a result the page cannot read (messageerror) rejects the call and stops the worker', async () => {
  const log = [];
  const createWorker = () => {
    const worker = fakeWorker(log);
    const post = worker.postMessage;
    worker.postMessage = (sent, transfer) => {
      if (sent.prepare || sent.rows) return post(sent, transfer);
      setTimeout(() => worker.onmessageerror?.(new Event('messageerror')), 0);
    };
    return worker;
  };
  await assert.rejects(
    learnInWorker('trainModel', CONFIG, leads(200), { outcome: 'converted', seed: 3, now: 1, worker: true }, { createWorker }),
    (error) => error.name === 'LeadsegError' && /^trainModel: the worker's message could not be read/.test(error.message),
  );
  assert.ok(log.includes('terminate'), JSON.stringify(log));
});

test('a worker run returns what the in-thread run returns, with progress', async () => {
  const log = [];
  const stages = [];
  const options = { outcome: 'converted', seed: 2, now: () => 1_700_000_000_000, onProgress: (p) => stages.push(p.stage) };
  const inWorker = await learnInWorker('trainModel', CONFIG, leads(), { ...options, worker: true }, { createWorker: () => fakeWorker(log) });
  const here = await trainModel(CONFIG, leads(), options);
  assert.deepEqual(inWorker, here);
  assert.ok(stages.includes('final') && stages.includes('fold'), stages.join());
  // Only plain data crossed: the time as a number, no function or signal.
  const sent = log.find((entry) => entry.options).options;
  assert.equal(sent.now, 1_700_000_000_000);
  assert.equal('onProgress' in sent || 'signal' in sent || 'worker' in sent, false);
  assert.equal(log.at(-1), 'terminate');
});

test('a list of lead objects is sent as one frame of columns and gives the in-thread results', async () => {
  for (const fn of ['trainModel', 'discoverSegments']) {
    const log = [];
    const options = { outcome: 'converted', seed: 2, now: 1_700_000_000_000, ...(fn === 'discoverSegments' ? { kMax: 4 } : {}) };
    const inWorker = await learnInWorker(fn, CONFIG, leads(4500), { ...options, worker: true }, { createWorker: () => fakeWorker(log) });
    assert.deepEqual(log.filter((e) => e.frame || e.part), [{ frame: 4500 }]);
    assert.deepEqual(inWorker, await FUNCTIONS[fn](CONFIG, leads(4500), options));
  }
});

test('read as columns, a frame gives the in-thread results: leads without an outcome left out, renamed columns, wrong values', async () => {
  // Some leads have no outcome yet, one lacks a feature, one has it undefined.
  const list = () => leads(3000).map((lead, i) => {
    const copy = { ...lead };
    if (i % 7 === 0) copy.converted = i % 2 ? '' : null;
    if (i % 11 === 0) delete copy.visits;  // lead 0 too: a column first seen later, in a lead's middle
    if (i === 5) copy.plan = undefined;
    return copy;
  });
  const run = (fn, options, input = list()) => Promise.all([
    learnInWorker(fn, CONFIG, input, { ...options, worker: true }, { createWorker: () => fakeWorker([]) }).catch((e) => e),
    FUNCTIONS[fn](CONFIG, input, options).catch((e) => e),
  ]);
  const cases = [
    ['trainModel', { outcome: 'converted', seed: 3, now: 1 }],
    ['trainModel', { outcome: 'converted', seed: 3, now: 1, features: ['visits', 'plan'] }],
    ['trainModel', { outcome: 'converted', now: 1, columnMap: { visits: 'page_views' } }],
    ['discoverSegments', { k: 3, seed: 3 }],
    ['discoverSegments', { kMax: 3, outcome: 'converted', exclude: ['plan'] }],
    ['trainModel', { outcome: 'nope', now: 1 }],
    ['trainModel', { outcome: 'plan', now: 1 }],
  ];
  for (const [fn, options] of cases) {
    const [inWorker, here] = await run(fn, options);
    if (here instanceof Error) {
      assert.equal(inWorker.message, here.message, JSON.stringify(options));
      assert.equal(inWorker.path, here.path);
    } else {
      assert.deepEqual(inWorker, here, JSON.stringify(options));
    }
  }
});

test('a long list that cannot go as columns (a nested value) is sent as objects in parts and arrives whole', async () => {
  const log = [];
  const options = { outcome: 'converted', seed: 2, now: 1_700_000_000_000 };
  const list = () => leads(4500).map((lead, i) => (i === 4000 ? { ...lead, extra: { nested: true } } : lead));
  const inWorker = await learnInWorker('trainModel', CONFIG, list(), { ...options, worker: true }, { createWorker: () => fakeWorker(log) });
  assert.deepEqual(log.filter((e) => e.part || e.frame).map((e) => e.part), [2000, 2000, 500]);
  assert.deepEqual(inWorker, await trainModel(CONFIG, list(), options));
  assert.ok(inWorker.skipped.some((s) => s.column === 'extra'), JSON.stringify(inWorker.skipped));
});

// Leads with an activity table (options.events) in the forms it takes:
// extra columns as props, a props object, times as numbers, ISO text and
// Dates, ids as text and as numbers.
function withActivity(n = 400) {
  const leads = [];
  const events = [];
  for (let i = 0; i < n; i++) {
    const id = i % 5 === 0 ? i : `p${i}@example.com`;
    const views = (i * 7) % 5;
    for (let v = 0; v < views; v++) {
      const at = START - (v + 1) * 3_600_000;
      if (v % 3 === 0) events.push({ email: id, type: 'page_view', at, path: '/pricing' });
      else if (v % 3 === 1) events.push({ email: id, type: 'page_view', at: new Date(at), props: { path: '/pricing/plans' } });
      else events.push({ email: id, type: 'email_open', at: new Date(at).toISOString() });
    }
    leads.push({ email: id, industry: i % 2 ? 'Software' : 'Retail', converted: views + (i % 3) > 3 ? 1 : 0 });
  }
  return { leads, events };
}

test('an activity table goes as a frame of transferred columns and gives the in-thread results', async () => {
  const cases = [
    ['trainModel', { outcome: 'converted', seed: 2, now: START, features: ['pricing_views_2d', 'emails_opened_30d', 'industry'] }],
    ['trainModel', { outcome: 'converted', seed: 2, now: START }],
    ['discoverSegments', { k: 3, seed: 2, now: START, outcome: 'converted' }],
  ];
  for (const [fn, options] of cases) {
    const log = [];
    const { leads, events } = withActivity();
    const inWorker = await learnInWorker(fn, exampleConfig(), leads, { ...options, events, worker: true }, { createWorker: () => fakeWorker(log) });
    const here = await FUNCTIONS[fn](exampleConfig(), withActivity().leads, { ...options, events: withActivity().events });
    assert.deepEqual(inWorker, here, `${fn} ${JSON.stringify(options)}`);
    assert.deepEqual(log.filter((e) => e.frame || e.eventsFrame || e.part), [{ frame: 400 }, { eventsFrame: events.length, detached: true }]);
    assert.equal('events' in log.find((e) => e.options).options, false, 'the table is not also cloned in the options');
  }
  // The behaviour came through: the events were replayed in the worker.
  const { leads, events } = withActivity();
  const result = await learnInWorker('trainModel', exampleConfig(), leads, { ...cases[0][1], events, worker: true }, { createWorker: () => fakeWorker([]) });
  assert.ok(result.weights.find((w) => w.attribute === 'pricing_views_2d').weight > 0.5, JSON.stringify(result.weights));
});

test('with an activity table, errors and odd rows are the in-thread ones', async () => {
  const run = async (events, leads = withActivity(60).leads, options = {}) => {
    const all = { outcome: 'converted', now: START, ...options, events };
    const inWorker = await learnInWorker('trainModel', exampleConfig(), leads, { ...all, worker: true }, { createWorker: () => fakeWorker([]) }).catch((e) => e);
    const here = await trainModel(exampleConfig(), leads, all).catch((e) => e);
    if (here instanceof Error) {
      assert.ok(inWorker instanceof Error, `expected the worker to fail with: ${here.message}`);
      assert.equal(inWorker.message, here.message);
      assert.equal(inWorker.path, here.path);
    } else {
      assert.deepEqual(inWorker, here);
    }
  };
  const { events } = withActivity(60);
  await run([...events, { email: 'p1@example.com', type: 'page_view', at: 'yesterday' }]);  // a time that is not one
  await run([...events, { email: 'p1@example.com', type: 'page_view', at: START - 1, props: { path: '/pricing' }, extra: 1 }]);
  await run([...events, { email: 'p1@example.com', type: 'page_view', at: START - 1, props: { a: { b: [1, 2] } } }]);
  await run([...events, { email: 'p3@example.com', at: START - 1 }]);  // no type
  await run([]);
  await run(events, withActivity(60).leads, { idColumn: 'email', eventColumns: { lead: 'email', type: 'type', at: 'at' } });
  const same = withActivity(60).leads;
  await run(same, same);  // one list as both leads and events

  // A row a frame cannot state (a class instance) sends the table cloned, as before.
  const log = [];
  const odd = [...events, new (class Row { email = 'p1@example.com'; type = 'page_view'; at = START - 1; })()];
  await learnInWorker('trainModel', exampleConfig(), withActivity(60).leads, { outcome: 'converted', now: START, events: odd, worker: true },
    { createWorker: () => fakeWorker(log) });
  assert.equal(log.some((e) => e.eventsFrame), false);
  assert.equal(log.find((e) => e.options).options.events.length, odd.length);
});

test('the worker is told to load the learning module before the leads arrive', async () => {
  // Loading (fetching, compiling) overlaps the copying of the leads instead
  // of following it: the first message names the module, the rows follow.
  const log = [];
  const wasmUrl = 'https://example.com/assets/leadseg-learn.wasm';
  await learnInWorker('trainModel', CONFIG, leads(4500), { outcome: 'converted', now: 1_700_000_000_000, worker: true, wasmUrl: new URL(wasmUrl) },
    { createWorker: () => fakeWorker(log) }).catch(() => {});  // the URL does not load under node
  assert.deepEqual(log[0], { prepare: { wasmUrl, wasmBinary: undefined, wasmModule: null } });
  assert.deepEqual(log[1], { frame: 4500 });
});

test('an error in the worker rejects with a LeadsegError naming the option', async () => {
  await assert.rejects(learnInWorker('discoverSegments', CONFIG, leads(), { kMax: 10, k: 80, worker: true }, { createWorker: () => fakeWorker([]) }),
    (error) => error.name === 'LeadsegError' && error.path === '/k');
});

test('an abort terminates the worker and rejects with the reason', async () => {
  const log = [];
  const controller = new AbortController();
  const run = learnInWorker('trainModel', CONFIG, leads(2000), { outcome: 'converted', worker: true, signal: controller.signal, onProgress: () => controller.abort(new Error('stop')) },
    { createWorker: () => fakeWorker(log) });
  await assert.rejects(run, /stop/);
  assert.ok(log.includes('terminate'));
});

test('worker options are checked; without Web Workers the call runs in this thread', async () => {
  assert.throws(() => wantsWorker({ worker: 'yes' }, 'trainModel'), (e) => e.path === '/worker');
  assert.throws(() => wantsWorker({ worker: true, workerUrl: 5 }, 'trainModel'), (e) => e.path === '/workerUrl');
  assert.throws(() => wantsWorker({ worker: true, module: {} }, 'trainModel', true), (e) => e.path === '/module');
  assert.equal(wantsWorker({ worker: true }, 'trainModel', false), false);
  // Under node (no Worker global) the option is accepted and the result is the same.
  const result = await discoverSegments(CONFIG, leads(), { k: 2, worker: true, features: ['visits'] });
  assert.equal(result.k, 2);
});
