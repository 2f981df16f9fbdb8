// Shared by the node tests of the web package (tests/web/*.test.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIR = path.join(REPO_ROOT, 'web');
export const EXAMPLE_CONFIG = path.join(REPO_ROOT, 'docs', 'examples', 'b2b-saas.json');

/** The worked example config (a fresh copy each time). */
export function exampleConfig() {
  return JSON.parse(fs.readFileSync(EXAMPLE_CONFIG, 'utf8'));
}

export const START = Date.UTC(2026, 0, 1, 9, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A controllable clock: clock.now() for createEngine, clock.t to move it. */
export function fakeClock(start = START) {
  const clock = { t: start, now: () => clock.t, advance: (ms) => (clock.t += ms) };
  return clock;
}

/** Collects an engine's events: `const log = record(engine, 'segment:enter', ...)`. */
export function record(engine, ...names) {
  const log = [];
  for (const name of names) engine.on(name, (payload) => log.push({ event: name, ...payload }));
  return log;
}

/** A deterministic PRNG (mulberry32) returning numbers in [0, 1). */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
