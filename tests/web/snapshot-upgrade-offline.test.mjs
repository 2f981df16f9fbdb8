// A visitor stored with a format-1 snapshot on a page whose full module
// cannot load (offline, blocked): createEngine rejects with an error that
// says why, and storage is left as it was for the next page load to
// convert. (Its own file: it swaps the package's module loader.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compileConfig, createEngine, loadCore, MemoryStorage } from '../../web/src/node.js';
import { setPlatformLoader } from '../../web/src/loader.js';
import { nodeLoader, nodeRuntimeLoader } from '../../web/src/loader-node.js';
import { exampleConfig, REPO_ROOT } from './helpers.mjs';

test('a format-1 snapshot and no full module: createEngine rejects, storage is untouched, the next load converts', async () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests', 'web', 'fixtures', 'storage-v1.json'), 'utf8'));
  const put = JSON.parse(JSON.stringify(fixture.storage.state), (k, v) =>
    v && typeof v === 'object' && typeof v.$bytes === 'string' ? new Uint8Array(Buffer.from(v.$bytes, 'base64')) : v);
  const storage = new MemoryStorage();
  await storage.write({ events: fixture.storage.events, put });
  const before = await storage.readAll();
  // Compiled with a full module of its own (cached by its bytes), so the
  // package's default one is first asked for by the conversion.
  const module = await loadCore({ wasmBinary: fs.readFileSync(path.join(REPO_ROOT, 'web', 'dist', 'leadseg.wasm')) });
  const config = await compileConfig(exampleConfig(), { module });
  const options = { config, now: () => fixture.now, storage, consent: { storage: true } };

  setPlatformLoader(() => Promise.reject(new Error('offline')), nodeRuntimeLoader);
  try {
    await assert.rejects(createEngine(options), (error) => {
      assert.equal(error.name, 'LeadsegError');
      assert.match(error.message, /^createEngine: a stored profile of snapshot format 1 needs the full module once, to convert it: could not load the leadseg WebAssembly core .*offline/);
      return true;
    });
  } finally {
    setPlatformLoader(nodeLoader, nodeRuntimeLoader);
  }
  assert.deepEqual(await storage.readAll(), before, 'storage untouched');

  const engine = await createEngine(options);
  assert.deepEqual(engine.segments(), fixture.view.segments);
  assert.deepEqual(engine.export(), fixture.view.profile);
  engine.destroy();
});
