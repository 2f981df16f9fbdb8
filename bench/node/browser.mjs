// Headless Chromium (Debian's, driven by playwright-core) against the bench
// pages, served by bench/node/server.mjs with the project's strict CSP.
// Any page error, console error, failed request or CSP violation fails the
// section loudly.
import fs from 'node:fs';
import { launchChromium, watchPage, cspProblems } from '../../tests/browser/fixtures/chromium.mjs';
import { startBenchServer } from './server.mjs';
import { median } from '../lib/workload.js';
import { gzip9 } from './sizes.mjs';

// Timers and rAF of a background page would be throttled; keep full speed.
const BENCH_ARGS = ['--disable-background-timer-throttling', '--disable-renderer-backgrounding'];

export async function withBrowser({ repoRoot, sharedDir, buildDir, log }, fn) {
  const browser = await launchChromium({ args: BENCH_ARGS });
  let server;
  try {
    server = await startBenchServer({ repoRoot, sharedDir, buildDir });
    const version = browser.version();
    return await fn({ browser, server, version, log });
  } finally {
    await browser.close();
    await server?.close();
  }
}

async function assertClean(page, problems, what) {
  const all = [...problems, ...(await cspProblems(page))];
  if (all.length) throw new Error(`Chromium ${what}:\n  ${all.join('\n  ')}`);
}

/** Opens the bench page; returns {page, call(name, args), close()}. */
export async function openBenchPage(browser, server) {
  const context = await browser.newContext();
  const problems = [];
  const page = await watchPage(await context.newPage(), problems, { timeout: 600_000 });
  await page.goto(`${server.url}bench/browser/index.html`);
  await page.waitForFunction(() => window.leadsegBench?.ready === true, null, { timeout: 60_000 }).catch(async (error) => {
    await assertClean(page, problems, 'bench page did not start');
    throw error;
  });
  return {
    page,
    async call(name, args) {
      const result = await page.evaluate(([n, a]) => window.leadsegBench[n](a), [name, args]).catch(async (error) => {
        await assertClean(page, problems, `${name}()`);
        throw error;
      });
      await assertClean(page, problems, `${name}()`);
      return result;
    },
    close: () => context.close(),
  };
}

// Requests of the cold-start page that are the bench's, not the library's.
const HARNESS = /^\/(bench\/browser\/cold\.(html|js)|bench\/lib\/|data\/)/;

/**
 * Cold start: `runs` fresh contexts per mode (no HTTP cache, no compiled
 * wasm cache); in each, the page is then loaded a second time ("warm": the
 * browser's HTTP and code caches are filled). Medians and every run, and
 * the files the library made the page load (`loaded`: every script and
 * wasm request of the first cold run, with raw and gzip -9 sizes).
 */
export async function coldStart(browser, server, { runs = 7, modes = ['bundle', 'growthbook', 'package', 'raw'] } = {}) {
  const out = {};
  let requests = [];
  const load = async (page, url, problems, what) => {
    requests = [];
    await page.goto(url);
    await page.waitForFunction(() => window.__leadsegCold, null, { timeout: 60_000 });
    const r = await page.evaluate(() => window.__leadsegCold);
    await assertClean(page, problems, what);
    if (r.error) throw new Error(`${what}: ${r.error}`);
    return r;
  };
  // Modes interleaved run by run, so that a change in the machine's load
  // weighs on every mode alike.
  const cold = Object.fromEntries(modes.map((m) => [m, []]));
  const warm = Object.fromEntries(modes.map((m) => [m, []]));
  for (let i = 0; i < runs; i++) {
    for (const mode of modes) {
      const context = await browser.newContext();
      const problems = [];
      const page = await watchPage(await context.newPage(), problems);
      page.on('request', (req) => requests.push(new URL(req.url()).pathname));
      const url = `${server.url}bench/browser/cold.html?mode=${mode}`;
      const r = await load(page, url, problems, `cold start (${mode})`);
      if (i === 0) {
        r.loaded = requests.filter((p) => !HARNESS.test(p)).map((p) => {
          const file = server.fileFor(p);
          return { path: p, raw: fs.statSync(file).size, gzip: gzip9(file) };
        });
      }
      cold[mode].push(r);
      warm[mode].push(await load(page, url, problems, `warm start (${mode})`));
      await context.close();
    }
  }
  const summary = (list) => {
    const steps = Object.keys(list[0].steps);
    return {
      runs: list.length,
      totalMs: median(list.map((r) => r.total)),
      sinceNavigationMs: median(list.map((r) => r.sinceNavigation)),
      steps: Object.fromEntries(steps.map((s) => [s, median(list.map((r) => r.steps[s]))])),
      all: list.map((r) => r.total),
    };
  };
  for (const mode of modes) {
    const first = cold[mode][0];
    out[mode] = {
      ...summary(cold[mode]),
      warm: summary(warm[mode]),
      decision: first.decision,
      crossOriginIsolated: first.crossOriginIsolated,
      loaded: first.loaded,
      loadedGzip: first.loaded.reduce((a, f) => a + f.gzip, 0),
    };
  }
  return out;
}
