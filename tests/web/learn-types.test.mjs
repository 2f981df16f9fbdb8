// web/index.d.ts's learning API compiles under tsc --strict in a consumer
// that imports the package by name (as tests/web/types.test.mjs does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, WEB_DIR } from './helpers.mjs';

test('tests/web/learn-types-consumer.ts compiles with tsc --strict', () => {
  const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-learn-types-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(WEB_DIR, path.join(dir, 'node_modules', 'leadseg'), 'dir');
    fs.copyFileSync(path.join(REPO_ROOT, 'tests', 'web', 'learn-types-consumer.ts'), path.join(dir, 'consumer.ts'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
    let output = '';
    try {
      execFileSync(tsc, [
        '--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--lib', 'es2022,dom,dom.iterable', '--types', '', 'consumer.ts',
      ], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = `${error.stdout}${error.stderr}`;
    }
    assert.equal(output, '', 'tsc reports no error');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
