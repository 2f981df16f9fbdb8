// The top-level README's getting-started example: the plain-HTML page with
// an import map, installed as `npm install ../leadseg/web` installs it (a
// link in node_modules/), served by a plain static server without the
// demo's CSP, runs as written in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, checkPrerequisites, launchChromium, watchPage } from './fixtures/chromium.mjs';
import { contentType } from '../../scripts/serve.mjs';

function readmeExample() {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const marker = readme.indexOf('<!-- plain-html-example');
  assert.ok(marker >= 0, 'the README has the example');
  const start = readme.indexOf('```html\n', marker) + '```html\n'.length;
  return readme.slice(start, readme.indexOf('\n```', start));
}

// Any static server: files under `root`, following links.
function serveStatic(root) {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (rel === '/favicon.ico') {
      res.writeHead(204).end(); // the site's icon, not part of the example
      return;
    }
    let file = path.join(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    file = fs.realpathSync(file);
    res.writeHead(200, { 'Content-Type': contentType(file) });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('the README plain-HTML example runs as written, from an install of the checkout', async () => {
  checkPrerequisites();
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-my-site-'));
  fs.writeFileSync(path.join(site, 'index.html'), readmeExample());
  fs.mkdirSync(path.join(site, 'node_modules'));
  fs.symlinkSync(path.join(REPO_ROOT, 'web'), path.join(site, 'node_modules', 'leadseg'), 'dir');
  const server = await serveStatic(site);
  const browser = await launchChromium();
  try {
    const problems = [];
    const page = await watchPage(await browser.newPage(), problems);
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('segments'));
    assert.equal(await page.locator('#status').textContent(), 'segments: ctos');
    assert.deepEqual(await page.$$eval('[data-leadseg-slot="hero"] > h1', (h) => h.map((e) => e.textContent)), ['For CTOs: the architecture deep-dive']);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
});
