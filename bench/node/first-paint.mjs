// Time to the first hero content on the demo's home page, in headless
// Chromium (the shared harness, tests/browser/fixtures/chromium.mjs):
//
//   node bench/node/first-paint.mjs [--root DIR] [--runs N] [--shots PREFIX]
//
// - first visit: a fresh context, no consent, no stored profile;
// - returning visitor: consent given and the "cto" persona replayed, then
//   the page loaded again (its hero is personalized: "tech_leader");
// - throttled: the first visit over a slow mobile link (CDP
//   Network.emulateNetworkConditions: 150 ms RTT, 1.6 Mbit/s down,
//   750 kbit/s up), with the browser cache disabled.
//
// "First hero content" is the start of the first animation frame after
// which the hero slot shows a visible <h1>, or the first paint if that came
// later (the frame was not painted before it). Medians of --runs
// (default 5). --root serves another checkout (e.g. an older commit, to
// compare); --shots writes a screenshot of each scenario taken 400 ms after
// the navigation started (throttled: 1500 ms), as PREFIX-<scenario>.png.
import path from 'node:path';
import { launchChromium } from '../../tests/browser/fixtures/chromium.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { median } from '../lib/workload.js';

const THROTTLE = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };

function parseArgs(argv) {
  const opts = { runs: 5, root: undefined, shots: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') opts.root = path.resolve(argv[++i]);
    else if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else if (argv[i] === '--shots') opts.shots = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

// Records, from the first frame, when the hero first shows a visible <h1>.
// The check runs in a task after each frame (so after every rAF callback,
// prepaint.js's included, has run) and is credited to that frame's time.
function watchHero() {
  window.__heroAt = null;
  const frame = (at) => {
    setTimeout(() => {
      const h1 = document.querySelector('[data-leadseg-slot="hero"] h1');
      if (h1 && getComputedStyle(h1).visibility === 'visible' && h1.getClientRects().length) {
        window.__heroAt = at;
        window.__heroText = h1.textContent;
        return;
      }
      requestAnimationFrame(frame);
    }, 0);
  };
  requestAnimationFrame(frame);
}

async function measure(context, url, { throttle = false, shot = null } = {}) {
  const page = await context.newPage();
  await page.addInitScript(watchHero);
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  }
  const navigation = page.goto(url);
  if (shot) {
    await new Promise((resolve) => setTimeout(resolve, throttle ? 1500 : 400));
    await page.screenshot({ path: shot }).catch(() => {});
  }
  await navigation;
  await page.waitForFunction(() => window.__heroAt !== null, null, { timeout: 60_000 });
  const result = await page.evaluate(() => ({
    hero: Math.round(window.__heroAt),
    text: window.__heroText,
    firstPaint: Math.round(performance.getEntriesByType('paint').find((p) => p.name === 'first-paint')?.startTime ?? NaN),
  }));
  await page.close();
  return result;
}

async function returningContext(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.click('#consent button[data-consent="all"]');
  await page.click('#inspector button[data-persona="cto"]');
  await page.waitForSelector('body[data-persona="cto"]:not([data-replaying])', { timeout: 60_000 });
  await page.close();
  return context;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const server = await startServer({ port: 0, root: opts.root });
  const browser = await launchChromium({ args: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding'] });
  const scenarios = {
    'first visit': async (shot) => {
      const context = await browser.newContext();
      try {
        return await measure(context, server.url, { shot });
      } finally {
        await context.close();
      }
    },
    'returning visitor': async (shot) => {
      const context = await returningContext(browser, server.url);
      try {
        return await measure(context, server.url, { shot });
      } finally {
        await context.close();
      }
    },
    'first visit, throttled': async (shot) => {
      const context = await browser.newContext();
      try {
        return await measure(context, server.url, { throttle: true, shot });
      } finally {
        await context.close();
      }
    },
  };
  try {
    console.log(`first hero content, ${opts.root ?? 'this checkout'}, median of ${opts.runs} runs (ms since navigation start)`);
    for (const [name, run] of Object.entries(scenarios)) {
      const runs = [];
      for (let i = 0; i < opts.runs; i++) {
        const shot = opts.shots && i === 0 ? `${opts.shots}-${name.replace(/[^a-z]+/g, '-')}.png` : null;
        runs.push(await run(shot));
      }
      // On screen: not before the first paint.
      for (const r of runs) r.hero = Math.max(r.hero, r.firstPaint);
      const hero = median(runs.map((r) => r.hero));
      const paint = median(runs.map((r) => r.firstPaint));
      console.log(`  ${name.padEnd(24)} hero ${String(hero).padStart(5)} ms   first paint ${String(paint).padStart(5)} ms   "${runs[0].text}"   runs: ${runs.map((r) => r.hero).join(', ')}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
