// trainModel() and discoverSegments(): learning from a lead list in the
// browser (docs/predictive.md). The lead list is read and typed here
// (learn-input.js); the models are fitted in the learning module
// (bindings/learn.cc, src/learning/), step by step, with the event loop
// yielded to between steps so a page can show progress and abort; with
// { worker: true } the whole call runs in a Web Worker (learn-in-worker.js).
import { describe, isPlainObject, leadsegError } from './errors.js';
import { addColumns, featureNames, readLeads } from './learn-input.js';
import { loadLearnModule } from './learn-loader.js';
import { discoveryExclusions } from './learn-exclude.js';
import { learnInWorker, wantsWorker } from './learn-in-worker.js';

const COMMON_OPTIONS = ['features', 'maxLevels', 'events', 'idColumn', 'eventColumns', 'columnMap', 'types', 'now', 'seed',
  'signal', 'onProgress', 'wasmUrl', 'wasmBinary', 'module', 'worker', 'workerUrl'];
const TRAIN_OPTIONS = new Set([...COMMON_OPTIONS, 'outcome', 'folds', 'holdout', 'C', 'id', 'name', 'points']);
const DISCOVER_OPTIONS = new Set([...COMMON_OPTIONS, 'k', 'kMax', 'restarts', 'depth', 'outcome', 'exclude']);
const SECTION_ID = /^[a-z0-9_]+$/;

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

function checkOptions(options, allowed, what) {
  if (!isPlainObject(options)) throw leadsegError(`${what}: options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) throw leadsegError(`${what}: unknown option "${key}"`, `/${key}`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw leadsegError(`${what}: onProgress must be a function`, '/onProgress');
  }
  const integer = (name, min, max) => {
    const v = options[name];
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) {
      throw leadsegError(`${what}: ${name} must be an integer from ${min} to ${max}, got ${describe(v)}`, `/${name}`);
    }
  };
  integer('maxLevels', 1, 100);
  integer('seed', 0, 2 ** 32 - 1);
  return integer;
}

// Throws a LeadsegError for an error record from the module.
function unwrapFor(what) {
  return (result) => {
    if (result !== null && typeof result === 'object' && '__leadsegError' in result) {
      throw leadsegError(`${what}: ${result.__leadsegError}`, result.path || '');
    }
    return result;
  };
}

function checkAborted(signal, what) {
  if (signal?.aborted) throw signal.reason ?? leadsegError(`${what}: aborted`);
}

function timeOf(now) {
  const at = now === undefined ? Date.now() : typeof now === 'function' ? now() : now;
  if (!Number.isFinite(at)) throw leadsegError('now must be a time in milliseconds (or a function returning one)', '/now');
  return at;
}

// true / false, 1 / 0, "yes" / "no", "true" / "false", "y" / "n", "1" / "0"; null for missing.
function outcomeValue(v) {
  if (v === undefined || v === null || v === '') return null;
  if (v === true || v === 1) return 1;
  if (v === false || v === 0) return 0;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (['yes', 'y', 'true', '1'].includes(t)) return 1;
    if (['no', 'n', 'false', '0'].includes(t)) return 0;
  }
  return undefined;
}

/** See ../index.d.ts (trainModel). */
export async function trainModel(config, leads, options) {
  const what = 'trainModel';
  if (options === undefined) throw leadsegError(`${what}: options.outcome is required (the column saying whether a lead converted)`, '/outcome');
  const integer = checkOptions(options, TRAIN_OPTIONS, what);
  if (wantsWorker(options, what)) return learnInWorker(what, config, leads, options);
  const { outcome, signal, onProgress } = options;
  if (typeof outcome !== 'string' || outcome === '') {
    throw leadsegError(`${what}: options.outcome must be the outcome column's name, got ${describe(outcome)}`, '/outcome');
  }
  if (options.folds !== undefined) integer('folds', 1, 20);
  if (options.holdout !== undefined && !(typeof options.holdout === 'number' && options.holdout > 0 && options.holdout < 1)) {
    throw leadsegError(`${what}: holdout must be a share between 0 and 1, got ${describe(options.holdout)}`, '/holdout');
  }
  if (options.C !== undefined && !(typeof options.C === 'number' && Number.isFinite(options.C) && options.C > 0)) {
    throw leadsegError(`${what}: C must be a positive number, got ${describe(options.C)}`, '/C');
  }
  const id = options.id ?? 'conversion';
  if (typeof id !== 'string' || !SECTION_ID.test(id)) throw leadsegError(`${what}: id must match [a-z0-9_]+, got ${describe(id)}`, '/id');
  if (options.name !== undefined && typeof options.name !== 'string') throw leadsegError(`${what}: name must be a string`, '/name');
  const points = options.points ?? { scoring: 40 };
  if (!isPlainObject(points) || Object.keys(points).some((k) => k !== 'scoring' && k !== 'grading') ||
      (points.scoring === undefined && points.grading === undefined)) {
    throw leadsegError(`${what}: points must be {scoring?: number, grading?: number} with at least one of them`, '/points');
  }
  for (const key of ['scoring', 'grading']) {
    if (points[key] !== undefined && !(typeof points[key] === 'number' && Number.isFinite(points[key]))) {
      throw leadsegError(`${what}: points.${key} must be a finite number, got ${describe(points[key])}`, `/points/${key}`);
    }
  }
  const at = timeOf(options.now);
  const progress = (stage, done, total) => onProgress?.({ stage, done, total });

  progress('features', 0, 1);
  const { table: all } = await readLeads(config, leads, options, what);
  if (!all.has(outcome)) {
    const columns = all.names();
    throw leadsegError(`${what}: the leads have no column "${outcome}" (the outcome; their columns: ${columns.map((c) => `"${c}"`).join(', ')})`, '/outcome');
  }
  const kept = [];
  const y = [];
  all.values(outcome).forEach((value, i) => {
    const v = outcomeValue(value);
    if (v === undefined) {
      throw leadsegError(`${what}: lead ${i} has ${describe(value)} in the outcome column "${outcome}"; expected true/false, 1/0 or yes/no`, '/outcome');
    }
    if (v === null) return; // no outcome yet: left out
    kept.push(i);
    y.push(v);
  });
  const rows = kept.length === all.length ? all : all.subset(kept);
  if (rows.length === 0) throw leadsegError(`${what}: no lead has a value in the outcome column "${outcome}"`, '/outcome');
  const exclude = new Set([outcome, options.idColumn ?? 'email']);
  const { names, explicit } = featureNames(rows, options, exclude, what);
  checkAborted(signal, what);

  const core = await loadLearnModule(options);
  const unwrap = unwrapFor(what);
  const learner = new core.Learner();
  try {
    const skipped = addColumns(learner, rows, names, explicit, unwrap);
    progress('features', 1, 1);
    const rounds = unwrap(learner.startTraining(Float64Array.from(y), JSON.stringify({
      maxLevels: options.maxLevels, C: options.C, folds: options.folds, holdout: options.holdout, seed: options.seed,
    })));
    await nextTask();
    checkAborted(signal, what);
    progress('final', 0, 1);
    unwrap(learner.fitFinal());
    progress('final', 1, 1);
    for (let r = 0; r < rounds; r++) {
      await nextTask();
      checkAborted(signal, what);
      progress('fold', r, rounds);
      unwrap(learner.runRound(r));
    }
    progress('fold', rounds, rounds);
    const exported = { id, at: new Date(at).toISOString() };
    if (options.name !== undefined) exported.name = options.name;
    if (points.scoring !== undefined) exported.scoring = points.scoring;
    if (points.grading !== undefined) exported.grading = points.grading;
    const result = JSON.parse(unwrap(learner.trainingResult(JSON.stringify(exported))));
    result.weights.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
    result.skipped = [...skipped, ...result.skipped];
    result.metrics.leftOut = all.length - rows.length;
    return result;
  } finally {
    learner.delete();
  }
}

