// The demo site (demo/*.html, served at / by scripts/serve.mjs with its
// strict CSP) in headless Chromium: consent, the four persona journeys and
// what each ends up seeing, the reset button, and the site's tracked
// interactions (forms, cart, checkout). Fails on any page error, console
// error, failed request or CSP violation. Screenshots: test-results/demo-*.png.
//
// Expected variants and segments are derived by hand from
// docs/examples/b2b-saas.json (see the comments on PERSONAS below).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../scripts/serve.mjs';
import { RESULTS_DIR, checkPrerequisites, startRepoServer, useChromium, openCheckedPage } from './fixtures/chromium.mjs';

// What each persona's replay must end with (docs/examples/b2b-saas.json):
const PERSONAS = {
  // CTO, Technology, 250 people, $8M: pricing viewed 30 h and 2 h ago
  // (pricing_views_2d = 3 >= 2) -> high_intent_tech -> stage "decision";
  // score 15 + 15 (decayed a little) + 20 (decision_maker) = 49.5: warm, and
  // fit 30 + 40 + 30 = 100 -> grade A, engagement band 2 -> A2 -> sales_ready.
  // Hero: company_mid / revenue <= $10M is not "enterprise"; high_intent_tech
  // -> "tech_leader". CTA: stage decision -> "book_demo".
  cto: {
    hero: 'tech_leader',
    cta: 'book_demo',
    segments: ['high_intent_tech', 'repeat_visitors', 'revenue_1m_10m', 'company_mid', 'from_search', 'sales_ready'],
    grade: 'A', leadCell: 'A2', temperature: 'warm', stage: 'decision', caseStudy: 'tech',
  },
  // Student, Education, age 21, newsletter: 3 email opens in 30 days and a
  // guide -> engaged_blog_readers; 11 page views -> high_engagement; 5 visits
  // -> repeat_visitors. Score: guide +5, careers page -10 -> clamped to 0:
  // cold, awareness, grade D (no fit rule), D4. Hero: default; CTA: a
  // subscriber is not offered the newsletter again -> "latest_guides".
  student: {
    hero: 'default',
    cta: 'latest_guides',
    segments: ['engaged_blog_readers', 'repeat_visitors', 'high_engagement', 'age_18_35'],
    grade: 'D', leadCell: 'D4', temperature: 'cold', stage: 'awareness', score: '0', caseStudy: 'readers',
  },
  // Returning customer: sessions 45 days ago and today -> re_engaged;
  // 4 purchases in a year, the last today, $6,000 -> RFM 5-4-4 = 13 ->
  // champions; stage "customer". Hero: not enterprise (400 people, $9M),
  // re_engaged -> "welcome_back". CTA: cold, stage customer -> "newsletter".
  customer: {
    hero: 'welcome_back',
    cta: 'newsletter',
    segments: ['re_engaged', 'revenue_1m_10m', 'company_mid', 'champions', 'from_search'],
    grade: 'C', leadCell: 'C3', temperature: 'cold', stage: 'customer', rfm: '544', caseStudy: 'champions',
  },
  // Cart abandoner: cart_add 3 hours ago and no purchase -> cart_abandoners;
  // two visits from Bing. Score 15 (one pricing view; CEO is not a scoring
  // decision maker): cold, awareness. Fit: CEO 40 + 12 people 30 = 70 -> B3.
  // CTA: not decision/hot, cart_abandoners -> "finish_checkout".
  abandoner: {
    hero: 'default',
    cta: 'finish_checkout',
    segments: ['cart_abandoners', 'repeat_visitors', 'revenue_under_1m', 'company_small', 'from_search'],
    grade: 'B', leadCell: 'B3', temperature: 'cold', stage: 'awareness', caseStudy: 'small',
  },
};

