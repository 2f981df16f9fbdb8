// Shared by the node tests of the web package (tests/web/*.test.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkerHandler } from '../../web/src/batch-worker-handler.js';

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

/**
 * A Worker-shaped object running batch-worker-handler.js in this thread, for
 * the `createWorker` option of the worker paths; `log` counts starts and
 * terminations.
 */
export function inProcessWorkers(log = { started: 0, terminated: 0 }) {
  return () => {
    log.started++;
    const worker = {
      onmessage: null,
      onerror: null,
      terminated: false,
      terminate() {
        if (!this.terminated) log.terminated++;
        this.terminated = true;
      },
    };
    const handle = createWorkerHandler((message, transfer) => {
      // Transferred as postMessage would: the worker's buffers detached.
      const data = structuredClone(message, { transfer });
      log.messages?.push(data);
      setTimeout(() => {
        if (!worker.terminated) worker.onmessage({ data });
      }, 0);
    });
    worker.postMessage = (message) => {
      const data = structuredClone(message);
      setTimeout(() => {
        if (!worker.terminated) handle(data);
      }, 0);
    };
    return worker;
  };
}
