// segmentLeads' `workers` option: checked with the other options, and
// whether a run is split across Web Workers at all. Kept apart from
// batch-workers.js so that a run that is not split never loads it.
import { describe, leadsegError } from './errors.js';

/** Below this size a file is read in one piece: starting workers would cost more than they save. */
export const MIN_WORKER_BYTES = 1 << 20;
const MAX_WORKERS = 64;

const isBlob = (value) => typeof globalThis.Blob === 'function' && value instanceof globalThis.Blob;

/** Checks options.workers and options.workerUrl; returns the worker count asked for, or undefined. */
export function checkWorkersOption(workers, workerUrl) {
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1 && workers <= MAX_WORKERS)) {
    throw leadsegError(`segmentLeads: workers must be a whole number from 1 to ${MAX_WORKERS}, got ${describe(workers)}`, '/workers');
  }
  if (workerUrl !== undefined && typeof workerUrl !== 'string' && !(typeof URL === 'function' && workerUrl instanceof URL)) {
    throw leadsegError(`segmentLeads: workerUrl must be a URL (string or URL), got ${describe(workerUrl)}`, '/workerUrl');
  }
  return workers;
}

/** The default worker count: one per core where there are Web Workers, else none. */
export function defaultWorkers() {
  if (typeof globalThis.Worker !== 'function') return 1;
  const cores = globalThis.navigator?.hardwareConcurrency;
  return Number.isInteger(cores) && cores > 0 ? Math.min(cores, MAX_WORKERS) : 1;
}

/**
 * {blob, workers} when this run is split across workers, else null (the
 * run is in this thread, as before): only CSV given whole (text or a
 * Blob/File: a stream cannot be cut), of at least MIN_WORKER_BYTES, without
 * an activity table (every worker would need all of it) or a caller's core
 * module (it cannot cross to a worker), where Web Workers exist (not under
 * node: there the CLI, `leadseg segment`, uses every core).
 */
export function workerPlan(leads, options, workers = defaultWorkers(), { hasWorkers = typeof globalThis.Worker === 'function' } = {}) {
  if (workers <= 1 || !hasWorkers) return null;
  if (options.events !== undefined || options.module !== undefined) return null;
  let blob = null;
  if (isBlob(leads)) blob = leads;
  else if (typeof leads === 'string' && leads.length >= MIN_WORKER_BYTES / 3) blob = new Blob([leads]);
  if (blob === null || blob.size < MIN_WORKER_BYTES) return null;
  return { blob, workers };
}
