// A lead object's inline events (lead-events.js inlineEvents): flat props
// take a one-pass path to their JSON text, and the usual times a shortcut
// past eventTime. Both must give exactly what the general path gives
// (toJsonText's text, eventTime's answer and messages), and hand anything
// else to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineEvents, eventTime, timeOrder, MAX_TIME, SECONDS_LIMIT } from '../../web/src/lead-events.js';
import { seededRandom } from './helpers.mjs';
import { toJsonText } from '../../web/src/errors.js';

const AT = Date.UTC(2026, 0, 10);
const propsText = (props) => inlineEvents([{ type: 'page_view', at: AT, props }], 'lead 1')[2];
// What inlineEvents wrote for any props before its flat path: toJsonText's text, "{}" for an empty object.
const general = (props) => {
  const text = toJsonText(props, 'props');
  return text.length === 2 ? '{}' : text;
};

test('flat props: the JSON text toJsonText gives, byte for byte', () => {
  const nullProto = Object.create(null);
  nullProto.b = 'x';
  nullProto.a = 1;
  const cases = [
    {}, { path: '/pricing' }, { value: 10, ok: true, no: false, none: null }, { zero: -0, big: 1e21, tiny: 5e-324, neg: -12.5 },
    { s: 'quote " back \\ nl \n tab \t ctrl \u0001 \u001f é 😀 \u2028 \u2029' }, { '': 1 }, { b: 1, 1: 'one', 0: 'zero', a: 2 },
    { tags: ['api', 2, false, null, -0], empty: [] }, nullProto, { 'key "quoted"\n': 'v', 'ü😀': '😀' },
    JSON.parse('{"toJSON": "not a method", "x": 1}'),
  ];
  for (const props of cases) assert.equal(propsText(props), general(props), JSON.stringify(props));
});

test('props that are not flat take toJsonText: the same text', () => {
  class Point {
    constructor() {
      this.x = 1;
    }
  }
  const cases = [
    { nested: { x: 1, y: [1, { z: null }] } }, { when: new Date(AT) }, { u: undefined, a: 1 }, { arr: [1, undefined] },
    { arr: [1, [2]] }, { arr: [, 1] }, { toJSON() { return { swapped: true }; } }, { n: new Number(3), s: new String('s') },
    JSON.parse('{"__proto__": 1, "a": 2}'), { arr: Object.assign([1, 2], { toJSON: () => 'list' }) }, { p: new Point() },
  ];
  for (const props of cases) assert.equal(propsText(props), general(props), Object.keys(props).join());
});

test('props the general path refuses: its message, with the event\'s path', () => {
  const cases = [
    [{ n: NaN }, /^lead 1 at \/events\/0\/props\/n: NaN is not a finite number/],
    [{ arr: ['a', Infinity] }, /^lead 1 at \/events\/0\/props\/arr\/1: Infinity is not a finite number/],
    [{ s: 'a\ud800' }, /^lead 1 at \/events\/0\/props\/s: the string has a lone surrogate/],
    [{ ['\udc00']: 1 }, /^lead 1 at \/events\/0\/props\/\udc00: the key has a lone surrogate/],
    [{ b: 10n }, /^lead 1 at \/events\/0\/props\/b: a BigInt \(10n\) is not JSON/],
    [{ m: new Map() }, /^lead 1 at \/events\/0\/props\/m: a Map is not JSON data/],
    [{ a: 1, f() {} }, /^lead 1 at \/events\/0\/props\/f: a function is not JSON data/],
  ];
  for (const [props, expected] of cases) {
    assert.throws(() => propsText(props), (error) => {
      assert.equal(error.name, 'LeadsegError');
      assert.match(error.message, expected);
      return true;
    });
  }
});

test('event times at and past the edges: eventTime\'s answers and messages', () => {
  const times = [SECONDS_LIMIT, SECONDS_LIMIT + 1, MAX_TIME, MAX_TIME - 1, SECONDS_LIMIT - 1, MAX_TIME + 1, AT + 0.5, -AT,
    NaN, Infinity, 1_700_000_000, String(AT), '2026-01-05T10:30:00Z', new Date(AT), null, true];
  for (const at of times) {
    const expected = eventTime(at);
    if (typeof expected === 'number') {
      assert.equal(inlineEvents([{ type: 't', at }], 'lead 1')[0], expected, String(at));
    } else {
      assert.throws(() => inlineEvents([{ type: 't', at }], 'lead 1'), { message: `lead 1 at /events/0/at: ${expected}` }, String(at));
    }
  }
});

test('an event\'s own unknown key is named; inherited enumerable keys are not the event\'s', () => {
  assert.throws(() => inlineEvents([{ type: 't', at: AT }, { type: 't', extra: 1, at: AT, more: 2 }], 'lead 1'),
    { message: 'lead 1 at /events/1/extra: unknown key "extra" (an event is {type, at, props?})', path: '/events/1/extra' });
  Object.prototype.inherited = 1; // eslint-disable-line no-extend-native
  try {
    assert.deepEqual(inlineEvents([{ type: 't', at: AT }], 'lead 1'), [AT, 't', '{}', -1]);
  } finally {
    delete Object.prototype.inherited;
  }
});

test('timeOrder: by time, equal times in the order given, at every length (insertion sort and sort)', () => {
  const random = seededRandom(38);
  for (let n = 0; n <= 40; n++) {
    for (let round = 0; round < 5; round++) {
      const flat = [];
      // Few distinct times, so that ties are common.
      for (let i = 0; i < n; i++) flat.push(AT + Math.floor(random() * (round + 2)) * 1000, 't', '{}', -1 - i);
      const expected = Array.from({ length: n }, (_, i) => i * 4).sort((a, b) => flat[a] - flat[b] || a - b);
      assert.deepEqual(timeOrder(flat), expected, `n ${n}, round ${round}`);
    }
  }
});
