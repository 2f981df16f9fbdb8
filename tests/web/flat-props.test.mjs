// track()'s and identify()'s one-pass path for flat props (web/src/flat-props.js) must give
// exactly the copy the general path gives (JSON.parse of toJsonText), and
// hand everything else to that path, whose errors stay the only ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flatPropsCopy } from '../../web/src/flat-props.js';
import { toJsonText } from '../../web/src/errors.js';
import { createEngine } from '../../web/src/node.js';
import { exampleConfig, fakeClock } from './helpers.mjs';

const general = (props) => JSON.parse(toJsonText(props, 'props'));

// Same values, same key order, -0 written as 0.
function assertSameCopy(props) {
  const copy = flatPropsCopy(props);
  assert.notEqual(copy, null, `flat: ${JSON.stringify(props)}`);
  assert.notEqual(copy, props, 'a copy, not the caller\'s object');
  const expected = general(props);
  assert.deepEqual(Object.keys(copy), Object.keys(expected));
  for (const key of Object.keys(expected)) {
    if (Array.isArray(expected[key])) {
      assert.notEqual(copy[key], props[key], `${key}: a copy of the array, not the caller's`);
      assert.equal(copy[key].length, expected[key].length);
      expected[key].forEach((v, i) => assert.ok(Object.is(copy[key][i], v), `${key}[${i}]: ${copy[key][i]} vs ${v}`));
    } else {
      assert.ok(Object.is(copy[key], expected[key]), `${key}: ${copy[key]} vs ${expected[key]}`);
    }
  }
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
}

test('flat props: the same copy as JSON.parse(toJsonText(props))', () => {
  assertSameCopy({ path: '/pricing' });
  assertSameCopy({});
  assertSameCopy({ category: 'guide', value: 10, ok: true, none: null, n: -0, big: 1e308, tiny: -5e-324 });
  // Integer-like keys come first, in order, in both.
  assertSameCopy({ b: 1, 2: 'two', a: 2, 1: 'one' });
  assertSameCopy({ '': '', 'clé': 'Zürich 日本 🚀', long: 'x'.repeat(1000) });
  assertSameCopy(Object.assign(Object.create(null), { path: '/docs' }));
  // Arrays of scalars (interests: [...]) are copied too.
  assertSameCopy({ interests: ['api', 'seo'], empty: [], mixed: [1, -0, true, null, 'x', 1e308] });
});

test('anything else takes the general path (null)', () => {
  const cases = {
    nested: { utm: { source: 'x' } },
    arrayOfObjects: { tags: [{ a: 1 }] },
    nestedArray: { tags: [['a']] },
    arrayWithUndefined: { tags: ['a', undefined] },
    arrayWithHole: { tags: [1, , 2] }, // eslint-disable-line no-sparse-arrays
    arrayWithNaN: { tags: [NaN] },
    arrayWithLoneSurrogate: { tags: ['\uDBFF'] },
    arrayWithFunction: { tags: [() => 1] },
    arrayWithToJSON: { tags: Object.assign(['a'], { toJSON: () => 'b' }) },
    undefinedValue: { a: undefined },
    nan: { n: NaN },
    infinity: { n: Infinity },
    loneSurrogateValue: { s: '\uD800' },
    loneSurrogateKey: { '\uDC00': 1 },
    bigint: { n: 1n },
    fn: { f() {} },
    symbol: { s: Symbol('s') },
    boxed: { s: new String('x') },
    date: { d: new Date(0) },
    toJSON: { toJSON: () => ({ a: 1 }) },
    proto: JSON.parse('{"__proto__": "x"}'),
  };
  for (const [name, props] of Object.entries(cases)) assert.equal(flatPropsCopy(props), null, name);
});

test('the package stores and refuses the same with either path', async () => {
  const clock = fakeClock();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, consent: { personalization: true } });
  try {
    engine.track('page_view', { path: '/pricing', n: -0, 2: 'b', 1: 'a' });
    engine.track('page_view', JSON.parse('{"__proto__": "kept as a property", "path": "/x"}'));
    const events = engine.export().events;
    assert.deepEqual(events.map((e) => e.props), [
      { 1: 'a', 2: 'b', path: '/pricing', n: 0 },
      JSON.parse('{"__proto__": "kept as a property", "path": "/x"}'),
    ]);
    assert.ok(Object.is(events[0].props.n, 0));
    // Refusals are the general path's, with its paths.
    assert.throws(() => engine.track('page_view', { n: NaN }), { name: 'LeadsegError', message: /at \/n: NaN is not a finite number/ });
    assert.throws(() => engine.track('page_view', { s: 'a\uD800' }), { name: 'LeadsegError', message: /at \/s: the string has a lone surrogate/ });
    assert.equal(engine.export().events.length, 2, 'a refused call records nothing');
  } finally {
    engine.destroy();
  }
});

test('identify() stores and refuses the same with either path', async () => {
  const clock = fakeClock();
  const engine = await createEngine({ config: exampleConfig(), now: clock.now, consent: { personalization: true } });
  try {
    const interests = ['api', 'seo'];
    engine.identify({ job_title: 'CTO', interests, n: -0 });
    interests.push('changed later'); // the caller's array is not what was stored
    engine.identify({ nested: { a: [1, { b: 2 }] } });
    const attributes = engine.export().attributes;
    assert.deepEqual(attributes, { job_title: 'CTO', interests: ['api', 'seo'], n: 0, nested: { a: [1, { b: 2 }] } });
    assert.ok(Object.is(attributes.n, 0));
    assert.throws(() => engine.identify({ tags: ['a', NaN] }), { name: 'LeadsegError', message: /identify\(traits\) at \/tags\/1: NaN is not a finite number/ });
    assert.throws(() => engine.identify({ tags: ['\uD800'] }), { name: 'LeadsegError', message: /at \/tags\/0: the string has a lone surrogate/ });
    assert.deepEqual(engine.export().attributes, attributes, 'a refused call changes nothing');
  } finally {
    engine.destroy();
  }
});
