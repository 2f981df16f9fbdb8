// segmentLeads(): many leads (CRM exports, server-side batches) through the
// same rules as the browser engine.
//
// Each lead goes through one core Engine that is erased between leads: its
// attributes are identified (and its declarations declared) at the time of
// its first event, its events are tracked in time order, and it is read at
// `now`. So segments, score, grade, stage, temperature and metrics are
// exactly what a visitor with those attributes and that history gets at
// `now` (a lead without events: identified at `now`). Events come inline
// (`lead.events`) or from an activity table joined on a lead id
// (options.events, see lead-events.js for what that holds in memory).
//
// Measured in node 20 on the b2b-saas example (2 shared cores): erase +
// identify ~70 µs, segments() ~4 µs; score, grade, stage and temperature
// come from the core's summary() (a plain object, ~5 µs) rather than
// score() (~140 µs: the whole breakdown is built and parsed as JSON), the
// same numbers (checked on 3,000 random visitors). Each tracked event adds
// ~15-20 µs. The Segmenter fast path gives segments in ~40 µs but neither
// score, grade nor stage, and sees no metric values, so it is not used.
import { loadModule } from './loader.js';
import { describe, isPlainObject, leadsegError, loneSurrogateAt, toJsonText, withContext } from './errors.js';
import { plainJsonText } from './plain-json-text.js';
import { parseCsvNumbered, typeValue } from './csv.js';
import {
  eventColumnsOption, inlineDeclarations, inlineEvents, isEventsInput, leadKey, readEvents, timeOrder,
} from './lead-events.js';
import { checkColumnMap, columnsRead, compareColumns, objectColumns, renameColumns } from './column-map.js';
import { checkWorkersOption, workerPlan } from './batch-workers-option.js';
import { batchModuleFits, segmentCsvInWasm } from './batch-csv.js';
import { objectsFitBatch, segmentObjectsInWasm } from './batch-objects.js';
import { copyAttributes, failedLead } from './batch-results.js';
import { computedColumns, computedColumnsWarning, reservedNames, withoutComputed } from './computed-columns.js';
import { YIELD_EVERY_MS, yieldToEventLoop } from './yield.js';
import { LeadColumns } from './lead-columns.js';

const DEFAULT_PROGRESS_EVERY = 1000;
const DEFAULT_ID_COLUMN = 'email';

const OPTION_KEYS = new Set([
  'onProgress', 'onLead', 'keepLeads', 'progressEvery', 'types', 'now', 'signal', 'wasmUrl', 'wasmBinary', 'module',
  'events', 'idColumn', 'eventColumns', 'metrics', 'columnMap', 'workers', 'workerUrl', 'listColumns', 'results',
]);

function isBlob(value) {
  return typeof globalThis.Blob === 'function' && value instanceof globalThis.Blob;
}

function isCsvInput(leads) {
  return typeof leads === 'string' || isBlob(leads) || (leads && typeof leads.getReader === 'function') ||
    (leads && typeof leads[Symbol.asyncIterator] === 'function');
}

// [row, CSV row number or undefined]
async function* leadRows(leads, { types, onHeader, listColumns }) {
  if (Array.isArray(leads)) {
    for (const row of leads) yield [row, undefined];
    return;
  }
  if (listColumns.length === 0) {
    yield* parseCsvNumbered(leads, { types, onHeader });
    return;
  }
  // List columns ("a;b;c") are split as written, so the file is read as
  // text and the other columns typed here, as CsvRows types them.
  const lists = new Set(listColumns);
  let present = [];
  const header = (names) => {
    present = [...new Set(names.filter((name) => lists.has(name)))];
    onHeader?.(names);
  };
  for await (const [raw, number] of parseCsvNumbered(leads, { types: false, onHeader: header })) {
    const row = {};
    for (const [name, value] of Object.entries(raw)) row[name] = lists.has(name) ? value.split(LIST_SEPARATOR) : types ? typeValue(value) : value;
    for (const name of present) if (!(name in row)) row[name] = [];
    yield [row, number];
  }
}

/** What separates the items of a list column's field. */
export const LIST_SEPARATOR = ';';

