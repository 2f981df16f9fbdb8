// A page on a compiled config, in Chromium under the strict CSP: it loads the
// runtime module (leadseg-runtime.{mjs,wasm}) and never the full module with
// the compiler, and decides exactly what a page on the JSON decides.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, watchPage, cspProblems, startSiteServer, checkPrerequisites } from './fixtures/chromium.mjs';
import { compileConfig } from '../../web/src/node.js';
import { EXAMPLE_CONFIG } from '../web/helpers.mjs';

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>compiled config</title>
<link rel="icon" href="data:,">
<script type="module" src="./main.js"></script>
`;

// ?config=lsc|json: the compiled bytes, or the JSON text.
const MAIN = `import { createEngine } from '/web/src/index.js';
const kind = new URLSearchParams(location.search).get('config');
const response = await fetch(kind === 'lsc' ? './config.lsc' : './config.json');
const config = kind === 'lsc' ? new Uint8Array(await response.arrayBuffer()) : await response.text();
try {
  const engine = await createEngine({ config, now: () => Date.UTC(2026, 0, 1, 9), consent: { personalization: true } });
  engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
  engine.track('page_view', { path: '/pricing' });
  engine.track('page_view', { path: '/pricing/teams' });
  window.result = {
    segments: engine.segments(),
    hero: engine.decide('hero'),
    cta: engine.decide('cta'),
    score: engine.score().score,
    warnings: engine.warnings,
    wasm: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => /\\.(wasm|mjs)$/.test(p)),
  };
} catch (error) {
  window.result = { error: String(error && error.message) };
}
document.body.dataset.ready = 'true';
`;

describe('a compiled config in Chromium', () => {
  let server;
  let browser;
  let site;

  before(async () => {
    checkPrerequisites();
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-compiled-site-'));
    fs.writeFileSync(path.join(site, 'index.html'), PAGE);
    fs.writeFileSync(path.join(site, 'main.js'), MAIN);
    fs.writeFileSync(path.join(site, 'config.lsc'), await compileConfig(fs.readFileSync(EXAMPLE_CONFIG, 'utf8')));
    server = await startSiteServer({ site, files: { 'config.json': EXAMPLE_CONFIG } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (site) fs.rmSync(site, { recursive: true, force: true });
  });

  async function open(kind) {
    const problems = [];
    const context = await browser.newContext();
    const page = await watchPage(await context.newPage(), problems);
    await page.goto(`${server.url}index.html?config=${kind}`);
    await page.waitForFunction(() => document.body.dataset.ready);
    const result = await page.evaluate(() => window.result);
    assert.deepEqual(await cspProblems(page), []);
    await context.close();
    assert.deepEqual(problems, []);
    assert.equal(result.error, undefined, result.error);
    return result;
  }

  test('the runtime module only, and the same decisions as the JSON page', async () => {
    const compiled = await open('lsc');
    assert.ok(compiled.wasm.some((p) => p.endsWith('/web/dist/leadseg-runtime.wasm')), compiled.wasm.join(', '));
    assert.ok(!compiled.wasm.some((p) => /\/leadseg\.(wasm|mjs)$/.test(p)), `the full module was loaded: ${compiled.wasm.join(', ')}`);
    const json = await open('json');
    assert.ok(json.wasm.some((p) => p.endsWith('/web/dist/leadseg.wasm')));
    const { wasm: _a, ...a } = compiled;
    const { wasm: _b, ...b } = json;
    assert.deepEqual(a, b);
    assert.equal(a.hero.variant, 'tech_leader');
  });
});
