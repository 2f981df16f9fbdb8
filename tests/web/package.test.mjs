// The package as a consumer sees it: the "exports" map resolves in node,
// the files it lists exist, and shipped JS has no eval / new Function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { WEB_DIR } from './helpers.mjs';

const pkg = JSON.parse(fs.readFileSync(path.join(WEB_DIR, 'package.json'), 'utf8'));

/** Whether a "files" entry of package.json (a path, or a glob with `*` within one folder, as npm reads it) covers `file`. */
function matchesFilesEntry(entry, file) {
  const pattern = new RegExp(`^${entry.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return pattern.test(file);
}

test('package.json: an ES module package with types, browser, import and node conditions', () => {
  assert.equal(pkg.name, 'leadseg');
  assert.equal(pkg.type, 'module');
  const root = pkg.exports['.'];
  assert.deepEqual(Object.keys(root), ['types', 'browser', 'node', 'import', 'default']);
  for (const target of [root.types, root.default, pkg.exports['./estimator'].default, pkg.exports['./estimator'].types]) {
    assert.ok(fs.existsSync(path.join(WEB_DIR, target)), target);
  }
  // Browsers and bundlers get the one-file build (scripts/bundle-web.mjs).
  assert.equal(root.browser, './dist/leadseg.browser.js');
  assert.equal(root.import, './dist/leadseg.browser.js');
  // Node gets its one-file build of src/node.js (scripts/bundle-web.mjs).
  assert.equal(root.node, './dist/leadseg.node.mjs');
  assert.ok(pkg.files.some((entry) => matchesFilesEntry(entry, 'dist/leadseg.node.mjs')));
  // The pre-paint script, minified (scripts/bundle-web.mjs; its source is src/prepaint.js).
  assert.equal(pkg.exports['./prepaint.js'], './dist/prepaint.js');
  assert.ok(pkg.files.includes('dist/prepaint.js'));
  for (const entry of pkg.files) {
    const full = path.join(WEB_DIR, entry);
    if (entry.startsWith('dist/')) continue; // built by scripts/build.sh wasm
    assert.ok(fs.existsSync(full), `files: ${entry}`);
  }
});

test('the browser and import conditions resolve the bundle, node the node bundle, and every bundle file ships', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-pkg-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(WEB_DIR, path.join(dir, 'node_modules', 'leadseg'), 'dir');
    fs.writeFileSync(path.join(dir, 'resolve.mjs'), "console.log(import.meta.resolve('leadseg'))");
    const resolve = (...conditions) => execFileSync(process.execPath, [...conditions.flatMap((c) => ['-C', c]), 'resolve.mjs'], { cwd: dir, encoding: 'utf8' }).trim();
    assert.match(resolve(), /\/dist\/leadseg\.node\.mjs$/);
    assert.match(resolve('browser'), /\/dist\/leadseg\.browser\.js$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const dist = path.join(WEB_DIR, 'dist');
  const built = fs.existsSync(dist) ? fs.readdirSync(dist).filter((f) => f.startsWith('leadseg.browser') || f.startsWith('leadseg.node') || f === 'prepaint.js') : [];
  for (const f of built) assert.ok(pkg.files.some((entry) => matchesFilesEntry(entry, `dist/${f}`)), `web/package.json "files" lists dist/${f}`);
});

test('import "leadseg" by name in node resolves the node bundle and works', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-pkg-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(WEB_DIR, path.join(dir, 'node_modules', 'leadseg'), 'dir');
    const script = `
      import { createEngine, segmentLeads, compileConfig, discoverSegments, estimate as estimateLazily } from 'leadseg';
      import { estimate } from 'leadseg/estimator';
      const config = { segments: [{ id: 'adult', condition: { age: { $gte: 18 } } }] };
      const engine = await createEngine({ config });
      const { entered } = engine.identify({ age: 30 });
      const { summary } = await segmentLeads(config, 'age\\n12\\n40\\n');
      // The node bundle's lazy files (the compiler, the estimator) next to its entry.
      const compiled = await createEngine({ config: await compileConfig(config) });
      const compiledEntered = compiled.identify({ age: 30 }).entered;
      const estimated = await estimateLazily([]).then(() => 'ok', (error) => error.name);
      const leads = Array.from({ length: 40 }, (_, i) => ({ visits: i % 2 ? 12 + (i % 5) : 2 + (i % 3) }));
      const clusters = (await discoverSegments({ version: 1, segments: [] }, leads, { k: 2 })).clusters.length;
      console.log(JSON.stringify({ entered, summary: summary.segments, estimate: typeof estimate, compiledEntered, estimated, clusters,
                                    resolved: import.meta.resolve('leadseg') }));
      engine.destroy();
      compiled.destroy();`;
    fs.writeFileSync(path.join(dir, 'main.mjs'), script);
    const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8' }));
    assert.deepEqual(out.entered, ['adult']);
    assert.deepEqual(out.summary, { adult: 1 });
    assert.equal(out.estimate, 'function');
    assert.deepEqual(out.compiledEntered, ['adult']);
    assert.ok(['ok', 'LeadsegError'].includes(out.estimated), out.estimated);
    assert.equal(out.clusters, 2);
    assert.match(out.resolved, /\/dist\/leadseg\.node\.mjs$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('in node, "leadseg" is one module: createEngine and its first calls load nothing from src/', () => {
  // Each module costs node's ESM loader a resolve, read and compile at a
  // cold start (~25 ms of CPU for src/node.js's graph, docs/performance.md).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-pkg-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(WEB_DIR, path.join(dir, 'node_modules', 'leadseg'), 'dir');
    // A load hook (module.register) that lists every ES module node loads.
    fs.writeFileSync(path.join(dir, 'hooks.mjs'), `
      import fs from 'node:fs';
      export async function load(url, context, next) {
        fs.appendFileSync(${JSON.stringify(path.join(dir, 'loaded.txt'))}, url + '\\n');
        return next(url, context);
      }`);
    fs.writeFileSync(path.join(dir, 'register.mjs'), "import { register } from 'node:module'; register('./hooks.mjs', import.meta.url);");
    fs.writeFileSync(path.join(dir, 'main.mjs'), `
      import { createEngine } from 'leadseg';
      const engine = await createEngine({ config: { segments: [{ id: 'adult', condition: { age: { $gte: 18 } } }] } });
      console.log(JSON.stringify(engine.identify({ age: 30 }).entered));
      engine.destroy();`);
    const out = execFileSync(process.execPath, ['--import', './register.mjs', 'main.mjs'], { cwd: dir, encoding: 'utf8' });
    assert.equal(out.trim(), '["adult"]');
    const loaded = fs.readFileSync(path.join(dir, 'loaded.txt'), 'utf8').trim().split('\n');
    const ours = loaded.filter((url) => url.startsWith('file:') && fs.realpathSync(new URL(url)).startsWith(fs.realpathSync(WEB_DIR) + path.sep));
    assert.deepEqual(ours.map((url) => path.relative(fs.realpathSync(WEB_DIR), fs.realpathSync(new URL(url)))), ['dist/leadseg.node.mjs']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('in node, an engine on a compiled config gets to its first decision without loading crypto', async (t) => {
  // node's crypto (globalThis.crypto too) costs a fresh process 3-4 ms of
  // CPU to load, for an engine's two random ids (loader-node.js reads them
  // from /dev/urandom instead; docs/performance.md).
  if (!fs.existsSync('/dev/urandom')) return t.skip('no /dev/urandom: crypto is the random source here');
  const { compileConfig } = await import('../../web/src/node.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-pkg-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(WEB_DIR, path.join(dir, 'node_modules', 'leadseg'), 'dir');
    fs.writeFileSync(path.join(dir, 'config.lsc'), await compileConfig({ segments: [{ id: 'adult', condition: { age: { $gte: 18 } } }] }));
    fs.writeFileSync(path.join(dir, 'main.mjs'), `
      import fs from 'node:fs';
      import { createEngine } from 'leadseg';
      const engine = await createEngine({ config: new Uint8Array(fs.readFileSync('config.lsc')) });
      const entered = engine.identify({ age: 30 }).entered;
      engine.track('page_view', {});
      const crypto = process.moduleLoadList.filter((m) => /crypto/.test(m));
      console.log(JSON.stringify({ entered, crypto }));
      engine.destroy();`);
    const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: dir, encoding: 'utf8' }));
    assert.deepEqual(out, { entered: ['adult'], crypto: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('node ids: random bytes from the OS, different every time', async () => {
  const { nodeRandomBytes } = await import('../../web/src/loader-node.js');
  const a = new Uint8Array(64);
  const b = new Uint8Array(64);
  nodeRandomBytes(a);
  nodeRandomBytes(b);
  assert.notDeepEqual(a, b);
  assert.ok(new Set(a).size > 16, 'bytes that look random');
});

test('the node bundle exports what src/node.js exports', async (t) => {
  const bundle = path.join(WEB_DIR, 'dist', 'leadseg.node.mjs');
  if (!fs.existsSync(bundle)) return t.skip('web/dist not built (bash scripts/build.sh wasm)');
  const names = async (file) => Object.keys(await import(pathToFileURL(file).href)).sort();
  assert.deepEqual(await names(bundle), await names(path.join(WEB_DIR, 'src', 'node.js')));
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
  const dist = path.join(WEB_DIR, 'dist');
  const built = fs.existsSync(dist) ? fs.readdirSync(dist).map((f) => `dist/${f}`) : [];
  for (const f of built.filter((f) => /\.m?js$/.test(f) && pkg.files.some((entry) => matchesFilesEntry(entry, f)))) {
    files.push(path.join(WEB_DIR, f));
  }
  assert.ok(files.length > 10);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*["'`]/, file);
  }
});

