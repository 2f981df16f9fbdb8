// Node's loaders for the batch and learning modules. A module of its own
// because the node bundle (scripts/bundle-web.mjs) keeps the batch and
// learning code in files loaded on first use: each of those files calls
// this for the copies of batch-module.js and learn-loader.js they share,
// and the entry file, which has no other use for them, holds neither.
import { setBatchLoader } from './batch-module.js';
import { setLearnLoader } from './learn-loader.js';
import { nodeBatchLoader } from './loader-node.js';
import { nodeLearnLoader } from './learn-loader-node.js';

export function setNodeLoaders() {
  setBatchLoader(nodeBatchLoader);
  setLearnLoader(nodeLearnLoader);
}
