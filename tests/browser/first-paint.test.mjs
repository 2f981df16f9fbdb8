// Real content at first paint (web/src/prepaint.js, web/src/dom.js): a
// slot's default is real HTML, painted at once when the decision is known
// to be the default; a slot that may be personalized waits at most the
// budget; a late decision does not replace what the visitor may be
// reading. The engine's wasm is held back so the first frames certainly
// come before it. Then the demo without JavaScript and with the wasm blocked.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startFixtureServer, openJourney } from './fixtures/web-harness.mjs';
import { watchPage, cspProblems, checkPrerequisites, startRepoServer, RESULTS_DIR, useChromium } from './fixtures/chromium.mjs';

const WASM_DELAY_MS = 1500;

// In every frame (checked after the frame's rAF callbacks): what the hero
// and the CTA show, 'hidden' while the slot is hidden.
function recordFrames() {
  window.__frames = [];
  const shown = (id) => {
    const slot = document.querySelector(`[data-leadseg-slot="${id}"]`);
    if (!slot) return 'unparsed';
    if (getComputedStyle(slot).visibility !== 'visible') return 'hidden';
    const content = [...slot.children].find((c) => c.localName !== 'template');
    return content ? content.textContent : 'empty';
  };
  const frame = (at) => {
    setTimeout(() => {
      window.__frames.push({ at, hero: shown('hero'), cta: shown('cta') });
      if (document.body?.dataset.ready !== 'true' && window.__frames.length < 3000) requestAnimationFrame(frame);
    }, 0);
  };
  requestAnimationFrame(frame);
}

