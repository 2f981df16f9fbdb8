// scripts/demo.sh from a newcomer's checkout: a moved or copied checkout
// reconfigures instead of failing on the old CMake cache, and setup.sh --demo
// installs only the Debian packages the demo needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './fixtures/chromium.mjs';
import { startServer } from '../../scripts/serve.mjs';

// The checkout's files (what git tracks, as they are now) copied to a new directory.
function copyCheckout() {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-moved-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT }).toString().split('\0').filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(REPO_ROOT, file))) continue;
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, file), path.join(copy, file));
  }
  return copy;
}

test('a copied checkout with the old build/wasm cache configures (the stale cache is dropped)', (t) => {
  const cache = path.join(REPO_ROOT, 'build', 'wasm', 'CMakeCache.txt');
  if (!fs.existsSync(cache)) {
    t.skip('build/wasm is not configured here (bash scripts/build.sh wasm)');
    return;
  }
  const copy = copyCheckout();
  try {
    fs.mkdirSync(path.join(copy, 'build', 'wasm'), { recursive: true });
    fs.copyFileSync(cache, path.join(copy, 'build', 'wasm', 'CMakeCache.txt'));
    const env = { ...process.env, NODE_PATH: '/usr/share/nodejs' };
    const stale = spawnSync('cmake', ['--preset', 'wasm'], { cwd: copy, env, encoding: 'utf8' });
    assert.notEqual(stale.status, 0, 'CMake refuses the stale cache by itself');
    const forget = spawnSync('bash', ['scripts/forget-moved-cmake-cache.sh'], { cwd: copy, encoding: 'utf8' });
    assert.equal(forget.status, 0, forget.stderr);
    assert.match(forget.stdout, /build\/wasm was configured for .* configuring it afresh/);
    const fresh = spawnSync('cmake', ['--preset', 'wasm'], { cwd: copy, env, encoding: 'utf8' });
    assert.equal(fresh.status, 0, fresh.stderr);
    // build.sh runs the check first; demo.sh goes through build.sh.
    assert.match(fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'build.sh'), 'utf8'), /\nbash scripts\/forget-moved-cmake-cache\.sh\n/);
    assert.match(fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'demo.sh'), 'utf8'), /\nbash scripts\/setup\.sh --demo\n/);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test('setup.sh --demo needs no test tools, no Chromium', () => {
  const list = (args) => execFileSync('bash', ['scripts/setup.sh', '--list', ...args], { cwd: REPO_ROOT }).toString().trim().split('\n');
  const demo = list(['--demo']);
  assert.deepEqual(demo.sort(), ['build-essential', 'cmake', 'emscripten', 'ninja-build', 'nlohmann-json3-dev', 'python3']);
  const full = list([]);
  for (const pkg of ['chromium', 'libgtest-dev', 'libbenchmark-dev', 'emscripten']) assert.ok(full.includes(pkg), pkg);
});
