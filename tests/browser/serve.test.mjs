// scripts/serve.mjs: mounts, MIME types, security headers, and no way out of
// demo/ and web/ (raw HTTP requests, so no client normalises the paths first).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { startServer, CONTENT_SECURITY_POLICY } from '../../scripts/serve.mjs';

// A throwaway root with the same shape as the repository.
function makeRoot() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-serve-'));
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  write('demo/index.html', '<!doctype html><title>demo</title>');
  write('demo/app.js', 'export {};');
  write('demo/style.css', 'body{}');
  write('demo/sub/index.html', 'sub index');
  write('demo/.hidden', 'hidden');
  write('web/dist/leadseg.mjs', 'export default 1;');
  write('web/dist/leadseg.js', 'module.exports = 1;');
  write('web/dist/leadseg.wasm', Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  write('secret.txt', 'top secret');
  write('demo-private/secret.txt', 'also secret');
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'demo', 'link.txt'));
  return root;
}

function request(port, rawPath, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('scripts/serve.mjs', () => {
  let root;
  let srv;

  before(async () => {
    root = makeRoot();
    srv = await startServer({ port: 0, root });
  });

  after(async () => {
    await srv?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('binds to 127.0.0.1 on the requested port (0 = any free port)', () => {
    assert.equal(srv.server.address().address, '127.0.0.1');
    assert.ok(srv.port > 0);
    assert.equal(srv.url, `http://127.0.0.1:${srv.port}/`);
  });

  test('serves demo/ at / and web/ at /web/ with the right MIME types', async () => {
    const cases = [
      ['/', 'text/html; charset=utf-8', 'demo'],
      ['/index.html', 'text/html; charset=utf-8', 'demo'],
      ['/app.js', 'text/javascript; charset=utf-8', 'export'],
      ['/style.css', 'text/css; charset=utf-8', 'body'],
      ['/sub/', 'text/html; charset=utf-8', 'sub index'],
      ['/web/dist/leadseg.mjs', 'text/javascript; charset=utf-8', 'export default'],
      ['/web/dist/leadseg.js', 'text/javascript; charset=utf-8', 'module.exports'],
      ['/web/dist/leadseg.wasm', 'application/wasm', 'asm'],
    ];
    for (const [url, type, body] of cases) {
      const res = await request(srv.port, url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers['content-type'], type, url);
      assert.ok(res.body.includes(body), url);
    }
  });

  test('every response carries the strict CSP and nosniff', async () => {
    for (const url of ['/', '/web/dist/leadseg.wasm', '/missing']) {
      const res = await request(srv.port, url);
      assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
    }
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|'unsafe-eval'/);
  });

  test('no directory traversal, dotfiles or symlinks out of the mounts', async () => {
    const attempts = [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/web/../secret.txt',
      '/web/%2e%2e/secret.txt',
      '/web/..%2f..%2fsecret.txt',
      '/web/dist/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%5c..%5csecret.txt',
      '/../demo-private/secret.txt',
      '/.hidden',
      '/link.txt',
      '/index.html%00.js',
      '/%zz',
    ];
    for (const url of attempts) {
      const res = await request(srv.port, url);
      assert.ok([400, 404].includes(res.status), `${url} -> ${res.status}`);
      assert.ok(!res.body.includes('secret'), `${url} leaked a file`);
    }
  });

  test('a path with empty segments ("//", "//host/x") is a path, not a server error', async () => {
    for (const url of ['//', '//index.html', '//example.com/index.html', '/web//leadseg.js']) {
      const res = await request(srv.port, url);
      assert.ok([200, 400, 404].includes(res.status), `${url} -> ${res.status}`);
    }
  });

  test('HEAD works, other methods are refused', async () => {
    const head = await request(srv.port, '/', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const post = await request(srv.port, '/', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  test('a busy port falls back to the next one when asked to', async () => {
    const second = await startServer({ port: srv.port, root, fallbackPorts: 5 });
    try {
      assert.notEqual(second.port, srv.port);
    } finally {
      await second.close();
    }
    await assert.rejects(startServer({ port: srv.port, root }), { code: 'EADDRINUSE' });
  });
});

describe('serve.mjs: caching, compression and includes', () => {
  let root;
  let server;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-serve-cache-'));
    fs.mkdirSync(path.join(root, 'demo', 'partials'), { recursive: true });
    fs.mkdirSync(path.join(root, 'web', 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'demo', 'page.html'), '<!doctype html>\n<body data-page="b">\n  <!--#include nav -->\n<p>page</p>\n');
    fs.writeFileSync(path.join(root, 'demo', 'partials', 'nav.html'), '<nav><a href="/a" data-nav="a">A</a><a href="/b" data-nav="b">B</a></nav>\n');
    fs.writeFileSync(path.join(root, 'web', 'dist', 'leadseg.wasm'), Buffer.alloc(64 * 1024, 7));
    server = await startServer({ port: 0, root });
  });
  after(async () => {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  function get(rawPath, headers = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('the wasm is compressed when the client accepts it, and revalidated with a 304', async () => {
    const plain = await get('/web/dist/leadseg.wasm');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.headers.etag && plain.headers['last-modified']);
    const br = await get('/web/dist/leadseg.wasm', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.ok(br.body.length < plain.body.length / 10);
    assert.deepEqual(zlib.brotliDecompressSync(br.body), plain.body);
    const gz = await get('/web/dist/leadseg.wasm', { 'accept-encoding': 'gzip' });
    assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
    const again = await get('/web/dist/leadseg.wasm', { 'accept-encoding': 'gzip, br', 'if-none-match': br.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const since = await get('/web/dist/leadseg.wasm', { 'if-modified-since': plain.headers['last-modified'] });
    assert.equal(since.status, 304);
    const other = await get('/web/dist/leadseg.wasm', { 'if-none-match': '"something-else"' });
    assert.equal(other.status, 200);
  });

  test('pages get their includes, with the current page marked', async () => {
    const page = await get('/page.html');
    const html = page.body.toString();
    assert.match(html, /<a href="\/b" data-nav="b" aria-current="page">B<\/a>/);
    assert.doesNotMatch(html, /#include/);
    assert.doesNotMatch(html, /data-nav="a" aria-current/);
    // A changed partial changes the page's validator.
    fs.writeFileSync(path.join(root, 'demo', 'partials', 'nav.html'), '<nav>changed</nav>\n');
    const changed = await get('/page.html', { 'if-none-match': page.headers.etag });
    assert.equal(changed.status, 200);
    assert.match(changed.body.toString(), /changed/);
  });
});
