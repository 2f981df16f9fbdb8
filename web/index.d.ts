/**
 * leadseg: lead segmentation, scoring and personalization that run in the
 * visitor's browser (a C++ core compiled to WebAssembly).
 *
 * ```js
 * import { createEngine } from 'leadseg';
 * const engine = await createEngine({
 *   config,                                   // your leadseg config (docs/config.md)
 *   consent: { storage: true, personalization: true, measurement: false },
 * });
 * engine.on('segment:enter', ({ segment }) => console.log('entered', segment));
 * engine.track('page_view', { path: location.pathname });
 * engine.decide('hero').variant;             // "enterprise"
 * ```
 *
 * Plain objects in and out. Errors are `Error`s (name "LeadsegError") with a
 * readable `message` and, when the problem is inside a document you passed
 * (a config, a traits object), a JSON Pointer `path` to it.
 */

import type { ReportPayload, ReportPayloadV2 } from './types/estimator.js';

export type { ReportPayload, ReportPayloadV1, ReportPayloadV2, ShareEstimate, VariantEstimate, Estimates } from './types/estimator.js';
import type { Estimates } from './types/estimator.js';
export { debias, keepProbability } from './types/estimator.js';

/**
 * Estimates shares from a batch of report payloads (see 'leadseg/estimator',
 * whose `estimate` is the same function, synchronous). From the package's
 * main entry it resolves asynchronously: the estimator is loaded on the
 * first call, so a page that only personalizes never fetches it.
 */
export function estimate(reports: Iterable<ReportPayload>): Promise<Estimates>;

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** A leadseg config (see docs/config.md): an object or its JSON text. */
export type Config = JsonObject | string;

/** An Error thrown by leadseg. */
export interface LeadsegError extends Error {
  /** JSON Pointer into the offending input ("" for the input itself). */
  path: string;
  /** For config errors: every problem the compiler found. */
  diagnostics?: Array<{ severity: 'error' | 'warning'; code: string; message: string; path: string }>;
}

/**
 * Consent per purpose. Every purpose defaults to `false`: pass what your
 * consent banner recorded.
 */
export interface Consent {
  /**
   * Keep the visitor's profile on the device (IndexedDB, else localStorage)
   * and share it live with the site's other tabs. Without it nothing is
   * written anywhere (no database is even opened, no localStorage, no
   * cookies): the profile lives as long as the page.
   */
  storage: boolean;
  /** Let `decide()` pick variants for this visitor. Without it `decide()` returns each slot's default. */
  personalization: boolean;
  /**
   * Count experiment exposures and conversions, and let `report()` send.
   * Without it `convert()` counts nothing and `report()` sends nothing.
   */
  measurement: boolean;
}

/** What one call changed. */
export interface Changes {
  /** Segment ids the visitor entered. */
  entered: string[];
  /** Segment ids the visitor left. */
  exited: string[];
  /** Lifecycle stage moves. `from` is null for the first stage. */
  stages: Array<{ from: string | null; to: string; at: number }>;
  /** The new temperature if it changed, else null. */
  temperature: string | null;
  /** Became a marketing-qualified lead with this call. */
  mql: boolean;
  /** Became a sales-qualified lead with this call. */
  sql: boolean;
}

/** An event as stored in the profile. */
export interface ProfileEvent {
  type: string;
  /** Milliseconds since the epoch. */
  ts: number;
  props: JsonObject;
}

/** The visitor's whole profile (`engine.export()`). */
export interface ExportedProfile {
  /** Explicit attributes (identify). */
  attributes: JsonObject;
  /** Zero-party declarations. */
  declarations: Record<string, { value: Json; at: number }>;
  /** Every retained event, oldest first. */
  events: ProfileEvent[];
  /** The engine's clock (latest time seen), ms. */
  clock: number;
  /** Measurement ledger: per experiment and variant, whether the visitor was exposed / converted (measurement consent only). */
  experiments: Record<string, { variants: Record<string, { exposed: boolean; converted: boolean }> }>;
}

/** The score breakdown (`engine.score()`); sections not configured are null. */
export interface ScoreBreakdown {
  /** Behavioral + trait points, clamped to the config's min/max. Null without `scoring`. */
  score: number | null;
  behavioral: {
    value: number;
    raw: number;
    decay: number;
    awards: Array<{ rule: string; points: number; at: number; event: string }>;
    earlierAwards: number;
  } | null;
  traits: { value: number; rules: Array<{ rule: string; points: number; matched: boolean }> } | null;
  clamped: boolean | null;
  /** "A".."D", null without `grading`. */
  grade: string | null;
  /** Grade and engagement, e.g. "A2". */
  leadCell: string | null;
  fit: { points: number; rules: Array<{ rule: string; points: number; matched: boolean }>; bands: Record<string, number> } | null;
  /** "cold" | "warm" | "hot", null without `temperature`. */
  temperature: string | null;
  /** Current lifecycle stage id, null without `lifecycle`. */
  stage: string | null;
  stageHistory: Array<{ from: string | null; to: string; at: number }>;
  /** When the visitor became an MQL (ms), or null. */
  mql: number | null;
  /** When the visitor became an SQL (ms), or null. */
  sql: number | null;
  [key: string]: unknown;
}

/** Why the visitor is or is not in a segment (`engine.explain()`). */
export interface Explanation {
  segment: string;
  name: string;
  description: string;
  member: boolean;
  leaves: Array<{ path: string; attribute: string; condition: Json; actual: Json; passed: boolean }>;
}

