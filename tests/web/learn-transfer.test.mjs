// The learn worker's lead frames (web/src/learn-transfer.js): an array of
// lead objects read into transferable columns in the page and rebuilt in
// the worker as structured cloning would have given them, or refused (and
// then cloned) where that cannot be exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLeads, encodeLeads } from '../../web/src/learn-transfer.js';

// Through a real message port, as the worker gets it: the buffers transferred.
async function roundTrip(leads, options) {
  const encoded = await encodeLeads(leads, options);
  if (!encoded) return null;
  const { port1, port2 } = new MessageChannel();
  const arrived = new Promise((resolve) => { port2.onmessage = ({ data }) => resolve(data); });
  port1.postMessage(encoded.frame, encoded.transfer);
  const frame = await arrived;
  port1.close();
  port2.close();
  for (const c of encoded.frame.columns) assert.equal(c.kinds.byteLength, 0, 'the buffers were transferred, not copied');
  assert.equal(encoded.frame.ends.byteLength, 0);
  return decodeLeads(frame);
}

// Key order and own keys included, which deepStrictEqual does not check.
function assertSameObjects(actual, expected) {
  assert.deepStrictEqual(actual, expected);
  assert.deepEqual(actual.map((row) => Object.keys(row)), expected.map((row) => Object.keys(row)));
}

test('values come back as cloning gives them: kinds, -0, NaN, undefined apart from missing, key order', async () => {
  const leads = [
    { email: 'a@x', n: 1.5, flag: true, note: null, gone: undefined, zero: -0 },
    { email: 'b@x', n: NaN, flag: false, zero: 0, later: 'new column' },
    {},
    { n: Infinity, note: 'text', later: 7 },
    { email: 'a@x', n: -Infinity, flag: 'yes', gone: 0 },
    Object.assign(Object.create(null), { email: 'c@x' }),
  ];
  const back = await roundTrip(leads);
  assertSameObjects(back, structuredClone(leads));
  assert.ok(Object.hasOwn(back[0], 'gone') && back[0].gone === undefined);
  assert.equal(Object.hasOwn(back[1], 'gone'), false);
  assert.ok(Object.is(back[0].zero, -0) && Object.is(back[1].zero, 0));
  assert.ok(Number.isNaN(back[1].n));
});

test('a list that cannot be rebuilt exactly is refused (and then cloned as objects)', async () => {
  const refused = {
    'a nested value': [{ a: 1 }, { a: { b: 2 } }],
    'an array value (inline events)': [{ a: 1, events: [] }],
    'a class instance': [{ a: 1 }, new (class Lead { a = 2; })()],
    'a date': [{ at: new Date(0) }],
    'a key named __proto__': [JSON.parse('{"__proto__": 1}')],
    'a bigint': [{ a: 1n }],
    'not an object': [{ a: 1 }, 'a'],
  };
  for (const [what, leads] of Object.entries(refused)) assert.equal(await encodeLeads(leads), null, what);
});

test('each lead keeps its own key order, integer-like keys as objects order them', async () => {
  const leads = [{ a: 1, c: 3 }, { b: 2, a: 1 }, { c: 1, b: 2, a: 0 }, { 2: 'two', z: 0, 1: 'one' }, {}];
  assertSameObjects(await roundTrip(leads), leads);
});

test('strings are sent once per column, numbers as a Float64Array, and an empty list is a frame', async () => {
  const leads = Array.from({ length: 3000 }, (_, i) => ({ plan: ['free', 'pro'][i % 2], visits: i / 3 }));
  const { frame, transfer } = await encodeLeads(leads);
  const [plan, visits] = frame.columns;
  assert.deepEqual(plan.strings, ['free', 'pro']);
  assert.equal(plan.numbers, null);
  assert.ok(visits.numbers instanceof Float64Array && visits.codes === null);
  assert.equal(transfer.length, 6, 'two columns of two arrays, and the key orders');
  assertSameObjects(await roundTrip(leads), leads);
  assert.deepEqual(await roundTrip([]), []);
});

test('a column with a string per lead (past 4,096 distinct) comes back the same, numbered strings before it included', async () => {
  const leads = Array.from({ length: 8000 }, (_, i) => (i % 5 === 0 ? { id: i } : i % 7 === 0 ? { id: null, tag: 'x' } : { id: `lead-${i % 7000}`, tag: 'y' }));
  const { frame } = await encodeLeads(leads);
  assert.ok(Array.isArray(frame.columns[0].texts) && frame.columns[0].codes === null, 'the id column went to texts');
  assert.equal(frame.columns[1].texts, null, 'the tag column stays numbered');
  assertSameObjects(await roundTrip(leads), leads);
});

test('pause() is awaited while a long list is read', async () => {
  let pauses = 0;
  const leads = Array.from({ length: 5000 }, (_, i) => ({ i }));
  await encodeLeads(leads, { pause: async () => { pauses++; } });
  assert.equal(pauses, 4);
});

test('an activity table (nested: true) keeps props objects and Dates as cloning does, the rest in typed columns', async () => {
  const shared = { path: '/pricing' };
  const events = [
    { email: 'a@x', type: 'page_view', at: 1_700_000_000_000, path: '/pricing' },
    { email: 'a@x', type: 'page_view', at: new Date(1_700_000_000_000), props: shared },
    { email: 7, type: 'email_open', at: '2026-01-01T00:00:00Z', props: { nested: { list: [1, 'two', null] } } },
    { email: 'b@x', type: 'page_view', at: 1_700_000_000_001, props: shared, extra: undefined },
    { email: 'b@x', type: 'form', at: 1_700_000_000_002, props: null, big: 1n },
  ];
  const { frame } = await encodeLeads(events, { nested: true });
  const at = frame.columns.find((c) => c.name === 'at');
  assert.ok(at.numbers instanceof Float64Array, 'times that are numbers stay in typed arrays');
  const back = await roundTrip(events, { nested: true });
  assertSameObjects(back, structuredClone(events));
  assert.ok(back[1].at instanceof Date && back[1].at.getTime() === 1_700_000_000_000);
  assert.equal(back[1].props, back[3].props, 'one object in two rows stays one, as in a clone');
  // What cloning refuses, or a frame cannot state, still gives up.
  assert.equal(await encodeLeads([{ at: 1, f: () => 1 }], { nested: true }), null);
  assert.equal(await encodeLeads([{ a: 1 }, new (class Row { a = 2; })()], { nested: true }), null);
  assert.equal(await encodeLeads([JSON.parse('{"__proto__": 1}')], { nested: true }), null);
});
