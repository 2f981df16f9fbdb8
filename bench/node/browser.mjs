// Headless Chromium (Debian's, driven by playwright-core) against the bench
// pages, served by bench/node/server.mjs with the project's strict CSP.
// Any page error, console error, failed request or CSP violation fails the
// section loudly.
import { launchChromium, watchPage, cspProblems } from '../../tests/browser/fixtures/chromium.mjs';
import { startBenchServer } from './server.mjs';
import { median } from '../lib/workload.js';

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

/**
 * Cold start: `runs` fresh contexts per mode (no HTTP cache, no compiled
 * wasm cache); in each, the page is then loaded a second time ("warm": the
 * browser's HTTP and code caches are filled). Medians and every run.
 */
export async function coldStart(browser, server, { runs = 7, modes = ['package', 'raw'] } = {}) {
  const out = {};
  const load = async (page, url, problems, what) => {
    await page.goto(url);
    await page.waitForFunction(() => window.__leadsegCold, null, { timeout: 60_000 });
    const r = await page.evaluate(() => window.__leadsegCold);
    await assertClean(page, problems, what);
    if (r.error) throw new Error(`${what}: ${r.error}`);
    return r;
  };
  for (const mode of modes) {
    const cold = [];
    const warm = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const problems = [];
      const page = await watchPage(await context.newPage(), problems);
      const url = `${server.url}bench/browser/cold.html?mode=${mode}`;
      cold.push(await load(page, url, problems, `cold start (${mode})`));
      warm.push(await load(page, url, problems, `warm start (${mode})`));
      await context.close();
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
    out[mode] = {
      ...summary(cold),
      warm: summary(warm),
      decision: cold[0].decision,
      crossOriginIsolated: cold[0].crossOriginIsolated,
    };
  }
  return out;
}
