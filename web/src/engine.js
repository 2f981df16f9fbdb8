// createEngine(): one visitor's engine in the page, the class Engine (the
// public type of web/index.d.ts). A facade: it wraps the module's
// CoreEngine (bindings/engine.post.js, exported as `module.Engine`; `raw`
// here) with time, argument checks and events, and wires
// in the protocols that live in modules of their own:
//   consent.js          purposes, merging, changes one at a time
//   profile-storage.js  the profile on the device and the site's other tabs
//                       (persistence.js, replay.js, tabs.js): a lazy chunk
//   journal.js          the page's events (and, until the profile is
//                       attached, its attributes and declarations) kept
//                       synchronously until written
//   checkpoints.js      when a snapshot of the core is written
//   decisions.js        the decision shape and the measurement ledger
//   privacy/            report(), its budget and its state
//   dom.js, forms.js, datalayer.js, pageviews.js  the page integrations
//
// Loaded on demand (chunks of their own in the bundle,
// scripts/bundle-web.mjs), so that a page without storage consent does not
// load them: the dataLayer and page-view hooks, which only createEngine()
// starts, with their options, so they load while the core does; and the
// stored profile (profile-storage.js), started with the core when
// createEngine() has storage consent, else when setConsent() gives it.
// Consent given mid-page then waits for that chunk, and for storage to
// open (asynchronous in any case: with that code in the entry, the events
// of a visitor who accepted and navigated at once were lost all the same).
// So the page's unsaved events, attributes and declarations go to the
// synchronous journal (journal.js, in the entry) in setConsent() itself,
// and so do those recorded until the profile is attached: the next page
// load replays them (#journalUntilAttached). The report code stays in the
// entry: report() is often called as the page goes, when a chunk's fetch
// could be cut off before it sends (docs/performance.md).
import { loadModule, loadRuntimeModule } from './loader.js';
import { compiledBytes, isCompiledConfig, readFacts } from './compiled.js';
import { Emitter, rethrowLater } from './emitter.js';
import { describe, isPlainObject, leadsegError, requirePlainObject, requireString, toJsonText, withContext } from './errors.js';
import { checkOptions, parseConfig } from './options.js';
import { Ledger, normalizeDecision } from './decisions.js';
import { withStatistics } from './experiment-stats.js';
import { ConsentQueue, NO_CONSENT, mayPrepaint, mergeConsent } from './consent.js';
import { Checkpoints } from './checkpoints.js';
import { randomId } from './ids.js';
import { openStorage } from './storage/index.js';
import { DEFAULT_MAX_EPSILON } from './report.js';
import { budgetLeft, budgetLimits } from './privacy/budget.js';
import { ReportState } from './privacy/state.js';
import { clearPrepaint, renderSlots, savePrepaint } from './dom.js';
import { bindForm } from './forms.js';
import { Journal, clearJournals } from './journal.js';
import { flatPropsCopy } from './flat-props.js';
import { planEngineReport, sendPlannedReport } from './privacy/reports.js';

export const EVENTS = Object.freeze([
  'segment:enter', 'segment:exit', 'stage', 'temperature', 'mql', 'sql', 'exposure',
  'storage:corrupted', 'storage:error', 'storage:pruned', 'consent', 'error',
]);

const CREATING = Symbol('creating');

// Starts a dynamic import() now, to be awaited later (it loads while the
// core does). If nothing awaits it (the core failed first), its failure is
// not an unhandled rejection.
function loadEarly(load) {
  const promise = load();
  promise.catch(() => {});
  return promise;
}

/**
 * Creates an engine and resolves once the visitor's stored profile is
 * loaded (see index.d.ts for every option).
 */
export async function createEngine(options) {
  const engine = new Engine(CREATING, options);
  await engine._start();
  return engine;
}

