// Keeps the visitor's profile in a storage adapter (storage/*.js):
//
//   events       one record per event {id, type, ts, props}: an append-only
//                log that every tab of the site writes to
//   "meta"       {format}
//   "visitor"    {id}: the random id experiments hash on (no "id" attribute)
//   "snapshot"   {format, bytes, covered, at}: the core's snapshot and the
//                compact set of event ids it already contains (ids.js), so
//                loading restores it and replays only the other events
//   "t:<name>"   one explicit attribute (identify) {value, at}
//   "d:<key>"    one declaration {value, at}
//   "x:<key>"    measurement ledger of one experiment {variants: {id: {exposed, converted}}}
//
// Writes are queued and sent in one batch per microtask. When the quota is
// exceeded, the oldest events are pruned (by the config's retention first,
// then the oldest quarter) and the write is retried.
import { compressIds, isValidCovered } from './ids.js';
import { isPlainObject, isQuotaError } from './errors.js';
import { expiredIds, oldestIds } from './retention.js';

export const FORMAT = 1;
const MAX_QUOTA_RETRIES = 6;

/** Thrown by read() when stored data cannot be trusted. */
export class CorruptedStorageError extends Error {
  constructor(reason, detail) {
    super(`stored leadseg data is corrupted (${reason}): ${detail}`);
    this.name = 'CorruptedStorageError';
    this.reason = reason;
  }
}

function checkTimed(key, record) {
  if (!isPlainObject(record) || !('value' in record) || !Number.isFinite(record.at)) {
    throw new CorruptedStorageError('record', `state record "${key}" is not {value, at}`);
  }
}

function checkEvent(e) {
  if (!isPlainObject(e) || typeof e.id !== 'string' || !e.id || typeof e.type !== 'string' || !e.type ||
      !Number.isFinite(e.ts) || !isPlainObject(e.props)) {
    let shown;
    try {
      shown = JSON.stringify(e)?.slice(0, 80);
    } catch {
      shown = String(e);
    }
    throw new CorruptedStorageError('event', `event record ${shown} is not {id, type, ts, props}`);
  }
}

/**
 * Validates what an adapter returned and sorts it out.
 * @returns {{empty: boolean, visitorId: string|null, snapshot: object|null, traits: object, declarations: object, ledger: object, events: object[]}}
 */
export function parseStored({ events, state }) {
  if (!Array.isArray(events) || !isPlainObject(state)) throw new CorruptedStorageError('adapter', 'readAll() returned an unexpected shape');
  const out = { empty: false, visitorId: null, snapshot: null, traits: {}, declarations: {}, ledger: {}, events: [] };
  const keys = Object.keys(state);
  if (keys.length === 0 && events.length === 0) return { ...out, empty: true };
  const meta = state.meta;
  if (!isPlainObject(meta)) throw new CorruptedStorageError('meta', 'the format record is missing or unreadable');
  if (meta.format !== FORMAT) throw new CorruptedStorageError('version', `format ${JSON.stringify(meta.format)} is not ${FORMAT}`);
  for (const key of keys) {
    const record = state[key];
    if (key === 'meta') continue;
    if (key === 'visitor') {
      if (!isPlainObject(record) || typeof record.id !== 'string' || !record.id || record.id.length > 128) {
        throw new CorruptedStorageError('record', 'the visitor id record is malformed');
      }
      out.visitorId = record.id;
      continue;
    }
    if (key === 'snapshot') {
      if (!isPlainObject(record) || record.format !== FORMAT || !(record.bytes instanceof Uint8Array) ||
          !isValidCovered(record.covered) || !Number.isFinite(record.at)) {
        throw new CorruptedStorageError('snapshot', 'the snapshot record is malformed');
      }
      out.snapshot = record;
    } else if (key.startsWith('t:')) {
      checkTimed(key, record);
      out.traits[key.slice(2)] = record;
    } else if (key.startsWith('d:')) {
      checkTimed(key, record);
      out.declarations[key.slice(2)] = record;
    } else if (key.startsWith('x:')) {
      if (!isPlainObject(record) || !isPlainObject(record.variants) ||
          !Object.values(record.variants).every((v) => isPlainObject(v) && typeof v.exposed === 'boolean' && typeof v.converted === 'boolean')) {
        throw new CorruptedStorageError('record', `measurement record "${key}" is malformed`);
      }
      out.ledger[key.slice(2)] = record;
    } else {
      throw new CorruptedStorageError('record', `unknown state record "${key}"`);
    }
  }
  for (const e of events) checkEvent(e);
  out.events = events;
  return out;
}

export class Persistence {
  /** @type {object} the storage adapter */
  adapter;
  #retention;
  #clock;
  #onWritten;
  #onError;
  #onPruned;
  /** Events known to be in the log (and applied to the engine): id -> ts. */
  #log = new Map();
  #queue = { events: [], deleteEvents: [], put: {}, remove: new Set() };
  #flushing = Promise.resolve();
  #scheduled = false;
  #closed = false;

