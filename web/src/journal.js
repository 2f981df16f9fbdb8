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

export function local() {
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

  /** The state records now (the consent journal's, when the profile is attached). */
  stateEntries() {
    return this.#entries.filter((e) => e.key);
  }

  /**
   * Drops the state records `entries` (from stateEntries()) still here: the
   * profile's records for them were written. One replaced since by a later
   * identify() or declare() of the same key is another entry, and stays.
   */
  dropState(entries) {
    const done = new Set(entries);
    this.#keep((e) => !done.has(e));
  }

  /**
   * Drops the state records a written batch holds (persistence.js `put`
   * and `remove`): the very value and time the entry has, or its removal.
   * A later record of the same key, still to be written, stays.
   */
  writtenState(put, remove) {
    this.#keep((e) => !e.key || (e.value === null ? !remove.includes(e.key) : !(put[e.key]?.value === e.value && put[e.key].at === e.at)));
  }

  #keep(wanted) {
    const left = this.#entries.filter(wanted);
    if (left.length === this.#entries.length) return;
    this.#entries = left;
    this.#save();
  }

  /** Drops the entries whose ids were written to storage. */
  written(ids) {
    if (!this.#entries.length || !ids.length) return;
    const done = new Set(ids);
    this.#keep((e) => !done.has(e.id));
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

/** The localStorage keys of every journal of `storageName` (every tab's, every page's). */
export function journalKeys(storageName) {
  const storage = local();
  const keys = [];
  if (!storage) return keys;
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(prefix(storageName))) keys.push(key);
    }
  } catch {
    // storage blocked
  }
  return keys;
}

/** Removes every journal of `storageName` (erase(), storage consent withdrawn). */
export function clearJournals(storageName) {
  const storage = local();
  if (!storage) return;
  try {
    for (const key of journalKeys(storageName)) storage.removeItem(key);
  } catch {
    // storage blocked: nothing was written either
  }
}
