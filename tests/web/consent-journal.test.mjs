// Storage consent given mid-page and the page left at once: the stored
// profile opens asynchronously, so what the next page load finds is what
// the synchronous journal (web/src/journal.js) held when the page went:
// the page's events, attributes and declarations, replayed once and in
// time order. In node, with a localStorage stand-in whose content is taken
// as the page goes (the browser test is tests/browser/web-journal.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../web/src/node.js';
import { withLocalStorage } from './fake-storage.mjs';
import { Journal } from '../../web/src/journal.js';
import { exampleConfig, fakeClock, HOUR, START } from './helpers.mjs';

const journalKeys = (storage) => [...storage.map.keys()].filter((k) => k.startsWith('leadseg:journal:'));

function view(engine) {
  const { score, grade, stage, temperature } = engine.score();
  const { attributes, declarations, events } = engine.export();
  return { segments: engine.segments(), score, grade, stage, temperature, attributes, declarations, events: events.map((e) => [e.type, e.ts]) };
}

// Runs `leave(engine, clock)` on a page without storage consent, keeps
// what localStorage holds when it returns (the page is gone then), lets
// the page finish, and opens the next page load on the kept content.
async function leaveAndReload(storage, leave) {
  const clock = fakeClock();
  const options = { config: exampleConfig(), now: clock.now, storage: 'localstorage' };
  const page = await createEngine(options);
  const attached = leave(page, clock);
  const left = new Map(storage.map);
  const before = view(page);
  await attached;
  await page.flush();
  page.destroy();
  await new Promise((resolve) => setTimeout(resolve, 0));
  storage.map = new Map(left);
  const next = await createEngine({ ...options, consent: { storage: true } });
  return { before, left, next };
}

test('consent given and the page left at once: the next page load has its attributes, declarations and events', async () => {
  await withLocalStorage(async (storage) => {
    const { before, left, next } = await leaveAndReload(storage, (page, clock) => {
      page.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
      page.track('session_start', { utm_source: 'google' });
      clock.advance(HOUR);
      page.declare('interests', ['security']);
      page.track('page_view', { path: '/pricing' });
      const attached = page.setConsent({ storage: true });
      // Consent given, the profile not attached yet.
      clock.advance(HOUR);
      page.identify({ age: 29, industry: null });
      page.declare('budget', 'high');
      page.track('download', { category: 'guide' });
      return attached;
    });
    const [key] = [...left.keys()].filter((k) => k.startsWith('leadseg:journal:'));
    const entries = JSON.parse(left.get(key));
    assert.deepEqual(entries.filter((e) => e.key === 't:industry').map((e) => e.value), [null], 'one entry per key: the latest');
    assert.deepEqual(view(next), before);
    await next.flush();
    assert.deepEqual(journalKeys(storage), [], 'the journal is dropped once written');
    next.destroy();
    // Written to storage once: a third load reads the same from it alone.
    const third = await createEngine({ config: exampleConfig(), now: () => START + 2 * HOUR, storage: 'localstorage', consent: { storage: true } });
    assert.deepEqual(view(third), before);
    third.destroy();
  });
});

test('a journal of events only (written by an earlier version) still replays, once', async () => {
  await withLocalStorage(async (storage) => {
    const old = [
      { id: 'old:1', type: 'session_start', ts: START, props: { utm_source: 'google' } },
      { id: 'old:2', type: 'page_view', ts: START + HOUR, props: { path: '/pricing' } },
    ];
    storage.setItem('leadseg:journal:old', JSON.stringify(old));
    const options = { config: exampleConfig(), now: () => START + 2 * HOUR, storage: 'localstorage', consent: { storage: true } };
    const first = await createEngine(options);
    assert.deepEqual(first.export().events.map((e) => e.type), ['session_start', 'page_view']);
    await first.flush();
    assert.deepEqual(journalKeys(storage), []);
    first.destroy();
    const second = await createEngine(options);
    assert.deepEqual(second.export().events.map((e) => e.type), ['session_start', 'page_view']);
    second.destroy();
  });
});