/** A slot decision (`engine.decide()`). */
export interface Decision {
  slot: string;
  /** The variant to show. */
  variant: string;
  reason: {
    /** "rule": a variant's `when` held; "default": none did (or no personalization consent); "experiment": assigned by the slot's experiment. */
    kind: 'rule' | 'default' | 'experiment';
    /** Index of the variant whose `when` held, else null. */
    rule: number | null;
    /** JSON Pointer of that `when` in the config, else null. */
    path: string | null;
  };
  /** The slot's experiment when it decided, else null. */
  experiment: null | {
    key: string;
    variant: string;
    inExperiment: boolean;
    /** True the first time this visitor is assigned (one exposure counted). */
    firstExposure: boolean;
  };
}

/** `engine.convert()` result: the experiments the conversion was attributed to (empty without measurement consent). */
export interface ConversionResult {
  goal?: string;
  attributed: Array<{ experiment: string; variant: string }>;
}

/** Exposures and conversions of one variant. */
export interface VariantCounts {
  exposures: number;
  conversions: number;
}

/**
 * One variant in `engine.experiments()`: its counts (this device's plus the
 * site's from `addAggregateCounts`) and what they say under a uniform prior,
 * the posterior Beta(1 + conversions, 1 + exposures - conversions).
 */
export interface VariantReport extends VariantCounts {
  id: string;
  /** conversions / exposures; 0 without exposures. */
  rate: number;
  /** The 95% equal-tailed credible interval of the true rate, [low, high]. */
  interval: [number, number];
  /** The probability that this variant's true rate is the highest of the experiment's. */
  probabilityBest: number;
}

/** One experiment in `engine.experiments()`, in the config's slot order. */
export interface ExperimentReport {
  /** The experiment's key. */
  experiment: string;
  /** The slot that runs it. */
  slot: string;
  mode: 'ab' | 'bandit';
  /** The visitor's variant, or null before the first `decide()` assigns one. */
  assigned: string | null;
  /** The experiment's variants, in the config's order. */
  variants: VariantReport[];
  /** This device's counts by the segments the visitor was in at exposure: segment id -> variant id -> counts. */
  segments: Record<string, Record<string, VariantCounts>>;
}

/** Payloads of the engine's events. */
export interface EngineEvents {
  /**
   * The visitor entered a segment. A new visitor (nothing stored) starts in
   * the segments whose condition holds on an empty profile (a
   * `{"segments": {"$size": 0}}` catch-all): those enters (and any stage,
   * temperature, mql or sql reached at once) are emitted once, on the next
   * task after `createEngine()` resolves, or just before the events of the
   * first call if it comes sooner. A visitor restored from storage (reload,
   * second tab) is already in its segments: no enter is emitted for them.
   */
  'segment:enter': { segment: string; name: string; at: number };
  /** The visitor left a segment. */
  'segment:exit': { segment: string; name: string; at: number };
  /** The lifecycle stage moved. */
  stage: { from: string | null; to: string; at: number };
  /** The temperature changed. */
  temperature: { temperature: string; at: number };
  /** The visitor became a marketing-qualified lead. */
  mql: { at: number };
  /** The visitor became a sales-qualified lead. */
  sql: { at: number };
  /** The visitor was shown an experiment variant (measurement consent; once per experiment and variant per page). */
  exposure: { slot: string; experiment: string; variant: string; firstExposure: boolean };
  /** Stored data could not be read and was replaced by a fresh profile. `reason`: "meta", "version", "snapshot", "event", "record", "read" or "adapter". */
  'storage:corrupted': { reason: string; error: Error };
  /** Storage failed: opening (the next kind was used: `recovered`), writing (the data stays in memory), clearing. */
  'storage:error': { operation: 'open' | 'write' | 'clear' | 'prepaint'; storage?: string; error: unknown; recovered: boolean };
  /** The storage quota was exceeded and the oldest events were pruned; writing went on. */
  'storage:pruned': { reason: 'quota'; pruned: number; error: unknown };
  /** Consent changed (this tab's setConsent, or storage withdrawn in another tab). */
  consent: Consent;
  /** A background source failed (dataLayer, autoPageViews, tabs); the engine goes on. */
  error: { source: 'dataLayer' | 'autoPageViews' | 'tabs'; error: unknown };
}

export type EngineEventName = keyof EngineEvents;

/**
 * A storage backend. The built-in ones are picked by name; an object with
 * these methods can be passed as `createEngine({storage})` (tests, custom
 * backends). Event records are {id, type, ts, props}; state values are
 * structured-cloneable (snapshot bytes are a Uint8Array).
 */
export interface StorageAdapter {
  /** Short name shown by `engine.storage`. */
  readonly kind?: string;
  /** Opens or creates the storage (called only with storage consent). */
  open(): Promise<void>;
  /** Everything stored. */
  readAll(): Promise<{ events: StoredEvent[]; state: Record<string, unknown> }>;
  /** Applies a batch; rejects with a `QuotaExceededError` DOMException (or an error with that name) when full. */
  write(batch: StorageBatch): Promise<void>;
  /** Deletes everything (for IndexedDB: the database itself). */
  clear(): Promise<void>;
  close?(): void;
}

export interface StoredEvent {
  id: string;
  type: string;
  ts: number;
  props: JsonObject;
}

export interface StorageBatch {
  events: StoredEvent[];
  deleteEvents: string[];
  put: Record<string, unknown>;
  remove: string[];
}

/** Built-in storage kinds; "auto" is IndexedDB, else localStorage, else memory. */
export type StorageKind = 'auto' | 'indexeddb' | 'localstorage' | 'memory';

