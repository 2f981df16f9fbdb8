// Where the report state (budget spends and memos) lives: in localStorage
// under "<storageName>:reports" while the visitor consents to storage, so
// that it survives reloads and is shared by every tab (each read goes to
// localStorage, never a cached copy), and in memory otherwise. Without
// storage consent the profile itself does not outlive the page, so neither
// does the budget it guards.

export function reportStateKey(storageName) {
  return `${storageName}:reports`;
}

function emptyState() {
  return { spends: [], memos: {} };
}

function clean(state) {
  if (!state || typeof state !== 'object') return emptyState();
  return {
    spends: Array.isArray(state.spends) ? state.spends : [],
    memos: state.memos && typeof state.memos === 'object' && !Array.isArray(state.memos) ? state.memos : {},
  };
}

export class ReportState {
  #key;
  #memory = emptyState();
  #persistent = false;

  constructor(storageName) {
    this.#key = reportStateKey(storageName);
  }

  get #storage() {
    return this.#persistent ? globalThis.localStorage ?? null : null;
  }

  /** With storage consent: move the in-memory state to the device (merging what other tabs wrote). */
  usePersistent(persistent) {
    if (persistent === this.#persistent) return;
    if (persistent) {
      this.#persistent = true;
      if (!this.#storage) {
        this.#persistent = false;
        return;
      }
      const memory = this.#memory;
      this.#memory = emptyState();
      if (memory.spends.length || Object.keys(memory.memos).length) {
        const stored = this.read();
        this.write({ spends: [...stored.spends, ...memory.spends], memos: { ...memory.memos, ...stored.memos } });
      }
    } else {
      // Storage consent withdrawn: nothing stays on the device, but this
      // page keeps counting what it has spent.
      this.#memory = this.read();
      this.#storage?.removeItem(this.#key);
      this.#persistent = false;
    }
  }

  read() {
    const storage = this.#storage;
    if (!storage) return { spends: [...this.#memory.spends], memos: { ...this.#memory.memos } }; // memo arrays are never changed in place
    try {
      return clean(JSON.parse(storage.getItem(this.#key) ?? 'null'));
    } catch {
      return emptyState(); // corrupted: start over rather than fail every report
    }
  }

  /** Writes the state; an Error if the device refused it (quota), else null. */
  write(state) {
    const storage = this.#storage;
    if (!storage) {
      this.#memory = clean({ spends: [...state.spends], memos: { ...state.memos } });
      return null;
    }
    try {
      storage.setItem(this.#key, JSON.stringify(state));
      return null;
    } catch (error) {
      return error;
    }
  }

  clear() {
    this.#memory = emptyState();
    this.#storage?.removeItem(this.#key);
  }
}
