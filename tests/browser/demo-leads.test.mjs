// The demo's "Segment a lead list" page (demo/leads.html) in headless
// Chromium: the built-in 10,000-lead sample goes through the module worker,
// whose evaluation workers run the package's segmentLeads() on batches of
// rows (demo/assets/lead-batch.js); the page charts the results (Chart.js
// from /vendor/) and offers the segmented CSV; a dropped CSV file streams
// through the same pipeline; a run can be cancelled. The sample's results
// must be those of the page before it used segmentLeads() (an engine per
// row, demo/assets/lead-eval.js on main aa636c7), kept in
// fixtures/demo-leads-sample-10k.json; a file's are checked against the same
// batch code run here in node. Fails on any page error, console error,
// failed request or CSP violation.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, RESULTS_DIR, checkPrerequisites, launchChromium, watchPage, cspProblems, startRepoServer } from './fixtures/chromium.mjs';
import { CsvParser, segmentLeads, typeValue } from '../../web/src/node.js';
import { SAMPLE_COLUMNS } from '../../demo/assets/lead-sample.js';
import { createBatchSegmenter } from '../../demo/assets/lead-batch.js';
import { RESULT_COLUMNS, outputHeader } from '../../demo/assets/lead-results.js';

const CONFIG = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json'), 'utf8'));
const SAMPLE_10K = JSON.parse(fs.readFileSync(new URL('./fixtures/demo-leads-sample-10k.json', import.meta.url), 'utf8'));
const CHARTS = ['chart-segments', 'chart-scores', 'chart-grade-temp', 'chart-rfm', 'chart-funnel'];
const fmt = (n) => new Intl.NumberFormat('en-US').format(n);

/** The page's batch code in node: segmentLeads()'s summary and the segmented CSV of CSV `text`. */
async function evaluateInNode(text) {
  const parser = new CsvParser();
  const records = [...await parser.push(text), ...await parser.end()].filter((r) => !(r.length === 1 && r[0] === ''));
  const header = records.shift().map((h) => h.trim());
  const { summary, csv } = await createBatchSegmenter({ config: CONFIG, header, segmentLeads, typeValue }).segment(records);
  return { summary, csv: outputHeader(header) + csv };
}