describe('demo site in headless Chromium', () => {
  const env = useChromium(() => {
    checkPrerequisites();
    return startRepoServer();
  });

  /** A fresh context (own storage) and page that records every problem. */
  const newPage = () => openCheckedPage(env.browser, { context: { viewport: { width: 1440, height: 900 } } });

  async function open(page, file = '') {
    const response = await page.goto(env.server.url + file);
    assert.equal(response.status(), 200, file);
    await page.waitForSelector('body[data-ready]');
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true', `${file || '/'} started`);
    return response;
  }

  // The decided variant of a slot element (`scope`: a class of that element).
  const slotVariant = (page, slot, scope = '') =>
    page.locator(`${scope}[data-leadseg-slot="${slot}"]`).first().getAttribute('data-leadseg-variant');

  async function memberSegments(page) {
    return page.$$eval('#insp-segment-list li[data-member="true"]', (items) => items.map((li) => li.dataset.segment));
  }

  const text = async (page, selector) => (await page.locator(selector).textContent()).trim();

  function storageTrace(page) {
    return page.evaluate(async () => ({
      databases: (await indexedDB.databases()).map((d) => d.name),
      localStorage: Object.keys(localStorage),
      sessionStorage: Object.keys(sessionStorage).filter((k) => k.startsWith('northwind.')),
      cookie: document.cookie,
    }));
  }

  async function runPersona(page, id) {
    await page.click(`#inspector button[data-persona="${id}"]`);
    await page.waitForSelector(`body[data-persona="${id}"]:not([data-replaying])`);
  }

  test('the home page runs leadseg under the strict CSP and shows defaults before consent', async () => {
    const { page, done } = await newPage();
    const response = await open(page);
    assert.equal(response.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
    await page.locator('#consent').waitFor({ state: 'visible' });
    assert.equal(await slotVariant(page, 'hero'), 'default');
    assert.equal(await slotVariant(page, 'cta', '.cta-band'), 'newsletter');
    assert.equal(await slotVariant(page, 'lead_form'), 'short', 'without consent the lead form is the default');
    assert.match(await text(page, '#insp-status'), /memory only/);
    assert.ok(await page.locator('#insp-explain-out').count());
    // The page view and the session were tracked in memory, nothing stored.
    assert.ok(Number(await page.locator('#insp-events').getAttribute('data-count')) >= 2);
    const storage = await storageTrace(page);
    assert.deepEqual(storage, { databases: [], localStorage: [], sessionStorage: [], cookie: '' });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-home-first-visit.png') });

    await page.click('#consent button[data-consent="all"]');
    await page.waitForFunction(() => /indexeddb/.test(document.querySelector('#insp-status').textContent));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    const after = await storageTrace(page);
    assert.ok(after.databases.includes('leadseg'), `the profile is stored once consented (${after.databases})`);
    // The demo's consent choice, and the variants for prepaint.js on the next page.
    assert.deepEqual(after.localStorage.sort(), ['leadseg:prepaint', 'northwind.consent']);
    await done();
  });

  for (const [id, want] of Object.entries(PERSONAS)) {
    test(`persona "${id}" ends with hero ${want.hero}, CTA ${want.cta} and its segments`, async () => {
      const { page, done } = await newPage();
      await open(page);
      await page.click(`#inspector button[data-persona="${id}"]`);
      // Segments light up as they are entered during the replay.
      await page.waitForSelector('#insp-segment-list li.flash-enter');
      await page.waitForSelector(`body[data-persona="${id}"]:not([data-replaying])`);

      assert.equal(await slotVariant(page, 'hero'), want.hero, 'hero');
      assert.equal(await slotVariant(page, 'cta', '.cta-band'), want.cta, 'CTA band');
      assert.equal(await slotVariant(page, 'cta', '.header-cta'), want.cta, 'header CTA');
      assert.ok(['short', 'long', 'quiz'].includes(await slotVariant(page, 'lead_form')), 'a lead-form variant from the tournament');
      assert.equal(await page.locator(`[data-leadseg-slot="hero"] [data-hero="${want.hero}"]`).count(), 1, 'the hero template is shown');
      assert.equal(await page.locator(`[data-case-study] [data-case="${want.caseStudy}"]`).count(), 1, 'case study by segment');
      assert.deepEqual((await memberSegments(page)).sort(), [...want.segments].sort(), 'segments');
      assert.equal(await text(page, '#insp-grade'), want.grade);
      assert.equal(await text(page, '#insp-leadcell'), want.leadCell);
      assert.equal(await text(page, '#insp-temperature'), want.temperature);
      assert.equal(await text(page, '#insp-stage'), want.stage);
      if (want.score) assert.equal(await text(page, '#insp-score'), want.score);
      if (want.rfm) assert.match(await text(page, '#insp-rfm'), new RegExp(`^${want.rfm} `));
      assert.equal(await page.locator('#insp-slot-hero').getAttribute('data-variant'), want.hero);
      // The lead-form experiment assignment shown in the inspector is the variant on the page.
      const assigned = await text(page, '[data-experiment="lead-form-tournament"] .exp-assigned');
      assert.equal(assigned, await slotVariant(page, 'lead_form'));
      await page.screenshot({ path: path.join(RESULTS_DIR, `demo-persona-${id}.png`) });

      // The explain trace of the first expected segment: every leaf passes.
      await page.selectOption('#insp-explain-select', want.segments[0]);
      await page.waitForSelector('#insp-explain-verdict[data-member="true"]');
      assert.equal(await page.locator('.explain-table tr.fail').count(), 0);

      // The profile is kept on the device: another page shows the same visitor.
      await open(page, want.cta === 'finish_checkout' ? 'cart.html' : 'pricing.html');
      assert.equal(await slotVariant(page, 'cta', '.header-cta'), want.cta, 'same CTA on the next page');
      assert.deepEqual((await memberSegments(page)).sort(), [...want.segments].sort(), 'same segments on the next page');
      if (id === 'abandoner') {
        assert.equal(await text(page, '#cart-price'), '$2,388');
        await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-persona-abandoner-cart.png') });
      }
      await done();
    });
  }

  test('reset erases the stored profile, the demo state and the segments', async () => {
    const { page, done } = await newPage();
    await open(page);
    await runPersona(page, 'cto');
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
    const before = await storageTrace(page);
    assert.ok(before.databases.includes('leadseg'));
    assert.ok(before.localStorage.includes('northwind.consent'));
    assert.ok((await memberSegments(page)).length > 0);

    await Promise.all([page.waitForEvent('load'), page.click('#reset')]);
    await page.waitForSelector('body[data-ready="true"]');
    const after = await storageTrace(page);
    assert.deepEqual(after, { databases: [], localStorage: [], sessionStorage: [], cookie: '' }, 'nothing left on the device');
    assert.deepEqual(await memberSegments(page), []);
    assert.equal(await page.locator('#insp-segment-count').getAttribute('data-count'), '0');
    assert.equal(await slotVariant(page, 'hero'), 'default');
    assert.equal(await text(page, '#insp-score'), '0');
    await page.locator('#consent').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-after-reset.png') });
    await done();
  });

  test('forms, downloads, cart and checkout are tracked and change the visitor', async () => {
    const { page, done } = await newPage();
    await open(page);
    await page.click('#consent button[data-consent="all"]');

    // Webinar sign-up: role, size and industry become attributes; the
    // interests a zero-party declaration (security_minded).
    await open(page, 'webinar.html');
    await page.fill('#wb-email', 'dana@brightline.example');
    await page.selectOption('#wb-job_title', 'CTO');
    await page.selectOption('#wb-company_size', '150');
    await page.selectOption('#wb-industry', 'Technology');
    await page.check('#wb-int-security');
    await page.click('#webinar-form button[type="submit"]');
    await page.locator('.form-success').waitFor({ state: 'visible' });
    await page.click('.form-success [data-action="attend-webinar"]');
    const afterWebinar = await memberSegments(page);
    for (const s of ['security_minded', 'company_mid']) assert.ok(afterWebinar.includes(s), `${s} after the webinar sign-up (${afterWebinar})`);
    assert.equal(await text(page, '#insp-grade'), 'A', 'Technology + CTO + 150 people: grade A');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-webinar.png') });

    // Docs feedback; the careers page costs 10 points (looking for a job, not a product).
    await open(page, 'docs.html');
    await page.click('[data-action="docs-feedback"][data-helpful="true"]');
    await page.locator('.feedback-thanks').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-docs.png') });
    await open(page, 'careers.html');
    await page.click('#inspector details[data-section="breakdown"] > summary');
    assert.match(await text(page, '#insp-awards'), /-10 careers_page/);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-careers.png') });

    // Blog: the guide download and the newsletter.
    await open(page, 'blog.html');
    await page.click('[data-action="download-guide"]');
    await page.fill('#blog-newsletter-email', 'dana@brightline.example');
    await page.click('#newsletter button[type="submit"]');
    await page.locator('#newsletter .form-done-inline').waitFor();
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-blog.png') });

    // The demo request: form "demo" -> SQL, stage decision, CTA book_demo.
    await open(page, 'request-demo.html');
    await page.fill('#dm-email', 'dana@brightline.example');
    await page.selectOption('#dm-job_title', 'CTO');
    await page.selectOption('#dm-company_size', '150');
    await page.selectOption('#dm-industry', 'Technology');
    await page.selectOption('#dm-annual_revenue', '5000000');
    await page.selectOption('#dm-country', 'DE');
    await page.click('#demo-form button[type="submit"]');
    await page.locator('.form-success').waitFor({ state: 'visible' });
    assert.equal(await text(page, '#insp-stage'), 'decision');
    assert.match(await text(page, '#insp-sql'), /^yes/);
    // Someone who just requested a demo is not offered one again.
    assert.equal(await slotVariant(page, 'cta', '.header-cta'), 'demo_booked');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-request-demo.png') });

    // Cart and checkout: cart_add, then purchase -> stage customer.
    await open(page, 'pricing.html');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-pricing.png') });
    await Promise.all([page.waitForURL(/cart\.html$/), page.click('button[data-plan="growth"]')]);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await text(page, '#cart-price'), '$2,388');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-cart.png') });
    await page.fill('#co-email', 'dana@brightline.example');
    await page.fill('#co-company', 'Brightline Software');
    await page.fill('#co-card', '4242 4242 4242 4242');
    await page.click('#checkout-form button[type="submit"]');
    await page.locator('#checkout-done').waitFor({ state: 'visible' });
    assert.equal(await text(page, '#insp-stage'), 'customer');
    const events = await page.evaluate(() => [...document.querySelectorAll('#insp-events code')].map((c) => c.textContent));
    for (const type of ['purchase', 'form_submit', 'cart_add', 'page_view']) assert.ok(events.includes(type), `${type} in the latest events (${events})`);

    // The home page's lead form (the bandit's variant) converts "lead".
    await open(page);
    const variant = await slotVariant(page, 'lead_form');
    await page.fill('#lf-email', 'dana@brightline.example');
    if (variant !== 'short') {
      await page.selectOption('#lf-job_title', 'CTO');
      await page.selectOption('#lf-company_size', '150');
    }
    await page.click('[data-leadseg-slot="lead_form"] button[type="submit"]');
    await page.locator('[data-leadseg-slot="lead_form"] .form-done').waitFor();
    await page.click('#inspector details[data-section="experiments"] > summary');
    const row = page.locator('[data-section="experiments"] tr.is-assigned td');
    assert.equal(await row.nth(0).textContent(), variant);
    assert.equal(await row.nth(2).textContent(), '1', 'one conversion for the assigned variant');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-home-customer.png'), fullPage: true });
    await done();
  });
});
