// The visitor's profile on the device, as one page's engine keeps it: what
// happens when storage consent is there at load or given mid-page (read
// storage, recover the journal, replay into the core, write what the page
// holds), and what the engine does with what other tabs write.
//
// The pieces: persistence.js (the records and their writes), replay.js
// (storage -> core), journal.js (what a page has not seen written) and
// journal-read.js (its read-back by the next page), tabs.js (the messages
// between tabs). engine.js holds one StoredProfile while storage consent
// lasts and talks to its core through a `host` (below).
//
// Used only once storage consent is given: a lazy chunk in the bundle,
// which engine.js imports with the core when createEngine() has storage
// consent, else when setConsent() gives it (see engine.js for the events
// tracked meanwhile).
import { CorruptedStorageError, Persistence } from './persistence.js';
import { replayStored } from './replay.js';
import { Journal } from './journal.js';
import { forgetJournaled, readJournals } from './journal-read.js';
import { TabChannel } from './tabs.js';

/**
 * What the stored profile needs of the engine.
 * @typedef {object} Host
 * @property {object} raw the core Engine
 * @property {{maxAge: number, maxEvents: number}} retention
 * @property {string} tabId
 * @property {string} storageName
 * @property {{merge: Function, remove: Function, toJSON: Function}} ledger decisions.js Ledger
 * @property {() => {measurement: boolean}} consent the current consent
 * @property {() => boolean} destroyed
 * @property {import('./emitter.js').Emitter} events the engine's events
 * @property {(changes: object) => void} emitChanges
 * @property {(id: string, saved: boolean) => void} setVisitorId
 * @property {() => void} dropInitialChanges a stored visitor does not enter its segments anew
 * @property {() => object[]} unsaved the events tracked before storage was attached
 * @property {() => void} clearUnsaved they are in storage now
 * @property {() => Journal|null} takeJournal the journal of the unsaved events, if consent came mid-page (engine.js)
 * @property {() => void} forgetLocal
 * @property {() => void} changed
 * @property {() => number} time now(), checked
 * @property {(stored: StoredProfile) => void} attached
 * @property {() => {options: object, compiled: boolean}} coreOptions createEngine's options, and whether it runs the runtime module
 * @property {() => void} erasedElsewhere another tab erased the visitor
 * @property {(update: object) => void} consentElsewhere another tab changed consent
 */

/** Persistence, journal and tab channel of one engine while storage consent lasts. */
export class StoredProfile {
  /** @type {Persistence} */
  persistence;
  /** @type {Journal|null} events tracked but not yet written, kept synchronously (journal.js) */
  journal = null;
  /** @type {TabChannel|null} */
  tabs = null;
  #host;

  constructor(host, persistence) {
    this.#host = host;
    this.persistence = persistence;
  }

  /** Drops this page's journal entries (the profile was erased). */
  resetJournal() {
    if (this.journal) this.journal = new Journal(this.#host.storageName, this.#host.tabId);
  }

  /** Starts applying what the site's other tabs write (attachStorage, once the profile is loaded). */
  listen() {
    const host = this.#host;
    const alive = () => !host.destroyed();
    this.tabs = new TabChannel(host.storageName, host.tabId, {
      events: (events) => alive() && this.#receiveEvents(events),
      state: (put, remove) => alive() && this.#receiveState(put, remove),
      erase: () => alive() && host.erasedElsewhere(),
      consent: (update) => alive() && host.consentElsewhere(update),
      error: (error) => host.events.emit('error', { source: 'tabs', error }),
    });
  }

  // Events another tab wrote: applied once each, even if the core rejects one.
  #receiveEvents(events) {
    const host = this.#host;
    const fresh = events.filter((e) => !this.persistence.has(e.id));
    for (const e of fresh) {
      this.persistence.remember([e]);
      try {
        host.emitChanges(host.raw.track(e.type, JSON.stringify(e.props ?? {}), e.ts));
      } catch (error) {
        host.events.emit('error', { source: 'tabs', error });
      }
    }
    if (fresh.length) host.changed();
  }

  // State records another tab wrote or removed (persistence.js's keys).
  #receiveState(put, remove) {
    const { raw, ledger } = this.#host;
    const host = this.#host;
    for (const [key, record] of Object.entries(put)) {
      const name = key.slice(2);
      if (key === 'visitor') host.setVisitorId(record.id, true);
      else if (key.startsWith('t:')) host.emitChanges(raw.identify(JSON.stringify({ [name]: record.value }), record.at));
      else if (key.startsWith('d:')) host.emitChanges(raw.declare(name, JSON.stringify(record.value), record.at));
      else if (key.startsWith('x:') && host.consent().measurement) ledger.merge(name, record);
    }
    const at = raw.clock();
    for (const key of remove) {
      const name = key.slice(2);
      if (key.startsWith('t:')) host.emitChanges(raw.identify(JSON.stringify({ [name]: null }), at));
      else if (key.startsWith('d:')) host.emitChanges(raw.declare(name, 'null', at));
      else if (key.startsWith('x:')) ledger.remove(name);
    }
    host.changed();
  }
}

// IndexedDB and localStorage outlive the page and are shared by the site's
// tabs: journaled and synced. Memory and custom adapters are neither.
const onDevice = (adapter) => adapter.kind === 'indexeddb' || adapter.kind === 'localstorage';

/**
 * Attaches the opened storage `adapter` to the engine behind `host`.
 * fresh: at creation (stored data wins, the snapshot is restored); else
 * consent given mid-page (stored events merged, the page's data written).
 * Calls host.attached(stored) once the core holds what storage held;
 * resolves to the StoredProfile, or to null when the engine was destroyed
 * meanwhile.
 * @param {Host} host
 */
