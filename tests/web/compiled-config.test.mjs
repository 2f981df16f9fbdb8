// Compiled configs through the package: compileConfig(), createEngine with
// the bytes (the runtime module), the npm bin and the Vite plugin. An engine
// on the bytes must behave exactly like one on the JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compileConfig, createEngine, loadCore, MemoryStorage } from '../../web/src/node.js';
import { loadRuntimeModule } from '../../web/src/loader.js';
import leadsegVite from '../../web/src/vite.js';
import { EXAMPLE_CONFIG, WEB_DIR, DAY, HOUR, exampleConfig, fakeClock, record } from './helpers.mjs';

const run = promisify(execFile);
const EVENTS = ['segment:enter', 'segment:exit', 'stage', 'temperature', 'mql', 'sql', 'exposure'];

// The same visitor journey on an engine; returns everything observable.
async function journey(config, options = {}) {
  const clock = fakeClock();
  const engine = await createEngine({ config, now: clock.now, consent: { personalization: true, measurement: true }, ...options });
  const log = record(engine, ...EVENTS);
  const changes = [];
  // A fixed id: experiments hash on it (else on a random visitor id).
  changes.push(engine.identify({ id: 'visitor-1', job_title: 'CTO', industry: 'Technology', company_size: 20, country: 'US' }));
  changes.push(engine.declare('interests', ['security']));
  const paths = ['/pricing', '/docs/start', '/pricing/teams', '/blog/a', '/demo'];
  for (let i = 0; i < 40; i++) {
    clock.advance(3 * HOUR);
    changes.push(engine.track('page_view', { path: paths[i % paths.length] }));
    if (i % 9 === 0) changes.push(engine.track('purchase', { amount: 120 + i }));
  }
  const decisions = ['hero', 'cta', 'lead_form'].map((slot) => engine.decide(slot));
  const converted = engine.convert('demo_request');
  clock.advance(40 * DAY);
  const later = engine.segments();
  const out = {
    warnings: engine.warnings, changes, log, decisions, converted, later,
    score: engine.score(), metrics: engine.metrics(), explain: engine.explain('high_intent_tech'),
    defaults: ['hero', 'cta', 'lead_form'].map((slot) => engine.defaultVariant(slot)),
  };
  engine.destroy();
  return out;
}

test('compileConfig() returns the compiled bytes; createEngine on them behaves exactly like on the JSON', async () => {
  const bytes = await compileConfig(exampleConfig());
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'LSCF');
  const fromJson = await journey(exampleConfig());
  const fromBytes = await journey(bytes);
  assert.ok(fromJson.log.length > 5, 'the journey moves the visitor');
  assert.deepEqual(fromBytes, fromJson);
  // An ArrayBuffer works too.
  const fromBuffer = await journey(bytes.slice().buffer);
  assert.deepEqual(fromBuffer, fromJson);
});

test('JSON text and objects compile to the same bytes, and the bytes are deterministic', async () => {
  const a = await compileConfig(exampleConfig());
  const b = await compileConfig(fs.readFileSync(EXAMPLE_CONFIG, 'utf8'));
  assert.deepEqual(a, b);
});

test('compiled engines use the runtime module: no compiler, Segmenter or test surfaces in it', async () => {
  const runtime = await loadRuntimeModule();
  const full = await loadCore();
  assert.notEqual(runtime, full);
  for (const name of ['compileConfig', 'evalCondition', 'jsonLogicApply', 'runConformance', 'Segmenter']) {
    assert.equal(runtime[name], undefined, `${name} is not in the runtime`);
    assert.ok(full[name], `${name} is in the full module`);
  }
  const raw = new runtime.Engine();
  assert.equal(raw.load, undefined, 'no JSON config loading in the runtime');
  raw.delete();
});

test('a snapshot taken on a JSON engine (as before compiled configs) restores into a compiled one', async () => {
  const full = await loadCore();
  const runtime = await loadRuntimeModule();
  const bytes = await compileConfig(exampleConfig());
  const before = new full.Engine();
  before.load(JSON.stringify(exampleConfig()));
  before.identify(JSON.stringify({ job_title: 'CTO', industry: 'Technology', company_size: 20 }), Date.UTC(2026, 0, 1));
  before.track('page_view', '{"path":"/pricing"}', Date.UTC(2026, 0, 1, 1));
  const after = new runtime.Engine();
  after.loadCompiled(bytes);
  assert.equal(after.restore(before.snapshot()), true);
  assert.deepEqual(after.segments(), before.segments());
  assert.deepEqual(after.score(), before.score());
  assert.deepEqual(after.exportProfile(), before.exportProfile());
  assert.deepEqual(after.snapshot(), before.snapshot());
  before.delete();
  after.delete();
});