describe('content at first paint, in Chromium', () => {
  const env = useChromium(startFixtureServer);

  async function openContext() {
    const problems = [];
    const context = await env.browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    await page.route('**/leadseg.wasm', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, WASM_DELAY_MS));
      await route.continue();
    });
    return { context, page, problems };
  }

  // A stored profile that decides hero "tech_leader" and CTA "book_demo";
  // the journey page keeps no pre-paint record.
  async function storeCto(page) {
    await openJourney(page, env.server.url, { storage: '1' });
    await page.evaluate(async () => {
      engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
      engine.track('page_view', { path: '/pricing' });
      engine.track('page_view', { path: '/pricing/teams' });
      await engine.flush();
    });
  }

  async function visit(page, init) {
    await page.addInitScript(recordFrames);
    if (init) await page.addInitScript(init);
    await page.goto(`${env.server.url}first-paint.html`);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 20_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', await page.evaluate(() => window.leadsegError));
    return page.evaluate(() => ({
      frames: window.__frames.filter((f) => f.hero !== 'unparsed'),
      hero: document.querySelector('#hero h1:not(template h1)')?.textContent,
      heroCount: document.querySelectorAll('#hero > h1').length,
      heroVariant: document.querySelector('#hero').getAttribute('data-leadseg-variant'),
      heroDeferred: document.querySelector('#hero').getAttribute('data-leadseg-deferred'),
      cta: document.querySelector('#cta > a')?.textContent,
      pending: document.querySelectorAll('[data-leadseg-pending]').length,
      record: JSON.parse(localStorage.getItem('leadseg:prepaint') ?? 'null'),
    }));
  }

  test('without a pre-paint record the default is painted at once, without waiting', async () => {
    const { context, page, problems } = await openContext();
    const shown = await visit(page);
    assert.equal(shown.frames[0].hero, 'Product overview', 'the first frame shows the default');
    assert.ok(shown.frames.length > 5, 'the engine was held back');
    assert.ok(shown.frames.every((f) => f.hero === 'Product overview'), 'never hidden, never swapped');
    assert.equal(shown.heroVariant, 'default');
    assert.equal(shown.heroCount, 1);
    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('a late decision keeps the default the visitor sees, replaces it below the fold, and is remembered', async () => {
    const { context, page, problems } = await openContext();
    await storeCto(page);
    const shown = await visit(page);
    assert.ok(shown.frames.every((f) => f.hero === 'Product overview'), 'the hero was never swapped');
    assert.equal(shown.heroVariant, 'default');
    assert.equal(shown.heroDeferred, 'tech_leader');
    assert.equal(shown.cta, 'Book a demo', 'the CTA below the fold takes the decision');
    assert.deepEqual(shown.record, { v: 1, slots: { hero: 'tech_leader', cta: 'book_demo' } }, 'the next page view stamps the decision');
    // Re-rendering with the same decision keeps the default.
    assert.equal(await page.evaluate(() => engine.render()[0].deferred), 'tech_leader');
    assert.equal(await page.evaluate(() => document.querySelector('#hero > h1').textContent), 'Product overview');
    // No exposure or sticky assignment was recorded for what was not shown: peek() only.
    const next = await visit(page);
    assert.equal(next.frames[0].hero, 'For CTOs: the architecture deep-dive', 'stamped before the first paint');
    assert.equal(next.heroCount, 1);
    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('a site that opts in (data-leadseg-late="swap") gets the late decision', async () => {
    const { context, page, problems } = await openContext();
    await storeCto(page);
    const shown = await visit(page, () => document.addEventListener('DOMContentLoaded', () => document.getElementById('hero').setAttribute('data-leadseg-late', 'swap')));
    assert.equal(shown.frames[0].hero, 'Product overview');
    assert.equal(shown.hero, 'For CTOs: the architecture deep-dive');
    assert.equal(shown.heroCount, 1);
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('a slot the record does not know waits (hidden) within the budget, then shows the decision, never the default', async () => {
    const { context, page, problems } = await openContext();
    await storeCto(page);
    await page.evaluate(() => localStorage.setItem('leadseg:prepaint', JSON.stringify({ v: 1, slots: { cta: 'book_demo' } })));
    const shown = await visit(page);
    assert.equal(shown.frames[0].hero, 'hidden', 'hidden at first paint');
    assert.ok(shown.frames.every((f) => f.hero !== 'Product overview'), 'the default never showed');
    assert.equal(shown.hero, 'For CTOs: the architecture deep-dive');
    assert.equal(shown.frames[0].cta, 'Book a demo', 'the known slot is stamped at once');
    assert.equal(shown.pending, 0);
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('the default is restored when the decision comes back to it', async () => {
    const { context, page } = await openContext();
    await storeCto(page);
    await page.evaluate(() => localStorage.setItem('leadseg:prepaint', JSON.stringify({ v: 1, slots: { hero: 'tech_leader' } })));
    await visit(page);
    await page.evaluate(() => engine.setConsent({ personalization: false }));
    await page.evaluate(() => engine.render());
    assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('#hero > h1')].map((h) => h.textContent)), ['Product overview']);
    await context.close();
  });
});

describe('the demo at first paint, in Chromium', () => {
  const env = useChromium(() => {
    checkPrerequisites();
    return startRepoServer();
  });

  test('without JavaScript every page has its real content: headline, header, CTA band, footer', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const [file, page_] of [['', 'home'], ['pricing.html', 'pricing'], ['blog.html', 'blog'], ['webinar.html', 'webinar']]) {
      await page.goto(`${env.server.url}${file}`);
      assert.ok(await page.locator('main h1').first().isVisible(), `${file || 'index'}: an <h1>`);
      assert.ok(await page.locator('.header-cta a').isVisible(), 'the header CTA');
      assert.ok(await page.locator('.site-footer').isVisible(), 'the footer');
      assert.equal(await page.locator('.main-nav a[aria-current="page"]').count(), page_ === 'home' || file.startsWith('pricing') || file.startsWith('blog') || file.startsWith('webinar') ? 1 : 0);
    }
    await page.goto(env.server.url);
    assert.equal(await page.locator('.hero h1').textContent(), 'Know which accounts are ready to buy, before they ask.');
    assert.ok(await page.locator('.cta-band form input[type="email"]').isVisible(), 'the newsletter offer');
    assert.ok(await page.locator('[data-leadseg-slot="lead_form"] form').isVisible(), 'the lead form');
    assert.ok(await page.locator('[data-case-study] article').isVisible(), 'a customer story');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-no-js.png') });
    await context.close();
  });

  test('a wasm that fails to load leaves the defaults and reports the error once', async () => {
    const problems = [];
    const context = await env.browser.newContext();
    const page = await watchPage(await context.newPage(), problems, { ignoreFailedRequest: (url) => url.endsWith('leadseg.wasm') });
    await page.route('**/leadseg.wasm', (route) => route.abort());
    await page.goto(env.server.url);
    await page.waitForSelector('body[data-ready="error"]');
    assert.equal(await page.locator('.hero h1').textContent(), 'Know which accounts are ready to buy, before they ask.');
    assert.ok(await page.locator('.hero h1').isVisible());
    assert.ok(await page.locator('.header-cta a').isVisible());
    await page.waitForTimeout(500);
    // Chromium logs the failed fetch itself; the page reports it once.
    const reported = problems.filter((p) => !p.includes('Failed to load resource'));
    assert.equal(reported.length, 1, `one error reported: ${problems.join('\n')}`);
    assert.match(reported[0], /could not load the leadseg WebAssembly core/);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-wasm-blocked.png') });
    await context.close();
  });

  test('the wasm comes compressed, and the next page view revalidates it instead of downloading it again', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const wasm = [];
    page.on('response', async (response) => {
      if (response.url().endsWith('/leadseg.wasm')) wasm.push({ status: response.status(), encoding: response.headers()['content-encoding'] ?? null });
    });
    const requests = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/leadseg.wasm')) requests.push(request);
    });
    // What the server answered (Chromium reports a revalidated response as its cached 200).
    const answered = [];
    const onRequest = (req, res) => {
      if (req.url.endsWith('/leadseg.wasm')) res.on('finish', () => answered.push(res.statusCode));
    };
    env.server.server.on('request', onRequest);
    await page.goto(env.server.url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.goto(`${env.server.url}pricing.html`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(wasm.length, 2, JSON.stringify(wasm));
    assert.deepEqual(wasm[0], { status: 200, encoding: 'br' });
    // Chromium sends the validator; the server answers 304 and the cached copy is used.
    const second = await requests[1].allHeaders();
    assert.ok(second['if-none-match'], `the second request revalidates: ${JSON.stringify(second)}`);
    assert.deepEqual(answered, [200, 304], 'the second time the server sends no body');
    env.server.server.off('request', onRequest);
    await context.close();
  });

  test('a returning visitor whose hero the record does not know sees it within the 300 ms budget', async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(recordFrames);
    await page.goto(`${env.server.url}pricing.html`);
    await page.click('#consent button[data-consent="all"]');
    await page.route('**/leadseg.wasm', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, WASM_DELAY_MS));
      await route.continue();
    });
    await page.goto(env.server.url); // the record knows the CTA only
    await page.waitForSelector('body[data-ready="true"]');
    const frames = await page.evaluate(() => window.__frames.filter((f) => f.hero !== 'unparsed'));
    const firstShown = frames.find((f) => f.hero !== 'hidden');
    assert.ok(firstShown, JSON.stringify(frames.slice(0, 5)));
    assert.ok(firstShown.at < 1000, `the hero showed at ${firstShown.at} ms, before the engine`);
    assert.match(firstShown.hero, /Know which accounts/);
    await context.close();
  });
});
