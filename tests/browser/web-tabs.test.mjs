// Two tabs of the same site write 1,000 events each at the same time; both
// see all 2,000 live (BroadcastChannel) and after a reload (IndexedDB).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixtureServer, openJourney } from './fixtures/web-harness.mjs';
import { watchPage, cspProblems, useChromium } from './fixtures/chromium.mjs';

const PER_TAB = 1000;

describe('leadseg across tabs in Chromium', () => {
  const env = useChromium(startFixtureServer);

  test('two tabs track 1,000 events each concurrently; a reload finds all 2,000', async () => {
    const problems = [];
    const context = await env.browser.newContext();
    const tabs = [];
    for (let i = 0; i < 2; i++) tabs.push(await watchPage(await context.newPage(), problems));
    for (const tab of tabs) await openJourney(tab, env.server.url, { storage: '1' });

    const burst = (tab, name) => tab.evaluate(async ({ name, n }) => {
      for (let i = 0; i < n; i++) {
        engine.track('page_view', { path: `/${name}/${i}`, tab: name });
        if (i % 25 === 24) await new Promise((resolve) => setTimeout(resolve, 0)); // let the other tab interleave
      }
      await engine.flush();
    }, { name, n: PER_TAB });
    await Promise.all([burst(tabs[0], 'a'), burst(tabs[1], 'b')]);

    // Live: each tab applies the other's events as they are written.
    for (const tab of tabs) {
      await tab.waitForFunction((n) => engine.export().events.length === n, 2 * PER_TAB, { timeout: 60_000 });
      assert.equal(await tab.evaluate(() => engine.metrics().page_views_30d), 2 * PER_TAB);
    }
    for (const tab of tabs) await tab.evaluate(() => engine.flush());

    // After a reload, from storage.
    for (const tab of tabs) {
      await tab.reload();
      await tab.waitForFunction(() => document.body.dataset.ready === 'true');
      const seen = await tab.evaluate(() => {
        const events = engine.export().events;
        return {
          count: events.length,
          a: events.filter((e) => e.props.tab === 'a').length,
          b: events.filter((e) => e.props.tab === 'b').length,
          distinct: new Set(events.map((e) => e.props.path)).size,
          pageViews: engine.metrics().page_views_30d,
        };
      });
      assert.deepEqual(seen, { count: 2 * PER_TAB, a: PER_TAB, b: PER_TAB, distinct: 2 * PER_TAB, pageViews: 2 * PER_TAB });
    }
    // And a third, brand-new tab.
    const third = await watchPage(await context.newPage(), problems);
    await openJourney(third, env.server.url, { storage: '1' });
    assert.equal(await third.evaluate(() => engine.export().events.length), 2 * PER_TAB);

    // Attributes set in one tab reach the other live; erase in one erases everywhere.
    await tabs[0].evaluate(() => engine.identify({ age: 30 }));
    await tabs[1].waitForFunction(() => engine.segments().includes('age_18_35'));
    await tabs[1].evaluate(() => engine.erase());
    await tabs[0].waitForFunction(() => engine.export().events.length === 0);
    await third.waitForFunction(() => engine.export().events.length === 0);

    for (const tab of [...tabs, third]) problems.push(...(await cspProblems(tab)));
    await context.close();
    assert.deepEqual(problems, [], 'no page errors, console errors, failed requests or CSP violations');
  });
});
