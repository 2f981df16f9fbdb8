// A localStorage stand-in for node tests: shared by every engine that uses
// it (like the tabs of one origin), optionally full.
export class FakeStorage {
  map = new Map();
  full = false;
  getItem(key) {
    return this.map.has(key) ? this.map.get(key) : null;
  }
  setItem(key, value) {
    if (this.full) throw new DOMException('quota exceeded', 'QuotaExceededError');
    this.map.set(key, String(value));
  }
  removeItem(key) {
    this.map.delete(key);
  }
  clear() {
    this.map.clear();
  }
  key(i) {
    return [...this.map.keys()][i] ?? null;
  }
  get length() {
    return this.map.size;
  }
}

/** Runs `fn` with globalThis.localStorage set to a fresh FakeStorage. */
export async function withLocalStorage(fn) {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
  const storage = new FakeStorage();
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true, writable: true });
  try {
    return await fn(storage);
  } finally {
    if (had) Object.defineProperty(globalThis, 'localStorage', had);
    else delete globalThis.localStorage;
  }
}
