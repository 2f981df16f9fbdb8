// Picks the storage adapter: IndexedDB, else localStorage, else memory
// (`storage: 'auto'`, the default), or the one asked for. Opening happens
// only once storage consent is given.
import { leadsegError } from '../errors.js';
import { IndexedDbStorage, indexedDbAvailable } from './idb.js';
import { LocalStorageStorage, localStorageAvailable } from './local.js';
import { MemoryStorage } from './memory.js';

export { IndexedDbStorage, LocalStorageStorage, MemoryStorage };

const KINDS = ['auto', 'indexeddb', 'localstorage', 'memory'];

/** Throws if `storage` is not a kind name or an adapter object. */
export function checkStorageOption(storage) {
  if (storage === undefined || KINDS.includes(storage)) return;
  if (storage && typeof storage === 'object') {
    for (const method of ['open', 'readAll', 'write', 'clear']) {
      if (typeof storage[method] !== 'function') throw leadsegError(`options.storage adapter has no ${method}() method`);
    }
    return;
  }
  throw leadsegError(`options.storage must be one of ${KINDS.map((k) => `"${k}"`).join(', ')} or a storage adapter object`);
}

/**
 * Opens the first adapter that works, in the preference order of `storage`.
 * Returns {adapter, failures: [{kind, error}]}.
 */
export async function openStorage(storage = 'auto', name = 'leadseg') {
  if (storage && typeof storage === 'object') {
    await storage.open();
    return { adapter: storage, failures: [] };
  }
  const order = {
    auto: ['indexeddb', 'localstorage', 'memory'],
    indexeddb: ['indexeddb', 'memory'],
    localstorage: ['localstorage', 'memory'],
    memory: ['memory'],
  }[storage];
  const failures = [];
  for (const kind of order) {
    let adapter;
    if (kind === 'indexeddb') {
      if (!indexedDbAvailable()) continue;
      adapter = new IndexedDbStorage(name);
    } else if (kind === 'localstorage') {
      if (!localStorageAvailable()) continue;
      adapter = new LocalStorageStorage(name);
    } else adapter = new MemoryStorage();
    try {
      await adapter.open();
      return { adapter, failures };
    } catch (error) {
      failures.push({ kind, error });
    }
  }
  return { adapter: new MemoryStorage(), failures };
}
