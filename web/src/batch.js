// segmentLeads(): many leads (CRM exports, server-side batches) through the
// same rules as the browser engine.
//
// Each lead's fields are identified into one core Engine that is erased
// between leads, so segments, score, grade, stage and temperature are
// exactly what a visitor with those attributes (and no events) gets.
// Measured in node 20 on the b2b-saas example (2 shared cores): erase +
// identify ~70 µs, segments() ~4 µs; score, grade, stage and temperature
// come from the core's summary() (a plain object, ~5 µs) rather than
// score() (~140 µs: the whole breakdown is built and parsed as JSON), the
// same numbers (checked on 3,000 random visitors). The Segmenter
// fast path gives segments in ~40 µs but neither score, grade nor stage,
// and sees no metric values (a lead has no events), so it is not used.
import { loadModule } from './loader.js';
import { describe, isPlainObject, leadsegError, loneSurrogateAt, toJsonText, withContext } from './errors.js';
import { parseCsv } from './csv.js';

const DEFAULT_PROGRESS_EVERY = 1000;

function isBlob(value) {
  return typeof globalThis.Blob === 'function' && value instanceof globalThis.Blob;
}

async function* leadRows(leads, options) {
  if (Array.isArray(leads)) {
    yield* leads;
    return;
  }
  if (typeof leads === 'string' || isBlob(leads) || (leads && typeof leads.getReader === 'function') ||
      (leads && typeof leads[Symbol.asyncIterator] === 'function')) {
    yield* parseCsv(leads, { types: options.types ?? true });
    return;
  }
  throw leadsegError('segmentLeads: leads must be an array of objects, CSV text, a Blob/File or a ReadableStream');
}

function configText(config) {
  if (typeof config === 'string') {
    const at = loneSurrogateAt(config);
    if (at >= 0) throw leadsegError(`segmentLeads: config has a lone surrogate (U+${config.charCodeAt(at).toString(16).toUpperCase()} at index ${at}), which is not valid Unicode`);
    return config;
  }
  if (isPlainObject(config)) return toJsonText(config, 'segmentLeads: config');
  throw leadsegError(`segmentLeads: config must be a config object or its JSON text, got ${describe(config)}`);
}

// `text`: the config the core accepted.
function emptySummary(text) {
  const parsed = JSON.parse(text);
  const summary = { count: 0, errors: 0, segments: {}, grades: {}, stages: {}, temperatures: {} };
  for (const s of parsed.segments ?? []) summary.segments[s.id] = 0;
  if (parsed.grading) for (const g of ['A', 'B', 'C', 'D']) summary.grades[g] = 0;
  for (const stage of parsed.lifecycle?.stages ?? []) summary.stages[stage.id] = 0;
  if (parsed.temperature) for (const t of ['cold', 'warm', 'hot']) summary.temperatures[t] = 0;
  return summary;
}

function bump(table, key) {
  if (key === null || key === undefined) return;
  table[key] = (table[key] ?? 0) + 1;
}

const yieldToEventLoop = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Segments and scores many leads. See index.d.ts for the options.
 * @returns {Promise<{leads: object[], summary: object, warnings: object[]}>}
 */
export async function segmentLeads(config, leads, options = {}) {
  if (!isPlainObject(options)) throw leadsegError('segmentLeads: options must be an object');
  const { onProgress, onLead, keepLeads = true, signal } = options;
  const progressEvery = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw leadsegError('segmentLeads: onProgress must be a function');
  if (onLead !== undefined && typeof onLead !== 'function') throw leadsegError('segmentLeads: onLead must be a function');
  if (!Number.isInteger(progressEvery) || progressEvery < 1) throw leadsegError('segmentLeads: progressEvery must be a positive integer');
  const text = configText(config);
  const at = options.now === undefined ? Date.now() : typeof options.now === 'function' ? options.now() : options.now;
  if (!Number.isFinite(at)) throw leadsegError('segmentLeads: now must be a time in milliseconds (or a function returning one)');

  const core = await loadModule(options);
  const engine = new core.Engine();
  try {
    let warnings;
    try {
      warnings = engine.load(text);
    } catch (error) {
      throw withContext(error, 'invalid config');
    }
    const summary = emptySummary(text);
    const kept = [];
    const total = Array.isArray(leads) ? leads.length : undefined;
    let processed = 0;
    for await (const row of leadRows(leads, options)) {
      if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
      let lead;
      try {
        if (!isPlainObject(row)) throw leadsegError(`lead ${processed} is not a plain object, got ${describe(row)}`);
        const json = toJsonText(row, `lead ${processed}`);
        engine.erase();
        engine.identify(json, at);
        const breakdown = engine.summary();
        lead = {
          ...row,
          segments: engine.segments(),
          score: breakdown.score,
          grade: breakdown.grade,
          stage: breakdown.stage,
          temperature: breakdown.temperature,
        };
      } catch (error) {
        summary.errors += 1;
        lead = {
          ...(isPlainObject(row) ? row : {}),
          segments: [],
          score: null,
          grade: null,
          stage: null,
          temperature: null,
          error: error?.message ?? String(error),
        };
      }
      summary.count += 1;
      for (const id of lead.segments) bump(summary.segments, id);
      bump(summary.grades, lead.grade);
      bump(summary.stages, lead.stage);
      bump(summary.temperatures, lead.temperature);
      if (keepLeads) kept.push(lead);
      if (onLead) onLead(lead, processed);
      processed += 1;
      if (processed % progressEvery === 0) {
        onProgress?.(total === undefined ? { processed } : { processed, total });
        await yieldToEventLoop();
      }
    }
    if (processed % progressEvery !== 0 || processed === 0) onProgress?.(total === undefined ? { processed } : { processed, total });
    return { leads: kept, summary, warnings };
  } finally {
    engine.delete();
  }
}