export interface CreateEngineOptions {
  /**
   * The config: its compiled bytes (`compileConfig()`, `npx leadseg compile`, the `leadseg/vite`
   * plugin; the production path: only the small runtime module is loaded), or an object or its
   * JSON text (loads the full module with the compiler). Invalid configs reject with the
   * compiler's error (`path`, `diagnostics`); damaged compiled bytes with what is wrong.
   */
  config: Config | CompiledConfig;
  /** Consent per purpose; missing purposes are `false`. Change it later with `engine.setConsent()`. */
  consent?: Partial<Consent>;
  /** Where to keep the profile when storage consent is given (default "auto"), or an adapter. */
  storage?: StorageKind | StorageAdapter;
  /** Database / key prefix / BroadcastChannel name (default "leadseg"). One engine per name per page. */
  storageName?: string;
  /**
   * The clock, in ms since the epoch (default `Date.now`). Inject one in tests.
   * It must return a finite number (not a Date or a string); calls that record
   * a time (identify, declare, track, decide, convert) also refuse a time
   * more than the config's `retention.maxAge` behind the latest time the
   * engine has seen (seconds passed as milliseconds, a clock gone back).
   * Every call refuses a time before 1e11 (1973-03-03: seconds passed as
   * milliseconds) or after 2200-01-01 (docs/config.md, "Time and durations").
   */
  now?: () => number;
  /** Called on each exposure (same payload as the 'exposure' event). */
  onExposure?: (exposure: EngineEvents['exposure']) => void;
  /** Handlers registered before loading, so early events ('storage:corrupted', ...) are not missed. */
  on?: { [E in EngineEventName]?: (payload: EngineEvents[E]) => void };
  /**
   * Ingest Google Tag Manager's dataLayer: `true` for `window.dataLayer`
   * (created if missing), or the array to use. Items already there are
   * processed, then push() is hooked: `{event: 'x', ...props}` becomes `track('x', props)`.
   */
  dataLayer?: boolean | unknown[];
  /** Track `page_view` {path, referrer, title, utm_*} now and on history.pushState / popstate. */
  autoPageViews?: boolean;
  /** Render `[data-leadseg-slot]` elements of the document once loaded (see `render()`). */
  dom?: boolean;
  /**
   * Where to fetch the wasm from (default: next to the glue in dist/): leadseg-runtime.wasm for a
   * compiled config, leadseg.wasm for a JSON one.
   */
  wasmUrl?: string | URL;
  /** The wasm bytes, instead of fetching them. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** An already instantiated core module (from `loadCore()`), shared between engines. */
  module?: object;
  /** Largest ε `report()` accepts (default 4). */
  maxEpsilon?: number;
  /**
   * The visitor's privacy budget for reports (docs/privacy.md): the ε that
   * reports may spend per UTC day (default 1) and over any 30 days (default 10).
   */
  reportBudget?: { perDay?: number; per30Days?: number };
  /**
   * The experiments and variants a report covers (default: every
   * `slots[].experiment` of the config). Must not depend on the visitor.
   */
  experiments?: Record<string, string[]>;
}

export interface ReportOptions {
  /** Privacy cost of the whole payload (default 1, at most `maxEpsilon`), spent from the visitor's budget. */
  epsilon?: number;
  /** Segment ids to report membership of (default: every segment of the config). */
  segments?: string[];
  /** Score band edges (default [0, 25, 50, 75, 100]): one one-hot bit per band; false: no score band. */
  scoreBands?: number[] | false;
  /** Experiments and variants to report (default: createEngine's `experiments`). */
  experiments?: Record<string, string[]>;
  /** Delivers the payload (e.g. `(p) => fetch('/collect', {method: 'POST', body: JSON.stringify(p)})`). */
  send?: (payload: ReportPayload) => Promise<unknown> | unknown;
  /** Or: POST the payload as JSON to this URL (no cookies). Without `send` or `url` nothing is sent. */
  url?: string;
}

export interface ReportBudget {
  today: { spent: number; limit: number; left: number };
  last30Days: { spent: number; limit: number; left: number };
  /** When today's budget starts again (ms since the epoch, next UTC midnight). */
  nextDayAt: number;
}

/** What `report()` resolves to when it sends nothing because of the budget. */
export interface ReportRefusal {
  sent: false;
  /** daily-budget, 30-day-budget, or storage-error (the spend could not be saved). */
  reason: 'daily-budget' | '30-day-budget' | 'storage-error';
  message: string;
  budget: ReportBudget;
}

export interface ReportPreview {
  payload: ReportPayloadV2 | null;
  budget: ReportBudget;
  refused: ReportRefusal | null;
}

export interface FormBindOptions {
  /** A slot whose decided variant is recorded with the events. */
  slot?: string;
  /** The form's name in events (default: data-leadseg-form, name or id attribute). */
  name?: string;
  /** Also `convert(goal)` on submit. */
  goal?: string;
}

export interface RenderResult {
  slot: string;
  /** The variant the slot shows. */
  variant: string | null;
  element: Element;
  /**
   * A decision that came after the slot's default was already shown and
   * was kept back (the slot is in view and has no `data-leadseg-late="swap"`):
   * the slot keeps its default until the decision changes. Only peeked: no
   * exposure or assignment is recorded for it.
   */
  deferred?: string;
  error?: Error;
}

