// Lead objects cross to the batch module as indexed records (a
// segments-only config's plain leads, indexed-leads.js), value frames (flat
// leads, frame.post.js's flatObject) or as JSON text (the others): on odd values,
// both must answer as the per-lead path does, which hands the core each
// lead as JSON text (options.module: identify(JSON) on one engine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentLeads } from '../../web/src/node.js';
import { loadModule } from '../../web/src/loader.js';
import { setBatchLoader } from '../../web/src/batch-module.js';
import { nodeBatchLoader } from '../../web/src/loader-node.js';
import { IndexedWriter } from '../../web/src/indexed-leads.js';
import { HOUR, exampleConfig } from './helpers.mjs';

const NOW = Date.UTC(2026, 0, 15, 12);

// Segments that tell the odd values apart.
const SEGMENTS = [
  { id: 'huge', condition: { n: { $gt: 1e307 } } },
  { id: 'two64', condition: { n: 18446744073709552000 } },
  { id: 'tiny', condition: { n: { $gt: 0, $lt: 1e-300 } } },
  { id: 'negative', condition: { n: { $lt: 0 } } },
  { id: 'zero', condition: { n: 0 } },                 // as GrowthBook: a missing n too
  { id: 'point3', condition: { n: 0.30000000000000004 } },
  { id: 'zoe', condition: { name: 'Zoë 🚀' } },
  { id: 'zoe_prefix', condition: { name: { $regex: '^Zoë' } } },
  { id: 'city', condition: { city: { $in: ['Zürich', '東京', 'x'.repeat(100)] } } },
  { id: 'tag_null', condition: { tags: { $all: [true, null] } } },
  { id: 'tag_one', condition: { tags: { $in: [1] } } },
  { id: 'no_tags', condition: { tags: { $size: 0 } } },
  { id: 'company', condition: { 'company.size': { $gte: 10 } } },
  { id: 'company_12', condition: { 'company.size': 12 } },
  { id: 'title_exists', condition: { job_title: { $exists: true } } },
  { id: 'title_missing', condition: { job_title: { $exists: false } } },
  { id: 'flag', condition: { flag: true } },
  { id: 'unicode_key', condition: { 'größe': { $gte: 1 } } },
  { id: 'long', condition: { note: { $regex: 'é$' } } },
];

function oddLeads() {
  const proto = JSON.parse('{"__proto__": {"x": 1}, "job_title": "CTO"}');
  return [
    { n: -0, job_title: 'CTO' },
    { n: 0 },
    { n: 1e308 },
    { n: -1.7976931348623157e308 },
    { n: 2 ** 64 },
    { n: 123456789012345680000 },
    { n: 5e-324 },
    { n: 0.1 + 0.2 },
    { n: Number.MAX_SAFE_INTEGER + 2 },
    { name: 'Zoë 🚀', city: 'Zürich' },
    { name: 'Zoë', city: '東京', 'größe': 3 },
    { city: 'x'.repeat(100), note: `${'ü'.repeat(70)}é` },
    { note: 'a'.repeat(5000) },
    { tags: ['x', 1, true, null] },
    { tags: [] },
    { tags: [-0, 'a', 1e21] },
    { tags: [[1], { a: 1 }] },                          // not flat: nested
    { company: { size: 12, tags: ['a', 'b'] } },        // not flat: nested
    { company: { size: 3, deeper: { x: [{ y: null }] } }, job_title: 'VP' },
    { job_title: null, flag: true },                    // null: identify removes it
    { job_title: undefined, flag: false },              // undefined: left out, as JSON does
    {},
    { when: new Date(NOW) },                            // a Date: its ISO text
    proto,                                              // an own "__proto__"
    { '': 1 },                                          // identify refuses an empty name
    { segments: 'mine' },                               // a reserved name
    { n: NaN },                                         // refused in JavaScript
    { name: 'lone \ud800' },                            // refused in JavaScript
    { tags: [1, , 3] },                                 // a hole: not flat (JSON writes null)
    Object.assign(Object.create(null), { job_title: 'CTO', n: 5 }),
    { other: 'lone \udc00', job_title: 'CTO' },         // a lone surrogate in a column nothing reads
    { note: `${'a'.repeat(50000)}é`, name: 'Zoë' },     // past the indexed bound: a frame
    { name: 'Zoë 🚀', city: 'Zürich', n: -0, tags: ['x', 1, true] },  // strings again: ids of the table
    { name: 'Zoë', tags: ['x', 1, undefined] },          // undefined in an array: JSON writes null
    { n: 1n },                                          // a bigint: JSON refuses it
    { tags: Array.from({ length: 2000 }, (_, i) => (i % 7 ? i : 'x')), job_title: 'VP' },  // the writer's buffer grows mid-record
  ];
}

