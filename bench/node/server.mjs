// A tiny static server for the browser benchmark pages. scripts/serve.mjs
// serves only demo/ and web/, so the bench runner starts this one instead,
// bound to 127.0.0.1 on a free port, with the same strict
// Content-Security-Policy (no inline scripts; 'wasm-unsafe-eval' for
// WebAssembly) plus COOP/COEP so pages are cross-origin isolated, which
// gives performance.now() its finest resolution in Chromium.
//
//   /bench/...  -> bench/            (the pages and bench/lib)
//   /web/...    -> web/              (the package and web/dist)
//   /vendor/growthbook.mjs, /vendor/papaparse.min.js -> node_modules builds
//   /data/<name> -> a fixed map: the shared workload, the worked example,
//                  and the generated files in build/bench/
//   /data/b2b-saas.lsc -> the worked example compiled (compileConfig of the
//                  package, at start): what a site serves in production
// GET/HEAD only, no directory listings, no dotfiles, no traversal.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY, contentType } from '../../scripts/serve.mjs';

const HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export async function startBenchServer({ repoRoot, sharedDir, buildDir }) {
  const mounts = [
    ['/bench/', path.join(repoRoot, 'bench')],
    ['/web/', path.join(repoRoot, 'web')],
  ];
  const fixed = new Map([
    ['/vendor/growthbook.mjs', path.join(repoRoot, 'node_modules/@growthbook/growthbook/dist/bundles/esm.min.js')],
    ['/vendor/papaparse.min.js', path.join(repoRoot, 'node_modules/papaparse/papaparse.min.js')],
    ['/data/segments.json', path.join(sharedDir, 'bench-workload/segments.json')],
    ['/data/profiles.jsonl', path.join(sharedDir, 'bench-workload/profiles.jsonl')],
    ['/data/expected-membership.txt', path.join(sharedDir, 'bench-workload/expected-membership.txt')],
    ['/data/b2b-saas.json', path.join(repoRoot, 'docs/examples/b2b-saas.json')],
  ]);
  for (const name of fs.existsSync(buildDir) ? fs.readdirSync(buildDir) : []) {
    if (/\.(csv|json)$/.test(name)) fixed.set(`/data/${name}`, path.join(buildDir, name));
  }
  const generated = new Map();
  if (fs.existsSync(path.join(repoRoot, 'web/dist/leadseg.wasm'))) {
    const { compileConfig } = await import(pathToFileURL(path.join(repoRoot, 'web/src/node.js')).href);
    const example = fs.readFileSync(path.join(repoRoot, 'docs/examples/b2b-saas.json'), 'utf8');
    generated.set('/data/b2b-saas.lsc', Buffer.from(await compileConfig(example)));
  }
  const resolve = (urlPath) => {
    if (fixed.has(urlPath)) return fixed.get(urlPath);
    if (urlPath.split('/').some((s) => s === '..' || s.startsWith('.'))) return null;
    for (const [prefix, dir] of mounts) {
      if (!urlPath.startsWith(prefix)) continue;
      const file = path.resolve(dir, '.' + path.posix.normalize('/' + urlPath.slice(prefix.length)));
      return file.startsWith(dir + path.sep) ? file : null;
    }
    return null;
  };
  const server = http.createServer((req, res) => {
    const send = (status, body) => {
      res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method Not Allowed\n');
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      return send(400, 'Bad Request\n');
    }
    if (generated.has(urlPath)) {
      const body = generated.get(urlPath);
      res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
    const file = resolve(urlPath);
    const stat = file && fs.existsSync(file) ? fs.statSync(file) : null;
    if (!stat?.isFile()) return send(404, 'Not Found\n');
    res.writeHead(200, { ...HEADERS, 'Content-Type': contentType(file), 'Content-Length': stat.size });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    /** The file served for a URL path, or null. */
    fileFor: resolve,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    }),
  };
}
