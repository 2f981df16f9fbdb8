// localStorage storage, the fallback where IndexedDB is unavailable. Keys:
//   "<prefix>s:<key>"  a state record as JSON (snapshot bytes in base64)
//   "<prefix>e:<id>"   one event record as JSON
// with prefix "leadseg:<name>:". Writes are not atomic; a quota error can
// leave part of a batch written, which the event ids make harmless.

export function localStorageAvailable() {
  try {
    const storage = globalThis.localStorage;
    if (!storage) return false;
    const probe = '__leadseg_probe__';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return true;
  } catch {
    return false;
  }
}

function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Uint8Array values (snapshot bytes) survive JSON as {$bytes: base64}.
function encode(value) {
  return JSON.stringify(value, (key, v) => (v instanceof Uint8Array ? { $bytes: toBase64(v) } : v));
}

function decode(text) {
  return JSON.parse(text, (key, v) => {
    if (v && typeof v === 'object' && typeof v.$bytes === 'string' && Object.keys(v).length === 1) {
      try {
        return fromBase64(v.$bytes);
      } catch {
        return v; // left as is: the record fails validation as corrupted
      }
    }
    return v;
  });
}

export class LocalStorageStorage {
  kind = 'localstorage';
  #prefix;

  constructor(name = 'leadseg') {
    this.#prefix = `leadseg:${name}:`;
  }

  get #storage() {
    return globalThis.localStorage;
  }

  async open() {
    if (!localStorageAvailable()) throw new DOMException('localStorage is not available', 'SecurityError');
  }

  #keys() {
    const keys = [];
    for (let i = 0; i < this.#storage.length; i++) {
      const key = this.#storage.key(i);
      if (key !== null && key.startsWith(this.#prefix)) keys.push(key);
    }
    return keys;
  }

  async readAll() {
    const events = [];
    const state = {};
    const stateTag = this.#prefix + 's:';
    const eventTag = this.#prefix + 'e:';
    for (const key of this.#keys()) {
      const text = this.#storage.getItem(key);
      let value;
      try {
        value = decode(text);
      } catch {
        value = { $unreadable: text }; // reported as corrupted by validation
      }
      if (key.startsWith(stateTag)) state[key.slice(stateTag.length)] = value;
      else if (key.startsWith(eventTag)) events.push(value);
    }
    return { events, state };
  }

  async write({ events = [], deleteEvents = [], put = {}, remove = [] } = {}) {
    for (const id of deleteEvents) this.#storage.removeItem(this.#prefix + 'e:' + id);
    for (const key of remove) this.#storage.removeItem(this.#prefix + 's:' + key);
    for (const [key, value] of Object.entries(put)) this.#storage.setItem(this.#prefix + 's:' + key, encode(value));
    for (const e of events) this.#storage.setItem(this.#prefix + 'e:' + e.id, encode(e));
  }

  async clear() {
    for (const key of this.#keys()) this.#storage.removeItem(key);
  }

  close() {}
}
