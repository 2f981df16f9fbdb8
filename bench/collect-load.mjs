#!/usr/bin/env node
// Load test of leadseg-collect (issue 17): a bounded number of version-2
// reports POSTed to a collector started as its own process on 127.0.0.1
// (SQLite file, WAL, group commit), at a fixed concurrency over keep-alive
// connections (raw HTTP/1.1 from this process). Prints throughput, latency
// percentiles and the count check: every acknowledged report is in the
// database. Targets (≥ 5,000 reports/s, p99 < 20 ms) are printed as
// PASS/MISS, never asserted.
//
//   node bench/collect-load.mjs [--reports 60000] [--concurrency 8]
//
// Runs twice: synchronous=NORMAL (the default) and FULL.
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { trueBits } from '../web/src/report.js';
import { planReport, reportItems } from '../web/src/privacy/reporter.js';
import { ReportState } from '../web/src/privacy/state.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = path.join(REPO_ROOT, 'docs/examples/b2b-saas.json');
const TARGET_RATE = 5000;
const TARGET_P99_MS = 20;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

// Realistic bodies: reports built by the real code path for random visitors.
function bodies(count) {
  const config = JSON.parse(fs.readFileSync(CONFIG, 'utf8'));
  const ids = config.segments.map((s) => s.id);
  const out = [];
  for (let i = 0; i < count; i++) {
    const bits = trueBits({ segmentIds: ids, member: new Set(ids.filter(() => Math.random() < 0.2)), score: Math.random() * 100, bands: [0, 25, 50, 75, 100], experiments: { 'lead-form-tournament': ['short', 'long', 'quiz'] }, ledger: {} });
    const plan = planReport({ items: reportItems(bits), epsilon: 1, state: new ReportState('bench'), limits: { perDay: 1, per30Days: 10 }, time: Date.now(), random: Math.random });
    out.push(JSON.stringify(plan.payload));
  }
  return out;
}

function startCollector(db, synchronous) {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'web/collect/cli.js'), '--config', CONFIG, '--db', db, '--port', '0', '--synchronous', synchronous], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function collectLoad({ reports = 60_000, concurrency = 8, synchronous = 'normal' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-load-'));
  const db = path.join(dir, 'reports.sqlite');
  const { child, port } = await startCollector(db, synchronous);
  const payloads = bodies(Math.min(reports, 5000));
  // The client writes raw HTTP/1.1 on keep-alive sockets (one request in
  // flight per socket): node's http client costs more CPU than the collector
  // and, on two shared cores, would measure itself.
  const latencies = new Float64Array(reports);
  let next = 0;
  let acked = 0;
  let failed = 0;
  const request = (body) => Buffer.from(`POST /collect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  const requests = payloads.map(request);
  async function connection(count) {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let pending = null;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // A 204 has no body: a response ends at the blank line after its headers.
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const ok = buffered.startsWith('HTTP/1.1 204');
      buffered = buffered.slice(end + 4);
      pending?.(ok);
    });
    socket.on('error', () => pending?.(false));
    const one = (i) => new Promise((resolve) => {
      const t0 = performance.now();
      pending = (ok) => {
        pending = null;
        latencies[i] = performance.now() - t0;
        if (ok) acked += 1;
        else failed += 1;
        resolve(ok);
      };
      socket.write(requests[i % requests.length]);
    });
    if (count !== undefined) {
      for (let i = 0; i < count; i++) await one(i);
    } else {
      while (next < reports) if (!(await one(next++))) break;
    }
    socket.destroy();
  }
  // Warm up the JIT on both sides (these reports are not counted), then measure.
  await Promise.all(Array.from({ length: concurrency }, () => connection(20)));
  const warmup = acked;
  acked = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => connection()));
  const seconds = (performance.now() - started) / 1000;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const check = new Database(db, { readonly: true });
  const stored = check.prepare('SELECT COUNT(DISTINCT report) AS n FROM reports').get().n - warmup;
  check.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    reports,
    concurrency,
    synchronous,
    seconds,
    rate: reports / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    acked,
    failed,
    stored,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const mark = (ok) => (ok ? 'PASS' : 'MISS');
  for (const synchronous of ['normal', 'full']) {
    const r = await collectLoad({ reports: arg('--reports', 60_000), concurrency: arg('--concurrency', 8), synchronous });
    console.log(`leadseg-collect load (synchronous=${synchronous}): ${r.reports} reports, ${r.concurrency} connections, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`);
    console.log(`  throughput   ${Math.round(r.rate)} reports/s   target ≥ ${TARGET_RATE}   ${mark(r.rate >= TARGET_RATE)}`);
    console.log(`  latency      p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   max ${r.max.toFixed(1)} ms   target p99 < ${TARGET_P99_MS} ms   ${mark(r.p99 < TARGET_P99_MS)}`);
    console.log(`  count check  acknowledged ${r.acked}, failed ${r.failed}, stored ${r.stored}   ${mark(r.stored === r.acked && r.failed === 0)}`);
  }
}