/**
 * One visitor's engine. Create it with `await createEngine(options)`.
 *
 * Errors are `Error`s named "LeadsegError" with a `path` (a JSON Pointer into
 * the argument, or ""). A failed call changes nothing: no state, no storage
 * write, no event. Values JSON cannot carry are errors, not silently changed:
 * NaN and ±Infinity, BigInts, functions and symbols, Maps, Sets and other
 * built-ins, cycles, strings or keys with a lone surrogate, nesting deeper
 * than 128 levels, a `toJSON()` that throws (`undefined` properties are left
 * out, as JSON does; Dates become their ISO text).
 */
export interface Engine {
  /** Config warnings (hygiene) from loading. */
  readonly warnings: Array<{ code: string; message: string; path: string }>;
  /** The current consent (a copy). */
  readonly consent: Consent;
  /** Where the profile is kept: "indexeddb", "localstorage", "memory", a custom adapter's kind, or "none" (no storage consent). */
  readonly storage: string;
  /** Form helpers. */
  readonly forms: {
    /**
     * Tracks `form_view` now and `form_submit` on submit, with {form, slot?, variant?}.
     * Field values are never read. Returns a function that unbinds.
     */
    bind(form: HTMLFormElement, options?: FormBindOptions): () => void;
  };

  /** Merges explicit attributes (null removes one). */
  identify(traits: JsonObject): Changes;
  /** Records a zero-party declaration; `null` withdraws it. */
  declare(key: string, value: Json): Changes;
  /** Records an event at now(). */
  track(type: string, props?: JsonObject): Changes;

  /** Ids of the segments the visitor is in now. */
  segments(): string[];
  /** Every metric's current value. */
  metrics(): Record<string, Json>;
  /** Score, grade, temperature, stage and where each comes from. */
  score(): ScoreBreakdown;
  /** Everything segment conditions can read, as they read it now. */
  attributes(): JsonObject;
  /** Why the visitor is or is not in a segment. */
  explain(segmentId: string): Explanation;

  /** Which variant of a slot to show (the slot's default without personalization consent). */
  decide(slotId: string): Decision;
  /** The decision `decide()` would return now, recording nothing (no sticky assignment, no exposure, no event). */
  peek(slotId: string): Decision;
  /** A slot's default variant (throws for an unknown slot). */
  defaultVariant(slotId: string): string;
  /** Records a conversion of `goal` for the experiments the visitor is in (measurement consent only). */
  convert(goal: string): ConversionResult;
  /** Per experiment the slot runs: counts (device plus site) and statistics per variant, the device's counts per segment. */
  experiments(): ExperimentReport[];
  /** Feeds site-wide counts to a bandit experiment (kept in memory). */
  addAggregateCounts(experimentKey: string, counts: Record<string, Json>): void;

  /** Fills `[data-leadseg-slot]` elements under `root` (default: document) with their decided variant's `<template data-variant>`. */
  render(root?: ParentNode): RenderResult[];

  /** The visitor's whole profile (data-subject export). */
  export(): ExportedProfile;
  /** Forgets the visitor everywhere: memory, storage (the database is deleted), other tabs. */
  erase(): Promise<void>;
  /** Changes consent for some purposes. Withdrawing storage deletes stored data; giving it stores the profile. */
  setConsent(update: Partial<Consent>): Promise<Consent>;
  /** Resolves once everything recorded so far is written to storage. */
  flush(): Promise<void>;

  /**
   * Builds a report (one item, ε-private as a whole) and sends it with `send` / `url`.
   * Resolves to the payload sent; to a {@link ReportRefusal} when the privacy
   * budget is spent (nothing built or sent); to null without measurement consent.
   */
  report(options?: ReportOptions): Promise<ReportPayloadV2 | ReportRefusal | null>;
  /** What `report(options)` would send now (randomized), and the budget; sends and spends nothing. null without measurement consent. */
  previewReport(options?: ReportOptions): ReportPreview | null;
  /** The privacy budget spent and left, today and over the last 30 days. */
  reportBudget(): ReportBudget;

  on<E extends EngineEventName>(event: E, handler: (payload: EngineEvents[E]) => void): Engine;
  off<E extends EngineEventName>(event: E, handler?: (payload: EngineEvents[E]) => void): Engine;

  /** Removes hooks (dataLayer, history, listeners), closes the tab channel and frees the core engine. */
  destroy(): void;
}

/** Creates an engine; resolves once the visitor's stored profile is loaded. */
export function createEngine(options: CreateEngineOptions): Promise<Engine>;

/** Event names `engine.on()` accepts. */
export const EVENTS: readonly EngineEventName[];

/** A lead's result from `segmentLeads()`: the row's own fields (not `events` or `declarations`) plus these. */
export type LeadResult = Record<string, Json | undefined> & {
  segments: string[];
  score: number | null;
  grade: string | null;
  stage: string | null;
  temperature: string | null;
  /** Whether the lead is a marketing-qualified lead at `now`; null without `lifecycle` (or with `error`). */
  mql: boolean | null;
  /** Whether the lead is a sales-qualified lead at `now`; null without `lifecycle` (or with `error`). */
  sql: boolean | null;
  /** Every metric's value at `now` (only with `metrics: true`; null for a lead with `error`). */
  metrics?: Record<string, Json> | null;
  /** Why this lead could not be evaluated (e.g. a column named like a metric, a malformed event). */
  error?: string;
};

