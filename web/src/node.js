// The package's entry point under node ("exports" condition "node"): the
// same API as in browsers; the core is read from disk.
import { setPlatformLoader } from './loader.js';
import { nodeLoader, nodeRuntimeLoader } from './loader-node.js';
import { setLearnLoader } from './learn-loader.js';
import { nodeLearnLoader } from './learn-loader-node.js';

setPlatformLoader(nodeLoader, nodeRuntimeLoader);
setLearnLoader(nodeLearnLoader);

export * from './index.js';
