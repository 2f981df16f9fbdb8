// segmentLeads(config, lead objects) keeps its writers, result reader and
// column set with the batch module and starts them over per call
// (web/src/lead-object-helpers.js). Nothing of one call may reach the next:
// calls on one module, after a call that stopped half-way, with other
// configs, columns and strings, or two at once, must give exactly what the
// same calls give on a freshly loaded module. The module's LeadObjects
// keeps the last config compiled and is restarted when a call's config text
// is the same: a config changed in place between calls must be compiled
// again, and a restart (another `now`, metrics or not) must answer as a
// fresh load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { setBatchLoader } from '../../web/src/batch-module.js';
import { nodeBatchLoader } from '../../web/src/loader-node.js';
import { DAY, exampleConfig, seededRandom } from './helpers.mjs';

const NOW = Date.UTC(2026, 0, 15, 12);

// Two segments-only configs over different attributes (their attribute
// indexes differ), and one with a lifecycle (not segments-only).
const configA = {
  segments: [
    { id: 'tech', condition: { industry: { $in: ['Technology', 'Software'] } } },
    { id: 'exec', condition: { job_title: { $in: ['CTO', 'VP Engineering'] } } },
    { id: 'big', condition: { company_size: { $gte: 500 } } },
  ],
};
const configB = {
  segments: [
    { id: 'dach', condition: { country: { $in: ['Germany', 'Austria'] } } },
    { id: 'tech', condition: { sector: 'Technology' } },
    { id: 'paid', condition: { plan: { $ne: 'free' } } },
    { id: 'many', condition: { seats: { $gt: 10 } } },
  ],
};
// A's attributes in another order (other indexes for the same names).
const configA2 = {
  segments: [
    { id: 'big', condition: { company_size: { $gte: 900 } } },
    { id: 'retail', condition: { industry: 'Retail' } },
    { id: 'exec', condition: { job_title: { $in: ['CTO', 'Intern'] } } },
  ],
};
const configC = {
  segments: configB.segments,
  lifecycle: { stages: [{ id: 'lead', condition: { seats: { $gte: 0 } } }] },
};

function leadsA(n, seed) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const leads = [];
  for (let i = 0; i < n; i++) {
    leads.push({
      email: `a${i}@example.com`,
      job_title: pick(['CTO', 'IT Manager', 'VP Engineering', 'Intern']),
      industry: pick(['Technology', 'Software', 'Retail']),
      company_size: Math.floor(random() * 2000),
    });
  }
  return leads;
}

// Other keys, and strings of A's among its values (a string table carried
// over would give them A's ids).
function leadsB(n, seed) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const leads = [];
  for (let i = 0; i < n; i++) {
    const lead = { country: pick(['Germany', 'France', 'Austria']), sector: pick(['Technology', 'Retail', 'Software']), plan: pick(['free', 'team', 'CTO']) };
    if (random() < 0.9) lead.seats = Math.floor(random() * 40);
    leads.push(lead);
  }
  return leads;
}

let loads = 0;
function countLoads() {
  setBatchLoader(async () => {
    loads += 1;
    return nodeBatchLoader();
  });
}

// A call on a batch module no other call has used.
async function fresh(config, leads, options) {
  countLoads();
  return segmentLeads(config, leads, { now: NOW, ...options });
}

// A call that stops half-way: its onLead throws at lead `at`, in the middle
// of reading a call's results, with that call's records written and its
// strings interned.
async function stoppedAt(config, leads, at) {
  const stop = new Error('stop');
  await assert.rejects(segmentLeads(config, leads, {
    now: NOW,
    onLead: (lead, index) => {
      if (index === at) throw stop;
    },
  }), (error) => error === stop);
}

// A call aborted in the middle of writing a call's records: lead `at` has
// a string no lead before it has, and aborts the call when it is read.
async function abortedAt(config, leads, at) {
  const controller = new AbortController();
  const stopper = { ...leads[at] };
  Object.defineProperty(stopper, 'job_title', {
    enumerable: true,
    get() {
      controller.abort();
      return 'Head of Aborts';
    },
  });
  const list = [...leads.slice(0, at), stopper, ...leads.slice(at + 1)];
  await assert.rejects(segmentLeads(config, list, { now: NOW, signal: controller.signal }), { name: 'AbortError' });
}

const A = leadsA(700, 1);
const B = leadsB(600, 2);
const runs = [
  [configA, A, {}],
  [configB, B, {}],
  [configA2, A, {}],
  [configA, A, { results: 'columns' }],
  [configB, B, { results: 'columns' }],
  [configC, B, {}],
  [configB, B, { keepLeads: false }],
];