export interface LeadSummary {
  count: number;
  /** Leads that could not be evaluated. */
  errors: number;
  /** Members per segment id (every configured segment, zeros included). */
  segments: Record<string, number>;
  /** Leads per grade A..D (empty without `grading`). */
  grades: Record<string, number>;
  /** Leads per lifecycle stage. */
  stages: Record<string, number>;
  /** Leads per temperature. */
  temperatures: Record<string, number>;
  /** Leads that are MQLs at `now` (0 without `lifecycle`). */
  mql: number;
  /** Leads that are SQLs at `now` (0 without `lifecycle`). */
  sql: number;
  /** What happened to the events (all zero without any). */
  events: LeadEventsSummary;
  /** The file's columns against what the config reads (after `columnMap`). */
  columns: LeadColumnsSummary;
}

export interface LeadColumnsSummary {
  /** The file's columns the config reads (by their name in the file). */
  read: string[];
  /** The file's columns the config does not read: left out of the evaluation, kept in the results. */
  ignored: string[];
  /** Attributes the config reads that no column provides. */
  missing: string[];
  /** The `columnMap` that was applied. */
  mapped: Record<string, string>;
  /** Ignored columns that look like a missing attribute (case, spacing, synonyms): `{fileColumn: attribute}`. */
  suggestions: Record<string, string>;
  /** Ignored columns that name something the engine computes from events (visits, last seen, score): why they cannot be used. */
  hints: Record<string, string>;
  /**
   * CSV input: columns named (after `columnMap`) like what the config computes (a metric id, `score`,
   * `grade`, `stage`, `segments`, ...). Kept in each lead as data, left out of its attributes, so
   * conditions see the computed values; a `computed-column` warning names them. Absent when none.
   */
  computed?: string[];
}

/**
 * Every lead's outputs (`segmentLeads(..., {results: 'columns'})`), lead i at index i (input order).
 * Codes are -1 where a result object has null (no grading, no lifecycle, a failed lead).
 */
export interface LeadColumns {
  /** Leads. */
  count: number;
  /** The config's segment ids: bit s of a lead's membership words is segment `segmentIds[s]`. */
  segmentIds: string[];
  /** 32-bit words per lead in `segments`: `Math.ceil(segmentIds.length / 32)`. */
  wordsPerLead: number;
  /** Membership bits: lead i is in segment s when `(segments[i * wordsPerLead + (s >>> 5)] >>> (s & 31)) & 1`. */
  segments: Uint32Array;
  /** Score (NaN where a result object has null). */
  score: Float64Array;
  /** Index into `grades` (`['A', 'B', 'C', 'D']`), or -1. */
  grade: Int8Array;
  grades: readonly string[];
  /** Index into `stageIds` (the config's lifecycle stages, in order), or -1. */
  stage: Int16Array;
  stageIds: string[];
  /** Index into `temperatures` (`['cold', 'warm', 'hot']`), or -1. */
  temperature: Int8Array;
  temperatures: readonly string[];
  /** 1 MQL at `now`, 0 not, -1 without `lifecycle` (or failed). */
  mql: Int8Array;
  /** 1 SQL at `now`, 0 not, -1 without `lifecycle` (or failed). */
  sql: Int8Array;
  /** Failed leads: index → the `error` a result object would carry. */
  errors: Map<number, string>;
  /** With `metrics: true`: each lead's metrics (null for a failed lead). */
  metrics?: Array<Record<string, Json> | null>;
  /** Whether lead i is in segment `id`. */
  has(i: number, id: string): boolean;
  /** Lead i's segment ids, in the config's order (a result object's `segments`). */
  segmentsOf(i: number): string[];
  /** Lead i's outputs as a result object has them, without the lead's own fields. */
  outputs(i: number): Pick<LeadResult, 'segments' | 'score' | 'grade' | 'stage' | 'temperature' | 'mql' | 'sql' | 'metrics' | 'error'>;
}

export interface LeadEventsSummary {
  /** Rows read from `options.events`. */
  read: number;
  /** Events tracked into the leads that were evaluated (inline and joined). */
  replayed: number;
  /** Events later than `now`, left out (the leads are evaluated as of `now`). */
  afterNow: number;
  /** Rows of `options.events` whose lead id is empty or matches no lead. */
  unknownLead: number;
  /** Up to 10 of those ids, to spot a mismatch (another column, letter case, ...). */
  unknownLeadIds: string[];
  /** Leads with no value in `idColumn` (so nothing could be joined to them). */
  leadsWithoutId: number;
}

/**
 * A time: whole milliseconds since the epoch (a number or a string of
 * digits), ISO 8601 text (`"2026-01-14T09:00:00Z"`, `"2026-01-14 09:00:00+01:00"`,
 * `"2026-01-14"`; without an offset it is UTC), or a Date. 1970..2200; a
 * number before 1973-03-03 is refused as seconds.
 */
export type LeadEventTime = number | string | Date;

/** One event of a lead object (`lead.events`). */
export interface LeadEvent {
  type: string;
  at: LeadEventTime;
  /** The event's properties, as `track(type, props)` takes them. */
  props?: JsonObject | null;
}

/**
 * A lead as an object: its attributes, plus (optional, not attributes) its
 * history: `events` (replayed in time order) and `declarations`
 * (zero-party data, as `declare(key, value)`).
 */
export type LeadRow = {
  [column: string]: Json | undefined | LeadEvent[] | Record<string, Json>;
  events?: LeadEvent[] | null;
  declarations?: Record<string, Json> | null;
};

/** A row of the activity table (`options.events`) given as objects: the columns, or the columns lead/type/at plus `props`. */
export type ActivityRow = { [column: string]: Json | Date | undefined };

