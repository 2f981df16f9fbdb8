// The browser's wasm load, started before the Emscripten glue runs: the
// module is fetched and compiled from the moment the loader is called, in
// parallel with the glue's import, and the glue instantiates the compiled
// module through its `instantiateWasm` hook. Left to itself the glue would
// only start the fetch once it is imported and has run (for the unbundled
// package: after the whole import waterfall).
//
// Compiled from the response's ArrayBuffer, not with
// WebAssembly.compileStreaming: Chromium feeds a streaming compile the
// bytes on the page's main thread as they arrive, and V8 decodes the
// module's sections there (wasm.OnBytesReceived, wasm.FinishStreaming in a
// trace: 4-7 ms of the page's main thread for the runtime wasm on the
// bench machine), while WebAssembly.compile(bytes) decodes and validates
// on a background thread. With V8's lazy compilation there is no code to
// compile ahead, so streaming would only overlap that decoding (a few ms,
// off the main thread here) with the download (docs/performance.md, "The
// page's start-up"). It also takes the bytes whatever the server's
// Content-Type, in one request (compileStreaming refuses all but
// application/wasm).

/**
 * Starts fetching and compiling `href`; resolves to a WebAssembly.Module.
 * @param {string} href
 * @returns {Promise<WebAssembly.Module>}
 */
export function compileWasm(href) {
  const compiling = fetch(href, { credentials: 'same-origin' })
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${href}`);
      return response.arrayBuffer();
    })
    .then((bytes) => WebAssembly.compile(bytes));
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
  // Handled here for every caller (node's loader passes a bare
  // WebAssembly.compile): a factory that throws before it calls
  // instantiateWasm never attaches the handler below, and its own error is
  // the one to report, not the compile's as an unhandled rejection.
  compiling.catch(() => {});
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
