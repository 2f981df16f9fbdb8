// A small synchronous journal of the events a tab has tracked but not yet
// seen written to storage. IndexedDB writes are asynchronous: an event
// tracked just before a navigation can be lost with the page before its
// transaction commits. localStorage writes are synchronous, so each event
// is also appended here at once and dropped again when its write is done.
// The next page load replays what is left into storage, exactly once
// (events carry unique ids and the log is keyed by them).
//
//   localStorage["<storageName>:journal:<tabId>"] = [{id, type, ts, props}, ...]
//
// Until the profile is attached after consent given mid-page (engine.js),
// the page's attributes and declarations are journaled too, as the stored
// profile's records (persistence.js): {id: "<tabId>:t:<name>", key:
// "t:<name>", value, at}, "d:<key>" alike, value null for one removed. One
// per key and page (a later one replaces it: its id is the key's); entries
// of older pages (events only) read as before.
//
// One key per page (tab id), so tabs never rewrite each other's entries.
// Used only while the profile is stored on the device (storage consent),
// and from the moment consent is given mid-page (engine.js), before the
// stored profile's code and storage are there; erase() and withdrawing
// storage consent remove every key.

const MAX_ENTRIES = 500;

function local() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage blocked (sandboxed frame, disabled cookies)
  }
}

const prefix = (storageName) => `${storageName}:journal:`;

export class Journal {
  #key;
  #tabId;
  #entries = [];

  constructor(storageName, tabId) {
    this.#key = `${prefix(storageName)}${tabId}`;
    this.#tabId = tabId;
  }

  /** Appends an event record (synchronously in localStorage). */
  add(record) {
    this.#entries.push(record);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.shift();
    this.#save();
  }

  /**
   * Appends event records and state records ([key, value, at]: "t:<name>",
   * "d:<key>"), saved once (the page's profile when storage consent comes,
   * an identify() or declare() until it is attached).
   */
  addAll(events, state = []) {
    if (!events.length && !state.length) return;
    const records = state.map(([key, value, at]) => ({ id: `${this.#tabId}:${key}`, key, value, at }));
    if (records.length) {
      const replaced = new Set(records.map((r) => r.id));
      this.#entries = this.#entries.filter((e) => !replaced.has(e.id));
    }
    this.#entries.push(...events, ...records);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
    this.#save();
  }

  /** Drops every entry (the profile is not kept on the device after all). */
  discard() {
    this.#entries = [];
    this.#save();
  }

  /** Drops the state records (the profile's records for them were written). */
  dropState() {
    const left = this.#entries.filter((e) => !e.key);
    if (left.length === this.#entries.length) return;
    this.#entries = left;
    this.#save();
  }

  /** Drops the entries whose ids were written to storage. */
  written(ids) {
    if (!this.#entries.length || !ids.length) return;
    const done = new Set(ids);
    const left = this.#entries.filter((e) => !done.has(e.id));
    if (left.length === this.#entries.length) return;
    this.#entries = left;
    this.#save();
  }

  #save() {
    const storage = local();
    try {
      if (this.#entries.length) storage?.setItem(this.#key, JSON.stringify(this.#entries));
      else storage?.removeItem(this.#key);
    } catch {
      // Quota or blocked: the asynchronous write is still under way.
    }
  }
}

const isEvent = (e) => e && typeof e === 'object' && typeof e.id === 'string' && e.id && typeof e.type === 'string' && e.type &&
  Number.isFinite(e.ts) && e.props && typeof e.props === 'object' && !Array.isArray(e.props);
const isState = (e) => e && typeof e === 'object' && typeof e.id === 'string' && e.id && typeof e.key === 'string' &&
  /^[td]:./.test(e.key) && Number.isFinite(e.at) && e.value !== undefined;

/**
 * Every journaled event and state record of the site's pages (earlier page
 * loads, other tabs).
 * @returns {{events: object[], state: object[], keys: string[]}} unreadable entries are skipped
 */
export function readJournals(storageName) {
  const storage = local();
  const out = { events: [], state: [], keys: [] };
  if (!storage) return out;
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (!key?.startsWith(prefix(storageName))) continue;
      out.keys.push(key);
      let list;
      try {
        list = JSON.parse(storage.getItem(key));
      } catch {
        continue;
      }
      if (!Array.isArray(list)) continue;
      out.events.push(...list.filter(isEvent));
      out.state.push(...list.filter(isState));
    }
  } catch {
    // storage blocked
  }
  return out;
}

/** Removes the entries `ids` from the journals `keys` (once they are in storage). */
export function forgetJournaled(keys, ids) {
  const storage = local();
  if (!storage || !ids.length) return;
  const done = new Set(ids);
  for (const key of keys) {
    try {
      const list = JSON.parse(storage.getItem(key) ?? '[]');
      const left = Array.isArray(list) ? list.filter((e) => !done.has(e?.id)) : [];
      if (left.length) storage.setItem(key, JSON.stringify(left));
      else storage.removeItem(key);
    } catch {
      storage.removeItem?.(key);
    }
  }
}

/** Removes every journal of `storageName` (erase(), storage consent withdrawn). */
export function clearJournals(storageName) {
  const storage = local();
  if (!storage) return;
  try {
    for (const key of readJournals(storageName).keys) storage.removeItem(key);
  } catch {
    // storage blocked: nothing was written either
  }
}