/** CSV: text, a Blob/File, or a stream of text or bytes. */
export type CsvInput = string | Blob | ReadableStream<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export interface SegmentLeadsOptions {
  /**
   * Called every `progressEvery` leads and at the end. `total` is known for
   * arrays. While `events` is read (before any lead), with `processed: 0`
   * and `eventsRead`, every `progressEvery` rows and at the end.
   */
  onProgress?: (progress: { processed: number; total?: number; eventsRead?: number }) => void;
  /** Called with each lead's result, in order. */
  onLead?: (lead: LeadResult, index: number) => void;
  /** Keep per-lead results in the returned `leads` (default true). Set false for millions of rows: only the summary is kept. */
  keepLeads?: boolean;
  /** How often onProgress is called and the event loop is yielded to (default every 1000 leads; it is also yielded to at least every 50 ms). */
  progressEvery?: number;
  /** CSV typing (default true): numbers, true/false, empty = missing. Applies to event properties too. */
  types?: boolean;
  /** Evaluation time (ms or a function, called once), default the current time. Events after it are left out. */
  now?: number | (() => number);
  /** Stops the run (rejects with the signal's reason). */
  signal?: AbortSignal;
  /**
   * The activity table: one row per event, joined to the leads on
   * `idColumn`. Read whole (streaming) and grouped per lead id before the
   * first lead is evaluated: it is held in memory (about 100 bytes per
   * event plus its properties), the leads are not.
   */
  events?: ActivityRow[] | CsvInput;
  /** The leads' id column the events are joined on (default "email"); ids match as text, exactly. */
  idColumn?: string;
  /** The activity table's columns (default `{lead: idColumn, type: 'type', at: 'at'}`); every other column is a property. */
  eventColumns?: { lead?: string; type?: string; at?: string };
  /** Add each lead's `metrics` (every metric's value at `now`) to its result (default false). */
  metrics?: boolean;
  /**
   * Renames the file's columns for the engine: `{fileColumn: attribute}`
   * (`{Employees: 'company_size'}`). Results keep the file's names. A column
   * the file does not have is an error.
   */
  columnMap?: Record<string, string>;
  /**
   * Web Workers to split a CSV Blob (or CSV text) of 1 MB or more across:
   * 1 to 64, default `navigator.hardwareConcurrency` where there are Web
   * Workers. Results, onLead and the summary are in input order, as in one
   * thread. Not used for arrays, streams, with `events` or `module`, or
   * under node (one thread there; the `leadseg segment` CLI uses every core).
   */
  workers?: number;
  /** CSV columns holding lists written `a;b;c` (a CRM's multi-select field), read as arrays of text; an empty field is `[]`. */
  listColumns?: string[];
  /**
   * How results come back (default `'objects'`: `leads`, one result object per lead, as `keepLeads`
   * says). `'columns'`: `columns` holds every lead's outputs as typed arrays in input order and
   * `leads` is empty: no result object is made per lead (unless `onLead` asks for them), which for
   * lead objects and CSV in one thread is the run's largest cost after the evaluation itself.
   * Excludes `keepLeads: true`.
   */
  results?: 'objects' | 'columns';
  /** Where the worker script is, if a bundler moved it (default: `batch-worker.js` next to the package's code, `leadseg.browser-batch-worker.js` next to the bundle). */
  workerUrl?: string | URL;
  wasmUrl?: string | URL;
  wasmBinary?: ArrayBuffer | Uint8Array;
  module?: object;
}

/** CSV / lead input: objects, CSV text, a Blob/File, or a stream of text or bytes. */
export type LeadsInput = LeadRow[] | CsvInput;

/**
 * Segments and scores many leads with the same rules as the browser engine.
 * CSV is parsed streaming (RFC 4180; the first line is the header); bytes
 * must be UTF-8 (invalid bytes reject the run rather than becoming U+FFFD).
 * Each lead is evaluated as a visitor with those attributes, identified at
 * its first event, whose events (`lead.events` and the rows of
 * `options.events` with its id) were tracked in time order, read at `now`.
 * A lead that cannot be evaluated (e.g. a NaN, a reserved name, a malformed
 * event) gets `error` and the run goes on. Wrong options reject at once.
 */
export function segmentLeads(
  config: Config,
  leads: LeadsInput,
  options: SegmentLeadsOptions & { results: 'columns' },
): Promise<{ leads: LeadResult[]; columns: LeadColumns; summary: LeadSummary; warnings: Array<{ code: string; message: string; path: string }> }>;
export function segmentLeads(
  config: Config,
  leads: LeadsInput,
  options?: SegmentLeadsOptions,
): Promise<{ leads: LeadResult[]; summary: LeadSummary; warnings: Array<{ code: string; message: string; path: string }> }>;

/** Parses CSV into row objects, streaming (see segmentLeads for the typing rules). */
export function parseCsv(input: string | Blob | ReadableStream<string | Uint8Array> | AsyncIterable<string | Uint8Array>, options?: { types?: boolean }): AsyncGenerator<Record<string, Json>>;

/** Types one CSV field: JSON-syntax numbers, true/false (any case), '' -> undefined, else the text. */
export function typeValue(text: string): Json | undefined;

/**
 * Low-level CSV record splitter. The parser is loaded on first use (a page
 * that only personalizes never fetches it), so push() and end() resolve
 * asynchronously; calls made without awaiting the previous one still run in order.
 */
export class CsvParser {
  /** Resolves to the records completed by this chunk. */
  push(text: string): Promise<string[][]>;
  /** Ends the input; rejects on an unclosed quote. */
  end(): Promise<string[][]>;
}

