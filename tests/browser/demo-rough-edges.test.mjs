// The demo's rough edges a newcomer met, each fixed, in headless Chromium:
// the sticky header, the inspector at 1280x720, the mobile menu, what the
// inspector says (reasons naming the segment, consent, RFM, a newcomer
// hint, the explain box following the decision), no cart stored before
// consent, and playground JSON errors as line and column.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { checkPrerequisites, startRepoServer, RESULTS_DIR, useChromium, openCheckedPage } from './fixtures/chromium.mjs';

describe('demo rough edges, in Chromium', () => {
  const env = useChromium(() => {
    checkPrerequisites();
    return startRepoServer();
  });

  // A fresh visitor on `file`, engine ready; `done()` asserts the page stayed clean.
  async function visit(file = '', { viewport = { width: 1280, height: 720 } } = {}) {
    const visitor = await openCheckedPage(env.browser, { context: { viewport } });
    await visitor.page.goto(`${env.server.url}${file}`);
    await visitor.page.waitForSelector('body[data-ready]');
    return visitor;
  }

  const rect = (page, selector) => page.locator(selector).first().evaluate((e) => e.getBoundingClientRect().toJSON());
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const text = async (page, selector) => (await page.locator(selector).first().textContent()).trim();

  test('at 1280x720 the open inspector covers neither the lead form submit nor the header CTA', async () => {
    const { page, done } = await visit();
    await page.click('#consent button[data-consent="none"]');
    assert.ok(await page.locator('#inspector').isVisible(), 'the inspector is open at this width');
    const inspector = await rect(page, '#inspector');
    await page.locator('[data-leadseg-slot="lead_form"] button[type="submit"]').scrollIntoViewIfNeeded();
    assert.ok(!overlaps(await rect(page, '[data-leadseg-slot="lead_form"] button[type="submit"]'), inspector), 'the submit button is clear');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-1280x720-inspector.png') });
    assert.ok(!overlaps(await rect(page, '.header-cta a'), inspector), 'the header CTA is clear');
    await done();
  });

  test('below the mobile breakpoint a menu button opens the navigation', async () => {
    const { page, done } = await visit('', { viewport: { width: 390, height: 800 } });
    await page.click('#consent button[data-consent="none"]');
    assert.equal(await page.locator('.main-nav').isVisible(), false);
    const button = page.locator('.menu-toggle');
    assert.ok(await button.isVisible(), 'a menu button');
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.ok(await page.locator('.main-nav a[href="/pricing.html"]').isVisible());
    assert.ok(await page.locator('.header-cta a').isVisible(), 'the CTA is reachable too');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-mobile-menu.png') });
    await button.click();
    assert.equal(await page.locator('.main-nav').isVisible(), false);
    await done();
  });

  test('a newcomer gets a hint, the RFM cell is explained, and without consent the reason says so', async () => {
    const { page, done } = await visit();
    await page.click('#consent button[data-consent="none"]');
    assert.ok(await page.locator('#insp-newcomer').isVisible());
    assert.match(await text(page, '#insp-newcomer'), /Replay a persona/);
    assert.match(await text(page, '#insp-rfm'), /^111: no purchase history yet — recency 1, frequency 1, monetary 1/);
    assert.match(await text(page, '#insp-slot-hero'), /no consent to personalization/);
    assert.doesNotMatch(await text(page, '#insp-slot-hero'), /no rule matched/);
    await done();
  });

  test('slot reasons name the segment, and the explain box follows the segment behind the decision', async () => {
    const { page, done } = await visit();
    await page.click('#consent button[data-consent="all"]');
    await page.click('#inspector button[data-persona="customer"]');
    await page.waitForSelector('body[data-persona="customer"]:not([data-replaying])');
    const hero = await text(page, '#insp-slot-hero');
    assert.match(hero, /welcome_back/);
    assert.match(hero, /because the visitor is in “[^”]+”/);
    assert.doesNotMatch(hero, /variant \d/);
    assert.equal(await page.locator('#insp-explain-select').inputValue(), 're_engaged');
    assert.equal(await page.locator('#insp-newcomer').isVisible(), false, 'no newcomer hint once a persona was replayed');
    // A segment the visitor picks stays picked.
    await page.selectOption('#insp-explain-select', 'champions');
    await page.click('#inspector button[data-persona="cto"]');
    await page.waitForSelector('body[data-persona="cto"]:not([data-replaying])');
    assert.equal(await page.locator('#insp-explain-select').inputValue(), 'champions');
    assert.match(await text(page, '#insp-slot-cta'), /because stage is decision/);
    await done();
  });

  test('before a consent choice the cart is kept in the page, not in sessionStorage', async () => {
    const { page, done } = await visit('pricing.html');
    assert.ok(await page.locator('#consent').isVisible(), 'no choice made yet');
    await Promise.all([page.waitForURL(/cart\.html/), page.click('[data-action="add-to-cart"][data-plan="growth"]')]);
    await page.waitForSelector('body[data-ready]');
    assert.match(await text(page, '#cart-plan'), /Growth plan/);
    assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage)), []);
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
    await done();
  });

  test('after a lead-list run the results heading is not under the sticky header', async () => {
    const { page, done } = await visit('leads.html', { viewport: { width: 1280, height: 720 } });
    await page.click('#run-sample');
    await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
    await page.waitForTimeout(1200); // the smooth scroll
    const header = await rect(page, 'header');
    const heading = await rect(page, '#results-title');
    assert.ok(heading.top >= header.bottom, `the heading (top ${heading.top}) is below the header (bottom ${header.bottom})`);
    assert.ok(heading.top < 720, 'and in view');
    await done();
  });

  test('playground JSON syntax errors give line and column', async () => {
    const { page, done } = await visit('playground.html');
    await page.waitForSelector('[data-state="ready"], #status[data-state]');
    await page.fill('#condition', '{\n  "age": 1,\n  "b": \n}');
    await page.locator('#error-message').waitFor({ state: 'visible' });
    assert.match(await text(page, '#error-message'), /^condition is not valid JSON: .* at line 4, column \d+$/);
    assert.doesNotMatch(await text(page, '#error-message'), /byte/);
    await done();
  });
});
