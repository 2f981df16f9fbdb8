// Node loading of the learning module: the CommonJS glue
// (dist/leadseg-learn.js) with the wasm bytes read from disk.
import { loadNode, requireGlue } from './loader-node.js';

export async function nodeLearnLoader(options) {
  return loadNode(await requireGlue('../dist/leadseg-learn.js'), new URL('../dist/leadseg-learn.wasm', import.meta.url), options);
}