test('a journaled attribute or declaration older than the stored record does not replace it; null removes', async () => {
  await withLocalStorage(async (storage) => {
    const options = { config: exampleConfig(), now: () => START + 2 * HOUR, storage: 'localstorage', consent: { storage: true } };
    const first = await createEngine(options);
    first.identify({ industry: 'Technology', job_title: 'CTO' });
    first.declare('interests', ['security']);
    await first.flush();
    first.destroy();
    storage.setItem('leadseg:journal:old', JSON.stringify([
      { id: 'old:t:industry', key: 't:industry', value: 'Retail', at: START },
      { id: 'old:t:job_title', key: 't:job_title', value: null, at: START + 3 * HOUR },
      { id: 'old:d:interests', key: 'd:interests', value: ['pricing'], at: START + 3 * HOUR },
    ]));
    const second = await createEngine(options);
    const { attributes, declarations } = second.export();
    assert.equal(attributes.industry, 'Technology');
    assert.equal('job_title' in attributes, false);
    assert.deepEqual(declarations.interests.value, ['pricing']);
    await second.flush();
    second.destroy();
    const third = await createEngine(options);
    assert.deepEqual(third.export().attributes, attributes);
    assert.deepEqual(third.export().declarations, declarations);
    third.destroy();
  });
});

test('erase() and withdrawing storage consent drop journaled attributes and declarations', async () => {
  for (const drop of [(engine) => engine.erase(), (engine) => engine.setConsent({ storage: false })]) {
    await withLocalStorage(async (storage) => {
      const { next } = await leaveAndReload(storage, (page) => {
        page.identify({ job_title: 'CTO' });
        const attached = page.setConsent({ storage: true });
        page.declare('interests', ['security']);
        return attached;
      });
      assert.equal(next.export().attributes.job_title, 'CTO');
      next.destroy();
      const page = await createEngine({ config: exampleConfig(), now: () => START, storage: 'localstorage' });
      page.identify({ job_title: 'CEO' });
      const attached = page.setConsent({ storage: true });
      assert.equal(journalKeys(storage).length, 1);
      await drop(page);
      assert.deepEqual(journalKeys(storage), []);
      await attached;
      await page.flush();
      assert.deepEqual(journalKeys(storage), []);
      page.destroy();
    });
  }
});

// With the profile attached, identify() and declare() write through
// persistence asynchronously too: the journal keeps their records until
// those writes are done, as it keeps events.
test('profile attached: an identify() or declare() in the same task as leaving is on the next page', async () => {
  await withLocalStorage(async (storage) => {
    const clock = fakeClock();
    const options = { config: exampleConfig(), now: clock.now, storage: 'localstorage', consent: { storage: true } };
    const page = await createEngine(options);
    page.identify({ job_title: 'CTO', industry: 'Technology' });
    await page.flush();
    const journaled = () => journalKeys(storage).flatMap((k) => JSON.parse(storage.map.get(k))).filter((e) => e.key);
    assert.deepEqual(journaled(), [], 'written records leave the journal');
    clock.advance(HOUR);
    page.identify({ job_title: 'CEO', industry: null });
    page.declare('budget', 'high');
    clock.advance(60_000); // replay orders by time: an event at the same ms goes first
    page.track('download', { category: 'guide' });
    const left = new Map(storage.map); // the page goes now
    const before = view(page);
    await page.flush();
    assert.deepEqual(journaled(), [], 'and so do these, once written');
    page.destroy();
    storage.map = left;
    const next = await createEngine(options);
    assert.deepEqual(view(next), before);
    assert.equal(next.export().attributes.job_title, 'CEO');
    assert.equal('industry' in next.export().attributes, false);
    next.destroy();
  });
});

test('a record replaced before its write is done stays journaled until the new one is written', async () => {
  await withLocalStorage(async (storage) => {
    const journal = new Journal('leadseg', 'tab');
    const entries = () => JSON.parse(storage.map.get('leadseg:journal:tab') ?? '[]');
    const cto = 'CTO';
    journal.addAll([], [['t:job_title', cto, START], ['d:budget', null, START]]);
    const written = { 't:job_title': { value: cto, at: START } }; // the batch that wrote "CTO"
    journal.addAll([], [['t:job_title', 'CEO', START + 1]]); // replaced while it was written
    journal.writtenState(written, []);
    assert.deepEqual(entries().map((e) => [e.key, e.value]), [['d:budget', null], ['t:job_title', 'CEO']]);
    journal.writtenState({ 'd:budget': { value: 'high', at: START } }, []);
    assert.equal(entries().length, 2, 'a put is not the removal the entry records');
    journal.writtenState({}, ['d:budget']);
    journal.writtenState({ 't:job_title': { value: 'CEO', at: START + 1 } }, []);
    assert.deepEqual(entries(), [], 'each dropped once its own write is done');
    const kept = journal.stateEntries();
    journal.addAll([], [['t:age', 29, START]]);
    journal.dropState(kept);
    assert.deepEqual(entries().map((e) => e.key), ['t:age'], 'dropState drops only the entries it was given');
  });
});