// Format 3 stores regex programs, so the runtime module links no regex
// compiler: a format 1 or 2 file holding regex patterns is refused with a
// request to recompile, while the full module still compiles them. A
// visitor's profile moves to an engine on the recompiled file.
test('an old compiled config with regexes: the runtime asks for a recompile, the full module reads it, the profile carries over', async () => {
  const v1 = new Uint8Array(fs.readFileSync(path.join(WEB_DIR, '..', 'tests', 'compiled', 'b2b-saas.v1.lsc')));
  assert.equal(v1[4], 1);
  const refused = await createEngine({ config: v1 }).then(() => null, (e) => e);
  assert.ok(refused, 'the runtime refuses it');
  assert.equal(refused.name, 'LeadsegError');
  assert.match(refused.message, /^createEngine: invalid config: compiled config format version 1 stores regular expressions as patterns, which this runtime does not compile \(it leaves the regex compiler out\): compile the config again with this version \(npx leadseg compile, or compileConfig\(\)\)$/);
  const runtime = await loadRuntimeModule();
  const raw = new runtime.Engine();
  assert.throws(() => raw.loadCompiled(v1), /format version 1 stores regular expressions as patterns/);
  const full = await loadCore();
  const old = new full.Engine();
  old.loadCompiled(v1);
  old.identify(JSON.stringify({ job_title: 'CTO', industry: 'Technology', company_size: 20 }), Date.UTC(2026, 0, 1));
  old.track('page_view', '{"path":"/pricing"}', Date.UTC(2026, 0, 1, 1));
  old.track('page_view', '{"path":"/careers"}', Date.UTC(2026, 0, 1, 2));
  raw.loadCompiled(await compileConfig(exampleConfig()));
  assert.equal(raw.restore(old.snapshot()), true);
  assert.deepEqual(raw.segments(), old.segments());
  assert.deepEqual(raw.score(), old.score());
  assert.deepEqual(raw.snapshot(), old.snapshot());
  old.delete();
  raw.delete();
});

// Format 4 stores the built segment and event programs, so the runtime
// module links no program builder: a format 3 file (tests/compiled/
// b2b-saas.v3.lsc, written by the build of 2026-12-04 before format 4) is
// refused with a request to recompile, while the full module builds the
// programs and answers exactly as on the JSON.
test('a format 3 compiled config: the runtime asks for a recompile, the full module reads it', async () => {
  const v3 = new Uint8Array(fs.readFileSync(path.join(WEB_DIR, '..', 'tests', 'compiled', 'b2b-saas.v3.lsc')));
  assert.equal(v3[4], 3);
  const refused = await createEngine({ config: v3 }).then(() => null, (e) => e);
  assert.ok(refused, 'the runtime refuses it');
  assert.equal(refused.name, 'LeadsegError');
  assert.match(refused.message, /^createEngine: invalid config: compiled config format version 3 does not store the built segment programs, which this runtime does not build \(it leaves the program builder out\): compile the config again with this version \(npx leadseg compile, or compileConfig\(\)\)$/);
  const bytes = await compileConfig(exampleConfig());
  assert.equal(bytes[4], 4, 'format version 4');
  const full = await loadCore();
  const observe = (config) => {
    const engine = new full.Engine();
    engine.loadCompiled(config);
    engine.identify(JSON.stringify({ job_title: 'CTO', industry: 'Technology', company_size: 20 }), Date.UTC(2026, 0, 1));
    engine.track('page_view', '{"path":"/pricing"}', Date.UTC(2026, 0, 1, 1));
    engine.track('page_view', '{"path":"/careers"}', Date.UTC(2026, 0, 1, 2));
    const out = { segments: engine.segments(), score: engine.score(), snapshot: engine.snapshot() };
    engine.delete();
    return out;
  };
  assert.deepEqual(observe(v3), observe(bytes));
});

test('stored profiles carry over: a page on JSON, the next on compiled bytes', async () => {
  const storage = new MemoryStorage();
  const clock = fakeClock();
  const first = await createEngine({ config: exampleConfig(), now: clock.now, storage, consent: { storage: true } });
  first.identify({ job_title: 'CTO', industry: 'Technology', company_size: 20 });
  first.track('page_view', { path: '/pricing' });
  const segments = first.segments();
  await first.flush();
  first.destroy();
  const second = await createEngine({ config: await compileConfig(exampleConfig()), now: clock.now, storage, consent: { storage: true } });
  assert.deepEqual(second.segments(), segments);
  second.destroy();
});

