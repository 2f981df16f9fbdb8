// Event properties cross into wasm as a binary value frame
// (bindings/frame.post.js, Engine.prototype.trackObject), not as JSON text.
// Both modules must store exactly what the JSON path stores, refuse what it
// refuses with the same message, and leave the engine as it was on error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enginePairs, nested } from './frame-engines.mjs';
import { START, HOUR } from './helpers.mjs';

const PROPS = [
  { path: '/pricing', source: 'google' },
  { amount: 120.5, currency: 'EUR' },
  {},
  // Non-ASCII (the encodeInto path), a long string (past the ASCII fast
  // path's length), empty strings and keys, nesting, every scalar.
  { 'clé': 'Zürich 日本 🚀', long: 'x'.repeat(300), '': '', list: [1, 'two', null, true, false, { a: [[]] }] },
  { path: '/docs', utm: { source: 'newsletter', tags: ['a', 'b'] }, n: -0, big: 1e308 },
];

test('trackObject stores what track(JSON text) stores, in both modules', async () => {
  for (const [name, viaText, viaFrame] of await enginePairs()) {
    PROPS.forEach((props, i) => {
      const ts = START + i * HOUR;
      const a = viaText.track('page_view', JSON.stringify(props), ts);
      const b = viaFrame.trackObject('page_view', props, ts);
      assert.deepEqual(b, a, `${name}: changes of event ${i}`);
    });
    // A late event (inserted in order, metrics rebuilt).
    viaText.track('purchase', JSON.stringify({ amount: 7 }), START - HOUR);
    viaFrame.trackObject('purchase', { amount: 7 }, START - HOUR);
    assert.deepEqual(viaFrame.exportProfile(), viaText.exportProfile(), `${name}: profiles`);
    assert.deepEqual(viaFrame.snapshot(), viaText.snapshot(), `${name}: snapshots byte for byte`);
    assert.equal(viaFrame.eventCount(), PROPS.length + 1);
    viaText.delete();
    viaFrame.delete();
  }
});

test('trackObject refuses what track(JSON text) refuses, with the same error, and changes nothing', async () => {
  for (const [name, viaText, viaFrame] of await enginePairs()) {
    viaFrame.trackObject('page_view', { path: '/a' }, START);
    viaText.track('page_view', '{"path":"/a"}', START);
    const before = viaFrame.snapshot();
    const cases = [
      ['too deep for a stored event', 'page_view', { p: nested(100) }, START],
      ['deeper than JSON input allows (128 levels)', 'page_view', { p: nested(200) }, START],
      ['an empty type', '', {}, START],
      ['a type too long', 'x'.repeat(129), {}, START],
      ['a time that is not finite', 'page_view', {}, NaN],
      ['a negative time', 'page_view', {}, -5],
      ['props over 64 KB', 'page_view', { big: 'x'.repeat(70 * 1024) }, START],
    ];
    for (const [what, type, props, ts] of cases) {
      let expected;
      try {
        viaText.track(type, JSON.stringify(props), ts);
      } catch (error) {
        expected = error;
      }
      assert.ok(expected, `${name}: the JSON path refuses ${what}`);
      // As the package calls it: with the JSON text it has from checking props.
      assert.throws(() => viaFrame.trackObject(type, props, ts, JSON.stringify(props)), (error) => {
        assert.equal(error.name, 'LeadsegError', `${name}: ${what}`);
        assert.equal(error.message, expected.message, `${name}: ${what}`);
        assert.equal(error.path, expected.path, `${name}: ${what}`);
        return true;
      }, `${name}: ${what} is refused`);
      assert.deepEqual(viaFrame.snapshot(), before, `${name}: ${what} changed nothing`);
    }
    // Props nesting exactly as deep as a stored event may (containers at
    // depth 63) still go by frame; one level more is refused above.
    const deepest = { p: nested(63) };
    viaText.track('page_view', JSON.stringify(deepest), START + HOUR);
    viaFrame.trackObject('page_view', deepest, START + HOUR);
    assert.deepEqual(viaFrame.snapshot(), viaText.snapshot(), `${name}: deepest accepted props`);
    viaText.delete();
    viaFrame.delete();
  }
});

test('the changes read from the result buffer are the ones track(JSON text) returns: segments, stages, temperature, MQL', async () => {
  for (const [name, viaText, viaFrame] of await enginePairs()) {
    const traits = JSON.stringify({ id: 'visitor-1', job_title: 'CTO', industry: 'Technology', company_size: 20, country: 'US' });
    viaText.identify(traits, START);
    viaFrame.identify(traits, START);
    const seen = { entered: 0, exited: 0, stages: 0, temperature: 0, mql: 0 };
    const paths = ['/pricing', '/docs/start', '/pricing/teams', '/blog/a', '/demo', '/ünïcode/päth'];
    for (let i = 0; i < 60; i++) {
      const ts = START + (i + 1) * 3 * HOUR;
      const [type, props] = i % 9 === 0 ? ['purchase', { amount: 120 + i }] : ['page_view', { path: paths[i % paths.length] }];
      const a = viaText.track(type, JSON.stringify(props), ts);
      const b = viaFrame.trackObject(type, props, ts);
      assert.deepEqual(b, a, `${name}: changes of event ${i}`);
      assert.deepEqual(Object.keys(b), Object.keys(a));
      seen.entered += a.entered.length;
      seen.exited += a.exited.length;
      seen.stages += a.stages.length;
      if (a.temperature !== null) seen.temperature++;
      if (a.mql) seen.mql++;
    }
    // Far later: segments with windows are left (exits from a track call).
    const late = START + 90 * 24 * HOUR;
    const lateChanges = viaText.track('page_view', '{}', late);
    assert.deepEqual(viaFrame.trackObject('page_view', {}, late), lateChanges);
    seen.exited += lateChanges.exited.length;
    for (const [what, count] of Object.entries(seen)) assert.ok(count > 0, `${name}: the journey covers ${what} changes`);
    viaText.delete();
    viaFrame.delete();
  }
});
