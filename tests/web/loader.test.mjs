// loader.js: a failed load names what it tried to load. loader-wasm.js: a
// failed glue leaves no unhandled rejection behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModule, loadRuntimeModule, setPlatformLoader } from '../../web/src/loader.js';
import { instantiateCompiled } from '../../web/src/loader-wasm.js';

test('a failed load of the package\'s own core names its file', async () => {
  setPlatformLoader(() => Promise.reject(new Error('ENOENT')), () => Promise.reject(new Error('ENOENT')));
  await assert.rejects(loadRuntimeModule(), (error) => {
    assert.equal(error.name, 'LeadsegError');
    assert.equal(error.message, 'could not load the leadseg WebAssembly core from the leadseg package (dist/leadseg-runtime.wasm): ENOENT');
    return true;
  });
  await assert.rejects(loadModule(), /from the leadseg package \(dist\/leadseg\.wasm\): ENOENT$/);
});

// The rejections node reports as unhandled while `fn` runs and for a few
// turns of the event loop after it.
async function unhandledRejections(fn) {
  const seen = [];
  const listener = (reason) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    await fn();
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

test('a glue factory that throws before calling instantiateWasm leaves the failed compile handled', async () => {
  const seen = await unhandledRejections(() => {
    const compiling = Promise.reject(new Error('invalid wasm'));
    const factory = () => {
      throw new Error('the glue failed');
    };
    assert.throws(() => instantiateCompiled(factory, compiling), /the glue failed/);
  });
  assert.deepEqual(seen, []);
});

test('a failed compile still rejects the load when the factory asks for the instance', async () => {
  const factory = ({ instantiateWasm }) => {
    instantiateWasm({}, () => assert.fail('no instance from a failed compile'));
    return new Promise(() => {}); // the glue's ready promise waits for the instance
  };
  await assert.rejects(instantiateCompiled(factory, Promise.reject(new Error('invalid wasm'))), /invalid wasm/);
});
