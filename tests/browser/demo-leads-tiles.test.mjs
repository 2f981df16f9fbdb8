// The lead-list page's summary tiles (demo/leads.html, .kpis): one row at a
// normal desktop width, with the largest counts a 1M-row run shows still
// inside their tiles; two rows of four below 1100 px.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR, checkPrerequisites, launchChromium, startRepoServer } from './fixtures/chromium.mjs';

describe('lead-list page: summary tiles', () => {
  let server;
  let browser;

  before(async () => {
    checkPrerequisites();
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    server = await startRepoServer();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // The tiles' rows (distinct tops) and any tile whose value overflows,
  // with every value set to what a million-row run shows.
  async function layout(width) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    try {
      await page.goto(`${server.url}leads.html`);
      await page.waitForSelector('body[data-ready]');
      return await page.evaluate(() => {
        document.getElementById('results').hidden = false;
        for (const value of document.querySelectorAll('.kpi-value')) value.textContent = '1,000,000';
        const tiles = [...document.querySelectorAll('.kpis .kpi')];
        const rows = new Set(tiles.map((t) => Math.round(t.getBoundingClientRect().top))).size;
        const overflowing = tiles.filter((t) => t.scrollWidth > t.clientWidth || t.querySelector('.kpi-value').scrollWidth > t.querySelector('.kpi-value').clientWidth)
          .map((t) => t.querySelector('.kpi-label').textContent);
        return { tiles: tiles.length, rows, overflowing };
      });
    } finally {
      await page.close();
    }
  }

  test('eight tiles in one row at 1280 and 1440 px, none overflowing', async () => {
    for (const width of [1280, 1440]) {
      const { tiles, rows, overflowing } = await layout(width);
      assert.equal(tiles, 8);
      assert.equal(rows, 1, `${width} px: the tiles take ${rows} rows`);
      assert.deepEqual(overflowing, [], `${width} px: values overflow their tiles`);
    }
  });

  test('two rows of four on a narrow window', async () => {
    const { rows, overflowing } = await layout(1000);
    assert.equal(rows, 2);
    assert.deepEqual(overflowing, []);
  });
});
