// track() p50 through the package's API in Chromium (and node), for one or
// more trees run back to back in one process, so that "before" and "after"
// share the machine's load:
//
//   node bench/node/track-compare.mjs [--rounds 2] [--samples 1000] [--node] \
//        [label=/path/to/tree ...]        (default: this checkout as "this")
//
// A tree is a checkout (or a copy of one) with web/dist built; each is
// served on its own (bench/node/server.mjs) and measured with
// bench/lib/track.js, the same code as bash bench/run.sh's "track" rows:
// the worked example grown to 50 segments, 100 / 1,000 / 10,000 stored
// events, the core's trackObject and the package's engine.track(). Rounds
// alternate the trees' order. Prints p50 / p90 in µs per row.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../tests/wasm/load.mjs';
import { withBrowser, openBenchPage } from './browser.mjs';
import { loadTrackConfig } from './track.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = opt('--rounds', 2);
const samples = opt('--samples', 1000);
const withNode = args.includes('--node');
const trees = args.filter((a) => a.includes('=')).map((a) => {
  const [label, dir] = a.split('=');
  return { label, dir: path.resolve(dir) };
});
if (!trees.length) trees.push({ label: 'this', dir: REPO_ROOT });

const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-track-'));
fs.writeFileSync(path.join(buildDir, 'track-50.json'), JSON.stringify(loadTrackConfig()));
const sharedDir = path.resolve(REPO_ROOT, '../shared');
const fmt = (r) => `${r.p50.toFixed(2)} / ${r.p90.toFixed(2)}`;
const results = [];

for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? [...trees].reverse() : trees;
  for (const tree of order) {
    const load = os.loadavg()[0].toFixed(1);
    const out = await withBrowser({ repoRoot: tree.dir, sharedDir, buildDir, log: () => {} }, async ({ browser, server }) => {
      const page = await openBenchPage(browser, server);
      try {
        return await page.call('track', { samples, warmup: 100, batch: 10 });
      } finally {
        await page.close();
      }
    });
    for (const r of out.rows) {
      results.push({ round, tree: tree.label, env: 'chromium', load, api: r.api, history: r.history, p50: r.p50, p90: r.p90 });
      console.log(`round ${round} ${tree.label} chromium (load ${load}) ${r.api} @${r.history}: ${fmt(r)}`);
    }
    if (withNode) {
      const { measureTrackNode } = await import(pathToFileURL(path.join(tree.dir, 'bench/node/track.mjs')).href);
      const { rows } = await measureTrackNode({ config50: loadTrackConfig(), samples: 3 * samples, warmup: 200 });
      for (const r of rows) {
        results.push({ round, tree: tree.label, env: 'node', load, api: r.api, history: r.history, p50: r.p50, p90: r.p90 });
        console.log(`round ${round} ${tree.label} node (load ${load}) ${r.api} @${r.history}: ${fmt(r)}`);
      }
    }
  }
}
fs.rmSync(buildDir, { recursive: true, force: true });
if (args.includes('--json')) console.log(JSON.stringify(results));
