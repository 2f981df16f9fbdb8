// Grows the batch module's memory in the middle of a batch, where the
// package reads results in place from wasm memory (web/src/batch-results.js).
// Growing detaches the ArrayBuffer under every view made before it, as a
// large enough file or message would when a call in between allocates; here
// it happens on chosen calls, so a test knows that it did.
import { setBatchLoader } from '../../web/src/batch-module.js';
import { nodeBatchLoader } from '../../web/src/loader-node.js';

/**
 * From the next batch module load on: `className.prototype[method]` first
 * grows the memory on the calls (0-based) that `when(call)` picks. Returns
 * {times}: how often it grew. restoreBatchLoader() undoes it.
 */
export function growMemoryOn(className, method, when) {
  const grew = { times: 0 };
  setBatchLoader(async () => {
    const module = await nodeBatchLoader();
    const proto = module[className].prototype;
    const original = proto[method];
    let calls = 0;
    proto[method] = function (...args) {
      if (when(calls++)) {
        const before = module.HEAPU8.buffer;
        // An input buffer larger than all of memory cannot fit in it.
        this.inputBuffer(module.HEAPU8.length + 1);
        if (module.HEAPU8.buffer !== before) grew.times++;
      }
      return original.apply(this, args);
    };
    return module;
  });
  return grew;
}

export function restoreBatchLoader() {
  setBatchLoader(nodeBatchLoader);
}
