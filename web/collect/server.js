// The collector's HTTP side: POST /collect stores one report, GET /estimates
// returns de-biased shares. No framework: createCollector() gives a request
// handler a node http server (or the demo server) mounts.
//
// What is stored is the randomized payload's bits and the UTC day the
// collector received it: never an IP address, a user agent, a cookie or a
// time of day. Nothing is logged per request.
import { ReportError, reportRows, reportShape } from './shape.js';
import { ReportStore } from './store.js';

export const DEFAULT_MIN_REPORTS = 50;
export const DEFAULT_MAX_BODY_BYTES = 4096;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const Z95 = 1.959963984540054;

function utcDay(time) {
  return new Date(time).toISOString().slice(0, 10);
}

function validDay(text) {
  return DAY_RE.test(text) && utcDay(Date.parse(`${text}T00:00:00Z`) || 0) === text;
}

class HttpError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path;
  }
}

/**
 * @param {{config: object, db?: string, minReports?: number, maxBodyBytes?: number,
 *          scoreBands?: number[], maxEpsilon?: number, experiments?: Record<string, string[]>,
 *          allowOrigin?: string, synchronous?: 'FULL'|'NORMAL', now?: () => number}} options
 */
export function createCollector(options) {
  const { config, db = ':memory:', minReports = DEFAULT_MIN_REPORTS, maxBodyBytes = DEFAULT_MAX_BODY_BYTES, allowOrigin, now = Date.now } = options ?? {};
  if (!Number.isInteger(minReports) || minReports < 1) throw new TypeError('collector: minReports must be an integer ≥ 1');
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 64) throw new TypeError('collector: maxBodyBytes must be an integer ≥ 64');
  const shape = reportShape(config, options);
  const store = new ReportStore(db, options.synchronous);

  function headers(extra = {}) {
    const h = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...extra };
    if (allowOrigin) h['Access-Control-Allow-Origin'] = allowOrigin;
    return h;
  }

  function json(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, headers({ 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }));
    res.end(text);
  }

  function fail(res, error) {
    if (error instanceof HttpError) json(res, error.status, { error: error.message, ...(error.path !== undefined ? { path: error.path } : {}) });
    else if (error instanceof ReportError) json(res, 422, { error: error.message, path: error.path || '/' });
    else {
      json(res, 500, { error: 'internal error' });
      console.error('leadseg-collect:', error);
    }
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (declared > maxBodyBytes) {
        reject(new HttpError(413, `a report is at most ${maxBodyBytes} bytes`));
        req.resume();
        return;
      }
      const chunks = [];
      let size = 0;
      req.on('data', (chunk) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          reject(new HttpError(413, `a report is at most ${maxBodyBytes} bytes`));
          req.removeAllListeners('data');
          req.resume();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  async function collect(req, res) {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, 'reports must be sent as Content-Type: application/json');
    const text = await readBody(req);
    let payload;
    try {
      payload = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'the body is not valid JSON');
    }
    const rows = reportRows(shape, payload);
    await store.add(utcDay(now()), rows);
    res.writeHead(204, headers());
    res.end();
  }

  function cellResult(row) {
    if (!row || row.n < minReports) return { n: row ? Number(row.n) : 0, suppressed: true };
    const n = Number(row.n);
    return { n, share: row.share, stderr: row.stderr, ci95: [row.share - Z95 * row.stderr, row.share + Z95 * row.stderr] };
  }

  function estimates(url) {
    const today = utcDay(now());
    const to = url.searchParams.get('to') ?? today;
    const from = url.searchParams.get('from') ?? utcDay(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000);
    for (const [name, value] of [['from', from], ['to', to]]) {
      if (!validDay(value)) throw new HttpError(400, `${name} must be a day YYYY-MM-DD, got ${JSON.stringify(value)}`, name);
    }
    if (from > to) throw new HttpError(400, 'from is after to', 'from');
    const rows = new Map(store.estimates(from, to).map((r) => [r.cell, r]));
    const experiments = {};
    for (const [key, variants] of Object.entries(shape.experiments)) {
      experiments[key] = Object.fromEntries(variants.map((v) => [v, {
        exposed: cellResult(rows.get(`experiment:${key}:${v}:exposed`)),
        converted: cellResult(rows.get(`experiment:${key}:${v}:converted`)),
      }]));
    }
    return {
      from,
      to,
      reports: Number(store.reportCount(from, to)),
      minReports,
      segments: Object.fromEntries(shape.segments.map((id) => [id, cellResult(rows.get(`segment:${id}`))])),
      scoreBands: Object.fromEntries(shape.bands.map((label) => [label, cellResult(rows.get(`score:${label}`))])),
      experiments,
    };
  }

  const ROUTES = { '/collect': 'POST', '/estimates': 'GET' };

  return {
    shape,
    store,
    /** Whether `pathname` is the collector's. */
    handles(pathname) {
      return Object.hasOwn(ROUTES, pathname);
    },
    /** Handles a request for /collect or /estimates (anything else: 404). */
    async handle(req, res) {
      try {
        const url = new URL(req.url, 'http://collector');
        const method = ROUTES[url.pathname];
        if (!method) throw new HttpError(404, 'not found');
        if (req.method === 'OPTIONS' && allowOrigin) {
          res.writeHead(204, headers({ 'Access-Control-Allow-Methods': 'POST, GET', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '86400' }));
          res.end();
          return;
        }
        if (req.method !== method) {
          res.setHeader('Allow', method);
          throw new HttpError(405, `${url.pathname} accepts ${method} only`);
        }
        if (method === 'POST') await collect(req, res);
        else json(res, 200, estimates(url));
      } catch (error) {
        if (!res.headersSent) fail(res, error);
        else res.destroy();
      }
    },
    close() {
      store.close();
    },
  };
}
