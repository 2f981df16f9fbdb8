// The node entry's code run from V8's code cache (web/src/node-code-cache.js,
// scripts/node-code-cache.mjs): the cache shipped is one this node takes for
// the code shipped, and the entry decides the same without a cache or with
// one V8 rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { execFileSync } from 'node:child_process';
import { NODE_BODY, NODE_CACHE, NODE_ENTRY } from '../../scripts/bundle-web.mjs';
import { WEB_DIR } from './helpers.mjs';

const DIST = path.join(WEB_DIR, 'dist');
const built = fs.existsSync(path.join(DIST, NODE_BODY));

test('the node entry\'s code cache is one this node accepts for its code', (t) => {
  if (!built) return t.skip('web/dist not built (bash scripts/build.sh wasm)');
  // Fails when web/dist was built by another node (rebuild it) or the cache
  // was not written from this body.
  const script = new vm.Script(fs.readFileSync(path.join(DIST, NODE_BODY), 'utf8'), {
    filename: path.join(DIST, NODE_BODY),
    cachedData: fs.readFileSync(path.join(DIST, NODE_CACHE)),
  });
  assert.equal(script.cachedDataRejected, false);
});

test('the node entry decides the same with its code cache, without one, and with one V8 rejects', async (t) => {
  if (!built) return t.skip('web/dist not built (bash scripts/build.sh wasm)');
  const { compileConfig } = await import('../../web/src/node.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-cache-'));
  try {
    // The entry and what a compiled config needs, without the lazy files.
    fs.mkdirSync(path.join(dir, 'dist'));
    for (const file of [NODE_ENTRY, NODE_BODY, 'leadseg-runtime.wasm']) fs.copyFileSync(path.join(DIST, file), path.join(dir, 'dist', file));
    fs.writeFileSync(path.join(dir, 'config.lsc'), await compileConfig({
      segments: [{ id: 'adult', condition: { age: { $gte: 18 } } }],
      slots: [{ id: 'hero', default: 'default', variants: [{ id: 'grown', when: { segments: { $in: ['adult'] } } }, { id: 'default' }] }],
    }));
    fs.writeFileSync(path.join(dir, 'main.mjs'), `
      import fs from 'node:fs';
      import { createEngine } from './dist/${NODE_ENTRY}';
      const engine = await createEngine({ config: new Uint8Array(fs.readFileSync('config.lsc')), consent: { personalization: true } });
      const entered = engine.identify({ age: 30 }).entered;
      console.log(JSON.stringify({ entered, variant: engine.decide('hero').variant }));
      engine.destroy();`);
    const run = (...flags) => JSON.parse(execFileSync(process.execPath, [...flags, 'main.mjs'], { cwd: dir, encoding: 'utf8' }));
    const expected = { entered: ['adult'], variant: 'grown' };
    assert.deepEqual(run(), expected, 'no cache');
    fs.copyFileSync(path.join(DIST, NODE_CACHE), path.join(dir, 'dist', NODE_CACHE));
    assert.deepEqual(run(), expected, 'the cache');
    // Another V8 flag: V8 rejects the cache and compiles the code.
    assert.deepEqual(run('--stack-size=900'), expected, 'a rejected cache');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
