// plainJsonText (web/src/plain-json-text.js): toJsonText's text for plain
// JSON data, null for anything toJsonText refuses or changes, so that the
// caller's fallback to toJsonText gives its words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainJsonText } from '../../web/src/plain-json-text.js';
import { toJsonText } from '../../web/src/errors.js';
import { exampleConfig } from './helpers.mjs';

const nested = (levels) => {
  let v = { x: 1 };
  for (let i = 0; i < levels; i++) v = { v };
  return v;
};

test('plain JSON data: toJsonText\'s text', () => {
  const nullProto = Object.assign(Object.create(null), { a: [1, 'b'], c: null });
  const values = [
    exampleConfig(),
    { segments: [{ id: 's', condition: { country: { $in: ['US', 'Zoë 🚀'] }, age: { $gte: -0 } } }] },
    { a: undefined, b: [undefined, 1], c: true, d: false, e: 1e308, f: -1.5 },  // undefined left out, null in arrays
    { when: new Date(Date.UTC(2026, 0, 15)), nullProto },  // a toJSON first: the Date's ISO text
    JSON.parse('{"__proto__": {"x": 1}}'),  // an own "__proto__" key
    { 'größe': '東京', [Symbol('s')]: 1 },  // symbol keys left out
    nested(120),
    [],
    'text',
    0,
  ];
  for (const v of values) assert.equal(plainJsonText(v), toJsonText(v, 'v'));
});

test('what toJsonText refuses or changes: null', () => {
  const cyclic = { a: {} };
  cyclic.a.back = cyclic;
  class Point {
    constructor() {
      this.x = 1;
    }
  }
  const values = [
    { n: NaN },
    { n: [Infinity] },
    { s: 'lone \ud800' },
    { ['lone \udc00']: 1 },
    { b: 1n },
    { f() {} },
    { s: Symbol('s') },
    { m: new Map([[1, 2]]) },
    { p: new Point() },  // toJsonText takes it: left to it
    { n: new Number(3) },  // unboxed by toJsonText: left to it
    { t: { toJSON() { throw new Error('no'); } } },
    cyclic,
    nested(127),
    undefined,
  ];
  values.forEach((v, i) => assert.equal(plainJsonText(v), null, `value ${i}`));
});