class Engine {
  #options;
  #raw = null;
  #configText;
  #compiled = null;
  #now;
  #events = new Emitter();
  #consent;
  #tabId = randomId(10);
  #visitorId = null;
  #visitorSaved = false;
  #seq = 0;
  #retention;
  #stored = null; // profile-storage.js StoredProfile, while storage consent lasts
  #unsaved = []; // events tracked without storage, written if consent comes
  #journal = null; // journal.js Journal of #unsaved and the profile, from storage consent until the profile is attached
  #storageCode = null; // the import() of profile-storage.js, once storage consent is given
  #ledger = new Ledger();
  #exposed = new Set();
  #defaults;
  #experiments;
  #segmentNames;
  #maxEpsilon;
  #reportBudget;
  #reportState = null; // built on first use (#reports())
  #checkpoints = new Checkpoints({
    ready: () => this.#stored !== null && !this.#destroyed,
    write: () => this.#persistence.checkpoint(this.#raw.snapshot(), this.#raw.clock()),
  });
  #consentChanges = new ConsentQueue();
  #initialChanges = null;
  #cleanup = [];
  #destroyed = false;

  /** Config warnings returned by the core (hygiene), [{code, message, path}]. */
  warnings = [];
  /** Form helpers: `engine.forms.bind(form, {slot, name, goal})`. */
  forms;

  constructor(token, options) {
    if (token !== CREATING) throw leadsegError('use `await createEngine(options)` to create an engine');
    checkOptions(options);
    this.#options = options;
    // Compiled bytes: the runtime module, no JSON anywhere. JSON: the full
    // module, whose compiler reports the config's errors.
    if (isCompiledConfig(options.config)) this.#compiled = compiledBytes(options.config);
    else this.#configText = parseConfig(options.config).text;
    this.#now = options.now ?? Date.now;
    this.#consent = mergeConsent(NO_CONSENT, options.consent, 'createEngine: options.consent');
    this.#maxEpsilon = options.maxEpsilon ?? DEFAULT_MAX_EPSILON;
    this.#reportBudget = budgetLimits(options.reportBudget);
    for (const [event, handler] of Object.entries(options.on ?? {})) this.on(event, handler);
    if (options.onExposure) this.#events.on('exposure', options.onExposure);
    this.forms = Object.freeze({ bind: (form, bindOptions) => bindForm(this, form, bindOptions) });
  }

  /** @internal */
  async _start() {
    const o = this.#options;
    // Fetched while the core loads, and only when the options call for them.
    const dataLayer = o.dataLayer ? loadEarly(() => import('./datalayer.js')) : null;
    const pageViews = o.autoPageViews ? loadEarly(() => import('./pageviews.js')) : null;
    if (this.#consent.storage) this.#loadStorageCode();
    const core = await (this.#compiled ? loadRuntimeModule(o) : loadModule(o));
    const raw = new core.Engine();  // a CoreEngine
    try {
      this.warnings = this.#compiled ? raw.loadCompiled(this.#compiled) : raw.load(this.#configText);
    } catch (error) {
      raw.delete();
      throw withContext(error, 'createEngine: invalid config');
    }
    this.#raw = raw;
    // What this side needs of the config, as the core compiled it.
    const facts = readFacts(raw.facts());
    this.#retention = facts.retention;
    this.#defaults = facts.defaults;
    this.#experiments = o.experiments ?? facts.experiments;
    this.#segmentNames = facts.segmentNames;
    // What a fresh profile starts in (a catch-all segment): delivered once,
    // after createEngine resolves, unless storage holds the visitor already.
    // null when it holds nothing to emit, as for most configs: then no task
    // is armed for it (below).
    const initial = raw.initialChanges();
    this.#initialChanges = initial.entered.length || initial.exited.length || initial.stages.length
      || initial.temperature || initial.mql || initial.sql ? initial : null;
    this.#setVisitorId(randomId(16));
    // Consent can change between page views (a CMP's stored choice).
    // Without localStorage (node, a worker) there is no record to clear.
    if (!mayPrepaint(this.#consent) && 'localStorage' in globalThis) this.#clearPrepaintSoon();
    if (this.#consent.storage) await this.#attachStorage(true);
    if (o.dataLayer || o.autoPageViews || o.dom || typeof window !== 'undefined') await this.#startIntegrations(dataLayer, pageViews);
    // A task, not a microtask: the caller's code after `await createEngine()`
    // runs first and can attach its listeners. No task when there is nothing
    // to deliver: a fresh node process's first setTimeout costs ~0.3 ms of
    // CPU (docs/performance.md, "A fresh node process's createEngine: the
    // JavaScript around the core").
    if (this.#initialChanges) setTimeout(() => this.#emitInitialChanges(), 0);
  }

  // Removing the record is the page's first localStorage access: a
  // synchronous round trip to the browser process (1-29 ms in a fresh
  // Chromium context) that would sit before the first decision. This page
  // view's prepaint.js has run already, so the record only matters to the
  // next page: clear it after the first task, or at pagehide if the visitor
  // leaves sooner. Still only if consent has not allowed it meanwhile (a
  // render after setConsent may have written a fresh record). An engine
  // destroyed before either clears it then, which also removes the
  // listener (it would otherwise outlive the engine).
  #clearPrepaintSoon() {
    const win = typeof window !== 'undefined' ? window : null;
    let pending = true;
    const clear = () => {
      if (!pending) return;
      pending = false;
      clearTimeout(timer);
      win?.removeEventListener('pagehide', clear);
      if (!mayPrepaint(this.#consent)) clearPrepaint(this.#storageName());
    };
    win?.addEventListener('pagehide', clear);
    const timer = setTimeout(clear, 0);
    this.#cleanup.push(clear);
  }

  // The initial changes, at most once: from the timer above, or just before
  // the changes of the first call if that comes sooner, so events stay in
  // order (an enter before the exit that follows it).
  #emitInitialChanges() {
    const changes = this.#initialChanges;
    this.#initialChanges = null;
    if (!changes || this.#destroyed) return;
    let at = this.#raw.clock();
    if (at === 0) {
      try {
        at = this.#time();
      } catch {
        return; // a broken options.now() is reported by the first call
      }
    }
    // Moves made at load carry the core's clock then (0 for a new profile).
    this.#emitChanges({ ...changes, stages: changes.stages.map((s) => ({ ...s, at })) }, at);
  }

  async #startIntegrations(dataLayer, pageViews) {
    const o = this.#options;
    const win = typeof window !== 'undefined' ? window : null;
    if (win) {
      const onHide = () => this.#checkpoints.writeIfDirty();
      const onVisibility = () => {
        if (document.visibilityState === 'hidden') onHide();
      };
      win.addEventListener('pagehide', onHide);
      document.addEventListener('visibilitychange', onVisibility);
      this.#cleanup.push(() => {
        win.removeEventListener('pagehide', onHide);
        document.removeEventListener('visibilitychange', onVisibility);
      });
    }
    if (o.dataLayer) {
      let layer = o.dataLayer;
      if (layer === true) {
        if (!win) throw leadsegError('createEngine: dataLayer: true needs a window (pass an array instead)');
        layer = win.dataLayer = Array.isArray(win.dataLayer) ? win.dataLayer : [];
      }
      const { bindDataLayer } = await dataLayer;
      this.#cleanup.push(bindDataLayer(layer, (type, props) => this.track(type, props), (error) => this.#backgroundError('dataLayer', error)));
    }
    if (o.autoPageViews) {
      if (!win) throw leadsegError('createEngine: autoPageViews needs a browser window');
      const { trackPageViews } = await pageViews;
      this.#cleanup.push(trackPageViews((props) => this.track('page_view', props), (error) => this.#backgroundError('autoPageViews', error)));
    }
    if (o.dom) {
      if (!win) throw leadsegError('createEngine: dom: true needs a browser document');
      this.render(document);
    }
  }

  // ---------------------------------------------------------------- state

  /** The current consent per purpose (a copy). */
  get consent() {
    return { ...this.#consent };
  }

  /** Where the profile is kept: "indexeddb", "localstorage", "memory", a custom adapter's kind, or "none" without storage consent. */
  get storage() {
    return this.#persistence ? this.#persistence.kind : 'none';
  }

  // persistence.js Persistence while storage consent lasts, else null.
  get #persistence() {
    return this.#stored?.persistence ?? null;
  }

  // Where identify() and declare() keep their records synchronously until
  // storage has them (journal.js): the consent journal until the profile is
  // attached, then the stored profile's, which drops each record once its
  // write is done (profile-storage.js). Their writes are asynchronous like
  // the events', so a navigation in the same task would lose them.
  get #stateJournal() {
    return this.#journal ?? this.#stored?.journal ?? null;
  }

  #alive() {
    if (this.#destroyed) throw leadsegError('this engine was destroyed');
  }

  // now(), checked. `recording`: the time is stored with what the call
  // records (identify, declare, track, decide, convert), so a clock far
  // behind what the engine has seen (seconds instead of milliseconds, a
  // broken clock) is refused rather than recorded; reads just do not
  // advance.
  #time(recording = false) {
    let t;
    try {
      t = this.#now();
    } catch (error) {
      throw withContext(error, 'options.now() threw');
    }
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw leadsegError(`options.now() must return a time in milliseconds (a finite number since the epoch), got ${describe(t)}`);
    }
    if (recording) {
      const clock = this.#raw.clock();
      if (t >= 0 && t < clock - this.#retention.maxAge) {
        throw leadsegError(`options.now() returned ${t}, more than the retention's maxAge before the latest time the engine has seen (${clock}): seconds instead of milliseconds, or a clock gone back?`);
      }
    }
    return t;
  }

  #emitChanges(changes, at = this.#raw.clock()) {
    if (!changes) return;
    if (this.#initialChanges) this.#emitInitialChanges();
    if (this.#events.idle) return;
    // A visitor's first identify enters many segments: no payloads unless someone listens.
    if (this.#events.has('segment:enter')) {
      for (const id of changes.entered ?? []) this.#events.emit('segment:enter', { segment: id, name: this.#segmentNames.get(id) ?? id, at });
    }
    if (this.#events.has('segment:exit')) {
      for (const id of changes.exited ?? []) this.#events.emit('segment:exit', { segment: id, name: this.#segmentNames.get(id) ?? id, at });
    }
    for (const s of changes.stages ?? []) this.#events.emit('stage', { from: s.from, to: s.to, at: s.at });
    if (changes.temperature) this.#events.emit('temperature', { temperature: changes.temperature, at });
    if (changes.mql) this.#events.emit('mql', { at });
    if (changes.sql) this.#events.emit('sql', { at });
  }

  // Experiments hash on the "id" attribute, else on this random id, kept
  // with the profile (a new one after erase()).
  // `saved`: the id is already in storage; else it is written with the
  // next change (not at once: erase() must leave storage empty).
  #setVisitorId(id, saved = false) {
    this.#raw.setVisitorId(id);
    this.#visitorId = id;
    this.#visitorSaved = saved;
  }

  #backgroundError(source, error) {
    this.#events.emit('error', { source, error });
  }

  // Advances the core's clock to now: windows expire, segments may change.
  #sync(t) {
    this.#alive();
    if (t === undefined) t = this.#time();
    if (t > this.#raw.clock()) this.#emitChanges(this.#raw.advanceTo(t));
  }

  // The core changed: the visitor id is stored with the first change, and a snapshot is due.
  #changed() {
    const persistence = this.#persistence;
    if (persistence && this.#visitorId && !this.#visitorSaved) {
      persistence.put('visitor', { id: this.#visitorId });
      this.#visitorSaved = true;
    }
    this.#checkpoints.changed(persistence !== null);
  }

  // ------------------------------------------------------------- profile

  /**
   * Merges explicit attributes (a null value removes one).
   * @returns the changes {entered, exited, stages, temperature, mql, sql}
   */
  identify(traits) {
    this.#alive();
    requirePlainObject(traits, 'identify(traits)');
    // Flat traits (the usual case) without storage to keep them in are
    // checked as they are written into the frame (bindings/frame.post.js),
    // with no copy; the clock is read after the check, as below.
    const raw = this.#raw;
    if (!this.#persistence && !this.#journal && raw.writeFlatTraits !== undefined) {
      const size = raw.writeFlatTraits(traits);
      if (size >= 0) {
        const changes = raw.identifyWritten(size, this.#time(true));
        this.#changed();
        this.#emitChanges(changes);
        return changes;
      }
    }
    // Otherwise flat traits are checked and copied in one pass, as in
    // track(); anything else through JSON text.
    let stored = flatPropsCopy(traits);
    const json = stored === null ? toJsonText(traits, 'identify(traits)') : undefined;
    const at = this.#time(true);
    // The checked, JSON-normalized copy crosses as a frame (as in track()).
    if (stored === null) stored = JSON.parse(json);
    const changes = this.#raw.identifyObject(stored, at, json);
    if (this.#persistence) {
      for (const [name, value] of Object.entries(stored)) {
        if (value === null) this.#persistence.remove(`t:${name}`);
        else this.#persistence.put(`t:${name}`, { value, at });
      }
    }
    this.#stateJournal?.addAll([], Object.entries(stored).map(([name, value]) => [`t:${name}`, value, at]));
    this.#changed();
    this.#emitChanges(changes);
    return changes;
  }

  /** Records a zero-party declaration ("interests" -> ["security"]); null withdraws it. */
  declare(key, value) {
    this.#alive();
    requireString(key, 'declare(key, value): key');
    if (value === undefined) throw leadsegError(`declare("${key}", value): value is missing (null withdraws a declaration)`);
    const json = toJsonText(value, `declare("${key}", value)`);
    const at = this.#time(true);
    const stored = JSON.parse(json);
    const changes = this.#raw.declareObject(key, stored, at, json);
    if (this.#persistence) {
      if (value === null) this.#persistence.remove(`d:${key}`);
      else this.#persistence.put(`d:${key}`, { value: stored, at });
    }
    this.#stateJournal?.addAll([], [[`d:${key}`, stored, at]]);
    this.#changed();
    this.#emitChanges(changes);
    return changes;
  }

  /** Records an event of `type` with optional properties, at now(). */
  track(type, props = {}) {
    this.#alive();
    requireString(type, 'track(type, props): type');
    if (props === null) props = {};
    requirePlainObject(props, `track("${type}", props): props`);
    // Flat props (the usual case) are checked and copied in one pass
    // (flat-props.js); anything else through JSON text, as before.
    let stored = flatPropsCopy(props);
    const json = stored === null ? toJsonText(props, `track("${type}", props): props`) : undefined;
    const ts = this.#time(true);
    // The checked, JSON-normalized copy is what is stored and what crosses
    // into wasm, as a binary frame (bindings/frame.post.js), not as text.
    if (stored === null) stored = JSON.parse(json);
    const changes = this.#raw.trackObject(type, stored, ts, json);
    const record = { id: `${this.#tabId}:${++this.#seq}`, type, ts, props: stored };
    const profile = this.#stored;
    if (profile) {
      profile.journal?.add(record);
      profile.persistence.addEvents([record]);
    } else {
      this.#unsaved.push(record);
      if (this.#unsaved.length > this.#retention.maxEvents) this.#unsaved.shift();
      this.#journal?.add(record); // storage consent given, the profile not attached yet
    }
    this.#changed();
    this.#emitChanges(changes);
    return changes;
  }

  /** Ids of the segments the visitor is in now. */
  segments() {
    this.#sync();
    return this.#raw.segments();
  }

  /** Every metric's current value, by id. */
  metrics() {
    this.#sync();
    return this.#raw.metrics();
  }

  /** The score breakdown (score, grade, temperature, stage, ...; null fields when not configured). */
  score() {
    this.#sync();
    return this.#raw.score();
  }

  /** Everything segment conditions can read, as they read it now. */
  attributes() {
    this.#sync();
    return this.#raw.attributes();
  }

  /** Why the visitor is or is not in a segment. */
  explain(segmentId) {
    this.#alive();
    requireString(segmentId, 'explain(segmentId): segmentId');
    this.#sync();
    return this.#raw.explain(segmentId);
  }

  // ------------------------------------------------------------ decisions

  /** The default variant of a slot (what decide() returns without personalization consent). */
  defaultVariant(slotId) {
    if (!this.#defaults.has(slotId)) throw leadsegError(`unknown slot ${typeof slotId === 'string' ? `"${slotId}"` : `(${describe(slotId)})`}`);
    return this.#defaults.get(slotId);
  }

  /** Decides which variant of a slot to show this visitor. */
  decide(slotId) {
    const { at, fixed } = this.#beginDecision(slotId, 'decide', true);
    if (fixed) return fixed;
    const decision = normalizeDecision(this.#raw.decide(slotId, at));
    const e = decision.experiment;
    if (e) this.#changed(); // assignments are part of the snapshot
    if (e && e.inExperiment && this.#consent.measurement) {
      this.#markLedger(e.key, e.variant, 'exposed');
      const seen = `${e.key}\u0000${e.variant}`;
      if (!this.#exposed.has(seen)) {
        this.#exposed.add(seen);
        this.#events.emit('exposure', { slot: slotId, experiment: e.key, variant: e.variant, firstExposure: Boolean(e.firstExposure) });
      }
    }
    return decision;
  }

  /**
   * The decision decide() would return now, recording nothing: no sticky
   * assignment, no exposure, no event (for previews, prefetching, an
   * inspector). Like every read it first moves the clock to now().
   */
  peek(slotId) {
    const { at, fixed } = this.#beginDecision(slotId, 'peek', false);
    return fixed ?? normalizeDecision(this.#raw.peek(slotId, at));
  }

  // What decide() and peek() share: check the slot before anything moves,
  // sync the clock (a `recording` time for decide), and the default as the
  // `fixed` answer without personalization consent.
  #beginDecision(slotId, method, recording) {
    this.#alive();
    requireString(slotId, `${method}(slotId): slotId`);
    if (!this.#defaults.has(slotId)) throw leadsegError(`unknown slot "${slotId}"`);
    const at = this.#time(recording);
    this.#sync(at);
    if (this.#consent.personalization) return { at, fixed: null };
    return { at, fixed: { slot: slotId, variant: this.defaultVariant(slotId), reason: { kind: 'default', rule: null, path: null }, experiment: null } };
  }

  /** Records a conversion of `goal` (measurement consent only). */
  convert(goal) {
    this.#alive();
    requireString(goal, 'convert(goal): goal');
    const at = this.#time(true);
    this.#sync(at);
    if (!this.#consent.measurement) return { attributed: [] };
    const result = this.#raw.convert(goal, at);
    for (const a of result.attributed ?? []) this.#markLedger(a.experiment, a.variant, 'converted');
    this.#changed();
    return result;
  }

  /**
   * Experiment results (device counts plus the site's aggregate counts):
   * per experiment and variant, exposures and conversions as the core
   * counts them, then the rate, credible interval and probability to be
   * best, which the package computes (experiment-stats.js) so that the
   * page's wasm carries no lgamma/log.
   */
  experiments() {
    this.#alive();
    return withStatistics(this.#raw.experiments());
  }

  /**
   * Feeds site-wide counts (e.g. estimated from reports) to a bandit
   * experiment: {variant: {exposures, conversions}, segments?: {...}}. Kept
   * in memory only.
   */
  addAggregateCounts(experimentKey, counts) {
    this.#alive();
    requireString(experimentKey, 'addAggregateCounts(experimentKey, counts): experimentKey');
    requirePlainObject(counts, `addAggregateCounts("${experimentKey}", counts): counts`);
    this.#raw.addAggregateCounts(experimentKey, toJsonText(counts, `addAggregateCounts("${experimentKey}", counts)`));
  }

  #markLedger(key, variant, bit) {
    const record = this.#ledger.mark(key, variant, bit);
    if (record) this.#persistence?.put(`x:${key}`, record);
  }

  // ------------------------------------------------------ privacy, storage

  /** The visitor's whole profile, as stored (data-subject export). */
  export() {
    this.#alive();
    return { ...this.#raw.exportProfile(), experiments: this.#ledger.toJSON() };
  }

  /** Forgets the visitor: in memory, in storage (the database is deleted) and in the site's other tabs. */
  async erase() {
    this.#alive();
    this.#raw.erase();
    this.#forgetLocal();
    this.#setVisitorId(randomId(16));
    clearPrepaint(this.#storageName());
    this.#reports().clear();
    this.#resetJournal();
    const stored = this.#stored;
    if (stored) {
      stored.tabs?.postErase();
      await stored.persistence.clear();
    }
  }

  // Another tab erased the visitor (and the storage they share).
  #erasedElsewhere() {
    this.#raw.erase();
    this.#forgetLocal();
    this.#resetJournal();
    this.#setVisitorId(randomId(16));
    this.#persistence.reset();
  }

  // Drops the journal entries of this page and of earlier ones (the profile was erased).
  #resetJournal() {
    this.#stored?.resetJournal();
    if (this.#journal) this.#journal = new Journal(this.#storageName(), this.#tabId);
    clearJournals(this.#storageName());
  }

  #forgetLocal() {
    this.#ledger.clear();
    this.#unsaved = [];
    this.#exposed.clear();
    this.#checkpoints.reset();
  }

  /** Changes consent for some purposes; resolves with the full consent once storage has followed. */
  setConsent(update) {
    this.#alive();
    mergeConsent(this.#consent, update, 'setConsent'); // throws now on a bad update
    if (update?.storage === true) this.#journalUntilAttached();
    // Merged when it runs, on top of the updates queued before it.
    return this.#consentChanges.queue(() => this.#applyConsent(mergeConsent(this.#consent, update), true));
  }

  // Storage consent given mid-page: the stored profile's code is a chunk
  // loaded now, and storage opens asynchronously, so the page's events,
  // attributes and declarations are not written before a navigation that
  // comes at once. They go to the synchronous journal now, before anything
  // is awaited, and so do those recorded until the profile is attached
  // (track(), identify(), declare()); the next page load replays them
  // (profile-storage.js takes this journal over). The attributes carry the
  // core's clock, as the records attachStorage() writes for them. Only
  // where the profile would be kept on the device, as profile-storage.js
  // journals.
  #journalUntilAttached() {
    this.#loadStorageCode();
    if (this.#stored || this.#journal || !this.#storageOnDevice()) return;
    this.#journal = new Journal(this.#storageName(), this.#tabId);
    const { attributes, declarations } = this.#raw.exportProfile();
    const at = this.#raw.clock();
    this.#journal.addAll(this.#unsaved, [
      ...Object.entries(attributes).map(([name, value]) => [`t:${name}`, value, at]),
      ...Object.entries(declarations).map(([key, d]) => [`d:${key}`, d.value, d.at]),
    ]);
  }

  // profile-storage.js, imported once (a lazy chunk in the bundle).
  #loadStorageCode() {
    this.#storageCode ??= loadEarly(() => import('./profile-storage.js'));
    return this.#storageCode;
  }

  // Another tab withdrew storage consent (tabs.js).
  #consentElsewhere(update) {
    this.#consentChanges.queue(() => this.#applyConsent(mergeConsent(this.#consent, update), false));
  }

  async #applyConsent(next, broadcast) {
    const before = this.#consent;
    const reports = this.#reports(); // where the consent so far keeps it
    this.#consent = next;
    if (!mayPrepaint(next)) clearPrepaint(this.#storageName());
    reports.usePersistent(this.#reportStatePersistent());
    if (before.measurement && !next.measurement) {
      for (const key of this.#ledger.keys()) this.#persistence?.remove(`x:${key}`);
      this.#ledger.clear();
      this.#exposed.clear();
    }
    if (before.storage && !next.storage) {
      const stored = this.#stored;
      this.#stored = null;
      if (broadcast) stored?.tabs?.postStorageWithdrawn();
      stored?.tabs?.close();
      this.#journal = null;
      clearJournals(this.#storageName());
      this.#checkpoints.cancel();
      if (stored) {
        await stored.persistence.clear();
        stored.persistence.close();
      }
    } else if (!before.storage && next.storage) {
      await this.#attachStorage(false);
    }
    this.#events.emit('consent', { ...next });
    return { ...next };
  }

  // fresh: at creation (stored data wins, the snapshot is restored); else
  // consent given mid-page (stored events merged, the page's data written).
  async #attachStorage(fresh) {
    const code = this.#loadStorageCode(); // loading while storage opens
    const { adapter, failures } = await openStorage(this.#options.storage ?? 'auto', this.#storageName());
    for (const { kind, error } of failures) {
      this.#events.emit('storage:error', { operation: 'open', storage: kind, error, recovered: true });
    }
    const { attachStorage } = await code;
    await attachStorage(this.#storageHost(), adapter, fresh);
  }

  // What profile-storage.js reaches of this engine (its Host typedef).
  #storageHost() {
    return {
      raw: this.#raw,
      retention: this.#retention,
      tabId: this.#tabId,
      storageName: this.#storageName(),
      ledger: this.#ledger,
      consent: () => this.#consent,
      destroyed: () => this.#destroyed,
      events: this.#events,
      emitChanges: (changes) => this.#emitChanges(changes),
      setVisitorId: (id, saved) => this.#setVisitorId(id, saved),
      dropInitialChanges: () => {
        this.#initialChanges = null;
      },
      unsaved: () => this.#unsaved,
      clearUnsaved: () => {
        this.#unsaved = [];
      },
      takeJournal: () => {
        const journal = this.#journal;
        this.#journal = null;
        return journal;
      },
      forgetLocal: () => this.#forgetLocal(),
      changed: () => this.#changed(),
      time: () => this.#time(),
      attached: (stored) => {
        this.#stored = stored;
      },
      coreOptions: () => ({ options: this.#options, compiled: !!this.#compiled }),
      erasedElsewhere: () => this.#erasedElsewhere(),
      consentElsewhere: (update) => this.#consentElsewhere(update),
    };
  }

  /** Resolves when everything recorded so far is written to storage (a snapshot included). */
  async flush() {
    this.#alive();
    const persistence = this.#persistence;
    if (!persistence) return;
    this.#checkpoints.writeIfDirty();
    await persistence.flush();
  }

  // ------------------------------------------------------------ reporting

  /**
   * Sends one report (docs/privacy.md): the whole payload is ε-private, it
   * carries one item drawn from the segments, the score band and the
   * experiment variants, and it is paid for from the visitor's budget.
   * Resolves to the payload sent; to {sent: false, reason, message, budget}
   * when the budget is spent (nothing built, nothing sent); to null without
   * measurement consent. A send that fails gives the budget back.
   */
  async report(options = {}) {
    const plan = this.#planReport(options, 'report');
    if (!plan) return null;
    if (plan.refused) return plan.refused;
    return sendPlannedReport(plan, this.#reportHost());
  }

  /**
   * What report(options) would send now, randomized as it would be, and
   * the budget: {payload, budget, refused}. Sends and spends nothing (the
   * inspector shows it). null without measurement consent.
   */
  previewReport(options = {}) {
    const plan = this.#planReport(options, 'previewReport');
    if (!plan) return null;
    if (plan.refused) return { payload: null, budget: plan.refused.budget, refused: plan.refused };
    return { payload: plan.payload, budget: this.reportBudget(), refused: null };
  }

  /** The privacy budget spent and left today and over the last 30 days. */
  reportBudget() {
    this.#alive();
    return budgetLeft(this.#reports().read().spends, this.#reportBudget, this.#time());
  }

  #planReport(options, what) {
    this.#alive();
    if (!isPlainObject(options)) throw leadsegError(`${what}(options): options must be an object`);
    if (!this.#consent.measurement) return null;
    return planEngineReport(options, this.#reportHost());
  }

  // What privacy/reports.js reaches of this engine (its ReportHost typedef).
  #reportHost() {
    return {
      maxEpsilon: this.#maxEpsilon,
      segmentNames: this.#segmentNames,
      experiments: this.#experiments,
      state: this.#reports(),
      limits: this.#reportBudget,
      sync: () => this.#sync(),
      raw: this.#raw,
      ledger: this.#ledger,
      time: () => this.#time(),
      events: this.#events,
      budget: () => this.reportBudget(),
    };
  }

  // The report state, built on first use: a process that never reports
  // does not pay for it at createEngine. Built under the consent of the
  // moment, it is what one built at creation would be by then (every
  // consent change builds it before it applies).
  #reports() {
    if (!this.#reportState) {
      this.#reportState = new ReportState(this.#storageName());
      this.#reportState.usePersistent(this.#reportStatePersistent());
    }
    return this.#reportState;
  }

  // The report state is kept on the device where the profile is.
  #reportStatePersistent() {
    return this.#consent.storage && this.#storageOnDevice();
  }

  // Whether the storage option keeps the profile on the device (not in
  // memory, not in a custom adapter).
  #storageOnDevice() {
    const storage = this.#options.storage ?? 'auto';
    return typeof storage === 'string' && storage !== 'memory';
  }

  // ------------------------------------------------------------------ DOM

  /** Fills every [data-leadseg-slot] element under `root` with its decided variant's <template>. */
  render(root = globalThis.document) {
    this.#alive();
    const results = renderSlots(this, root);
    this.#savePrepaint(results);
    return results;
  }

  // For prepaint.js on the next page view: only where the profile itself
  // is kept on the device (not in memory, not in a custom adapter), and
  // only while decisions are personalized.
  #savePrepaint(results) {
    const kind = this.#persistence?.kind;
    if (!this.#consent.personalization || (kind !== 'indexeddb' && kind !== 'localstorage')) return;
    const error = savePrepaint(this.#storageName(), results);
    if (error) this.#events.emit('storage:error', { operation: 'prepaint', storage: 'localstorage', error, recovered: true });
  }

  #storageName() {
    return this.#options.storageName ?? 'leadseg';
  }

  // --------------------------------------------------------------- events

  on(event, handler) {
    if (!EVENTS.includes(event)) throw leadsegError(`on("${event}"): unknown event (use ${EVENTS.join(', ')})`);
    this.#events.on(event, handler);
    return this;
  }

  off(event, handler) {
    this.#events.off(event, handler);
    return this;
  }

  /** Stops everything this engine started (hooks, timers, tab channel) and frees the core engine. */
  destroy() {
    if (this.#destroyed) return;
    this.#checkpoints.writeIfDirty();
    this.#destroyed = true;
    for (const undo of this.#cleanup.splice(0)) {
      try {
        undo();
      } catch (error) {
        rethrowLater(error);
      }
    }
    this.#checkpoints.cancel();
    const stored = this.#stored;
    this.#stored = null;
    stored?.tabs?.close();
    if (stored) stored.persistence.flush().finally(() => stored.persistence.close());
    this.#events.clear();
    this.#raw?.delete();
  }
}