/** CSV records to row objects keyed by the header line (loaded on first use, as CsvParser). */
export class CsvRows {
  constructor(options?: { types?: boolean });
  push(text: string): Promise<Array<Record<string, Json>>>;
  end(): Promise<Array<Record<string, Json>>>;
  /** The column names (trimmed), or null before the header line is complete. */
  readonly header: string[] | null;
  /** The row numbers (the header is row 1) of the rows the last push() or end() resolved to. */
  readonly rowNumbers: number[];
}

/** In-memory storage (used when the browser refuses storage; handy in tests). */
export class MemoryStorage implements StorageAdapter {
  readonly kind: 'memory';
  open(): Promise<void>;
  readAll(): Promise<{ events: StoredEvent[]; state: Record<string, unknown> }>;
  write(batch: Partial<StorageBatch>): Promise<void>;
  clear(): Promise<void>;
  close(): void;
  /** Number of stored event records. */
  readonly eventCount: number;
}

/** IndexedDB storage (database `name`, stores "events" and "state"). */
export class IndexedDbStorage implements StorageAdapter {
  constructor(name?: string);
  readonly kind: 'indexeddb';
  open(): Promise<void>;
  readAll(): Promise<{ events: StoredEvent[]; state: Record<string, unknown> }>;
  write(batch: Partial<StorageBatch>): Promise<void>;
  clear(): Promise<void>;
  close(): void;
}

/** localStorage storage (keys "leadseg:<name>:..."). */
export class LocalStorageStorage implements StorageAdapter {
  constructor(name?: string);
  readonly kind: 'localstorage';
  open(): Promise<void>;
  readAll(): Promise<{ events: StoredEvent[]; state: Record<string, unknown> }>;
  write(batch: Partial<StorageBatch>): Promise<void>;
  clear(): Promise<void>;
  close(): void;
}

/** Loads (once) and returns the WebAssembly core module, to share via `module`. */
export function loadCore(options?: { wasmUrl?: string | URL; wasmBinary?: ArrayBuffer | Uint8Array }): Promise<object>;

/** The bytes of a compiled config (docs/compiled-config.md). */
export type CompiledConfig = Uint8Array | ArrayBuffer;

/**
 * Compiles a config into the bytes `createEngine({config})` loads without the compiler. Rejects
 * with exactly the errors `createEngine` gives for that config. Loads the full module (`options`
 * as for `loadCore()`).
 */
export function compileConfig(
  config: Config,
  options?: { module?: object; wasmUrl?: string | URL; wasmBinary?: ArrayBuffer | Uint8Array },
): Promise<Uint8Array>;

/** One feature's share of a predictive model's log-odds (docs/config.md "Predictive scoring"). */
export interface PredictiveContribution {
  /** The attribute the feature reads, as written in the config ("pricing_views_2d", "declared.interests"). */
  attribute: string;
  /** numeric: weight × (x − mean) / scale; equals: one-hot; missing: missing indicator. */
  kind: 'numeric' | 'equals' | 'missing';
  /** The value the model saw (null when missing). */
  value: Json;
  /** The one-hot's value (kind "equals" only). */
  equals?: string | number | boolean;
  /** Added to the log-odds (never 0: features that contributed nothing are left out). */
  contribution: number;
}

/** A predictive model's evaluation for this visitor (`score().predictive`, `explain().predictive`). */
export interface PredictiveScore {
  id: string;
  name: string;
  /** "predictive:<id>": the model's rule in `traits.rules` and `fit.rules`. */
  rule: string;
  /** 1 / (1 + exp(−logit)). */
  probability: number;
  logit: number;
  /** round(probability × scoring.points), added to the score; null when the model does not add to the score. */
  points: number | null;
  /** round(probability × grading.points), added to the fit; null when the model does not add to the grade. */
  gradePoints: number | null;
  /** Non-zero contributions, in the config's feature order. */
  contributions: PredictiveContribution[];
}

// Declaration merging: the predictive fields of the score breakdown and explanations.
export interface ScoreBreakdown {
  /** The `predictive` model's evaluation; null without a `predictive` section. */
  predictive: PredictiveScore | null;
}
export interface Explanation {
  /**
   * With a `predictive` section: the model's evaluation when the segment's condition reads the
   * score, grade or leadCell the model adds to, else null. Absent without a model.
   */
  predictive?: PredictiveScore | null;
}

// ---------------------------------------------------------------------------
// Learning from a lead list (docs/predictive.md): trainModel() and
// discoverSegments(). Both load web/dist/leadseg-learn.{mjs,wasm} on first use.
// ---------------------------------------------------------------------------

/** The config's `predictive` section (docs/predictive.md, "The predictive section"). */
export interface PredictiveSection {
  id: string;
  name?: string;
  model: 'logistic';
  intercept: number;
  features: Array<
    | { attribute: string; mean?: number; scale?: number; weight: number }
    | { attribute: string; equals: string | number | boolean; weight: number }
    | { attribute: string; missing: true; weight: number }
  >;
  scoring?: { points: number };
  grading?: { points: number };
  trainedOn?: { rows: number; auc: number; at: string };
}

