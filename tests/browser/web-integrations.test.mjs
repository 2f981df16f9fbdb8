// Event sources in a real page: automatic page views (load, pushState,
// popstate), the GTM dataLayer (before and after loading), forms.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixtureServer, openJourney } from './fixtures/web-harness.mjs';
import { watchPage, cspProblems, useChromium } from './fixtures/chromium.mjs';

describe('leadseg event sources in Chromium', () => {
  const env = useChromium(startFixtureServer);

  test('page views, dataLayer and forms become events', async () => {
    const problems = [];
    const context = await env.browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    await openJourney(page, env.server.url, { pageviews: '1', datalayer: '1', personalization: '1', utm_campaign: 'launch' });
    await page.evaluate(async () => {
      history.pushState({}, '', '/pricing?utm_source=ads');
      history.replaceState({}, '', '/pricing?utm_source=ads#plans'); // not a navigation
      history.pushState({}, '', '/pricing?utm_source=ads#faq'); // same path and query: not a page view
      history.pushState({}, '', '/docs');
      const back = new Promise((resolve) => addEventListener('popstate', resolve, { once: true }));
      history.back();
      await back;
      window.dataLayer.push({ event: 'webinar_attended', topic: 'security', eventCallback() {} });
      window.dataLayer.push({ not_an_event: true });
      const form = document.getElementById('demo-form');
      engine.forms.bind(form, { slot: 'lead_form' });
      form.requestSubmit();
    });
    const events = await page.evaluate(() => engine.export().events.map(({ type, props }) => ({ type, props })));
    const origin = env.server.url.replace(/\/$/, '');
    const variant = events.find((e) => e.type === 'form_view')?.props.variant;
    assert.ok(['short', 'long', 'quiz'].includes(variant));
    assert.deepEqual(events, [
      { type: 'download', props: { category: 'guide', file: 'early-bird.pdf' } },
      { type: 'page_view', props: { path: '/journey.html', referrer: '', title: 'leadseg journey fixture', utm_campaign: 'launch' } },
      { type: 'page_view', props: { path: '/pricing', referrer: `${origin}/journey.html?pageviews=1&datalayer=1&personalization=1&utm_campaign=launch`, title: 'leadseg journey fixture', utm_source: 'ads' } },
      { type: 'page_view', props: { path: '/docs', referrer: `${origin}/pricing?utm_source=ads#faq`, title: 'leadseg journey fixture' } },
      { type: 'page_view', props: { path: '/pricing', referrer: `${origin}/docs`, title: 'leadseg journey fixture', utm_source: 'ads' } },
      { type: 'webinar_attended', props: { topic: 'security' } },
      { type: 'form_view', props: { form: 'demo', slot: 'lead_form', variant } },
      { type: 'form_submit', props: { form: 'demo', slot: 'lead_form', variant } },
    ]);
    // destroy() unhooks: later navigation and pushes are not tracked.
    await page.evaluate(() => {
      engine.destroy();
      history.pushState({}, '', '/after');
      window.dataLayer.push({ event: 'late' });
    });
    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, [], 'no page errors, console errors, failed requests or CSP violations');
  });
});
