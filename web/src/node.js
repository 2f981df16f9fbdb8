// The package's entry point under node ("exports" condition "node"): the
// same API as in browsers; the core is read from disk.
import { setPlatformLoader } from './loader.js';
import { nodeBatchLoader, nodeLoader, nodeRandomBytes, nodeRuntimeLoader } from './loader-node.js';
import { setBatchLoader } from './batch-module.js';
import { setLearnLoader } from './learn-loader.js';
import { nodeLearnLoader } from './learn-loader-node.js';
import { setRandomSource } from './ids.js';

setPlatformLoader(nodeLoader, nodeRuntimeLoader);
setBatchLoader(nodeBatchLoader);
setLearnLoader(nodeLearnLoader);
setRandomSource(nodeRandomBytes);

export * from './index.js';
