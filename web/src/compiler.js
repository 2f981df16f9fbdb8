// compileConfig(): a config (object or JSON text) -> the bytes of its
// compiled form (docs/compiled-config.md), with exactly the errors
// createEngine() reports for that config. Loads the full module (the one
// with the config compiler); index.js imports this file on first use, so a
// page that ships compiled configs never fetches it.
import { describe, isPlainObject, leadsegError, withContext } from './errors.js';
import { loadModule } from './loader.js';
import { parseConfig } from './options.js';

/**
 * @param {object|string} config
 * @param {{module?: object, wasmUrl?: string|URL, wasmBinary?: ArrayBuffer|Uint8Array}} [options]
 *   where to find the full module (leadseg.wasm), as for loadCore()
 * @returns {Promise<Uint8Array>}
 */
export async function compileConfig(config, options = {}) {
  return (await compileWithWarnings(config, options)).bytes;
}

/** compileConfig() plus the compiler's warnings [{code, message, path}] (for the CLI and the Vite plugin). */
export async function compileWithWarnings(config, options = {}) {
  if (typeof config !== 'string' && !isPlainObject(config)) {
    throw leadsegError(`compileConfig: config must be a config object or its JSON text, got ${describe(config)}`);
  }
  if (!isPlainObject(options)) throw leadsegError('compileConfig: options must be an object');
  const { text } = parseConfig(config, 'compileConfig: config');
  const core = await loadModule(options);
  try {
    return core.compileConfig(text);
  } catch (error) {
    throw withContext(error, 'compileConfig: invalid config');
  }
}
