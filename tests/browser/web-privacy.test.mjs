// The privacy proof: a whole visitor journey on a page with every
// integration on, every request intercepted. Nothing about the visitor
// leaves the page; the only request carrying data is report()'s payload,
// sent only when called and made of randomized bits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixtureServer, openJourney, pageLog } from './fixtures/web-harness.mjs';
import { watchPage, cspProblems, useChromium } from './fixtures/chromium.mjs';

const SECRETS = ['ada@example.com', 'CTO', 'Technology', 'security', '/pricing', 'early-bird', 'demo', 'newsletter',
  'job_title', 'page_view', 'form_submit', 'interests', 'utm_source', 'spring-sale', 'short', 'long', 'quiz'];

describe('leadseg privacy in Chromium', () => {
  const env = useChromium(startFixtureServer);

  test('a full journey sends nothing; report() sends one payload of randomized bits, only when called', async () => {
    const problems = [];
    const context = await env.browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    const requests = [];
    await page.route('**/*', async (route) => {
      const request = route.request();
      requests.push({ url: request.url(), method: request.method(), body: request.postData(), headers: await request.allHeaders() });
      if (new URL(request.url()).pathname === '/collect') await route.fulfill({ status: 204, body: '' });
      else await route.continue();
    });

    await openJourney(page, env.server.url, {
      storage: '1', personalization: '1', measurement: '1', pageviews: '1', datalayer: '1', dom: '1',
      utm_source: 'spring-sale', utm_medium: 'email',
    });
    await page.evaluate(async () => {
      engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20, email: 'ada@example.com' });
      engine.declare('interests', ['security']);
      window.dataLayer.push({ event: 'webinar_attended', topic: 'zero trust' });
      history.pushState({}, '', '/pricing?utm_source=spring-sale');
      history.pushState({}, '', '/pricing/teams');
      engine.render();
      const form = document.getElementById('demo-form');
      form.querySelector('input').value = 'ada@example.com';
      engine.forms.bind(form, { slot: 'lead_form', goal: 'signup' });
      form.requestSubmit();
      engine.decide('cta');
      await engine.flush();
    });
    const journeyRequests = requests.length;
    const profile = await page.evaluate(() => engine.export());
    const types = profile.events.map((e) => e.type);
    assert.deepEqual(types, ['download', 'page_view', 'webinar_attended', 'page_view', 'page_view', 'form_view', 'form_submit']);
    assert.deepEqual(profile.events[1].props, { path: '/journey.html', referrer: '', title: 'leadseg journey fixture', utm_source: 'spring-sale', utm_medium: 'email' });
    assert.equal(profile.events[3].props.path, '/pricing');
    assert.equal(profile.events[5].props.form, 'demo');
    assert.ok(['short', 'long', 'quiz'].includes(profile.events[5].props.variant));
    assert.ok(!JSON.stringify(profile).includes('ada@example.com"') || profile.attributes.email === 'ada@example.com', 'form field values are never read');
    assert.ok(!profile.events.some((e) => JSON.stringify(e.props).includes('ada@')), 'no form field value in events');
    assert.deepEqual(Object.keys(profile.experiments), ['lead-form-tournament']);
    assert.ok((await pageLog(page)).some((e) => e.event === 'exposure'));

    // Everything so far: the page, its scripts, the config and the wasm. GETs without a body.
    for (const r of requests.slice(0, journeyRequests)) {
      assert.equal(r.method, 'GET', r.url);
      assert.equal(r.body, null, r.url);
      const { pathname } = new URL(r.url);
      assert.ok(/^\/(journey\.(html|js)|datalayer-early\.js|b2b-saas\.json|web\/.*)$/.test(pathname), `unexpected request ${r.url}`);
      const leaked = SECRETS.filter((s) => r.url.replace(/^.*?journey\.html\?[^#]*/, '').includes(s));
      assert.deepEqual(leaked, [], `${r.url} carries visitor data`);
      assert.equal(r.headers.cookie, undefined, 'no cookies');
    }

    // report(): one POST, randomized bits only.
    const payload = await page.evaluate(() => engine.report({ url: '/collect', epsilon: 1 }));
    const sent = requests.slice(journeyRequests);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].method, 'POST');
    assert.equal(new URL(sent[0].url).pathname, '/collect');
    assert.deepEqual(JSON.parse(sent[0].body), payload);
    // One item (docs/privacy.md): a segment, the score band or an experiment variant.
    const item = Object.keys(payload).filter((k) => !['version', 'mechanism', 'epsilon'].includes(k));
    assert.equal(item.length, 1, JSON.stringify(payload));
    assert.equal(payload.version, 2);
    const bits = payload.segment ? [payload.segment.bit] : (payload.score ?? payload.experiment).bits;
    assert.ok(bits.every((b) => b === 0 || b === 1));
    // Every string in it is public: a segment id, a band label, an experiment key or variant from the config.
    const config = await page.evaluate(() => fetch('/b2b-saas.json').then((r) => r.json()));
    const allowed = new Set(['memoized-rr', 'memoized-oue', '0-25', '25-50', '50-75', '75-100', ...config.segments.map((s) => s.id)]);
    for (const slot of config.slots) {
      if (slot.experiment) allowed.add(slot.experiment.key).add('key').add('variant');
      for (const v of slot.experiment?.variants ?? []) allowed.add(v);
    }
    const strings = [];
    JSON.parse(sent[0].body, (key, value) => {
      if (typeof value === 'string') strings.push(value);
      if (key && !/^\d+$/.test(key)) strings.push(key);
      return value;
    });
    const known = new Set([...allowed, 'version', 'mechanism', 'epsilon', 'segment', 'id', 'bit', 'bits', 'score', 'bands', 'experiment']);
    assert.deepEqual(strings.filter((s) => !known.has(s)), [], 'only public names in the report');
    for (const secret of ['ada@example.com', 'CTO', 'Technology', '/pricing', 'spring-sale', 'zero trust']) {
      assert.ok(!sent[0].body.includes(secret), `the report carries ${secret}`);
    }

    // Nothing more afterwards, even across a reload and time passing.
    await openJourney(page, env.server.url, { storage: '1', personalization: '1', measurement: '1', pageviews: '1', datalayer: '1', dom: '1' });
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1500)));
    assert.ok(requests.slice(journeyRequests + 1).every((r) => r.method === 'GET' && r.body === null && new URL(r.url).pathname !== '/collect'));
    // The profile was kept (and grew by this page view's download and page_view).
    assert.deepEqual((await pageLog(page)).filter((e) => e.event.startsWith('storage:')), []);
    assert.equal(await page.evaluate(() => engine.export().events.length), 9);

    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, [], 'no page errors, console errors, failed requests or CSP violations');
  });
});
