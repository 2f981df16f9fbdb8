// The web package's storage in headless Chromium: consent, erase,
// corrupted data, the localStorage fallback.
import { describe, test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startFixtureServer, openJourney, pageLog, storageTrace } from './fixtures/web-harness.mjs';
import { launchChromium, watchPage, cspProblems } from './fixtures/chromium.mjs';

describe('leadseg storage in Chromium', () => {
  let server;
  let browser;
  let context;
  let page;
  let problems;

  before(async () => {
    server = await startFixtureServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    problems = [];
    context = await browser.newContext(); // a fresh origin storage per test
    page = await watchPage(await context.newPage(), problems);
  });
  afterEach(async () => {
    const all = [...problems, ...(await cspProblems(page))];
    await context.close();
    assert.deepEqual(all, [], 'no page errors, console errors, failed requests or CSP violations');
  });

  test('without storage consent nothing is written: no database, no localStorage, no cookie', async () => {
    await openJourney(page, server.url, { personalization: '1', measurement: '1', pageviews: '1', datalayer: '1' });
    await page.evaluate(async () => {
      engine.identify({ job_title: 'CTO', industry: 'Technology', email: 'ada@example.com' });
      engine.declare('interests', ['security']);
      for (let i = 0; i < 5; i++) engine.track('page_view', { path: '/pricing' });
      engine.decide('hero');
      engine.convert('signup');
      await engine.flush();
      await new Promise((resolve) => setTimeout(resolve, 1500)); // past the snapshot delay
    });
    assert.equal(await page.evaluate(() => engine.storage), 'none');
    assert.deepEqual(await storageTrace(page), { databases: [], localStorage: [], cookie: '' });
    assert.ok((await page.evaluate(() => engine.export().events.length)) >= 6, 'the profile lives in memory');

    // Consent given: the profile so far goes to IndexedDB.
    await page.evaluate(() => engine.setConsent({ storage: true }).then(() => engine.flush()));
    assert.equal(await page.evaluate(() => engine.storage), 'indexeddb');
    assert.deepEqual((await storageTrace(page)).databases, ['leadseg']);

    // Withdrawn: stored data is erased, the database deleted.
    await page.evaluate(() => engine.setConsent({ storage: false }));
    assert.deepEqual(await storageTrace(page), { databases: [], localStorage: [], cookie: '' });
    await page.evaluate(async () => {
      engine.track('page_view', { path: '/after' });
      await engine.flush();
    });
    assert.deepEqual(await storageTrace(page), { databases: [], localStorage: [], cookie: '' });
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.deepEqual(await storageTrace(page), { databases: [], localStorage: [], cookie: '' });
  });

  test('with storage consent the profile survives a reload; erase() leaves no trace', async () => {
    await openJourney(page, server.url, { storage: '1' });
    await page.evaluate(async () => {
      engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
      engine.track('page_view', { path: '/pricing' });
      engine.track('page_view', { path: '/pricing/teams' });
      await engine.flush();
    });
    const before = await page.evaluate(() => ({ segments: engine.segments(), events: engine.export().events.length }));
    assert.ok(before.segments.includes('high_intent_tech'));
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.deepEqual(await page.evaluate(() => ({ segments: engine.segments(), events: engine.export().events.length })), before);
    assert.equal(await page.evaluate(() => engine.storage), 'indexeddb');

    await page.evaluate(() => engine.erase());
    assert.deepEqual(await storageTrace(page), { databases: [], localStorage: [], cookie: '' });
    assert.deepEqual(await page.evaluate(() => engine.export().events), []);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.deepEqual(await page.evaluate(() => engine.export().events), [], 'nothing came back');
  });

  for (const [name, corrupt] of [
    ['a garbage event record', async () => {
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open('leadseg');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      await new Promise((resolve, reject) => {
        const tx = db.transaction('events', 'readwrite');
        tx.objectStore('events').put({ id: 'garbage', oops: [1, 2, 3] });
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    }],
    ['a snapshot restore() rejects', async () => {
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open('leadseg');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      await new Promise((resolve, reject) => {
        const tx = db.transaction('state', 'readwrite');
        const store = tx.objectStore('state');
        const get = store.get('snapshot');
        get.onsuccess = () => {
          const snapshot = get.result;
          snapshot.bytes = new Uint8Array(snapshot.bytes.length).fill(7);
          store.put(snapshot, 'snapshot');
        };
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    }],
  ]) {
    test(`corrupted storage (${name}) is reported, replaced by a fresh profile, and the page works`, async () => {
      await openJourney(page, server.url, { storage: '1' });
      await page.evaluate(async () => {
        engine.identify({ job_title: 'CTO' });
        for (let i = 0; i < 10; i++) engine.track('page_view', { path: '/pricing' });
        await engine.flush();
        engine.destroy(); // closes the connection so the test can write
      });
      await page.evaluate(corrupt);
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      const log = await pageLog(page);
      const corrupted = log.filter((e) => e.event === 'storage:corrupted');
      assert.equal(corrupted.length, 1, JSON.stringify(log));
      assert.equal(typeof corrupted[0].payload.error.message, 'string');
      assert.deepEqual(await page.evaluate(() => engine.export().events), [], 'a fresh profile');
      await page.evaluate(async () => {
        engine.track('page_view', { path: '/pricing' });
        await engine.flush();
      });
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      assert.equal(await page.evaluate(() => engine.export().events.length), 1, 'storage works again');
      assert.deepEqual((await pageLog(page)).filter((e) => e.event.startsWith('storage:')), []);
    });
  }

  test('the localStorage backend: versioned keys, reload, erase', async () => {
    await openJourney(page, server.url, { storage: '1', backend: 'localstorage' });
    await page.evaluate(async () => {
      engine.identify({ age: 30 });
      engine.track('page_view', { path: '/' });
      await engine.flush();
    });
    const trace = await storageTrace(page);
    assert.deepEqual(trace.databases, []);
    assert.ok(trace.localStorage.includes('leadseg:leadseg:s:meta'), trace.localStorage.join());
    assert.ok(trace.localStorage.some((k) => k.startsWith('leadseg:leadseg:e:')));
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.equal(await page.evaluate(() => engine.storage), 'localstorage');
    assert.deepEqual(await page.evaluate(() => engine.segments()), ['age_18_35']);
    await page.evaluate(() => engine.erase());
    assert.deepEqual(await storageTrace(page), { databases: [], localStorage: [], cookie: '' });
  });
});