function configText(config) {
  if (typeof config === 'string') {
    const at = loneSurrogateAt(config);
    if (at >= 0) throw leadsegError(`segmentLeads: config has a lone surrogate (U+${config.charCodeAt(at).toString(16).toUpperCase()} at index ${at}), which is not valid Unicode`);
    return config;
  }
  if (isPlainObject(config)) return plainJsonText(config) ?? toJsonText(config, 'segmentLeads: config');
  throw leadsegError(`segmentLeads: config must be a config object or its JSON text, got ${describe(config)}`);
}

// `text`: the config the core accepted.
function emptySummary(text) {
  const parsed = JSON.parse(text);
  const summary = {
    count: 0, errors: 0, segments: {}, grades: {}, stages: {}, temperatures: {}, mql: 0, sql: 0,
    events: { read: 0, replayed: 0, afterNow: 0, unknownLead: 0, unknownLeadIds: [], leadsWithoutId: 0 },
    columns: { read: [], ignored: [], missing: [], mapped: {}, suggestions: {}, hints: {} },
  };
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

// A finished lead in the summary's counts (a failed one's error is counted
// where it failed).
function countLead(summary, lead) {
  for (const id of lead.segments) bump(summary.segments, id);
  countOutputs(summary, lead);
}

// The same, but its segments: the batch module's path counts those from the
// membership bits (a name lookup per segment per lead cost ~0.1 µs a lead).
function countOutputs(summary, lead) {
  summary.count += 1;
  bump(summary.grades, lead.grade);
  bump(summary.stages, lead.stage);
  bump(summary.temperatures, lead.temperature);
  if (lead.mql) summary.mql += 1;
  if (lead.sql) summary.sql += 1;
}

function checkOptions(options, leads) {
  if (!isPlainObject(options)) throw leadsegError('segmentLeads: options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw leadsegError(`segmentLeads: unknown option "${key}"`, `/${key}`);
  }
  const { onProgress, onLead } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw leadsegError('segmentLeads: onProgress must be a function');
  if (onLead !== undefined && typeof onLead !== 'function') throw leadsegError('segmentLeads: onLead must be a function');
  const progressEvery = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
  if (!Number.isInteger(progressEvery) || progressEvery < 1) throw leadsegError('segmentLeads: progressEvery must be a positive integer');
  for (const name of ['keepLeads', 'types', 'metrics']) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw leadsegError(`segmentLeads: ${name} must be true or false, got ${describe(options[name])}`);
  }
  if (!Array.isArray(leads) && !isCsvInput(leads)) {
    throw leadsegError('segmentLeads: leads must be an array of objects, CSV text, a Blob/File or a ReadableStream');
  }
  const idColumn = options.idColumn ?? DEFAULT_ID_COLUMN;
  if (typeof idColumn !== 'string' || idColumn.trim() === '') throw leadsegError(`segmentLeads: idColumn must be a column name, got ${describe(idColumn)}`);
  const columns = eventColumnsOption(options.eventColumns, idColumn.trim());
  if (options.events !== undefined && !isEventsInput(options.events)) {
    throw leadsegError(`segmentLeads: events must be an array of rows, CSV text, a Blob/File or a ReadableStream, got ${describe(options.events)}`);
  }
  if (options.events !== undefined && options.events === leads) {
    throw leadsegError('segmentLeads: events and leads are the same input (pass the activity table as options.events, the lead list as leads)');
  }
  const workers = checkWorkersOption(options.workers, options.workerUrl);
  const listColumns = options.listColumns ?? [];
  if (!Array.isArray(listColumns) || listColumns.some((c) => typeof c !== 'string' || c.trim() === '')) {
    throw leadsegError(`segmentLeads: listColumns must be an array of column names, got ${describe(options.listColumns)}`, '/listColumns');
  }
  const results = options.results ?? 'objects';
  if (results !== 'objects' && results !== 'columns') {
    throw leadsegError(`segmentLeads: results must be "objects" or "columns", got ${describe(options.results)}`, '/results');
  }
  if (results === 'columns' && options.keepLeads === true) {
    throw leadsegError('segmentLeads: keepLeads: true and results: "columns" exclude each other (columns hold every lead\'s results)', '/keepLeads');
  }
  return { progressEvery, idColumn: idColumn.trim(), columns, columnMap: checkColumnMap(options.columnMap), workers, listColumns, results };
}

