// leadseg-collect: strict validation (4xx, nothing stored), what is stored,
// estimates with k-suppression, the estimator SQL on SQLite and DuckDB, and
// acknowledged reports surviving kill -9.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import { createCollector } from '../../web/collect/server.js';
import { parseArgs } from '../../web/collect/cli.js';
import { ESTIMATES_SQL, REPORTS_TABLE } from '../../web/collect/estimates-sql.js';
import { reportRows, reportShape } from '../../web/collect/shape.js';
import { trueBits } from '../../web/src/report.js';
import { planReport, reportItems } from '../../web/src/privacy/reporter.js';
import { ReportState } from '../../web/src/privacy/state.js';
import { EXAMPLE_CONFIG, REPO_ROOT, exampleConfig, seededRandom } from './helpers.mjs';

const DAY1 = Date.UTC(2026, 5, 1, 12);

async function started(options = {}) {
  const collector = createCollector({ config: exampleConfig(), ...options });
  const server = http.createServer((req, res) => collector.handle(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const close = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    collector.close();
  });
  return { collector, url, close, rows: () => collector.store.reportCount('0000-01-01', '9999-12-31') };
}

function post(url, body, headers = { 'content-type': 'application/json' }) {
  return fetch(`${url}/collect`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

const segmentReport = (id = 'high_intent_tech', bit = 1) => ({ version: 2, mechanism: 'memoized-rr', epsilon: 1, segment: { id, bit } });

test('POST /collect rejects anything off the config\'s shape with a clear 4xx and stores nothing', async () => {
  const c = await started();
  const cases = [
    ['wrong content type', () => post(c.url, segmentReport(), { 'content-type': 'text/plain' }), 415, /Content-Type: application\/json/],
    ['form content type', () => post(c.url, 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/],
    ['oversize (declared)', () => post(c.url, 'x'.repeat(5000)), 413, /at most 4096 bytes/],
    ['not JSON', () => post(c.url, '{"version":'), 400, /not valid JSON/],
    ['an array', () => post(c.url, [segmentReport()]), 422, /must be a JSON object/],
    ['unknown segment', () => post(c.url, segmentReport('nope')), 422, /\/segment\/id: unknown segment "nope"/],
    ['a bit of 2', () => post(c.url, segmentReport('high_intent_tech', 2)), 422, /\/segment\/bit: must be 0 or 1/],
    ['a bit as a string', () => post(c.url, segmentReport('high_intent_tech', '1')), 422, /\/segment\/bit/],
    ['a bit as true', () => post(c.url, segmentReport('high_intent_tech', true)), 422, /\/segment\/bit/],
    ['an extra field', () => post(c.url, { ...segmentReport(), ip: '1.2.3.4' }), 422, /unknown field "ip"/],
    ['two items', () => post(c.url, { ...segmentReport(), score: { bands: [], bits: [] } }), 422, /exactly one of/],
    ['missing epsilon', () => post(c.url, { version: 2, mechanism: 'memoized-rr', segment: { id: 'high_intent_tech', bit: 1 } }), 422, /missing field "epsilon"/],
    ['ε above the maximum', () => post(c.url, { ...segmentReport(), epsilon: 5 }), 422, /\/epsilon: must be a number in \(0, 4\]/],
    ['ε zero', () => post(c.url, { ...segmentReport(), epsilon: 0 }), 422, /\/epsilon/],
    ['version 1', () => post(c.url, { ...segmentReport(), version: 1 }), 422, /\/version: only version 2/],
    ['wrong mechanism', () => post(c.url, { ...segmentReport(), mechanism: 'memoized-oue' }), 422, /\/mechanism: must be "memoized-rr"/],
    ['score bits too short', () => post(c.url, { version: 2, mechanism: 'memoized-oue', epsilon: 1, score: { bands: ['0-25', '25-50', '50-75', '75-100'], bits: [0, 1, 0] } }), 422, /\/score\/bits: must be an array of 4 bits/],
    ['other score bands', () => post(c.url, { version: 2, mechanism: 'memoized-oue', epsilon: 1, score: { bands: ['0-50', '50-100'], bits: [0, 1] } }), 422, /\/score\/bands: must be/],
    ['unknown experiment', () => post(c.url, { version: 2, mechanism: 'memoized-rr', epsilon: 1, experiment: { key: 'x', variant: 'short', bits: [1, 0] } }), 422, /\/experiment\/key: unknown experiment "x"/],
    ['unknown variant', () => post(c.url, { version: 2, mechanism: 'memoized-rr', epsilon: 1, experiment: { key: 'lead-form-tournament', variant: 'long-ish', bits: [1, 0] } }), 422, /\/experiment\/variant: unknown variant/],
    ['experiment bits of 3', () => post(c.url, { version: 2, mechanism: 'memoized-rr', epsilon: 1, experiment: { key: 'lead-form-tournament', variant: 'short', bits: [1, 0, 1] } }), 422, /\/experiment\/bits: must be an array of 2 bits/],
    ['GET /collect', () => fetch(`${c.url}/collect`), 405, /accepts POST only/],
    ['elsewhere', () => post(`${c.url}/other`, segmentReport()), 404, /not found/],
  ];
  for (const [name, call, status, message] of cases) {
    const response = await call();
    assert.equal(response.status, status, name);
    const body = await response.json();
    assert.match(body.error, message, name);
  }
  // Oversize without a Content-Length (chunked): cut off at the limit.
  const chunked = await new Promise((resolve, reject) => {
    const req = http.request(`${c.url}/collect`, { method: 'POST', headers: { 'content-type': 'application/json' } }, resolve);
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
    req.end();
  });
  assert.equal(chunked.statusCode, 413);
  chunked.resume();
  assert.equal(c.rows(), 0, 'nothing stored');
  assert.equal((await post(c.url, segmentReport())).status, 204);
  assert.equal(c.rows(), 1);
  await c.close();
});

test('only the randomized bits and a receipt day are stored: no IP, user agent, cookie or time of day', async () => {
  const c = await started({ now: () => DAY1 });
  const response = await post(c.url, segmentReport(), { 'content-type': 'application/json; charset=utf-8', cookie: 'sid=secret-cookie', 'user-agent': 'SecretAgent/1.0' });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get('set-cookie'), null);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-collect-')), 'r.sqlite');
  await c.close();
  const d = await started({ now: () => DAY1, db: file });
  await post(d.url, segmentReport(), { 'content-type': 'application/json', cookie: 'sid=secret-cookie', 'user-agent': 'SecretAgent/1.0' });
  await d.close();
  const db = new Database(file, { readonly: true });
  const columns = db.prepare('PRAGMA table_info(reports)').all().map((c) => c.name);
  assert.deepEqual(columns, ['report', 'day', 'cell', 'bit', 'p1', 'p0']);
  const rows = db.prepare('SELECT * FROM reports').all();
  assert.deepEqual(rows.map(({ report, day, cell, bit }) => ({ report, day, cell, bit })), [{ report: 1, day: '2026-06-01', cell: 'segment:high_intent_tech', bit: 1 }]);
  db.close();
  const bytes = fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
  for (const secret of ['secret-cookie', 'SecretAgent', '127.0.0.1']) assert.ok(!bytes.includes(secret), secret);
});

test('allowOrigin: CORS preflight and headers for pages on another origin; none by default', async () => {
  const c = await started({ allowOrigin: 'https://www.example.com' });
  const preflight = await fetch(`${c.url}/collect`, { method: 'OPTIONS', headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://www.example.com');
  assert.equal(preflight.headers.get('access-control-allow-headers'), 'Content-Type');
  const response = await post(c.url, segmentReport());
  assert.equal(response.status, 204);
  assert.equal(response.headers.get('access-control-allow-origin'), 'https://www.example.com');
  await c.close();
  const d = await started();
  assert.equal((await fetch(`${d.url}/collect`, { method: 'OPTIONS' })).status, 405);
  assert.equal((await post(d.url, segmentReport())).headers.get('access-control-allow-origin'), null);
  await d.close();
});

// n visitors' reports through the real report code path (one report each).
function simulatedReports(n, truth, random) {
  const config = exampleConfig();
  const ids = config.segments.map((s) => s.id);
  const reports = [];
  for (let i = 0; i < n; i++) {
    const member = new Set(ids.filter((id) => random() < truth(id)));
    const bits = trueBits({ segmentIds: ids, member, score: random() * 100, bands: [0, 25, 50, 75, 100], experiments: { 'lead-form-tournament': ['short', 'long', 'quiz'] }, ledger: {} });
    const plan = planReport({ items: reportItems(bits), epsilon: 1, state: new ReportState('sim'), limits: { perDay: 1, per30Days: 10 }, time: DAY1, random });
    reports.push(plan.payload);
  }
  return reports;
}

test('GET /estimates: de-biased shares with 95% intervals, cells under k suppressed, days filtered', async () => {
  let now = DAY1;
  const c = await started({ now: () => now, minReports: 200 });
  const truth = (id) => (id === 'high_intent_tech' ? 0.4 : 0.1);
  const reports = simulatedReports(8000, truth, seededRandom(5));
  for (let i = 0; i < reports.length; i += 200) {
    const statuses = await Promise.all(reports.slice(i, i + 200).map((r) => post(c.url, r).then((res) => res.status)));
    assert.ok(statuses.every((s) => s === 204));
  }
  now += 86_400_000;
  await post(c.url, segmentReport());
  const day1 = await (await fetch(`${c.url}/estimates?from=2026-06-01&to=2026-06-01`)).json();
  assert.equal(day1.reports, 8000);
  assert.equal(day1.minReports, 200);
  const high = day1.segments.high_intent_tech;
  assert.ok(high.n > 250 && high.n < 400, `about 8000/26 reports carry it: ${high.n}`);
  assert.ok(high.ci95[0] < 0.4 && high.ci95[1] > 0.4, JSON.stringify(high));
  assert.ok(Math.abs(high.share - 0.4) < 0.15);
  assert.ok(day1.scoreBands['0-25'].n > 250);
  assert.deepEqual(Object.keys(day1.experiments['lead-form-tournament']), ['short', 'long', 'quiz']);
  const both = await (await fetch(`${c.url}/estimates?from=2026-06-01&to=2026-06-02`)).json();
  assert.equal(both.reports, 8001);
  const day2 = await (await fetch(`${c.url}/estimates?from=2026-06-02&to=2026-06-02`)).json();
  assert.deepEqual(day2.segments.high_intent_tech, { n: 1, suppressed: true }, 'k-anonymity: no share under minReports');
  const defaults = await (await fetch(`${c.url}/estimates`)).json();
  assert.deepEqual([defaults.from, defaults.to], ['2026-05-04', '2026-06-02'], 'default: the last 30 days');
  for (const query of ['from=2026-13-01&to=2026-06-01', 'from=yesterday', 'from=2026-06-03&to=2026-06-01', 'to=2026-02-30']) {
    const response = await fetch(`${c.url}/estimates?${query}`);
    assert.equal(response.status, 400, query);
    assert.match((await response.json()).error, /must be a day YYYY-MM-DD|from is after to/);
  }
  await c.close();
});

test('the estimator SQL gives the same answers on SQLite and on DuckDB', async () => {
  const c = await started({ now: () => DAY1 });
  const reports = simulatedReports(3000, () => 0.3, seededRandom(9));
  const rows = [];
  reports.forEach((r, i) => {
    for (const row of reportRows(c.collector.shape, r)) rows.push([i + 1, '2026-06-01', row.cell, row.bit, row.p1, row.p0]);
  });
  const sqlite = new Database(':memory:');
  sqlite.exec(REPORTS_TABLE);
  const insert = sqlite.prepare('INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?)');
  sqlite.transaction(() => rows.forEach((r) => insert.run(...r)))();
  const fromSqlite = sqlite.prepare(ESTIMATES_SQL).all('2026-06-01', '2026-06-01');

  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(REPORTS_TABLE.replace(/\bREAL\b/g, 'DOUBLE'));
  const appender = await duck.createAppender('reports');
  for (const [report, day, cell, bit, p1, p0] of rows) {
    appender.appendInteger(report);
    appender.appendVarchar(day);
    appender.appendVarchar(cell);
    appender.appendInteger(bit);
    appender.appendDouble(p1);
    appender.appendDouble(p0);
    appender.endRow();
  }
  appender.closeSync();
  const fromDuck = (await duck.runAndReadAll(ESTIMATES_SQL, ['2026-06-01', '2026-06-01'])).getRowObjects();
  assert.equal(fromDuck.length, fromSqlite.length);
  assert.ok(fromSqlite.length >= 21 + 4 + 6);
  fromSqlite.forEach((s, i) => {
    const d = fromDuck[i];
    assert.equal(d.cell, s.cell);
    assert.equal(Number(d.n), s.n);
    assert.ok(Math.abs(d.share - s.share) < 1e-9, s.cell);
    assert.ok(Math.abs(d.stderr - s.stderr) < 1e-9, s.cell);
  });
  duck.closeSync();
  sqlite.close();
  await c.close();
});

test('leadseg-collect: its arguments are checked with a clear message', () => {
  assert.throws(() => parseArgs([]), /--config is required/);
  assert.throws(() => parseArgs(['--config', 'a.json', '--port', 'x']), /--port must be an integer/);
  assert.throws(() => parseArgs(['--config', 'a.json', '--verbose']), /unknown argument: --verbose/);
  assert.throws(() => parseArgs(['--config']), /--config needs a value/);
  assert.deepEqual(parseArgs(['--config', 'a.json', '--min-reports', '20', '--synchronous', 'full']),
    { db: 'leadseg-reports.sqlite', port: 8787, host: '127.0.0.1', config: 'a.json', minReports: 20, synchronous: 'FULL' });
  assert.throws(() => createCollector({ config: exampleConfig(), minReports: 0 }), /minReports must be an integer ≥ 1/);
  assert.throws(() => createCollector({ config: exampleConfig(), synchronous: 'OFF' }), /synchronous must be FULL or NORMAL/);
  assert.throws(() => createCollector({ config: [] }), /the config must be a config object/);
  assert.throws(() => createCollector({ config: { segments: 'all' } }), /segments must be an array/);
  // An experiments-only config (no segments) is valid, as in the engine.
  assert.deepEqual(reportShape({ slots: [{ id: 'hero', experiment: { key: 'h', variants: ['a', 'b'] } }] }).experiments, { h: ['a', 'b'] });
});

test('kill -9 mid-write loses no acknowledged report', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-collect-'));
  const db = path.join(dir, 'reports.sqlite');
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'web/collect/cli.js'), '--config', EXAMPLE_CONFIG, '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`collector exited ${code}`)));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const body = JSON.stringify(segmentReport());
  let acked = 0;
  let killed = false;
  const one = () => new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/collect', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      if (res.statusCode === 204) acked += 1;
      res.on('end', resolve);
    });
    req.on('error', resolve);
    req.end(body);
  });
  const workers = Array.from({ length: 32 }, async () => {
    while (!killed) await one();
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill('SIGKILL');
  killed = true;
  await exited;
  await Promise.all(workers);
  agent.destroy();
  assert.ok(acked > 100, `acknowledged ${acked}`);
  const reopened = new Database(db);
  const stored = reopened.prepare('SELECT COUNT(DISTINCT report) AS n FROM reports').get().n;
  assert.equal(reopened.pragma('integrity_check', { simple: true }), 'ok');
  reopened.close();
  fs.rmSync(dir, { recursive: true, force: true });
  assert.ok(stored >= acked, `stored ${stored}, acknowledged ${acked}`);
  assert.ok(stored <= acked + 32, 'at most the in-flight requests beyond those acknowledged');
});
