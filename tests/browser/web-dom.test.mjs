// Personalized slots: the decided variant is rendered, and the default
// variant is never attached to the document (not even for a moment).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startFixtureServer, openJourney } from './fixtures/web-harness.mjs';
import { watchPage, cspProblems, RESULTS_DIR, useChromium } from './fixtures/chromium.mjs';

describe('leadseg slots in Chromium', () => {
  const env = useChromium(startFixtureServer);

  async function visit(page, query = '') {
    await page.goto(`${env.server.url}dom.html${query}`);
    await page.waitForFunction(() => document.body.dataset.ready);
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
    return page.evaluate(() => ({
      attached: window.__attached.map((a) => a.test),
      hero: document.querySelector('#hero').getAttribute('data-leadseg-variant'),
      heroText: document.querySelector('#hero h1')?.textContent ?? null,
      heroCount: document.querySelectorAll('#hero h1').length,
      cta: document.querySelector('#cta').getAttribute('data-leadseg-variant'),
      firstPaint: performance.getEntriesByType('paint').find((p) => p.name === 'first-paint')?.startTime ?? null,
    }));
  }

  test('a high-intent CTO gets tech_leader; the default never reaches the document', async () => {
    const problems = [];
    const context = await env.browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    // Build the profile on an earlier page view.
    await openJourney(page, env.server.url, { storage: '1' });
    await page.evaluate(async () => {
      engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
      engine.track('page_view', { path: '/pricing' });
      engine.track('page_view', { path: '/pricing/teams' });
      await engine.flush();
    });

    const shown = await visit(page);
    assert.ok(shown.attached.includes('static'), 'the observer ran from the start (it saw the parsed page)');
    assert.equal(shown.hero, 'tech_leader');
    assert.equal(shown.heroText, 'For CTOs: the architecture deep-dive');
    assert.equal(shown.heroCount, 1);
    assert.equal(shown.cta, 'book_demo', 'stage "decision"');
    assert.ok(shown.attached.includes('hero-tech_leader'));
    for (const test of shown.attached) {
      assert.ok(!['hero-default', 'hero-enterprise', 'hero-welcome_back', 'cta-newsletter'].includes(test), `${test} was attached`);
    }
    await page.screenshot({ path: path.join(RESULTS_DIR, 'web-dom-personalized.png') });

    // Re-rendering keeps one copy; the templates stay inert.
    await page.evaluate(() => engine.render());
    assert.equal(await page.evaluate(() => document.querySelectorAll('#hero h1').length), 1);

    // Without personalization consent the default is the decision, rendered once.
    const plain = await visit(page, '?personalization=0');
    assert.equal(plain.hero, 'default');
    assert.equal(plain.heroText, 'Product overview');
    assert.deepEqual(plain.attached.filter((t) => t.startsWith('hero-')), ['hero-default']);

    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, [], 'no page errors, console errors, failed requests or CSP violations');
  });

  test('a new visitor sees the default; an unknown slot is marked, not fatal', async () => {
    const problems = [];
    const context = await env.browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    const shown = await visit(page);
    assert.equal(shown.hero, 'default');
    assert.equal(shown.cta, 'newsletter');
    await page.evaluate(() => {
      const div = document.createElement('div');
      div.setAttribute('data-leadseg-slot', 'nope');
      document.body.append(div);
      return engine.render(div);
    });
    assert.match(await page.evaluate(() => document.querySelector('[data-leadseg-slot="nope"]').getAttribute('data-leadseg-error')), /unknown slot "nope"/);
    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, []);
  });
});