export async function attachStorage(host, adapter, fresh) {
  const { raw, storageName: name } = host;
  let stored = null; // the StoredProfile, once the core holds what storage held
  const persistence = new Persistence({
    adapter,
    retention: host.retention,
    clock: () => raw.clock(),
    onWritten: (batch) => {
      stored?.journal?.written(batch.events.map((e) => e.id));
      // A failed write keeps them: the next page load replays them.
      if (!batch.failed) stored?.journal?.writtenState(batch.put, batch.remove);
      stored?.tabs?.postWrite(batch);
    },
    onError: (info) => host.events.emit('storage:error', info),
    onPruned: (info) => host.events.emit('storage:pruned', info),
  });
  const journaling = onDevice(adapter);
  const journaled = journaling ? readJournals(name) : { events: [], state: [], keys: [] };
  let recovered = [];
  const restated = []; // journaled attribute / declaration records newer than storage's
  let upgraded = false; // a format-1 snapshot was converted: store format 2 soon
  try {
    const read = await persistence.read();
    // Snapshot format 1 (its version byte; docs/snapshots.md): converted
    // once by the full module (a lazy chunk, only for such a visitor).
    if (fresh && read.snapshot?.bytes[4] === 1) {
      const { fullModuleFor } = await import('./snapshot-upgrade.js');
      const full = await fullModuleFor(host.coreOptions());
      try {
        read.snapshot = { ...read.snapshot, bytes: full.upgradeSnapshot(read.snapshot.bytes) };
        upgraded = true;
      } catch (error) {
        throw new CorruptedStorageError('snapshot', error?.message ?? String(error));
      }
    }
    // Events an earlier page (or another tab) tracked but did not see written.
    const known = new Set(read.events.map((e) => e.id));
    recovered = journaled.events.filter((e) => !known.has(e.id) && known.add(e.id));
    read.events.push(...recovered);
    // Attributes and declarations an earlier page set before its profile
    // was attached: replayed with the events, in time order (replay.js).
    for (const s of journaled.state) {
      const records = s.key.startsWith('t:') ? read.traits : read.declarations;
      const key = s.key.slice(2);
      if (records[key]?.at > s.at) continue;
      records[key] = { value: s.value, at: s.at };
      restated.push(s);
    }
    // A visitor seen on an earlier page (or in another tab) was already in
    // these segments: restoring them is not entering them.
    if (fresh && (!read.empty || recovered.length > 0 || restated.length > 0)) host.dropInitialChanges();
    const { applied, expired } = replayStored(raw, read, {
      fresh,
      retention: host.retention,
      isKnown: ((ids) => (id) => ids.has(id))(new Set(host.unsaved().map((e) => e.id))),
      // At load, what storage restores is not news: no events.
      onChanges: fresh ? () => {} : host.emitChanges,
    });
    persistence.remember(applied);
    persistence.deleteEvents(expired);
    const replayed = new Set(applied.map((e) => e.id));
    recovered = recovered.filter((e) => replayed.has(e.id));
    if (read.visitorId) host.setVisitorId(read.visitorId, true);
    for (const [key, record] of Object.entries(read.ledger)) {
      if (!host.consent().measurement) {
        persistence.remove(`x:${key}`); // collected under a consent since withdrawn
        continue;
      }
      host.ledger.merge(key, record);
    }
  } catch (error) {
    if (!(error instanceof CorruptedStorageError)) throw error;
    host.events.emit('storage:corrupted', { reason: error.reason, error });
    if (fresh) {
      raw.erase();
      host.forgetLocal();
    }
    try {
      await adapter.clear();
      await adapter.open();
    } catch (clearError) {
      host.events.emit('storage:error', { operation: 'clear', storage: adapter.kind, error: clearError, recovered: false });
    }
    persistence.reset();
  }
  if (host.destroyed()) {
    persistence.close();
    return null;
  }
  stored = new StoredProfile(host, persistence);
  host.attached(stored);
  // The page's unsaved events were journaled when consent came: this
  // journal drops them as they are written; or at once if the profile is
  // not kept on the device after all (storage fell back to memory).
  const early = host.takeJournal();
  if (journaling) stored.journal = early ?? new Journal(name, host.tabId);
  else early?.discard();
  persistence.addEvents(recovered);
  for (const s of restated) {
    if (s.value === null) persistence.remove(s.key);
    else persistence.put(s.key, { value: s.value, at: s.at });
  }
  persistence.addEvents(host.unsaved());
  host.clearUnsaved();
  if (journaled.keys.length) {
    const ids = [...journaled.events, ...journaled.state].map((e) => e.id);
    persistence.flush().then(() => forgetJournaled(journaled.keys, ids), () => {});
  }
  if (!fresh) {
    const profile = raw.exportProfile();
    const at = raw.clock();
    for (const [key, value] of Object.entries(profile.attributes)) persistence.put(`t:${key}`, { value, at });
    for (const [key, d] of Object.entries(profile.declarations)) persistence.put(`d:${key}`, { value: d.value, at: d.at });
    for (const [key, record] of Object.entries(host.ledger.toJSON())) persistence.put(`x:${key}`, record);
    // The page's journaled attributes and declarations are these records
    // now: dropped once they are written, unless an identify() or declare()
    // replaced one meanwhile (that one is dropped after its own write).
    const journaledState = early?.stateEntries() ?? [];
    if (journaledState.length) persistence.flush().then(() => stored.journal?.dropState(journaledState), () => {});
    host.changed();
  }
  if (upgraded) host.changed();
  if (journaling) stored.listen();
  // A page load reads as "now": windows expire silently.
  const t = host.time();
  if (fresh && t > raw.clock()) raw.advance(t);
  return stored;
}
