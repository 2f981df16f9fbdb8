// loader.js: a failed load names what it tried to load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModule, loadRuntimeModule, setPlatformLoader } from '../../web/src/loader.js';

test('a failed load of the package\'s own core names its file', async () => {
  setPlatformLoader(() => Promise.reject(new Error('ENOENT')), () => Promise.reject(new Error('ENOENT')));
  await assert.rejects(loadRuntimeModule(), (error) => {
    assert.equal(error.name, 'LeadsegError');
    assert.equal(error.message, 'could not load the leadseg WebAssembly core from the leadseg package (dist/leadseg-runtime.wasm): ENOENT');
    return true;
  });
  await assert.rejects(loadModule(), /from the leadseg package \(dist\/leadseg\.wasm\): ENOENT$/);
});
