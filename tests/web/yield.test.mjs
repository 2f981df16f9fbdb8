// yieldToEventLoop (web/src/yield.js): in node one timer, re-armed per
// yield. Each yield must still be a macrotask after the timers queued
// before it, and every yield waiting at once must resolve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { yieldToEventLoop } from '../../web/src/yield.js';

test('a yield resolves after the timers queued before it, every time', async () => {
  for (let round = 0; round < 3; round++) {
    const order = [];
    setTimeout(() => order.push('timer'), 0);
    Promise.resolve().then(() => order.push('microtask'));
    await yieldToEventLoop();
    order.push('yield');
    assert.deepEqual(order, ['microtask', 'timer', 'yield'], `round ${round}`);
  }
});

test('yields waiting at once all resolve, and the next one too', async () => {
  const resolved = [];
  await Promise.all([0, 1, 2, 3].map(async (i) => {
    await yieldToEventLoop();
    resolved.push(i);
  }));
  assert.deepEqual(resolved, [0, 1, 2, 3]);
  await yieldToEventLoop();
});
