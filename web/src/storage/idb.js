// IndexedDB storage. One database per storage name (default "leadseg"),
// version 1, two object stores:
//   events  one record per event {id, type, ts, props}, keyPath "id": an
//           append-only log every tab writes to
//   state   small records by key: "meta", "snapshot", "t:<trait>",
//           "d:<declaration>", "x:<experiment>"
// Each write() is one transaction. The connection closes itself when
// another tab deletes the database (erase), and reopens lazily.

export const DB_VERSION = 1;

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
    tx.onerror = (event) => event.preventDefault?.();
  });
}

export function indexedDbAvailable() {
  try {
    return typeof globalThis.indexedDB !== 'undefined' && globalThis.indexedDB !== null;
  } catch {
    return false; // some browsers throw SecurityError on access
  }
}

export class IndexedDbStorage {
  kind = 'indexeddb';
  #name;
  #db = null;
  #opening = null;

  constructor(name = 'leadseg') {
    this.#name = name;
  }

  open() {
    if (this.#db) return Promise.resolve();
    if (!this.#opening) {
      this.#opening = new Promise((resolve, reject) => {
        let request;
        try {
          request = globalThis.indexedDB.open(this.#name, DB_VERSION);
        } catch (error) {
          reject(error);
          return;
        }
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains('events')) db.createObjectStore('events', { keyPath: 'id' });
          if (!db.objectStoreNames.contains('state')) db.createObjectStore('state');
        };
        request.onsuccess = () => {
          const db = request.result;
          db.onversionchange = () => {
            db.close();
            if (this.#db === db) this.#db = null;
          };
          db.onclose = () => {
            if (this.#db === db) this.#db = null;
          };
          this.#db = db;
          resolve();
        };
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new DOMException(`IndexedDB "${this.#name}" is blocked by another tab`, 'InvalidStateError'));
      }).finally(() => {
        this.#opening = null;
      });
    }
    return this.#opening;
  }

  // A transaction on a connection that another tab's delete just closed
  // throws InvalidStateError: reopen once and retry.
  async #transaction(mode) {
    for (let attempt = 0; ; attempt++) {
      await this.open();
      try {
        return this.#db.transaction(['events', 'state'], mode);
      } catch (error) {
        if (attempt > 0 || error?.name !== 'InvalidStateError') throw error;
        this.#db = null;
      }
    }
  }

  async readAll() {
    const tx = await this.#transaction('readonly');
    const finished = done(tx);
    const state = tx.objectStore('state');
    const [events, keys, values] = await Promise.all([
      promisify(tx.objectStore('events').getAll()),
      promisify(state.getAllKeys()),
      promisify(state.getAll()),
    ]);
    await finished;
    const out = {};
    keys.forEach((key, i) => {
      out[String(key)] = values[i];
    });
    return { events, state: out };
  }

  async write({ events = [], deleteEvents = [], put = {}, remove = [] } = {}) {
    const tx = await this.#transaction('readwrite');
    const finished = done(tx);
    const eventStore = tx.objectStore('events');
    const stateStore = tx.objectStore('state');
    for (const id of deleteEvents) eventStore.delete(id);
    for (const e of events) eventStore.put(e);
    for (const key of remove) stateStore.delete(key);
    for (const [key, value] of Object.entries(put)) stateStore.put(value, key);
    await finished;
  }

  /** Deletes the whole database: nothing is left behind. */
  async clear() {
    if (this.#opening) await this.#opening.catch(() => {});
    this.close();
    await new Promise((resolve, reject) => {
      const request = globalThis.indexedDB.deleteDatabase(this.#name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
      // Other tabs close their connections on "versionchange"; the delete
      // then goes through by itself.
      request.onblocked = () => {};
    });
  }

  close() {
    this.#db?.close();
    this.#db = null;
  }
}
