// The demo page in a real browser: Debian's Chromium, headless, driven by
// playwright-core, against scripts/serve.mjs started in-process (with its
// strict Content-Security-Policy). Fails on any page error, console error,
// failed request or CSP violation. Screenshots go to test-results/.
import { describe, test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../scripts/serve.mjs';
import { RESULTS_DIR, checkPrerequisites, launchChromium, watchPage, cspProblems, startRepoServer } from './fixtures/chromium.mjs';

describe('demo playground in headless Chromium', () => {
  let server;
  let browser;
  let context;
  let page;
  const problems = [];

  before(async () => {
    checkPrerequisites();
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    server = await startRepoServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await watchPage(await context.newPage(), problems, { timeout: 20_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    const csp = page ? await cspProblems(page) : [];
    const all = [...problems, ...csp];
    problems.length = 0;
    assert.deepEqual(all, [], 'no page errors, console errors, failed requests or CSP violations');
  });

  async function resultText() {
    return (await page.locator('#result-value').textContent()).trim();
  }

  async function typeInto(selector, text) {
    const box = page.locator(selector);
    await box.fill('');
    await box.pressSequentially(text, { delay: 0 });
  }

  test('the page loads the engine under the strict CSP and shows its version', async () => {
    const response = await page.goto(`${server.url}playground.html`);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
    await page.waitForSelector('body[data-ready="true"]');
    const version = (await page.locator('#engine-version').textContent()).trim();
    assert.ok(version.length > 0 && version !== '—', `engine version shown (got "${version}")`);
    assert.match(await page.locator('#engine-status').textContent(), /ready/i);
    // The preloaded example (a CTO from a tech company with 3 pricing views) matches.
    assert.equal(await resultText(), 'true');
    assert.equal(await page.locator('#result').getAttribute('data-state'), 'match');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'playground.png'), fullPage: true });
  });

  test('typing a condition and attributes updates the result live', async () => {
    await typeInto('#condition', '{"age":{"$gt":18}}');
    await typeInto('#attributes', '{"age":30}');
    await page.waitForFunction(() => document.querySelector('#result-value').textContent.trim() === 'true');
    assert.equal(await page.locator('#result').getAttribute('data-state'), 'match');

    await typeInto('#attributes', '{"age":12}');
    await page.waitForFunction(() => document.querySelector('#result-value').textContent.trim() === 'false');
    assert.equal(await page.locator('#result').getAttribute('data-state'), 'nomatch');
    assert.equal(await page.locator('#error').isHidden(), true);
  });

  test('an invalid condition shows a readable error with its JSON path', async () => {
    await typeInto('#attributes', '{"pricing_views":3}');
    // A typo in an operator: leadseg rejects it (rather than silently never
    // matching) and names where it is.
    await typeInto('#condition', '{"pricing_views":{"$gtee":2}}');
    // The page evaluates on the next animation frame: the error of a prefix
    // typed earlier ("not valid JSON") can still be the one shown.
    await page.waitForFunction(() => /unknown operator/.test(document.querySelector('#error-message').textContent));
    assert.equal(await page.locator('#result').getAttribute('data-state'), 'error');
    assert.match(await page.locator('#error-where').textContent(), /condition/i);
    assert.match(await page.locator('#error-message').textContent(), /unknown operator.*\$gtee/);
    assert.equal((await page.locator('#error-path').textContent()).trim(), '/pricing_views/$gtee');
    assert.equal(await page.locator('#condition').getAttribute('aria-invalid'), 'true');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'playground-error.png'), fullPage: true });

    // Malformed JSON: a readable message too (its path is the document root).
    await typeInto('#attributes', '{"age":30}');
    await typeInto('#condition', '{"age":{"$gt":18},');
    await page.waitForFunction(() => document.querySelector('#condition').getAttribute('aria-invalid') === 'true' &&
      !/unknown operator/.test(document.querySelector('#error-message').textContent));
    assert.equal(await page.locator('#result').getAttribute('data-state'), 'error');
    assert.match(await page.locator('#error-where').textContent(), /condition/i);
    const message = (await page.locator('#error-message').textContent()).trim();
    assert.ok(message.length > 5, `a readable message (got "${message}")`);
    assert.equal(await page.locator('#condition').getAttribute('aria-invalid'), 'true');
    const shownPath = (await page.locator('#error-path').textContent()).trim();
    const rawPath = await page.locator('#error-path').getAttribute('data-path');
    assert.equal(typeof rawPath, 'string', 'the error carries a JSON path');
    assert.equal(shownPath, rawPath === '' ? '(document root)' : rawPath);

    // Fixing the input clears the error.
    await typeInto('#condition', '{"age":{"$gt":18}}');
    await page.waitForFunction(() => document.querySelector('#result-value').textContent.trim() === 'true');
    assert.equal(await page.locator('#error').isHidden(), true);
    assert.equal(await page.locator('#condition').getAttribute('aria-invalid'), null);
  });

  test('the JsonLogic dialect computes a lead score', async () => {
    await page.selectOption('#dialect', 'jsonlogic');
    // The JsonLogic example scores the preloaded lead: 40 (title) + 25 (industry) + 3*10 (pricing views).
    await page.waitForFunction(() => document.querySelector('#result-value').textContent.trim() === '95');
    assert.equal(await page.locator('#result').getAttribute('data-state'), 'value');
    await typeInto('#attributes', '{"job_title":"Intern","industry":"Retail","pricing_views":1}');
    await page.waitForFunction(() => document.querySelector('#result-value').textContent.trim() === '10');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'playground-jsonlogic.png'), fullPage: true });

    // And back: the GrowthBook draft typed earlier is kept.
    await page.selectOption('#dialect', 'growthbook');
    await page.waitForFunction(() => document.querySelector('#result-value').textContent.trim() === 'true');
  });
});
