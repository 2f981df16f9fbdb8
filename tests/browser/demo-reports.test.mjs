// The demo's reports in headless Chromium: the inspector shows the next
// report (randomized) and the budget left, sends a report to the demo
// server's collector (scripts/serve.mjs mounts web/collect/), and its
// site-wide panel shows the collector's real estimates, including that
// report. The budget holds in another tab and across a reload. Fails on any page error,
// console error, failed request or CSP violation.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR, checkPrerequisites, launchChromium, watchPage, cspProblems, startRepoServer } from './fixtures/chromium.mjs';
import { trueBits } from '../../web/src/report.js';
import { planReport, reportItems } from '../../web/src/privacy/reporter.js';
import { ReportState } from '../../web/src/privacy/state.js';
import { exampleConfig, seededRandom } from '../web/helpers.mjs';

// Other visitors' reports, built by the real code path, so that cells pass k.
async function seedReports(url, count) {
  const ids = exampleConfig().segments.map((s) => s.id);
  const random = seededRandom(4);
  for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => {
      const bits = trueBits({ segmentIds: ids, member: new Set(ids.filter(() => random() < 0.2)), score: random() * 100, bands: [0, 25, 50, 75, 100], experiments: { 'lead-form-tournament': ['short', 'long', 'quiz'] }, ledger: {} });
      const { payload } = planReport({ items: reportItems(bits), epsilon: 1, state: new ReportState('seed'), limits: { perDay: 1, per30Days: 10 }, time: Date.now(), random });
      return fetch(`${url}collect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
        .then((r) => assert.equal(r.status, 204));
    }));
  }
}

describe('demo reports in headless Chromium', () => {
  let server;
  let browser;

  before(async () => {
    checkPrerequisites();
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    server = await startRepoServer();
    browser = await launchChromium();
    await seedReports(server.url, 3000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the inspector previews the next report, sends it to the collector and shows site-wide estimates', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const problems = [];
    const page = await watchPage(await context.newPage(), problems);
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('#consent button[data-consent="all"]');
    await page.waitForFunction(() => /indexeddb/.test(document.querySelector('#insp-status').textContent));
    await page.click('details[data-section="reports"] > summary');

    // Before sending: a full day's budget and a randomized version-2 payload.
    await page.waitForFunction(() => /ε 1 left of 1/.test(document.querySelector('#insp-report-budget').textContent));
    const preview = JSON.parse(await page.locator('#insp-report-preview').textContent());
    assert.equal(preview.version, 2);
    assert.equal(Object.keys(preview).length, 4, 'one item');
    await page.waitForFunction(() => document.querySelector('#insp-sitewide')?.dataset.reports === '3000');

    await page.click('#insp-report-send');
    await page.waitForFunction(() => /^Sent: /.test(document.querySelector('#insp-report-result').textContent));
    await page.waitForFunction(() => document.querySelector('#insp-sitewide').dataset.reports === '3001');
    assert.equal(server.collector.store.reportCount('0000-01-01', '9999-12-31'), 3001, 'the collector stored the page\'s report');
    assert.match(await page.locator('#insp-report-budget').textContent(), /ε 0 left of 1/);
    assert.match(await page.locator('#insp-report-preview-text').textContent(), /today's privacy budget left \(0 of 1\); nothing was sent/);
    const shown = await page.$$eval('#insp-sitewide tr[data-suppressed="false"]', (rows) => rows.map((r) => r.textContent));
    assert.ok(shown.length >= 20, `estimates shown for ${shown.length} cells`);
    assert.ok(shown.every((t) => /95% CI .* to .*, n \d/.test(t)), shown[0]);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-reports.png') });

    // Past the budget the button sends nothing and says why.
    await page.click('#insp-report-send');
    await page.waitForFunction(() => /today's privacy budget/.test(document.querySelector('#insp-report-result').textContent));
    assert.equal(server.collector.store.reportCount('0000-01-01', '9999-12-31'), 3001);

    // Another tab of the site sees the same budget.
    const other = await watchPage(await context.newPage(), problems);
    await other.goto(server.url);
    await other.waitForSelector('body[data-ready="true"]');
    await other.click('details[data-section="reports"] > summary');
    await other.waitForFunction(() => /ε 0 left of 1/.test(document.querySelector('#insp-report-budget')?.textContent ?? ''));
    problems.push(...(await cspProblems(other)));
    await other.close();

    // A reload does not give the budget back.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('details[data-section="reports"] > summary');
    await page.waitForFunction(() => /ε 0 left of 1/.test(document.querySelector('#insp-report-budget')?.textContent ?? ''));
    problems.push(...(await cspProblems(page)));
    await context.close();
    assert.deepEqual(problems, [], 'no page errors, console errors, failed requests or CSP violations');
  });
});
