// A visitor stored before snapshot format 2 (docs/snapshots.md): format 1
// holds JSON text, which the runtime module does not read. The full module
// converts it, once, at createEngine (profile-storage.js imports this lazy
// chunk only then), and a checkpoint is scheduled so storage holds format 2.
import { withContext } from './errors.js';
import { loadModule } from './loader.js';

/**
 * The full module, which has upgradeSnapshot(): the engine's own when it is
 * the full one, else the package's from its default location (wasmUrl and
 * wasmBinary name the runtime module then).
 * @param {{options: object, compiled: boolean}} core createEngine's options; compiled: the engine runs the runtime module
 */
export async function fullModuleFor({ options, compiled }) {
  if (typeof options.module?.upgradeSnapshot === 'function') return options.module;
  try {
    return await loadModule(compiled ? {} : options);
  } catch (error) {
    // Not the profile's fault: createEngine rejects, storage stays as it
    // is, and the next page load converts it.
    throw withContext(error, 'createEngine: a stored profile of snapshot format 1 needs the full module once, to convert it');
  }
}
