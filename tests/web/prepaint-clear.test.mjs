// The pre-paint record without personalization consent: createEngine removes
// it, but after its first task rather than before the first decision (the
// removal is the page's first localStorage access, a synchronous round trip
// to the browser process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../web/src/node.js';
import { exampleConfig } from './helpers.mjs';
import { withLocalStorage } from './fake-storage.mjs';

const RECORD = JSON.stringify({ v: 1, slots: { hero: 'enterprise' } });
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// Counts the storage's calls, to see which ones createEngine made.
function counting(storage) {
  const calls = [];
  for (const name of ['getItem', 'setItem', 'removeItem']) {
    const original = storage[name].bind(storage);
    storage[name] = (...args) => {
      calls.push(name);
      return original(...args);
    };
  }
  return calls;
}

test('without personalization consent the record goes after the first task, not during createEngine', async () => {
  await withLocalStorage(async (storage) => {
    storage.setItem('leadseg:prepaint', RECORD);
    const calls = counting(storage);
    const engine = await createEngine({ config: exampleConfig(), consent: { personalization: false } });
    engine.decide('hero');
    assert.deepEqual(calls, [], 'no localStorage access before the first decision');
    await nextTask();
    assert.equal(storage.getItem('leadseg:prepaint'), null);
    engine.destroy();
  });
});

test('a record written after consent arrived is kept', async () => {
  await withLocalStorage(async (storage) => {
    storage.setItem('leadseg:prepaint', RECORD);
    const engine = await createEngine({ config: exampleConfig(), consent: { personalization: false } });
    try {
      await engine.setConsent({ storage: true, personalization: true });
      storage.setItem('leadseg:prepaint', RECORD); // what a render would write now
      await nextTask();
      assert.equal(storage.getItem('leadseg:prepaint'), RECORD);
    } finally {
      engine.destroy();
    }
  });
});

test('with personalization and storage consent the record stays', async () => {
  await withLocalStorage(async (storage) => {
    storage.setItem('leadseg:prepaint', RECORD);
    const engine = await createEngine({ config: exampleConfig(), consent: { storage: true, personalization: true } });
    await nextTask();
    assert.equal(storage.getItem('leadseg:prepaint'), RECORD);
    engine.destroy();
  });
});