test('calls on one batch module give what calls on fresh modules give, after one that stopped half-way', async () => {
  const expected = [];
  for (const [config, leads, options] of runs) expected.push(await fresh(config, leads, options));

  countLoads();
  const before = loads;
  await stoppedAt(configA, A, 400);
  for (let r = 0; r < runs.length; r++) {
    const [config, leads, options] = runs[r];
    assert.deepEqual(await segmentLeads(config, leads, { now: NOW, ...options }), expected[r], `run ${r}`);
    if (r === 1) await abortedAt(configA, A, 300);
    if (r === 3) await stoppedAt(configB, B, 300);
  }
  assert.equal(loads, before + 1, 'every call above ran on one batch module');
});

test('two calls in flight at once on one batch module give what fresh calls give', async () => {
  const options = { progressEvery: 100 };  // a yield at every report: the calls interleave
  const expectedA = await fresh(configA, A, options);
  const expectedB = await fresh(configB, B, options);
  countLoads();
  const before = loads;
  await segmentLeads(configA, A.slice(0, 10), { now: NOW });  // the module loaded, its helpers idle
  const [a, b] = await Promise.all([
    segmentLeads(configA, A, { now: NOW, ...options }),
    segmentLeads(configB, B, { now: NOW, ...options }),
  ]);
  assert.deepEqual(a, expectedA);
  assert.deepEqual(b, expectedB);
  // And the next call, on the helpers either left behind.
  assert.deepEqual(await segmentLeads(configB, B, { now: NOW, ...options }), expectedB);
  assert.equal(loads, before + 1);
});

// Leads with a history: their metrics, scores and segments depend on `now`.
function historyLeads(n, seed) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const leads = [];
  for (let i = 0; i < n; i++) {
    const events = [];
    for (let k = Math.floor(random() * 12); k > 0; k--) {
      const type = pick(['page_view', 'email_open', 'session_start', 'download']);
      const event = { type, at: NOW - Math.floor(random() * 40 * DAY) };
      if (type === 'page_view') event.props = { path: pick(['/pricing', '/']) };
      if (type === 'download') event.props = { category: 'guide' };
      events.push(event);
    }
    leads.push({ job_title: pick(['CTO', 'IT Manager', 'Intern']), industry: pick(['Technology', 'Retail']), company_size: Math.floor(random() * 2000), events });
  }
  return leads;
}

test('a config changed in place between calls is compiled again; the same config restarts as a fresh load', async () => {
  // configA as an object the caller changes between calls, and as text.
  const changing = structuredClone(configA);
  const change = (config) => {
    config.segments[2].condition.company_size.$gte = 1500;
    config.segments[0].condition.industry.$in.push('Retail');
  };
  const changed = structuredClone(configA);
  change(changed);
  const example = exampleConfig();
  const H = historyLeads(300, 4);
  const LATER = NOW + 9 * DAY;
  const calls = [
    [changing, A, {}],
    [() => change(changing)],
    [changing, A, {}],
    // Restarted: the same strings first seen in another order (a string
    // table carried over would give them the last call's ids).
    [changing, [...A].reverse(), { results: 'columns' }],
    [JSON.stringify(configA), A, {}],
    [JSON.stringify(changed), A, {}],
    [example, H, { metrics: true }],
    [example, H, { now: LATER }],
    [example, H, { now: LATER, metrics: true, results: 'columns' }],
    [example, H, {}],
  ];
  const expected = [];
  for (const [config, leads, options] of calls) {
    if (typeof config === 'function') config();
    else expected.push(await fresh(config, leads, options));
  }
  changing.segments = structuredClone(configA.segments);  // as it was before the change
  // The answers differ where the config or `now` does, so a kept config or time would show.
  assert.notDeepEqual(expected[0].leads, expected[1].leads);
  assert.notDeepEqual(expected[5].leads, expected[6].leads);

  countLoads();
  const before = loads;
  let k = 0;
  for (const [config, leads, options] of calls) {
    if (typeof config === 'function') {
      config();
      continue;
    }
    assert.deepEqual(await segmentLeads(config, leads, { now: NOW, ...options }), expected[k], `call ${k}`);
    k += 1;
  }
  assert.equal(loads, before + 1, 'every call above ran on one batch module');
});

test.after(() => setBatchLoader(nodeBatchLoader));
