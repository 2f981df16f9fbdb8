#!/usr/bin/env node
// Tiny zero-dependency static server for the demo page.
//
//   node scripts/serve.mjs [--port N]      (default: $PORT or 8080; the next
//                                          free port is used if N is busy)
//
//   /          -> <root>/demo/   (index.html for directories)
//   /web/...   -> <root>/web/    (the JS package and web/dist wasm build)
//   /config/, /vendor/ -> a fixed allow-list of files (FIXED_FILES): the
//              demo's config and browser builds of its npm dependencies
//   /collect, /estimates -> leadseg-collect (web/collect/) for the demo's
//              config, so reports made in the page give real estimates
//              (POST /collect is the one route that is not GET or HEAD)
//
// Bound to 127.0.0.1 only. GET and HEAD only, no directory listings, no
// dotfiles, no path traversal (also through symlinks). Every response carries
// a strict Content-Security-Policy, so pages may not use inline scripts or
// styles; 'wasm-unsafe-eval' is what WebAssembly compilation needs.
//
// Responses carry validators (ETag, Last-Modified; 304 when unchanged) and
// are compressed when the client accepts it (serve-cache.mjs); the demo
// pages' shared parts are included server-side (serve-includes.mjs).
//
// Tests import { startServer } and start it in-process on port 0.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { createCollector } from '../web/collect/server.js';
import { chooseEncoding, compress, etagOf, isNotModified } from './serve-cache.mjs';
import { expandIncludes, hasIncludes } from './serve-includes.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const COMMON_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

export function contentType(file) {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

// Read-only single files outside the mounts, by exact URL path.
const FIXED_FILES = {
  '/config/b2b-saas.json': 'docs/examples/b2b-saas.json',
  '/vendor/chart.umd.min.js': 'node_modules/chart.js/dist/chart.umd.min.js',
  '/vendor/chart.umd.min.js.map': 'node_modules/chart.js/dist/chart.umd.min.js.map',
};

// Maps a URL path to [mountDirectory, relativePath] or null.
function mount(root, urlPath) {
  if (urlPath === '/web' || urlPath.startsWith('/web/')) {
    return [path.join(root, 'web'), urlPath.slice('/web'.length)];
  }
  return [path.join(root, 'demo'), urlPath];
}

// Resolves a request path to a real file inside its mount, or null.
async function resolveFile(root, rawPath) {
  let urlPath;
  try {
    urlPath = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (urlPath.includes('\0') || urlPath.includes('\\')) return null;
  if (Object.hasOwn(FIXED_FILES, urlPath)) {
    const file = path.join(root, FIXED_FILES[urlPath]);
    const stat = await fs.promises.stat(file).catch(() => null);
    return stat?.isFile() ? { file, stat } : null;
  }
  const segments = urlPath.split('/');
  if (segments.some((s) => s === '..' || s.startsWith('.') && s !== '')) return null;

  const [base, rel] = mount(root, urlPath);
  let file = path.resolve(base, '.' + path.posix.normalize('/' + rel));
  let baseReal;
  try {
    baseReal = await fs.promises.realpath(base);
    file = await fs.promises.realpath(file);
  } catch {
    return null;
  }
  if (file !== baseReal && !file.startsWith(baseReal + path.sep)) return null;

  let stat = await fs.promises.stat(file).catch(() => null);
  if (stat?.isDirectory()) {
    file = path.join(file, 'index.html');
    stat = await fs.promises.stat(file).catch(() => null);
  }
  if (!stat?.isFile()) return null;
  return { file, stat };
}

// The file's bytes (a demo page with its includes expanded) and its mtime.
async function readBody(root, { file, stat }) {
  let body = await fs.promises.readFile(file);
  let mtime = stat.mtime;
  if (file.endsWith('.html') && hasIncludes(body.toString('utf8'))) {
    const { html, files } = await expandIncludes(body.toString('utf8'), path.join(root, 'demo', 'partials'));
    body = Buffer.from(html);
    for (const f of files) {
      const m = (await fs.promises.stat(f)).mtime;
      if (m > mtime) mtime = m;
    }
  }
  return { body, mtime };
}

// 200 with the (possibly compressed) body, or 304 when the validators match.
async function sendFile(req, res, root, found) {
  const type = contentType(found.file);
  const { body, mtime } = await readBody(root, found);
  const encoding = chooseEncoding(req, type, body.length);
  const base = etagOf(body);
  const etag = encoding ? `${base.slice(0, -1)}-${encoding}"` : base;
  const headers = { ...COMMON_HEADERS, 'Content-Type': type, ETag: etag, 'Last-Modified': mtime.toUTCString(), Vary: 'Accept-Encoding' };
  if (isNotModified(req, etag, mtime)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const sent = encoding ? compress(body, encoding, base) : body;
  if (encoding) headers['Content-Encoding'] = encoding;
  res.writeHead(200, { ...headers, 'Content-Length': sent.length });
  res.end(req.method === 'HEAD' ? undefined : sent);
}

function handler(root) {
  return async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
        return;
      }
      // The request target is a path: appended to the origin, not resolved
      // against it, so "//" or "//host/x" is a path with empty segments
      // rather than a URL naming another host (new URL('//', base) throws).
      const { pathname } = new URL(req.url.startsWith('/') ? `http://127.0.0.1${req.url}` : req.url, 'http://127.0.0.1');
      // "/web" without the slash would break relative URLs in web/.
      if (pathname === '/web') {
        send(res, 301, 'Moved\n', { Location: '/web/' });
        return;
      }
      const found = await resolveFile(root, pathname);
      if (!found) {
        send(res, 404, 'Not Found\n');
        return;
      }
      await sendFile(req, res, root, found);
    } catch (err) {
      if (!res.headersSent) send(res, 500, 'Internal Server Error\n');
      else res.destroy();
      console.error('serve:', err);
    }
  };
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Starts the static server.
 * @param {{port?: number, root?: string, host?: string, fallbackPorts?: number, collectDb?: string}} [options]
 *   port: 0 picks a free port. fallbackPorts: how many following ports to try
 *   when `port` is busy (default 0: fail with EADDRINUSE). collectDb: the
 *   collector's SQLite file (default ':memory:'); there is a collector when
 *   the root has the demo's config.
 * @returns {Promise<{server: http.Server, port: number, url: string, collector: object|null, close: () => Promise<void>}>}
 */
export async function startServer({ port = 0, root = REPO_ROOT, host = '127.0.0.1', fallbackPorts = 0, collectDb = ':memory:' } = {}) {
  const absRoot = path.resolve(root);
  // The collector checks reports against the demo's config (none in a root without it).
  const configFile = path.join(absRoot, FIXED_FILES['/config/b2b-saas.json']);
  const collector = fs.existsSync(configFile) ? createCollector({ config: JSON.parse(fs.readFileSync(configFile, 'utf8')), db: collectDb }) : null;
  const serveFile = handler(absRoot);
  const server = http.createServer((req, res) => {
    if (collector?.handles(req.url.split('?')[0])) collector.handle(req, res);
    else serveFile(req, res);
  });
  let lastError;
  for (let i = 0; i <= fallbackPorts; i++) {
    const candidate = port === 0 ? 0 : port + i;
    try {
      await listen(server, candidate, host);
      lastError = undefined;
      break;
    } catch (err) {
      lastError = err;
      if (err.code !== 'EADDRINUSE' || port === 0) break;
    }
  }
  if (lastError) {
    collector?.close();
    throw lastError;
  }
  const actualPort = server.address().port;
  return {
    server,
    port: actualPort,
    url: `http://${host}:${actualPort}/`,
    collector,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          collector?.close();
          resolve();
        });
        server.closeAllConnections?.();
      }),
  };
}

