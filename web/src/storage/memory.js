// In-memory storage: the same interface as the persistent adapters, kept
// for as long as the object lives. Used when the browser refuses storage;
// also handy in tests and in node (pass one instance to two engines to
// simulate a reload).

export class MemoryStorage {
  kind = 'memory';
  #events = new Map();
  #state = new Map();

  async open() {}

  async readAll() {
    return {
      events: [...this.#events.values()].map((e) => structuredClone(e)),
      state: Object.fromEntries([...this.#state].map(([k, v]) => [k, structuredClone(v)])),
    };
  }

  async write({ events = [], deleteEvents = [], put = {}, remove = [] } = {}) {
    for (const id of deleteEvents) this.#events.delete(id);
    for (const e of events) this.#events.set(e.id, structuredClone(e));
    for (const key of remove) this.#state.delete(key);
    for (const [key, value] of Object.entries(put)) this.#state.set(key, structuredClone(value));
  }

  async clear() {
    this.#events.clear();
    this.#state.clear();
  }

  close() {}

  /** How many event records are stored (for tests and diagnostics). */
  get eventCount() {
    return this.#events.size;
  }
}
