// Emscripten module factories fed an already compiled WebAssembly.Module:
// the batch and learning modules are compiled once per page and handed to
// their workers, which only instantiate them (batch-module.js,
// learn-loader.js).

/**
 * Runs the Emscripten `factory` with `options`, instantiating `module` (a
 * WebAssembly.Module) instead of fetching and compiling the wasm.
 */
export function instantiateCompiled(factory, options, module) {
  // Emscripten's hook has no way to report a failure, so one rejects the
  // load here.
  let fail;
  const failed = new Promise((resolve, reject) => {
    fail = reject;
  });
  options.instantiateWasm = (imports, receiveInstance) => {
    WebAssembly.instantiate(module, imports).then((instance) => receiveInstance(instance, module), fail);
    return {};
  };
  return Promise.race([factory(options), failed]);
}