describe('demo lead-list page in headless Chromium', () => {
  let server;
  let browser;
  let context;
  let page;
  const problems = [];

  before(async () => {
    checkPrerequisites();
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'node_modules', 'chart.js', 'dist', 'chart.umd.min.js')), 'chart.js missing: npm ci');
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    server = await startRepoServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page = await watchPage(await context.newPage(), problems, {
      // blob: downloads are cancelled by the download manager once saved.
      ignoreFailedRequest: (url) => url.startsWith('blob:'),
    });
    await page.goto(`${server.url}leads.html`);
    await page.waitForSelector('body[data-ready]');
    assert.equal(await page.evaluate(() => document.body.dataset.ready), 'true');
  });

  after(async () => {
    const csp = page ? await cspProblems(page) : [];
    await browser?.close();
    await server?.close();
    assert.deepEqual([...problems, ...csp], [], 'no page errors, console errors, failed requests or CSP violations');
  });

  /** Counts per segment id as the page's table shows them. */
  function tableCounts() {
    return page.$$eval('#segment-table tbody tr', (rows) =>
      Object.fromEntries(rows.map((r) => [r.dataset.segment, Number(r.querySelector('.count').textContent.replace(/,/g, ''))])));
  }

  /** For each chart canvas: a Chart instance drew non-transparent pixels. */
  function chartsDrawn() {
    return page.evaluate((ids) => ids.map((id) => {
      const canvas = document.getElementById(id);
      const chart = globalThis.Chart?.getChart(canvas);
      const { width, height } = canvas;
      const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 16) if (data[i] > 0) painted += 1;
      return { id, chart: Boolean(chart), width, height, painted };
    }), CHARTS);
  }

  async function download() {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    return fs.readFileSync(await file.path(), 'utf8');
  }

  test('the built-in sample is segmented with segmentLeads in workers, charted, and downloadable, with the results of the page before it', async () => {
    assert.equal(await page.locator('#sample-size').inputValue(), '10000');
    await page.click('#run-sample');
    await page.locator('#progress-card').waitFor({ state: 'visible' });
    await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
    assert.equal(await page.locator('#progress-card').isHidden(), true);

    assert.equal((await page.locator('#kpi-leads').textContent()).trim(), '10,000');
    assert.equal((await page.locator('#kpi-errors').textContent()).trim(), '0');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.match(await page.locator('#results-meta').textContent(),
      cores <= 2 ? /read and evaluated in one worker$/ : new RegExp(`${Math.min(8, cores - 1)} evaluation workers?$`),
      `${cores} cores: evaluation workers only for spare cores beyond the reader's`);
    assert.equal((await page.locator('#kpi-mql').textContent()).trim(), fmt(SAMPLE_10K.mql), 'MQLs: the engine-per-row page\'s count');
    assert.equal((await page.locator('#kpi-sql').textContent()).trim(), fmt(SAMPLE_10K.sql), 'SQLs: the engine-per-row page\'s count');
    assert.equal((await page.locator('#kpi-customers').textContent()).trim(), fmt(SAMPLE_10K.stages.customer));
    assert.equal((await page.locator('#kpi-score').textContent()).trim(), (SAMPLE_10K.scoreSum / SAMPLE_10K.scored).toFixed(1));
    const counts = await tableCounts();
    assert.deepEqual(Object.keys(counts), CONFIG.segments.map((s) => s.id), 'one row per configured segment');
    assert.deepEqual(counts, SAMPLE_10K.segments, 'segment sizes are those of the engine-per-row page (main aa636c7)');
    for (const id of ['repeat_visitors', 'company_small', 'high_intent_tech', 'cart_abandoners', 'champions', 'sales_ready']) {
      assert.ok(counts[id] > 0, `some leads in ${id}`);
    }
    const funnel = await page.$$eval('#funnel-table tbody tr', (rows) => rows.map((r) => r.dataset.stage));
    assert.deepEqual(funnel, CONFIG.lifecycle.stages.map((s) => s.id));
    assert.equal((await page.locator('#funnel-table tbody tr').first().locator('td').nth(2).textContent()).trim(), '10,000', 'everyone reached awareness');
    const cellA2 = Number((await page.locator('#lead-cell-table td[data-cell="A2"]').textContent()).replace(/,/g, ''));
    assert.equal(cellA2, SAMPLE_10K.leadCells.A2 ?? 0);
    const gradeTemp = await page.$$eval('#grade-temp-table td[data-cell]', (cells) =>
      Object.fromEntries(cells.map((c) => [c.dataset.cell, Number(c.textContent.replace(/,/g, ''))])));
    for (const [grade, row] of Object.entries(SAMPLE_10K.gradeTemp)) {
      for (const [t, n] of Object.entries(row)) assert.equal(gradeTemp[`${grade}-${t}`], n, `${grade}-${t}`);
    }

    for (const c of await chartsDrawn()) {
      assert.ok(c.chart, `${c.id} is a Chart.js chart`);
      assert.ok(c.width > 100 && c.height > 100, `${c.id} has a size (${c.width}x${c.height})`);
      assert.ok(c.painted > 200, `${c.id} drew something (${c.painted} painted samples)`);
    }
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500))); // chart animations
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-leads-sample.png'), fullPage: true });

    const csv = await download();
    assert.equal(crypto.createHash('sha256').update(csv).digest('hex'), SAMPLE_10K.csvSha256,
      'the segmented CSV is, byte for byte, the engine-per-row page\'s (scores, grades, lead and RFM cells, stages)');
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines.length, 10_001);
    assert.equal(lines[0], [...SAMPLE_COLUMNS, ...RESULT_COLUMNS].join(','));
    assert.match(lines[1], /^L0000001,/);
  });

  test('a chosen CSV file streams through the same pipeline (quotes, CRLF, BOM)', async () => {
    const header = ['lead_id', 'company', 'job_title', 'industry', 'company_size', 'annual_revenue', 'newsletter_subscribed',
      'utm_source', 'last_visit_days_ago', 'visits_30d', 'page_views_30d', 'pricing_views', 'open_cart_value', 'cart_hours_ago', 'interests', 'notes'];
    const rows = [
      // A CTO who viewed pricing twice (26 h apart, the last today): high_intent_tech.
      ['1', '"Brightline, Inc."', 'CTO', 'Technology', '250', '8000000', 'true', 'google', '0', '3', '6', '2', '', '', 'security', '"said ""call me""\r\nnext week"'],
      // A cart left 5 hours ago: cart_abandoners.
      ['2', 'Parcelpine', 'CEO', 'E-commerce', '12', '600000', 'false', 'bing', '0', '1', '2', '0', '2388', '5', '', ''],
      // Almost nothing known.
      ['3', 'Unknown', '', '', '', '', '', '', '', '', '', '', '', '', '', ''],
    ];
    const text = '\uFEFF' + [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
    await page.setInputFiles('#file-input', { name: 'crm-export.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    // The column check comes first: every column of this file is one the rules read.
    await page.locator('#columns-check').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#columns-check-error').isHidden(), true);
    await page.click('#columns-run');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    assert.equal((await page.locator('#kpi-leads').textContent()).trim(), '3');
    assert.match(await page.locator('#results-title').textContent(), /crm-export\.csv/);
    const counts = await tableCounts();
    assert.equal(counts.high_intent_tech, 1);
    assert.equal(counts.cart_abandoners, 1);
    assert.equal(counts.security_minded, 1);
    assert.equal(counts.company_small, 1);

    const expected = await evaluateInNode(text.slice(1));
    assert.deepEqual(counts, expected.summary.segments);
    const csv = await download();
    assert.equal(csv, expected.csv);
    assert.ok(csv.includes('"Brightline, Inc."'), 'quoted fields are quoted again');
    assert.ok(csv.includes('"said ""call me""\r\nnext week"'), 'quotes and line breaks inside fields survive');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-leads-file.png') });
  });
  test('a CRM export with its own column names: the page shows what is read, suggests a mapping, and runs with it', async () => {
    const text = 'email,Employees,Annual Revenue,Job Title,industry,visits,last_seen\n' +
      'ada@x.com,120,8000000,CTO,Technology,4,2026-01-01\n' +
      'bo@y.com,5,100000,Student,Education,1,2026-01-02\n';
    await page.setInputFiles('#file-input', { name: 'hubspot.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    await page.locator('#columns-check').waitFor({ state: 'visible' });
    const readAs = await page.$$eval('#columns-check-rows select', (selects) => Object.fromEntries(selects.map((s) => [s.dataset.column, s.value])));
    assert.deepEqual(readAs, { email: '', Employees: 'company_size', 'Annual Revenue': 'annual_revenue', 'Job Title': 'job_title', industry: 'industry', visits: 'visits_30d', last_seen: '' });
    assert.match(await page.locator('#columns-check-rows tr[data-column="last_seen"]').textContent(), /computed from the time of events/);
    assert.match(await page.locator('#columns-check-summary').textContent(), /This file has 7: 5 will be read, 2 ignored/);

    // Nothing read: the run is refused, not a list of zeros.
    for (const column of ['Employees', 'Annual Revenue', 'Job Title', 'industry', 'visits']) {
      await page.selectOption(`#columns-check-rows select[data-column="${column}"]`, '');
    }
    assert.equal(await page.locator('#columns-check-error').isVisible(), true);
    assert.match(await page.locator('#columns-check-error').textContent(), /None of the columns is read/);
    assert.equal(await page.locator('#columns-run').isDisabled(), true);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-leads-columns-none.png') });

    // The suggestions, confirmed.
    await page.selectOption('#columns-check-rows select[data-column="Employees"]', 'company_size');
    await page.selectOption('#columns-check-rows select[data-column="Annual Revenue"]', 'annual_revenue');
    await page.selectOption('#columns-check-rows select[data-column="Job Title"]', 'job_title');
    await page.selectOption('#columns-check-rows select[data-column="industry"]', 'industry');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-leads-columns.png') });
    await page.click('#columns-run');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    assert.equal((await page.locator('#kpi-leads').textContent()).trim(), '2');
    const counts = await tableCounts();
    assert.equal(counts.company_mid, 1, JSON.stringify(counts));
    assert.equal(counts.company_small, 1);
  });
  test('with spare cores (hardwareConcurrency 4): three evaluation workers, the same results', async () => {
    const four = await watchPage(await context.newPage(), problems, { ignoreFailedRequest: (url) => url.startsWith('blob:') });
    try {
      await four.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }));
      await four.goto(`${server.url}leads.html`);
      await four.waitForSelector('body[data-ready="true"]');
      await four.click('#run-sample');
      await four.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
      assert.match(await four.locator('#results-meta').textContent(), /3 evaluation workers$/);
      const [file] = await Promise.all([four.waitForEvent('download'), four.click('#download')]);
      const csv = fs.readFileSync(await file.path(), 'utf8');
      assert.equal(crypto.createHash('sha256').update(csv).digest('hex'), SAMPLE_10K.csvSha256, 'the same segmented CSV as one thread');
    } finally {
      await four.close();
    }
  });

  test('cancel mid-run stops the workers and leaves the page usable', async () => {
    await page.selectOption('#sample-size', '1000000');
    await page.click('#run-sample');
    await page.locator('#progress-card').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#run-sample').isDisabled(), true, 'inputs are disabled while a run is on');
    // Mid-run: some leads are done.
    await page.waitForFunction(() => /^[1-9][\d,]* of 1,000,000 leads/.test(document.querySelector('#progress-text').textContent), null, { timeout: 120_000 });
    await page.click('#cancel');
    await page.waitForSelector('body[data-state="cancelled"]');
    assert.equal(await page.locator('#progress-card').isHidden(), true);
    assert.equal(await page.locator('#run-sample').isDisabled(), false);
    assert.equal(await page.locator('#file-input').isDisabled(), false);
    // No result of the cancelled run arrives later.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1500)));
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'cancelled');

    // And the page runs the next list.
    const text = 'email,job_title,industry,company_size\nada@x.com,CTO,Technology,120\nbo@y.com,Student,Education,5\n';
    await page.setInputFiles('#file-input', { name: 'after-cancel.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
    await page.locator('#columns-check').waitFor({ state: 'visible' });
    await page.click('#columns-run');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    assert.equal((await page.locator('#kpi-leads').textContent()).trim(), '2');
    assert.match(await page.locator('#results-title').textContent(), /after-cancel\.csv/);
    await page.selectOption('#sample-size', '10000');
  });
});