// The demo's reports outlive a restart of the server, outside the checkout.
const DEMO_REPORTS_DB = path.join(os.tmpdir(), 'leadseg-demo-reports.sqlite');

function parseArgs(argv) {
  const opts = { port: Number.parseInt(process.env.PORT ?? '8080', 10) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port' || arg === '-p') opts.port = Number.parseInt(argv[++i], 10);
    else if (arg.startsWith('--port=')) opts.port = Number.parseInt(arg.slice(7), 10);
    else if (arg === '--root') opts.root = argv[++i];
    else if (arg === '--help' || arg === '-h') opts.help = true;
    else throw new Error(`unknown argument: ${arg}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error('--port must be an integer between 0 and 65535');
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log('usage: node scripts/serve.mjs [--port N] [--root DIR]');
    return;
  }
  let started;
  try {
    started = await startServer({ port: opts.port, root: opts.root, fallbackPorts: 20, collectDb: DEMO_REPORTS_DB });
  } catch (err) {
    if (err.code !== 'EADDRINUSE') throw err;
    started = await startServer({ port: 0, root: opts.root, collectDb: DEMO_REPORTS_DB });
  }
  if (started.port !== opts.port && opts.port !== 0) {
    console.log(`Port ${opts.port} is busy; using ${started.port}.`);
  }
  const root = path.resolve(opts.root ?? REPO_ROOT);
  if (!fs.existsSync(path.join(root, 'web/dist/leadseg.mjs'))) {
    console.warn('warning: web/dist/leadseg.mjs is missing; run: bash scripts/build.sh wasm');
  }
  console.log(`leadseg demo: ${started.url}`);
  console.log(`reports: POST /collect, GET /estimates (kept in ${DEMO_REPORTS_DB})`);
  console.log('Press Ctrl-C to stop.');
  const stop = () => started.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`serve: ${err.message}`);
    process.exit(1);
  });
}