/** See ../index.d.ts (discoverSegments). */
export async function discoverSegments(config, leads, options = {}) {
  const what = 'discoverSegments';
  const integer = checkOptions(options, DISCOVER_OPTIONS, what);
  if (wantsWorker(options, what)) return learnInWorker(what, config, leads, options);
  integer('k', 1, 50);
  integer('kMax', 2, 20);
  integer('restarts', 1, 50);
  integer('depth', 1, 3);
  const { signal, onProgress } = options;
  const progress = (stage, done, total) => onProgress?.({ stage, done, total });
  timeOf(options.now);

  progress('features', 0, 1);
  const { table: rows, config: parsed } = await readLeads(config, leads, options, what);
  if (rows.length === 0) throw leadsegError(`${what}: the lead list is empty`);
  const present = new Set(rows.names());
  const excluded = discoveryExclusions(rows, present, options, what);
  const { names, explicit } = featureNames(rows, options, excluded.exclude, what);
  checkAborted(signal, what);

  const core = await loadLearnModule(options);
  const unwrap = unwrapFor(what);
  const learner = new core.Learner();
  try {
    const skipped = [...excluded.skipped, ...addColumns(learner, rows, names, explicit, unwrap)];
    progress('features', 1, 1);
    const ks = unwrap(learner.startDiscovery(JSON.stringify({
      maxLevels: options.maxLevels, k: options.k, kMax: options.kMax, restarts: options.restarts, depth: options.depth, seed: options.seed,
    })));
    for (let i = 0; i < ks.length; i++) {
      await nextTask();
      checkAborted(signal, what);
      progress('k', i, ks.length);
      unwrap(learner.tryK(ks[i]));
    }
    progress('k', ks.length, ks.length);
    await nextTask();
    checkAborted(signal, what);
    progress('describe', 0, 1);
    const result = JSON.parse(unwrap(learner.discoveryResult()));
    progress('describe', 1, 1);
    // Segment ids must not collide with the config's own.
    const taken = new Set((parsed.segments ?? []).map((s) => s?.id));
    for (const cluster of result.clusters) {
      let id = cluster.id;
      for (let n = 2; taken.has(id); n++) id = `${cluster.id.slice(0, 60)}_${n}`;
      taken.add(id);
      cluster.id = id;
      cluster.segment.id = id;
      cluster.segment.description = `Discovered: ${cluster.size} leads (${Math.round(cluster.share * 100)}%); ` +
        `the condition matches ${Math.round(cluster.recall * 100)}% of them at ${Math.round(cluster.precision * 100)}% precision.`;
    }
    result.skipped = [...skipped, ...result.skipped];
    return result;
  } finally {
    learner.delete();
  }
}
