// Headless Chromium (Debian's, driven by playwright-core) against the bench
// pages, served by bench/node/server.mjs with the project's strict CSP.
// Any page error, console error, failed request or CSP violation fails the
// section loudly.
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { startBenchServer } from './server.mjs';
import { median } from '../lib/workload.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Timers and rAF of a background page would be throttled; keep full speed.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

export async function withBrowser({ repoRoot, sharedDir, buildDir, log }, fn) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (bash scripts/setup.sh installs it)`);
  const server = await startBenchServer({ repoRoot, sharedDir, buildDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const version = browser.version();
  try {
    return await fn({ browser, server, version, log });
  } finally {
    await browser.close();
    await server.close();
  }
}

function watch(page, problems) {
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
}

async function cspGuard(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
}

async function assertClean(page, problems, what) {
  const csp = await page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
  const all = [...problems, ...csp.map((v) => `CSP violation: ${v}`)];
  if (all.length) throw new Error(`Chromium ${what}:\n  ${all.join('\n  ')}`);
}

/** Opens the bench page; returns {page, call(name, args), close()}. */
export async function openBenchPage(browser, server) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(600_000);
  const problems = [];
  watch(page, problems);
  await cspGuard(page);
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
      const page = await context.newPage();
      const problems = [];
      watch(page, problems);
      await cspGuard(page);
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