/**
 * Segments and scores many leads. See index.d.ts for the options.
 * @returns {Promise<{leads: object[], summary: object, warnings: object[]}>}
 */
export async function segmentLeads(config, leads, options = {}) {
  const { workers, results } = checkOptions(options, leads);
  const text = configText(config);
  const at = options.now === undefined ? Date.now() : typeof options.now === 'function' ? options.now() : options.now;
  if (!Number.isFinite(at)) throw leadsegError('segmentLeads: now must be a time in milliseconds (or a function returning one)');
  const plan = workerPlan(leads, options, workers);
  if (results === 'columns') return segmentLeadsInColumns(text, leads, { ...options, now: at }, plan);
  if (plan !== null) {
    // A CSV Blob split across workers (batch-workers.js), each running
    // segmentLeadsPart on its row-aligned part; loaded only then.
    const { segmentLeadsInWorkers } = await import('./batch-workers.js');
    return segmentLeadsInWorkers(text, plan, { ...options, now: at });
  }
  return segmentLeadsPart(text, leads, { ...options, now: at });
}

/**
 * segmentLeads with results: 'columns': the run's results go into one
 * LeadColumns, from the batch module's result rows where the path reads
 * them (lead objects, CSV in this thread), else from the result objects
 * the path makes (onLead's). Across workers each worker fills its part's
 * columns and sends their buffers back; with onLead they send result
 * objects, which onLead gets. `hooks` go to segmentLeadsInWorkers (tests
 * run workers in-process).
 */
export async function segmentLeadsInColumns(text, leads, options, plan, hooks = undefined) {
  const columns = LeadColumns.forConfig(text, options.metrics === true, Array.isArray(leads) ? leads.length : undefined);
  const { results: _results, ...rest } = options;
  if (plan === null) return segmentLeadsPart(text, leads, { ...rest, keepLeads: false }, { columns });
  const { onLead } = options;
  const { segmentLeadsInWorkers } = await import('./batch-workers.js');
  if (typeof onLead !== 'function') {
    const out = await segmentLeadsInWorkers(text, plan, { ...rest, keepLeads: false }, hooks, columns);
    return { leads: out.leads, columns: columns.trimmed(), summary: out.summary, warnings: out.warnings };
  }
  const out = await segmentLeadsInWorkers(text, plan, {
    ...rest,
    keepLeads: false,
    onLead: (lead, index) => {
      columns.addLead(lead);
      onLead?.(lead, index);
    },
  }, hooks);
  return { leads: out.leads, columns: columns.trimmed(), summary: out.summary, warnings: out.warnings };
}

/**
 * segmentLeads on checked options with `config` as JSON text and `now` a
 * number: all of one input, or (in a worker) one row-aligned part of a CSV
 * whose first lead is lead `leadOffset` of the whole file and whose first
 * row is row `rowOffset + 2` (messages name the whole file's numbers).
 */
