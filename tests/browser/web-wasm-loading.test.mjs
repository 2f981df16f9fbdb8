// How the package loads its wasm in a page (web/src/loader-wasm.js): the
// fetch and compile start before the Emscripten glue is imported, the
// module is compiled from the response's bytes (not streamed: Chromium
// decodes a streamed module on the page's main thread), so a server that
// sends the wasm with another Content-Type works with the one request, a
// page that preloads the wasm (web/README.md) is not charged a second one,
// and a missing wasm file is a LeadsegError that names it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, watchPage, startSiteServer, checkPrerequisites, REPO_ROOT } from './fixtures/chromium.mjs';
import { compileConfig } from '../../web/src/node.js';
import { EXAMPLE_CONFIG } from '../web/helpers.mjs';

const PAGE = '<!doctype html><meta charset="utf-8"><title>wasm loading</title><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>';
// web/README.md's advice: the page preloads the runtime wasm itself.
const PRELOAD_PAGE = PAGE.replace('<script', '<link rel="preload" href="/web/dist/leadseg-runtime.wasm" as="fetch" crossorigin><script');

// ?wasmUrl=...: passed to createEngine.
const MAIN = `import { createEngine } from '/web/src/index.js';
const wasmUrl = new URLSearchParams(location.search).get('wasmUrl') ?? undefined;
const config = new Uint8Array(await (await fetch('./config.lsc')).arrayBuffer());
try {
  const engine = await createEngine({ config, wasmUrl, consent: { personalization: true } });
  engine.track('page_view', { path: '/pricing' });
  window.result = { variant: engine.decide('hero').variant };
} catch (error) {
  window.result = { error: error.message, name: error.name };
}
document.body.dataset.ready = 'true';
`;

describe('loading the wasm in Chromium', () => {
  let server;
  let browser;
  let site;

  before(async () => {
    checkPrerequisites();
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-streaming-site-'));
    fs.writeFileSync(path.join(site, 'index.html'), PAGE);
    fs.writeFileSync(path.join(site, 'preload.html'), PRELOAD_PAGE);
    fs.writeFileSync(path.join(site, 'main.js'), MAIN);
    fs.writeFileSync(path.join(site, 'config.lsc'), await compileConfig(fs.readFileSync(EXAMPLE_CONFIG, 'utf8')));
    server = await startSiteServer({ site });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (site) fs.rmSync(site, { recursive: true, force: true });
  });

  async function open(query, { route, watch = true, file = 'index.html' } = {}) {
    const problems = [];
    const context = await browser.newContext();
    let page = await context.newPage();
    if (watch) page = await watchPage(page, problems);
    const requests = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    if (route) await page.route(route.pattern, route.handler);
    await page.goto(`${server.url}${file}${query}`);
    await page.waitForFunction(() => document.body.dataset.ready);
    const result = await page.evaluate(() => window.result);
    await context.close();
    assert.deepEqual(problems, []);
    return { result, requests };
  }

  test('the wasm is requested before the glue, in parallel with its import', async () => {
    const { result, requests } = await open('');
    assert.equal(result.error, undefined, result.error);
    const wasm = requests.indexOf('/web/dist/leadseg-runtime.wasm');
    const glue = requests.indexOf('/web/dist/leadseg-runtime.mjs');
    assert.ok(wasm >= 0 && glue >= 0, requests.join(', '));
    assert.ok(wasm < glue, `wasm requested after the glue: ${requests.join(', ')}`);
    assert.equal(requests.filter((p) => p.endsWith('.wasm')).length, 1, 'one wasm request');
  });

  test('a wasm served as application/octet-stream loads, with one request', async () => {
    const file = path.join(REPO_ROOT, 'web', 'dist', 'leadseg-runtime.wasm');
    const { result, requests } = await open('', {
      route: {
        pattern: '**/leadseg-runtime.wasm',
        handler: (route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: fs.readFileSync(file) }),
      },
    });
    assert.equal(result.error, undefined, result.error);
    assert.equal(typeof result.variant, 'string');
    assert.equal(requests.filter((p) => p.endsWith('.wasm')).length, 1, 'one wasm request');
  });

  test('a page that preloads the wasm as web/README.md says: createEngine uses the preload, one request', async () => {
    const { result, requests } = await open('', { file: 'preload.html' });
    assert.equal(result.error, undefined, result.error);
    assert.equal(typeof result.variant, 'string');
    assert.equal(requests.filter((p) => p.endsWith('.wasm')).length, 1, `one wasm request: ${requests.join(', ')}`);
  });

  test('a missing wasm file: a LeadsegError naming it and its HTTP status', async () => {
    const { result } = await open('?wasmUrl=/web/dist/missing.wasm', { watch: false });
    assert.equal(result.name, 'LeadsegError');
    assert.match(result.error, /could not load the leadseg WebAssembly core from \/web\/dist\/missing\.wasm: HTTP 404/);
  });
});