test('compileConfig() rejects exactly as createEngine() does, and checks its arguments', async () => {
  const bad = { segments: [{ id: 's', condition: { age: { $gte: 'x', $bogus: 1 } } }] };
  const viaEngine = await createEngine({ config: bad }).then(() => null, (e) => e);
  const viaCompiler = await compileConfig(bad).then(() => null, (e) => e);
  assert.ok(viaEngine && viaCompiler);
  assert.equal(viaCompiler.name, 'LeadsegError');
  assert.equal(viaCompiler.message.replace(/^compileConfig/, 'createEngine'), viaEngine.message);
  assert.equal(viaCompiler.path, viaEngine.path);
  assert.deepEqual(viaCompiler.diagnostics, viaEngine.diagnostics);
  await assert.rejects(compileConfig(42), /compileConfig: config must be a config object or its JSON text, got the number 42/);
  await assert.rejects(compileConfig('{"segments": ['), /compileConfig: config is not valid JSON/);
  await assert.rejects(compileConfig({ segments: [] }, 'x'), /compileConfig: options must be an object/);
});

test('npx leadseg compile: the same bytes as compileConfig(), check-style diagnostics, exit codes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-bin-'));
  const bin = path.join(WEB_DIR, 'bin', 'leadseg.mjs');
  try {
    const out = path.join(dir, 'config.lsc');
    const { stdout } = await run(process.execPath, [bin, 'compile', EXAMPLE_CONFIG, '-o', out]);
    assert.match(stdout, /b2b-saas\.json: ok -> .*config\.lsc, \d+ bytes/);
    assert.deepEqual(new Uint8Array(fs.readFileSync(out)), await compileConfig(exampleConfig()));
    const badFile = path.join(dir, 'bad.json');
    fs.writeFileSync(badFile, '{"segments": 3}');
    const failed = await run(process.execPath, [bin, 'compile', badFile, '-o', path.join(dir, 'bad.lsc')]).then(() => null, (e) => e);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^error \[type\] segments must be an array \(at \/segments\)\n.*bad\.json: invalid\n$/);
    assert.equal(fs.existsSync(path.join(dir, 'bad.lsc')), false, 'nothing written for an invalid config');
    const usage = await run(process.execPath, [bin, 'compile', badFile]).then(() => null, (e) => e);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: leadseg compile <config\.json> -o <config\.lsc>/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Vite plugin turns `config.json?leadseg` into the compiled bytes, and fails the build on errors', async () => {
  const plugin = leadsegVite();
  const warnings = [];
  const context = {
    addWatchFile() {},
    warn: (message) => warnings.push(message),
    error: (message) => { throw new Error(message); },
  };
  assert.equal(await plugin.load.call(context, EXAMPLE_CONFIG), null, 'plain imports are left alone');
  const { code } = await plugin.load.call(context, `${EXAMPLE_CONFIG}?leadseg`);
  const expected = await compileConfig(exampleConfig());
  // The module decodes itself: with Uint8Array.fromBase64 (browsers that
  // have it) and without (node 20, older browsers: atob).
  // (a comment makes each import a new module, run again)
  const run = async (tag) => (await import(`data:text/javascript,${encodeURIComponent(`${code}// ${tag}`)}`)).default;
  const had = Object.getOwnPropertyDescriptor(Uint8Array, 'fromBase64');
  try {
    delete Uint8Array.fromBase64;
    assert.deepEqual(await run('atob'), expected, 'decoded with atob');
    let used = 0;
    Uint8Array.fromBase64 = (text) => { used++; return new Uint8Array(Buffer.from(text, 'base64')); };
    assert.deepEqual(await run('fromBase64'), expected, 'decoded with fromBase64');
    assert.equal(used, 1);
  } finally {
    if (had) Object.defineProperty(Uint8Array, 'fromBase64', had);
    else delete Uint8Array.fromBase64;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leadseg-vite-'));
  try {
    const badFile = path.join(dir, 'bad.json');
    fs.writeFileSync(badFile, '{"segments": [{"id": "s", "condition": {"$ro": []}}]}');
    await assert.rejects(plugin.load.call(context, `${badFile}?leadseg`), /bad\.json: compileConfig: invalid config: unknown logical operator \$ro .*\(at \/segments\/0\/condition\/\$ro\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