// Counts the leads written as indexed records, frames and JSON text, to
// know which paths ran. Every indexed record is written by writeSameShape
// (write() learns a new shape's keys, then calls it).
const indexedWrite = IndexedWriter.prototype.writeSameShape;
function countingFrames() {
  const counts = { indexed: 0, frames: 0, text: 0 };
  IndexedWriter.prototype.writeSameShape = function (row) {
    const indexed = indexedWrite.call(this, row);
    if (indexed) counts.indexed++;
    return indexed;
  };
  setBatchLoader(async () => {
    const module = await nodeBatchLoader();
    const flatObject = module.FrameWriter.prototype.flatObject;
    module.FrameWriter.prototype.flatObject = function (object) {
      const framed = flatObject.call(this, object);
      counts[framed ? 'frames' : 'text']++;
      return framed;
    };
    return module;
  });
  return counts;
}

async function bothPaths(config, leads, options = {}) {
  const core = await loadModule({});
  const bulk = await segmentLeads(config, leads, { now: NOW, ...options });
  const perLead = await segmentLeads(config, leads, { now: NOW, module: core, ...options });
  return { bulk, perLead };
}

test('odd values as frames or JSON text: the per-lead path\'s segments, errors and summary', async () => {
  const counts = countingFrames();
  try {
    const leads = oddLeads();
    const { bulk, perLead } = await bothPaths({ segments: SEGMENTS }, leads);
    assert.deepEqual(bulk.leads, perLead.leads);
    assert.deepEqual(bulk.summary, perLead.summary);
    assert.ok(counts.indexed >= 14 && counts.frames >= 4 && counts.text >= 6, JSON.stringify(counts));
    // The values told apart (so that a value read wrongly would show).
    const members = Object.fromEntries(Object.entries(bulk.summary.segments).filter(([, n]) => n > 0));
    for (const id of ['huge', 'two64', 'tiny', 'negative', 'zero', 'point3', 'zoe', 'zoe_prefix', 'city', 'tag_null', 'tag_one',
      'no_tags', 'company', 'company_12', 'title_exists', 'title_missing', 'flag', 'unicode_key', 'long']) {
      assert.ok(members[id] > 0, `segment ${id} has members: ${JSON.stringify(members)}`);
    }
    assert.deepEqual(bulk.leads.filter((l) => l.error).map((l) => l.error.replace(/^(lead \d+).*$/s, '$1')),
      ['lead 24', 'lead 25', 'lead 26', 'lead 27', 'lead 30', 'lead 34']);
    // A null job_title is removed by identify: $exists is false for it.
    assert.deepEqual(bulk.leads[19].segments, ['zero', 'title_missing', 'flag']);
  } finally {
    IndexedWriter.prototype.writeSameShape = indexedWrite;
    setBatchLoader(nodeBatchLoader);
  }
});

test('odd values with scoring and events (the engine path): the per-lead path\'s answers', async () => {
  const counts = countingFrames();
  try {
    const config = exampleConfig();
    config.segments.push(...SEGMENTS);
    const leads = oddLeads().map((lead, i) => {
      if (Object.getPrototypeOf(lead) === null || Object.hasOwn(lead, '__proto__')) return lead;
      return { ...lead, company_size: 10 * i, industry: 'Software', events: [{ type: 'page_view', at: NOW - i * HOUR, props: { path: '/pricing' } }] };
    });
    const { bulk, perLead } = await bothPaths(config, leads, { metrics: true });
    assert.deepEqual(bulk.leads, perLead.leads);
    assert.deepEqual(bulk.summary, perLead.summary);
    assert.ok(counts.frames >= 18, JSON.stringify(counts));
    assert.ok(bulk.leads.some((l) => l.score > 0));
  } finally {
    IndexedWriter.prototype.writeSameShape = indexedWrite;
    setBatchLoader(nodeBatchLoader);
  }
});

