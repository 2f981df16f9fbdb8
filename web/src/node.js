// The package's entry point under node ("exports" condition "node"): the
// same API as in browsers; the core is read from disk.
import { setPlatformLoader } from './loader.js';
import { nodeLoader, nodeRandomBytes, nodeRuntimeLoader } from './loader-node.js';
import { setRandomSource } from './ids.js';
import { setNodeLoaders } from './node-loaders.js';

setPlatformLoader(nodeLoader, nodeRuntimeLoader);
setRandomSource(nodeRandomBytes);
setNodeLoaders();

export * from './index.js';
