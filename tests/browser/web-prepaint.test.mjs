// Slots decided before the first paint: from the second page view on,
// prepaint.js (a blocking classic script in <head>) stamps the variant the
// engine rendered last time, before the engine has even loaded; render()
// then adopts it. The wasm download is delayed here so that the first
// paint certainly happens before the engine is ready.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startFixtureServer, openJourney } from './fixtures/web-harness.mjs';
import { watchPage, cspProblems, REPO_ROOT, RESULTS_DIR, useChromium } from './fixtures/chromium.mjs';

const WASM_DELAY_MS = 1500;
const DIST_PREPAINT = path.join(REPO_ROOT, 'web', 'dist', 'prepaint.js');

describe('leadseg pre-paint in Chromium', () => {
  const env = useChromium(startFixtureServer);

  // Loads prepaint.html with the engine held back by WASM_DELAY_MS.
  async function visit(page, query = '') {
    await page.goto(`${env.server.url}prepaint.html${query}`);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 20_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
    // After one more task: without personalization consent, createEngine
    // removes the pre-paint record after its first task.
    return page.evaluate(async () => (await new Promise((resolve) => setTimeout(resolve, 0)), {
      frames: window.__frames,
      attached: window.__attached.map((a) => a.test),
      hero: document.querySelector('#hero').getAttribute('data-leadseg-variant'),
      heroCount: document.querySelectorAll('#hero h1').length,
      prepaintLeft: document.querySelectorAll('[data-leadseg-prepaint]').length,
      firstPaint: performance.getEntriesByType('paint').find((p) => p.name === 'first-paint')?.startTime ?? null,
      record: localStorage.getItem('leadseg:prepaint'),
    }));
  }

  async function slowWasm(page) {
    await page.route('**/leadseg.wasm', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, WASM_DELAY_MS));
      await route.continue();
    });
  }

  // A stored profile that decides hero "tech_leader" and CTA "book_demo".
  async function buildHighIntentCto(page) {
    await openJourney(page, env.server.url, { storage: '1' });
    await page.evaluate(async () => {
      engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
      engine.track('page_view', { path: '/pricing' });
      engine.track('page_view', { path: '/pricing/teams' });
      await engine.flush();
    });
  }

  // The first frame in which the slot had been parsed.
  const firstParsed = (frames, slot) => frames.find((f) => f[slot].state !== 'unparsed');

  // As the demo serves it (web/src/prepaint.js) and as the package ships it,
  // minified (web/dist/prepaint.js, scripts/bundle-web.mjs).
  for (const shipped of [false, true]) {
    test(`the second page view paints the decided variant first; the default never renders${shipped ? ' (dist/prepaint.js, minified)' : ''}`, async () => {
      const problems = [];
      const context = await env.browser.newContext();
      const page = await watchPage(await context.newPage(), problems);
      await slowWasm(page);
      if (shipped) {
        assert.ok(fs.existsSync(DIST_PREPAINT), 'web/dist/prepaint.js missing: node scripts/bundle-web.mjs');
        await page.route('**/web/src/prepaint.js', (route) => route.fulfill({ path: DIST_PREPAINT, contentType: 'text/javascript' }));
      }
      await buildHighIntentCto(page);

      // First view of a page with slots: nothing cached yet, so the slots
      // stay empty until the engine decides (never the default).
      const first = await visit(page);
      assert.equal(first.hero, 'tech_leader');
      assert.equal(firstParsed(first.frames, 'hero').hero.state, 'empty');
      assert.ok(!first.attached.includes('hero-default'));
      assert.deepEqual(JSON.parse(first.record), { v: 1, slots: { hero: 'tech_leader', cta: 'book_demo' } });

      // Next view: the cached variants are in place in the very first frame,
      // long before the engine (held back 1.5 s) is ready.
      const second = await visit(page);
      const frame = firstParsed(second.frames, 'hero');
      assert.deepEqual(frame.hero, { state: 'tech_leader', text: 'For CTOs: the architecture deep-dive', prepaint: true });
      assert.equal(frame.cta.state, 'book_demo');
      assert.ok(second.frames.length > 5, `the engine was not ready for ${second.frames.length} frames`);
      assert.ok(second.frames.every((f) => f.hero.state !== 'empty'), 'the hero was never empty');
      assert.ok(second.firstPaint !== null && second.firstPaint < second.frames.at(-1).at, 'first paint before the engine was ready');
      // render() adopted the stamped copy: one heading, attached once.
      assert.equal(second.hero, 'tech_leader');
      assert.equal(second.heroCount, 1);
      assert.deepEqual(second.attached.filter((t) => t.startsWith('hero-')), ['hero-tech_leader']);
      assert.equal(second.prepaintLeft, 0, 'render() took the slots over');
      await page.screenshot({ path: path.join(RESULTS_DIR, `web-prepaint${shipped ? '-dist' : ''}.png`) });

      problems.push(...(await cspProblems(page)));
      await context.close();
      assert.deepEqual(problems, [], 'no page errors, console errors, failed requests or CSP violations');
    });
  }

  test('a stale cached variant is replaced by the decision, never by the default', async () => {
    const problems = [];
    const context = await env.browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    await slowWasm(page);
    await buildHighIntentCto(page);
    // As if the last page had decided "enterprise" (the profile changed since).
    await page.evaluate(() => localStorage.setItem('leadseg:prepaint', JSON.stringify({ v: 1, slots: { hero: 'enterprise' } })));
    const shown = await visit(page);
    assert.equal(firstParsed(shown.frames, 'hero').hero.state, 'enterprise');
    assert.equal(shown.hero, 'tech_leader');
    assert.equal(shown.heroCount, 1);
    assert.deepEqual(shown.attached.filter((t) => t.startsWith('hero-')), ['hero-enterprise', 'hero-tech_leader']);
    assert.equal(JSON.parse(shown.record).slots.hero, 'tech_leader');
    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('erase(), withdrawn consent and unpersonalized pages leave no pre-paint record', async () => {
    const problems = [];
    const context = await env.browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    const key = () => page.evaluate(() => localStorage.getItem('leadseg:prepaint'));

    await visit(page);
    assert.notEqual(await key(), null);
    await page.evaluate(() => engine.erase());
    assert.equal(await key(), null, 'erase()');

    await visit(page);
    assert.notEqual(await key(), null);
    await page.evaluate(() => engine.setConsent({ personalization: false }));
    assert.equal(await key(), null, 'personalization withdrawn');

    await visit(page);
    assert.notEqual(await key(), null);
    const plain = await visit(page, '?personalization=0');
    assert.equal(plain.record, null, 'a page without personalization consent');
    assert.equal(plain.hero, 'default');

    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, []);
  });
});