  /**
   * @param {{adapter: object, retention: {maxAge: number, maxEvents: number}, clock: () => number,
   *          onWritten?: (batch: object) => void, onError?: (info: object) => void,
   *          onPruned?: (info: object) => void}} options
   */
  constructor({ adapter, retention, clock, onWritten, onError, onPruned }) {
    this.adapter = adapter;
    this.#retention = retention;
    this.#clock = clock;
    this.#onWritten = onWritten ?? (() => {});
    this.#onError = onError ?? (() => {});
    this.#onPruned = onPruned ?? (() => {});
  }

  get kind() {
    return this.adapter.kind ?? 'custom';
  }

  async read() {
    let raw;
    try {
      raw = await this.adapter.readAll();
    } catch (error) {
      throw new CorruptedStorageError('read', error?.message ?? String(error));
    }
    return parseStored(raw);
  }

  /** Whether the log holds (or will hold) event `id`. */
  has(id) {
    return this.#log.has(id);
  }

  /** Records that `events` are already in the log (loaded, or written by another tab). */
  remember(events) {
    for (const e of events) this.#log.set(e.id, e.ts);
  }

  addEvents(events) {
    for (const e of events) {
      this.#log.set(e.id, e.ts);
      this.#queue.events.push(e);
    }
    this.#schedule();
  }

  deleteEvents(ids) {
    if (!ids.length) return;
    const drop = new Set(ids);
    this.#queue.events = this.#queue.events.filter((e) => !drop.has(e.id));
    for (const id of ids) {
      this.#log.delete(id);
      this.#queue.deleteEvents.push(id);
    }
    this.#schedule();
  }

  put(key, value) {
    this.#queue.remove.delete(key);
    this.#queue.put[key] = value;
    this.#schedule();
  }

  remove(key) {
    delete this.#queue.put[key];
    this.#queue.remove.add(key);
    this.#schedule();
  }

  /** Writes a snapshot of the engine, with the ids it contains, and prunes the log by retention. */
  checkpoint(bytes, at) {
    this.put('snapshot', { format: FORMAT, bytes, covered: compressIds(this.#log.keys()), at });
    this.deleteEvents(expiredIds(this.#log, this.#retention, this.#clock()));
  }

  /** Resolves when everything queued so far is written (or has failed and been reported). */
  flush() {
    this.#scheduled = true;
    this.#flushing = this.#flushing.then(() => this.#drain());
    return this.#flushing;
  }

  #schedule() {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#flushing = this.#flushing.then(() => this.#drain());
    });
  }

  #take() {
    const q = this.#queue;
    const batch = { events: q.events, deleteEvents: q.deleteEvents, put: q.put, remove: [...q.remove] };
    this.#queue = { events: [], deleteEvents: [], put: {}, remove: new Set() };
    return batch;
  }

  #isEmpty(batch) {
    return !batch.events.length && !batch.deleteEvents.length && !batch.remove.length && !Object.keys(batch.put).length;
  }

  async #drain() {
    this.#scheduled = false;
    if (this.#closed) return;
    const batch = this.#take();
    if (this.#isEmpty(batch)) return;
    if (!('meta' in batch.put)) batch.put.meta = { format: FORMAT };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.adapter.write(batch);
        this.#onWritten(batch);
        return;
      } catch (error) {
        if (!isQuotaError(error) || attempt >= MAX_QUOTA_RETRIES || this.#log.size === 0) {
          for (const e of batch.events) this.#log.delete(e.id);
          this.#onError({ operation: 'write', error, recovered: false });
          this.#onWritten({ ...batch, failed: true });
          return;
        }
        const pruned = this.#pruneForQuota(batch, attempt);
        this.#onPruned({ reason: 'quota', pruned: pruned.length, error });
      }
    }
  }

  // First what the retention allows to drop, then the oldest quarter of
  // what is left; events of the failed batch itself are dropped from it.
  #pruneForQuota(batch, attempt) {
    let victims = attempt === 0 ? expiredIds(this.#log, this.#retention, this.#clock()) : [];
    if (!victims.length) victims = oldestIds(this.#log, 0.25);
    const drop = new Set(victims);
    const unsent = new Set(batch.events.map((e) => e.id));
    batch.events = batch.events.filter((e) => !drop.has(e.id));
    for (const id of victims) {
      this.#log.delete(id);
      if (!unsent.has(id)) batch.deleteEvents.push(id);
    }
    return victims;
  }

  /** Drops what is queued and what is known of the log, without touching storage (another tab erased it). */
  reset() {
    this.#queue = { events: [], deleteEvents: [], put: {}, remove: new Set() };
    this.#log.clear();
  }

  /** Deletes everything stored (the database itself where possible). */
  async clear() {
    this.reset();
    await this.#flushing.catch(() => {});
    await this.adapter.clear();
  }

  close() {
    this.#closed = true;
    this.adapter.close?.();
  }
}

