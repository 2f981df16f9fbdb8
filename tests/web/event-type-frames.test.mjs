// trackObject sends the event type, ASCII or not, as UTF-8 bytes after the
// props frame in the engine's input buffer (bindings/engine.post.js), never
// by the JSON-text path. It must store and refuse exactly what the JSON-text
// path does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enginePairs } from './frame-engines.mjs';
import { START, HOUR } from './helpers.mjs';

// Counts the calls of engine[method] while fn runs.
function countCalls(engine, method, fn) {
  const proto = Object.getPrototypeOf(engine);
  const raw = proto[method];
  let calls = 0;
  proto[method] = function (...args) {
    calls++;
    return raw.apply(this, args);
  };
  try {
    fn();
  } finally {
    proto[method] = raw;
  }
  return calls;
}

test('every type crosses in the input buffer after the frame and stores what the JSON path stores', async () => {
  for (const [name, viaText, viaFrame] of await enginePairs()) {
    const types = ['page_view', 'purchase', 'achat_réussi', 'ページ', 'x'.repeat(128), 'a', 'form_submit', '🚀 launch'];
    let viaJson = 0;
    types.forEach((type, i) => {
      const props = { path: i % 2 ? '/pricing' : '/docs', amount: i };
      const ts = START + i * HOUR;
      const a = viaText.track(type, JSON.stringify(props), ts);
      let b;
      viaJson += countCalls(viaFrame, 'track', () => {
        b = viaFrame.trackObject(type, props, ts);
      });
      assert.deepEqual(b, a, `${name}: changes of ${type}`);
    });
    assert.equal(viaJson, 0, `${name}: no type took the JSON path`);
    assert.deepEqual(viaFrame.exportProfile(), viaText.exportProfile(), `${name}: profiles`);
    assert.deepEqual(viaFrame.snapshot(), viaText.snapshot(), `${name}: snapshots byte for byte`);
    viaText.delete();
    viaFrame.delete();
  }
});

test('a type refused on either path is refused with the JSON path\'s error and changes nothing', async () => {
  for (const [name, viaText, viaFrame] of await enginePairs()) {
    viaText.track('page_view', '{}', START);
    viaFrame.trackObject('page_view', {}, START);
    const before = viaFrame.snapshot();
    // Empty and too long, ASCII or not, and a lone surrogate.
    for (const type of ['', 'y'.repeat(129), 'bad\uD800type', 'é'.repeat(100)]) {
      let expected;
      try {
        viaText.track(type, '{}', START + HOUR);
      } catch (error) {
        expected = error;
      }
      assert.ok(expected, `${name}: the JSON path refuses ${JSON.stringify(type.slice(0, 12))}`);
      assert.throws(() => viaFrame.trackObject(type, {}, START + HOUR), (error) => {
        assert.equal(error.name, 'LeadsegError');
        assert.equal(error.message, expected.message);
        return true;
      });
      assert.deepEqual(viaFrame.snapshot(), before, `${name}: nothing changed`);
    }
    viaText.delete();
    viaFrame.delete();
  }
});