test('the page bundle and its page chunks open with V8\'s compile hint; the other lazy chunks and the node bundle do not', async (t) => {
  const dist = path.join(WEB_DIR, 'dist');
  if (!fs.existsSync(path.join(dist, 'leadseg.browser.js'))) return t.skip('web/dist not built (bash scripts/build.sh wasm)');
  const { COMPILE_HINT, PAGE_CHUNKS } = await import(pathToFileURL(path.join(WEB_DIR, '..', 'scripts', 'bundle-web.mjs')).href);
  assert.equal(COMPILE_HINT, '//# allFunctionsCalledOnLoad');
  // V8 reads the hint only as the file's first line: a banner moved below
  // esbuild's output (or a comment before it) silently turns it off.
  const firstLine = (f) => fs.readFileSync(path.join(dist, f), 'utf8').split('\n', 1)[0];
  assert.equal(firstLine('leadseg.browser.js'), COMPILE_HINT);
  // The page chunks run as they load (the hooks, the stored profile's read
  // and replay): the hint moves their compiles off the main thread too.
  const pageChunks = PAGE_CHUNKS.map((f) => `leadseg.browser-${f.replace(/\.js$/, '')}.js`);
  assert.ok(pageChunks.includes('leadseg.browser-profile-storage.js'));
  for (const f of pageChunks) assert.equal(firstLine(f), COMPILE_HINT, f);
  // The other chunks are loaded on first use and only partly called:
  // compiling all of their functions eagerly would be work the page never
  // needs.
  const others = fs.readdirSync(dist).filter((f) => /\.m?js$/.test(f) && f !== 'leadseg.browser.js' && !pageChunks.includes(f));
  assert.ok(others.length > 5);
  for (const f of others) assert.notEqual(firstLine(f), COMPILE_HINT, f);
});
