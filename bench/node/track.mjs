// track() latency in node: the core Engine and the package's engine.track().
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadLeadseg, REPO_ROOT } from '../../tests/wasm/load.mjs';
import { measureTrack, trackConfig } from '../lib/track.js';

export function loadTrackConfig() {
  const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8'));
  return trackConfig(example);
}

export async function measureTrackNode({ config50, samples = 2000, warmup = 200 }) {
  const core = await loadLeadseg();
  let createEngine, compileConfig;
  let packageError = null;
  try {
    ({ createEngine, compileConfig } = await import('../../web/src/node.js'));
  } catch (error) {
    packageError = `web package not usable: ${error.message}`;
  }
  const rows = await measureTrack({ core, createEngine, compileConfig, config50, samples, warmup, now: () => performance.now() });
  return { rows, packageError };
}
