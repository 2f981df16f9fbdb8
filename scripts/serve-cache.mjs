// HTTP caching and compression for scripts/serve.mjs.
//
// - Validators: every file response has a strong ETag (a hash of the bytes
//   sent before compression) and Last-Modified; If-None-Match (else
//   If-Modified-Since) that still matches answers 304 with no body. With
//   "Cache-Control: no-cache" the browser keeps what it downloaded (the
//   wasm too: its compiled code is cached by the browser with it) and only
//   asks whether it changed, so a rebuild is never served stale.
// - Compression: text, JSON, SVG and wasm are sent with Brotli or gzip when
//   the request accepts it (Vary: Accept-Encoding). Compressed bodies are
//   kept in memory per file version, so each is compressed once.
import crypto from 'node:crypto';
import zlib from 'node:zlib';

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|wasm)|image\/svg\+xml)/;
const MIN_COMPRESS_BYTES = 512;
const MAX_CACHED = 200;
const compressedCache = new Map(); // `${etag} ${encoding}` -> Buffer

export function etagOf(body) {
  return `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Whether the request's validators match: answer 304. */
export function isNotModified(req, etag, mtime) {
  const match = req.headers['if-none-match'];
  if (match !== undefined) {
    return match.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === etag || t === '*');
  }
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

/** The encoding to send `type` in for this request: 'br', 'gzip' or null. */
export function chooseEncoding(req, type, size) {
  if (size < MIN_COMPRESS_BYTES || !COMPRESSIBLE.test(type)) return null;
  const accepted = new Map();
  for (const part of String(req.headers['accept-encoding'] ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    if (name) accepted.set(name, q ? Number(q[1]) : 1);
  }
  for (const name of ['br', 'gzip']) if ((accepted.get(name) ?? accepted.get('*') ?? 0) > 0) return name;
  return null;
}

export function compress(body, encoding, etag) {
  const key = `${etag} ${encoding}`;
  let out = compressedCache.get(key);
  if (!out) {
    out = encoding === 'br'
      ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
      : zlib.gzipSync(body, { level: 9 });
    if (compressedCache.size >= MAX_CACHED) compressedCache.delete(compressedCache.keys().next().value);
    compressedCache.set(key, out);
  }
  return out;
}
