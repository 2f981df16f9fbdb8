// The browser's wasm load, started before the Emscripten glue runs: the
// module is fetched and compiled with WebAssembly.compileStreaming (while
// its bytes arrive, off the main thread) from the moment the loader is
// called, in parallel with the glue's import, and the glue instantiates the
// compiled module through its `instantiateWasm` hook. Left to itself the
// glue would only start the fetch once it is imported and has run (for the
// unbundled package: after the whole import waterfall).
//
// A server that sends the wasm without `Content-Type: application/wasm`
// makes compileStreaming refuse it: the bytes are then fetched again and
// compiled from an ArrayBuffer, as the glue itself would do.

/**
 * Starts fetching and compiling `href`; resolves to a WebAssembly.Module.
 * @param {string} href
 * @returns {Promise<WebAssembly.Module>}
 */
export function compileWasm(href) {
  const fetchOk = () =>
    fetch(href, { credentials: 'same-origin' }).then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${href}`);
      return response;
    });
  const fromBuffer = () => fetchOk().then((r) => r.arrayBuffer()).then((bytes) => WebAssembly.compile(bytes));
  const compiling =
    typeof WebAssembly.compileStreaming !== 'function'
      ? fromBuffer()
      : fetchOk().then((response) =>
          WebAssembly.compileStreaming(response).catch((error) => {
            // Only a refused MIME type is worth a second request; bytes
            // that are not wasm fail the same way from an ArrayBuffer.
            if (!(error instanceof TypeError)) throw error;
            return fromBuffer();
          }),
        );
  // Handled where it is used (instantiateCompiled); if the glue's import
  // fails first, that is the error reported, not an unhandled rejection.
  compiling.catch(() => {});
  return compiling;
}

/**
 * Runs an Emscripten MODULARIZE factory on an already started compile:
 * resolves to the module instance, rejects if the compile or the
 * instantiation fails (the glue's hook has no way to report either).
 * @param {(args: object) => Promise<object>} factory
 * @param {Promise<WebAssembly.Module>} compiling
 * @param {object} [args] more arguments for the factory
 */
export function instantiateCompiled(factory, compiling, args = {}) {
  let fail;
  const failed = new Promise((_, reject) => {
    fail = reject;
  });
  const ready = factory({
    ...args,
    instantiateWasm(imports, receive) {
      compiling
        .then((module) => WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module)))
        .catch(fail);
      return {}; // the exports arrive through receive()
    },
  });
  return Promise.race([ready, failed]);
}
