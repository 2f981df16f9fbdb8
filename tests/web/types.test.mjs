// The TypeScript declarations compile under `tsc --strict` in a consumer
// that imports the package by name (through its "exports" map): the engine
// API (types-consumer.ts) and the learning API (learn-types-consumer.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, WEB_DIR } from './helpers.mjs';

// tsc's output for tests/web/<consumer> compiled as consumer.ts in a
// temporary package that has web/ installed as `leadseg`; '' when clean.
function compileConsumer(consumer) {
  const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  assert.ok(fs.existsSync(tsc), 'typescript is a dev dependency: npm install');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-types-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(WEB_DIR, path.join(dir, 'node_modules', 'leadseg'), 'dir');
    fs.copyFileSync(path.join(REPO_ROOT, 'tests', 'web', consumer), path.join(dir, 'consumer.ts'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
    try {
      execFileSync(tsc, [
        '--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--lib', 'es2022,dom,dom.iterable', '--types', '', '--noUnusedLocals', 'consumer.ts',
      ], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
      return '';
    } catch (error) {
      return `${error.stdout}${error.stderr}`;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('tests/web/types-consumer.ts compiles with tsc --strict against web/index.d.ts', () => {
  assert.equal(compileConsumer('types-consumer.ts'), '', 'tsc reports no error');
});

test('tests/web/learn-types-consumer.ts compiles with tsc --strict', () => {
  assert.equal(compileConsumer('learn-types-consumer.ts'), '', 'tsc reports no error');
});