/** Options trainModel() and discoverSegments() share: how leads become features. */
export interface LearnInputOptions {
  /**
   * Columns and metric ids to learn from (default: every lead column except the
   * outcome and `idColumn`, plus every metric of the config when events are given).
   */
  features?: string[];
  /** Categorical columns keep their `maxLevels` most frequent values as one-hot features (default 10); the rest share the baseline. */
  maxLevels?: number;
  /** The activity table, joined on `idColumn` and replayed into the config's metrics (as segmentLeads). */
  events?: ActivityRow[] | CsvInput;
  idColumn?: string;
  eventColumns?: { lead?: string; type?: string; at?: string };
  columnMap?: Record<string, string>;
  /** CSV typing (default true). */
  types?: boolean;
  /** Time the metrics are read at (ms or a function), default now. */
  now?: number | (() => number);
  /** Seed of the fold assignment / k-means++ initialisation (default 1): same seed, same result. */
  seed?: number;
  /** Checked between steps: an aborted signal rejects with its reason. */
  signal?: AbortSignal;
  /** Where the learning module's wasm is (default: dist/leadseg-learn.wasm next to the package), or its bytes. */
  wasmUrl?: string | URL;
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** A learning module instance already loaded (not with `worker: true`). */
  module?: object;
  /**
   * Run the whole call in a module Web Worker so the page stays responsive
   * (docs/predictive.md, "Off the main thread"). Same result, errors and
   * progress; `signal` terminates the worker. Without Web Workers (node) the
   * call runs in this thread. Default false.
   */
  worker?: boolean;
  /** The worker script, when a bundler does not emit the package's learn-worker.js. */
  workerUrl?: string | URL;
}

export interface LearnProgress {
  stage: 'features' | 'fold' | 'final' | 'k' | 'describe';
  done: number;
  total: number;
}

export interface TrainModelOptions extends LearnInputOptions {
  /** The outcome column: true/false, 1/0, "yes"/"no" (case-insensitive). Rows without an outcome are left out. */
  outcome: string;
  /** Cross-validation folds (default 5, 2..20); 1 = one held-out split of `holdout`. */
  folds?: number;
  /** Held-out share when `folds` is 1 (default 0.2). */
  holdout?: number;
  /** Inverse regularisation strength, as scikit-learn's `C` (default 1). */
  C?: number;
  /** The exported section's `id` (default "conversion") and `name`. */
  id?: string;
  name?: string;
  /** `scoring.points` / `grading.points` of the exported section (default `{ scoring: 40 }`). */
  points?: { scoring?: number; grading?: number };
  onProgress?: (progress: LearnProgress) => void;
}

export interface TrainedModel {
  /** Ready to set as `config.predictive`; trained on every row. */
  predictive: PredictiveSection;
  /** Out-of-fold (or held-out) measures. */
  metrics: {
    auc: number;
    logLoss: number;
    brier: number;
    /** Per decile of predicted probability: mean predicted vs observed rate. */
    calibration: Array<{ decile: number; count: number; predicted: number; observed: number }>;
    rows: number;
    positives: number;
    validation: { kind: 'cross-validation' | 'holdout'; folds: number; rows: number };
    /** Newton iterations of the final fit, and whether it met the tolerance. */
    iterations: number;
    converged: boolean;
    /** Leads left out for having no outcome value. */
    leftOut: number;
  };
  /** One per feature, by |weight|: `text` is the weight in plain words. */
  weights: Array<{ feature: string; attribute: string; kind: 'numeric' | 'equals' | 'missing'; weight: number; perUnit?: number; text: string }>;
  /** The ROC curve of the out-of-fold predictions (at most ~200 points, from (0,0) to (1,1)). */
  roc: Array<{ fpr: number; tpr: number; threshold: number }>;
  /** Columns left out and why (constant, no values, ...). */
  skipped: Array<{ column: string; reason: string }>;
}

/** Trains a logistic regression (L2, scikit-learn's objective) on a lead list with an outcome column. */
export function trainModel(config: Config, leads: LeadsInput, options: TrainModelOptions): Promise<TrainedModel>;

export interface DiscoverSegmentsOptions extends LearnInputOptions {
  /** Number of clusters; default: chosen by silhouette over 2..kMax. */
  k?: number;
  /** Largest k tried when `k` is not given (default 10, at most 20). */
  kMax?: number;
  /** k-means++ restarts per k (default 3). */
  restarts?: number;
  /** Depth of each cluster's describing rule (1..3, default 2). */
  depth?: number;
  /** The outcome column: left out of the clustering (default: inferred from the column names, docs/predictive.md). */
  outcome?: string;
  /** More columns to leave out of the clustering. */
  exclude?: string[];
  onProgress?: (progress: LearnProgress) => void;
}

export interface DiscoveredCluster {
  id: string;
  name: string;
  size: number;
  share: number;
  /** Mean of each feature in the cluster, in the column's own units (one-hot and missing: the share). */
  centroid: Record<string, number>;
  /** A condition in the config's syntax (docs/config.md) that picks out the cluster. */
  condition: JsonObject;
  /** Of the leads the condition matches, the share in the cluster; of the cluster, the share it matches. */
  precision: number;
  recall: number;
  /** Ready to append to `config.segments`. */
  segment: { id: string; name: string; description: string; condition: JsonObject };
}

export interface DiscoveredSegments {
  k: number;
  silhouette: number;
  /** Silhouette of every k tried. */
  tried: Array<{ k: number; silhouette: number; inertia: number }>;
  inertia: number;
  clusters: DiscoveredCluster[];
  skipped: Array<{ column: string; reason: string }>;
}

/** Finds groups of similar leads (k-means++ on standardised features) and describes each as a segment. */
export function discoverSegments(config: Config, leads: LeadsInput, options?: DiscoverSegmentsOptions): Promise<DiscoveredSegments>;