export async function segmentLeadsPart(text, leads, options, { leadOffset = 0, rowOffset = 0, columns: into = null } = {}) {
  const { progressEvery, idColumn, columns, columnMap, listColumns } = checkOptions(options, leads);
  const mapped = Object.keys(columnMap).length > 0;
  const { onProgress, onLead, keepLeads = true, signal, types = true, metrics: withMetrics = false, now: at } = options;
  // CSV without an activity table: parsed and evaluated in the batch module.
  if (batchModuleFits(leads, options)) {
    return segmentCsvInWasm(text, leads, options, { emptySummary, columnReport, columnMap, listColumns, progressEvery, leadOffset, rowOffset, kept: [], eventColumns: columns, columns: into });
  }
  // Lead objects (with inline events and declarations): in bulk, in the batch module too.
  if (objectsFitBatch(leads, options)) {
    return segmentObjectsInWasm(text, leads, options, { emptySummary, countOutputs, columnReport, columnMap, progressEvery, leadOffset, columns: into ?? undefined });
  }
  // The per-lead path makes result objects anyway: columns from them.
  if (into !== null) {
    const out = await segmentLeadsPart(text, leads, {
      ...options,
      onLead: (lead, index) => {
        into.addLead(lead);
        options.onLead?.(lead, index);
      },
    }, { leadOffset, rowOffset });
    return { ...out, columns: into.trimmed() };
  }

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
    const events = summary.events;
    const total = Array.isArray(leads) ? leads.length : undefined;
    const progress = (fields) => onProgress?.(total === undefined ? fields : { ...fields, total });

    // The activity table first, whole: grouped per lead id.
    let index = null;
    if (options.events !== undefined) {
      index = await readEvents(options.events, {
        columns, types, now: at, signal, progressEvery,
        onRows: (read) => progress({ processed: 0, eventsRead: read }),
      });
      events.read = index.read;
    }

    const csvLeads = !Array.isArray(leads);
    const reads = columnsRead(JSON.parse(text), Object.keys(engine.attributes()));
    const reserved = csvLeads ? reservedNames(JSON.parse(text)) : null;
    const checkColumns = (names, hasEvents) => {
      summary.columns = columnReport(reads, names, columnMap, hasEvents, reserved);
      if (summary.columns.computed) warnings = [...warnings, computedColumnsWarning(summary.columns.computed)];
    };
    const onHeader = (names) => {
      if (index !== null && !names.includes(idColumn)) {
        throw leadsegError(`segmentLeads: the leads CSV has no column "${idColumn}" to join options.events on (its columns: ${names.map((n) => `"${n}"`).join(', ')}); set idColumn`);
      }
      checkColumns(names, index !== null);
    };
    if (!csvLeads) {
      const { names, inline } = objectColumns(leads);
      if (leads.length) checkColumns(names, index !== null || inline);
      else summary.columns = columnReport(reads, [], columnMap, true);
    }
    const kept = [];
    let processed = 0;
    let lastYield = Date.now();
    for await (const [row, rowNumber] of leadRows(leads, { types, onHeader, listColumns })) {
      if (signal?.aborted) throw signal.reason ?? leadsegError('segmentLeads: aborted');
      const what = rowNumber === undefined ? `lead ${processed + leadOffset}` : `lead ${processed + leadOffset} (row ${rowNumber + rowOffset})`;
      let lead;
      try {
        if (!isPlainObject(row)) throw leadsegError(`${what} is not a plain object, got ${describe(row)}`);
        let attributes = row;
        let flat = null;
        let declarations = null;
        // In objects, `events` and `declarations` are the lead's history,
        // not attributes; CSV columns are always attributes.
        if (!csvLeads && ('events' in row || 'declarations' in row)) {
          const { events: own, declarations: declared, ...rest } = row;
          attributes = rest;
          if (own !== undefined && own !== null) flat = inlineEvents(own, what);
          if (declared !== undefined && declared !== null) declarations = inlineDeclarations(declared, what);
        }
        let renamed = renameColumns(attributes, columnMap, mapped);
        if (csvLeads) renamed = withoutComputed(renamed, reserved);
        const json = toJsonText(renamed, what);
        if (index !== null) {
          const key = leadKey(attributes[idColumn]);
          const group = key === null ? undefined : index.take(key);
          if (key === null) events.leadsWithoutId += 1;
          if (group !== undefined) {
            if (group.error !== null) {
              const more = group.errors - 1;
              throw leadsegError(`${what}: ${group.error}${more ? ` (and ${more} more malformed event${more === 1 ? '' : 's'} of this lead)` : ''}`);
            }
            if (group.events.length) flat = flat === null ? group.events : flat.concat(group.events);
          }
        }
        const replayed = replay(engine, json, declarations, flat, at, what, index, events);
        const headline = engine.summary();
        // Not {...attributes, segments, ...}: a spread copy is slow to add to (batch-results.js).
        lead = copyAttributes(attributes);
        lead.segments = engine.segments();
        lead.score = headline.score;
        lead.grade = headline.grade;
        lead.stage = headline.stage;
        lead.temperature = headline.temperature;
        // The hand-offs exist only with a lifecycle (as stage does).
        lead.mql = headline.stage === null ? null : headline.mql;
        lead.sql = headline.stage === null ? null : headline.sql;
        if (withMetrics) lead.metrics = engine.metrics();
        events.replayed += replayed;
      } catch (error) {
        summary.errors += 1;
        // In CSV rows, `events` and `declarations` are columns like any other.
        lead = failedLead(row, error?.message ?? String(error), withMetrics, !csvLeads);
      }
      countLead(summary, lead);
      if (keepLeads) kept.push(lead);
      if (onLead) onLead(lead, processed);
      processed += 1;
      if (processed % progressEvery === 0) progress({ processed });
      // Leads with long histories take long: let a page repaint at least
      // every 50 ms, not only every progressEvery leads.
      if (processed % progressEvery === 0 || Date.now() - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
    if (processed % progressEvery !== 0 || processed === 0) progress({ processed });
    if (index !== null) {
      const { unknownLead, unknownLeadIds, afterNow } = index.unmatched();
      events.unknownLead = unknownLead;
      events.unknownLeadIds = unknownLeadIds;
      events.afterNow += afterNow;
    }
    return { leads: kept, summary, warnings };
  } finally {
    engine.delete();
  }
}

// summary.columns: what the config reads of the file's columns. A file
// that has none of them (and no events to go on) is refused: every lead
// would come out with zeros.
// `reserved` (CSV only): names the engine computes; columns named so are
// reported as `computed` (computed-columns.js).
function columnReport(reads, names, columnMap, hasEvents, reserved = null) {
  const unknown = Object.keys(columnMap).filter((c) => !names.includes(c));
  if (unknown.length && names.length) {
    throw leadsegError(`segmentLeads: columnMap names ${unknown.map((c) => `"${c}"`).join(', ')}, which the file does not have (its columns: ${names.map((n) => `"${n}"`).join(', ')})`, '/columnMap');
  }
  const { used, missing, ignored, suggestions, hints } = compareColumns(reads, names, columnMap);
  if (reads.length && names.length && used.length === 0 && !hasEvents) {
    const suggested = Object.entries(suggestions).map(([c, a]) => `"${c}": "${a}"`).join(', ');
    throw leadsegError(`segmentLeads: the file has none of the columns the config reads (it reads ${reads.map((n) => `"${n}"`).join(', ')}; the file has ${names.map((n) => `"${n}"`).join(', ')})${suggested ? `; map them with columnMap, e.g. {${suggested}}` : '; rename the columns or map them with columnMap: {fileColumn: attribute}'}`);
  }
  const report = { read: used, ignored, missing, mapped: { ...columnMap }, suggestions, hints };
  const computed = reserved === null ? [] : computedColumns(names, columnMap, reserved);
  if (computed.length) report.computed = computed;
  return report;
}

// One lead into the erased engine: identify and declare at the first event
// (or at `at` without events), track the events in time order, advance to
// `at`. Events later than `at` are left out (summary.events.afterNow;
// joined ones were already left out when read). Returns the number tracked.
function replay(engine, json, declarations, flat, at, what, index, events) {
  engine.erase();
  const order = flat === null ? [] : timeOrder(flat);
  let count = order.length;
  while (count > 0 && flat[order[count - 1]] > at) count--;
  const start = count > 0 ? flat[order[0]] : at;
  try {
    engine.identify(json, start);
  } catch (error) {
    throw withContext(error, what);
  }
  if (declarations !== null) {
    for (const [key, value] of declarations) {
      try {
        engine.declare(key, value, start);
      } catch (error) {
        throw withContext(error, `${what} at /declarations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
    }
  }
  for (let i = 0; i < count; i++) {
    const offset = order[i];
    try {
      engine.track(flat[offset + 1], flat[offset + 2], flat[offset]);
    } catch (error) {
      const ref = flat[offset + 3];
      const where = ref < 0 ? ` at /events/${-1 - ref}` : `: ${index.where(ref)}`;
      throw leadsegError(`${what}${where}: ${error?.message ?? error}`, ref < 0 ? `/events/${-1 - ref}` : '', error);
    }
  }
  if (count > 0) engine.advance(at);
  events.afterNow += order.length - count;
  return count;
}
