// The package as a consumer sees it: the "exports" map resolves in node,
// the files it lists exist, and shipped JS has no eval / new Function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { WEB_DIR } from './helpers.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(WEB_DIR, 'package.json'), 'utf8'));

test('package.json: an ES module package with types, browser, import and node conditions', () => {
  assert.equal(pkg.name, 'leadseg');
  assert.equal(pkg.type, 'module');
  const root = pkg.exports['.'];
  assert.deepEqual(Object.keys(root), ['types', 'browser', 'node', 'import', 'default']);
  for (const target of [root.types, root.browser, root.node, root.import, pkg.exports['./estimator'].default, pkg.exports['./estimator'].types]) {
    assert.ok(fs.existsSync(path.join(WEB_DIR, target)), target);
  }
  for (const entry of pkg.files) {
    const full = path.join(WEB_DIR, entry);
    if (entry.startsWith('dist/')) continue; // built by scripts/build.sh wasm
    assert.ok(fs.existsSync(full), `files: ${entry}`);
  }
});

test('import "leadseg" by name in node resolves the node entry and works', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-pkg-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(WEB_DIR, path.join(dir, 'node_modules', 'leadseg'), 'dir');
    const script = `
      import { createEngine, segmentLeads } from 'leadseg';
      import { estimate } from 'leadseg/estimator';
      const config = { segments: [{ id: 'adult', condition: { age: { $gte: 18 } } }] };
      const engine = await createEngine({ config });
      const { entered } = engine.identify({ age: 30 });
      const { summary } = await segmentLeads(config, 'age\\n12\\n40\\n');
      console.log(JSON.stringify({ entered, summary: summary.segments, estimate: typeof estimate,
                                    resolved: import.meta.resolve('leadseg') }));
      engine.destroy();`;
    fs.writeFileSync(path.join(dir, 'main.mjs'), script);
    const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8' }));
    assert.deepEqual(out.entered, ['adult']);
    assert.deepEqual(out.summary, { adult: 1 });
    assert.equal(out.estimate, 'function');
    assert.match(out.resolved, /\/src\/node\.js$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no eval or new Function in the shipped JavaScript', () => {
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(m?js)$/.test(entry.name)) files.push(full);
    }
  };
  walk(path.join(WEB_DIR, 'src'));
  for (const f of ['leadseg.js', 'leadseg.mjs']) {
    const full = path.join(WEB_DIR, 'dist', f);
    if (fs.existsSync(full)) files.push(full);
  }
  assert.ok(files.length > 10);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*["'`]/, file);
  }
});
