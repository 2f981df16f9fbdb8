// Shared by the value-frame tests (event-frames, profile-frames): pairs of
// raw engines on the worked example's compiled config, in the runtime and
// the full module, so one engine of a pair takes the JSON-text path and the
// other the frame path.
import { compileConfig, loadCore } from '../../web/src/node.js';
import { loadRuntimeModule } from '../../web/src/loader.js';
import { exampleConfig } from './helpers.mjs';

// A value nested `depth` arrays deep.
export function nested(depth) {
  let v = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

// [[module name, engine, engine], ...] for the runtime and the full module.
export async function enginePairs() {
  const runtime = await loadRuntimeModule();
  const full = await loadCore();
  const bytes = await compileConfig(exampleConfig());
  const make = (module) => {
    const raw = new module.Engine();
    raw.loadCompiled(bytes);
    return raw;
  };
  return [['runtime module', make(runtime), make(runtime)], ['full module', make(full), make(full)]];
}
