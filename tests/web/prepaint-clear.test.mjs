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

// A page-like global window (and the document createEngine listens on),
// counting the pagehide listeners added and not removed.
async function withWindow(fn) {
  const win = new EventTarget();
  const listeners = new Set();
  const add = win.addEventListener.bind(win);
  const remove = win.removeEventListener.bind(win);
  win.addEventListener = (type, listener, options) => {
    if (type === 'pagehide') listeners.add(listener);
    add(type, listener, options);
  };
  win.removeEventListener = (type, listener, options) => {
    if (type === 'pagehide') listeners.delete(listener);
    remove(type, listener, options);
  };
  const doc = new EventTarget();
  doc.visibilityState = 'visible';
  globalThis.window = win;
  globalThis.document = doc;
  try {
    return await fn(listeners);
  } finally {
    delete globalThis.window;
    delete globalThis.document;
  }
}

test('an engine destroyed before its first task clears the record then and leaves no pagehide listener', async () => {
  await withLocalStorage(async (storage) => {
    await withWindow(async (listeners) => {
      storage.setItem('leadseg:prepaint', RECORD);
      const engine = await createEngine({ config: exampleConfig(), consent: { personalization: false } });
      assert.ok(listeners.size > 0, 'listening for pagehide while the engine lives');
      engine.destroy();
      assert.equal(listeners.size, 0, 'every pagehide listener removed by destroy()');
      assert.equal(storage.getItem('leadseg:prepaint'), null, 'the record is cleared as promised');
      await nextTask();
      assert.equal(listeners.size, 0);
    });
  });
});