test('a string table past its bound starts again: the answers stay each lead\'s', async () => {
  // 70,000 distinct names a condition reads: the module's table is emptied
  // once on the way (indexed-leads.js MAX_STRINGS), ids then start again.
  const leads = Array.from({ length: 70000 }, (_, i) => ({ name: i % 3 === 0 ? `Zoë ${i}` : `Bob ${i}`, n: i % 5 === 0 ? 0 : i }));
  const { leads: out, summary } = await segmentLeads({ segments: SEGMENTS }, leads, { now: NOW });
  for (let i = 0; i < leads.length; i++) {
    const want = [...(i % 5 === 0 ? ['zero'] : []), ...(i % 3 === 0 ? ['zoe_prefix'] : []), 'title_missing'];
    if (out[i].segments.join() !== want.join()) assert.fail(`lead ${i}: ${out[i].segments.join()}, expected ${want.join()}`);
  }
  assert.equal(summary.segments.zoe_prefix, 23334);
  assert.equal(summary.errors, 0);
});

// indexed-leads.js reads a lead's values by for-in, which skips a key a
// getter deleted and visits inherited enumerable keys: such a lead must not
// have its values read against the wrong attributes. The deleting lead
// fails the first lead's shape (city is not visited), so its keys are read
// (Object.keys, after its getter ran: no city) and it is written as a
// record of those; the third lead, the first's keys again, is a record too.
test('a getter that deletes a later key, an inherited enumerable key: the per-lead path\'s answers', async () => {
  const leads = () => {
    const deleting = { name: 'Zoë 🚀', city: 'Zürich', n: 5, flag: true };
    Object.defineProperty(deleting, 'name', {
      enumerable: true,
      get() {
        delete this.city;
        return 'Zoë 🚀';
      },
    });
    return [
      { name: 'Zoë', city: '東京', n: 0, flag: false },  // the same keys: the shape the writer has learned
      deleting,
      { name: 'Zoë', city: '東京', n: 0, flag: false },
    ];
  };
  const counts = countingFrames();
  try {
    const bulk = await segmentLeads({ segments: SEGMENTS }, leads(), { now: NOW });
    const perLead = await segmentLeads({ segments: SEGMENTS }, leads(), { now: NOW, module: await loadModule({}) });
    assert.deepEqual(bulk.leads, perLead.leads);
    assert.deepEqual(bulk.summary, perLead.summary);
    assert.deepEqual(bulk.leads[1].segments, ['zoe', 'zoe_prefix', 'title_missing', 'flag']);
    assert.equal(counts.indexed, 3);

    Object.defineProperty(Object.prototype, 'flag', { value: true, enumerable: true, configurable: true, writable: true });  // eslint-disable-line no-extend-native
    let inherited;
    try {
      inherited = await segmentLeads({ segments: SEGMENTS }, [{ name: 'Zoë', n: 0 }, { name: 'Bob', n: 1 }], { now: NOW });
    } finally {
      delete Object.prototype.flag;
    }
    assert.deepEqual(inherited.leads.map((l) => l.segments), [['zero', 'zoe_prefix', 'title_missing'], ['title_missing']]);

    // The inherited key where the shape's own last key was: the keys
    // visited are the shape's, but the lead has only two (no flag: true).
    // And a lead with the shape's first keys only, written as it is.
    Object.defineProperty(Object.prototype, 'flag', { value: true, enumerable: true, configurable: true, writable: true });  // eslint-disable-line no-extend-native
    let shadowed;
    try {
      shadowed = await segmentLeads({ segments: SEGMENTS }, [{ name: 'Zoë', n: 0, flag: false }, { name: 'Bob', n: 1 }], { now: NOW });
    } finally {
      delete Object.prototype.flag;
    }
    assert.deepEqual(shadowed.leads.map((l) => l.segments), [['zero', 'zoe_prefix', 'title_missing'], ['title_missing']]);
    counts.indexed = 0;
    const prefix = [{ name: 'Zoë', n: 0, flag: true }, { name: 'Bob', n: -1 }, { name: 'Zoë 🚀' }];
    const prefixBulk = await segmentLeads({ segments: SEGMENTS }, prefix, { now: NOW });
    const prefixPerLead = await segmentLeads({ segments: SEGMENTS }, prefix, { now: NOW, module: await loadModule({}) });
    assert.deepEqual(prefixBulk.leads, prefixPerLead.leads);
    assert.deepEqual(prefixBulk.summary, prefixPerLead.summary);
    assert.deepEqual(prefixBulk.leads.map((l) => l.segments),
      [['zero', 'zoe_prefix', 'title_missing', 'flag'], ['negative', 'title_missing'], ['zero', 'zoe', 'zoe_prefix', 'title_missing']]);
    assert.equal(counts.indexed, 3);
  } finally {
    IndexedWriter.prototype.writeSameShape = indexedWrite;
    setBatchLoader(nodeBatchLoader);
  }
});
