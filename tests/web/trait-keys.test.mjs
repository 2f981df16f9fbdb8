// identify()'s flat traits named as the call before cross as their values
// alone (bindings/engine.post.js writeFlatTraits, Encoding kSameKeys in
// bindings/engine.cc): the engine handle keeps the names of the last whole
// frame and puts them back. Whatever the traits do between calls (keys
// reordered, added, removed, inherited, values changing type, a failed
// call, another engine writing in between), the engine must store what the
// JSON path stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enginePairs } from './frame-engines.mjs';
import { START, HOUR } from './helpers.mjs';

// identify(traits) through the flat writer on `raw`, through JSON text on
// `text`; the same changes, then the same attributes. The frame's size.
function identifyBoth(label, raw, text, traits, at) {
  const size = raw.writeFlatTraits(traits);
  assert.ok(size > 0, `${label}: flat`);
  assert.deepEqual(raw.identifyWritten(size, at), text.identify(JSON.stringify(traits), at), `${label}: changes`);
  assert.deepEqual(raw.attributes(), text.attributes(), `${label}: attributes`);
  return size;
}

// A flat value's frame size (ASCII strings): tag, then its payload.
function valueSize(v) {
  if (v === null || typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 9;
  if (typeof v === 'string') return 5 + v.length;
  return v.reduce((n, item) => n + valueSize(item), 5);
}

const BASE = { job_title: 'CTO', company_size: 250, country: 'DE', tags: ['a', 'b'], beta: true };

test('traits named as the call before are sent as their values alone and stored as the JSON path stores them', async () => {
  for (const [name, raw, text] of await enginePairs()) {
    let at = START;
    const whole = identifyBoth(`${name}: first call`, raw, text, BASE, at);
    const steps = [
      ['new values', { job_title: 'VP Sales', company_size: 12, country: 'US', tags: [], beta: false }],
      // Each value takes another type: the stored bytes and their JSON
      // size follow the value, not the name's previous one.
      ['values change type', { job_title: 7, company_size: 'many', country: ['DE', 'AT'], tags: null, beta: 'yes' }],
      ['null removes', { job_title: null, company_size: null, country: 'FR', tags: [1, null, 'x'], beta: true }],
      ['removed ones come back', BASE],
    ];
    for (const [step, traits] of steps) {
      at += HOUR;
      const size = identifyBoth(`${name}: ${step}`, raw, text, traits, at);
      // Values alone: the object's tag and count, no name's length or bytes.
      const values = Object.values(traits).reduce((n, v) => n + valueSize(v), 5);
      assert.equal(size, values, `${name}: ${step} sent without its names`);
      assert.ok(size < whole, `${name}: ${step} smaller than the whole frame`);
    }
    assert.deepEqual(raw.exportProfile(), text.exportProfile(), `${name}: profiles`);
    assert.deepEqual(raw.snapshot(), text.snapshot(), `${name}: snapshots byte for byte`);
    raw.delete();
    text.delete();
  }
});

test('traits with other names, or the same names in another order, are sent whole and named again', async () => {
  for (const [name, raw, text] of await enginePairs()) {
    let at = START;
    identifyBoth(`${name}: first`, raw, text, BASE, at);
    const { job_title, company_size, country, tags, beta } = BASE;
    const cases = [
      ['reordered', { company_size: 99, job_title: 'CEO', country, tags, beta }],
      ['a key added', { company_size: 98, job_title: 'CFO', country, tags, beta, plan: 'pro' }],
      ['a key removed', { company_size: 97, job_title: 'CTO', country, tags }],
      ['a key renamed', { company_size: 96, job_title: 'CTO', country, labels: tags }],
      ['no keys', {}],
      ['back to the first', BASE],
      ['the first again', { job_title, company_size: 1, country, tags, beta }],
    ];
    for (const [what, traits] of cases) {
      at += HOUR;
      identifyBoth(`${name}: ${what}`, raw, text, traits, at);
    }
    assert.deepEqual(raw.snapshot(), text.snapshot(), `${name}: snapshots byte for byte`);
    raw.delete();
    text.delete();
  }
});

// Values alone write ASCII strings up to 64 code units and numbers in the
// writer's loop (frame.post.js flatValues), anything else through
// flatMember: each side of that line, and a refusal in the middle of the
// loop, must store what the JSON path stores.
test('values alone: strings either side of the inline ASCII path, -0, and a refusal halfway', async () => {
  for (const [name, raw, text] of await enginePairs()) {
    let at = START;
    const first = { n: 1, s: 'a', t: 'b', m: 2 };
    identifyBoth(`${name}: first`, raw, text, first, at);
    const strings = ['', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(63) + 'é', 'é'.repeat(64), 'Zürich 日本 🚀', 'y'.repeat(300)];
    for (const [i, s] of strings.entries()) {
      at += HOUR;
      identifyBoth(`${name}: string ${i}`, raw, text, { n: -0, s, t: `${s}!`, m: i + 0.5 }, at);
    }
    // Not flat halfway through (a lone surrogate, a number that is not
    // finite): nothing is sent, and the next call's values alone are whole.
    for (const bad of [{ n: 3, s: 'ok', t: 'a\uD800', m: 4 }, { n: 3, s: 'ok', t: 'é', m: Infinity }]) {
      assert.equal(raw.writeFlatTraits(bad), -1, `${name}: ${JSON.stringify(bad.t)} is not flat`);
      at += HOUR;
      identifyBoth(`${name}: after ${JSON.stringify(bad.t)}`, raw, text, { n: 5, s: 'é', t: 'z', m: 6 }, at);
    }
    assert.deepEqual(raw.snapshot(), text.snapshot(), `${name}: snapshots byte for byte`);
    raw.delete();
    text.delete();
  }
});

test('same names with an inherited enumerable key, or a value that is not flat, take the general path', async () => {
  for (const [name, raw, text] of await enginePairs()) {
    identifyBoth(`${name}: first`, raw, text, BASE, START);
    Object.prototype.leadsegInherited = 'x';  // eslint-disable-line no-extend-native
    try {
      assert.equal(raw.writeFlatTraits({ ...BASE }), -1, `${name}: an inherited key makes them not flat`);
    } finally {
      delete Object.prototype.leadsegInherited;
    }
    // The names in order, some of them inherited: the last, or one before
    // it (for-in visits it after the own keys).
    const names = Object.keys(BASE);
    for (const inherited of [names[names.length - 1], names[1]]) {
      const own = { ...BASE };
      delete own[inherited];
      const traits = Object.assign(Object.create({ [inherited]: BASE[inherited] }), own);
      assert.equal(raw.writeFlatTraits(traits), -1, `${name}: ${inherited} inherited makes them not flat`);
    }
    assert.equal(raw.writeFlatTraits({ ...BASE, company_size: NaN }), -1, `${name}: NaN is not flat`);
    assert.equal(raw.writeFlatTraits({ ...BASE, tags: [{ deep: 1 }] }), -1, `${name}: a nested object is not flat`);
    assert.equal(raw.writeFlatTraits({ ...BASE, beta: undefined }), -1, `${name}: undefined is not flat`);
    // The names the handle keeps are still the first call's.
    identifyBoth(`${name}: after the refusals`, raw, text, { ...BASE, job_title: 'CMO' }, START + HOUR);
    raw.delete();
    text.delete();
  }
});

test('a failed call keeps its names; another engine writing between calls changes nothing', async () => {
  const pairs = await enginePairs();
  for (const [name, raw, text] of pairs) {
    identifyBoth(`${name}: first`, raw, text, BASE, START);
    // A whole frame refused by the engine (a reserved name): the handle
    // kept its names anyway, and the values-alone frames that follow are
    // refused as the JSON path refuses them.
    const reserved = { segments: 1, job_title: 'CEO' };
    for (let i = 0; i < 2; i++) {
      const size = raw.writeFlatTraits(reserved);
      assert.throws(() => raw.identifyWritten(size, START + HOUR), (error) => {
        assert.throws(() => text.identify(JSON.stringify(reserved), START + HOUR), { message: error.message });
        return error.name === 'LeadsegError' && /"segments" is a reserved name/.test(error.message);
      }, `${name}: refused (${i})`);
    }
    identifyBoth(`${name}: after the refusal`, raw, text, { segments_seen: 1, job_title: 'CEO' }, START + 2 * HOUR);
    identifyBoth(`${name}: same names`, raw, text, { segments_seen: 2, job_title: 'CTO' }, START + 3 * HOUR);
    // New names whose call fails on its time, after they were sent: the
    // handle keeps them, and the next call with them sends values alone.
    const size = raw.writeFlatTraits({ segments_seen: 3, job_title: 'X', plan: 'pro' });
    assert.throws(() => raw.identifyWritten(size, NaN), { name: 'LeadsegError' });
    const next = { segments_seen: 4, job_title: 'Y', plan: 'team' };
    assert.equal(identifyBoth(`${name}: after a bad time`, raw, text, next, START + 4 * HOUR),
      Object.values(next).reduce((n, v) => n + valueSize(v), 5), `${name}: values alone after a bad time`);
    assert.deepEqual(raw.snapshot(), text.snapshot(), `${name}: snapshots byte for byte`);
  }
  // Two engines of one module share the frame writer, each with its own
  // names: interleaved, each still stores its own traits.
  const more = await enginePairs();
  pairs.forEach(([name, a, aText], m) => {
    const [, b, bText] = more[m];
    for (let i = 0; i < 3; i++) {
      const at = START + (10 + i) * HOUR;
      identifyBoth(`${name}: interleaved a ${i}`, a, aText, { segments_seen: 10 + i, job_title: `A${i}`, plan: 'x' }, at);
      identifyBoth(`${name}: interleaved b ${i}`, b, bText, { plan: 'pro', seats: i }, at);
    }
    assert.deepEqual(a.snapshot(), aText.snapshot(), `${name}: a's snapshot`);
    assert.deepEqual(b.snapshot(), bText.snapshot(), `${name}: b's snapshot`);
    for (const engine of [a, aText, b, bText]) engine.delete();
  });
});

// The traits' frame is written straight into the handle's traits buffer in
// wasm memory (engine.post.js traitsWriter): past its first 4 KB it grows
// there, a call between writing and sending (the package reads its clock
// in between) leaves it intact, and a getter that grows the memory while
// the traits are written (which empties the writer's views) loses none of
// them.
test('the traits buffer grows, survives a call in between and a memory grown mid-write', async () => {
  for (const [name, raw, text] of await enginePairs()) {
    let at = START;
    const long = { ...BASE, job_title: 'x'.repeat(10000) };
    identifyBoth(`${name}: a whole frame past 4 KB`, raw, text, long, at);
    at += HOUR;
    identifyBoth(`${name}: values alone past 4 KB`, raw, text, { ...long, job_title: 'y'.repeat(20000) }, at);
    // Written, then another call writes its input, then sent.
    at += HOUR;
    const traits = { ...BASE, job_title: 'CEO' };
    const size = raw.writeFlatTraits(traits);
    const props = JSON.stringify({ note: 'z'.repeat(30000) });
    assert.deepEqual(raw.track('note', props, at), text.track('note', props, at), `${name}: the call in between`);
    assert.deepEqual(raw.identifyWritten(size, at), text.identify(JSON.stringify(traits), at), `${name}: sent after it`);
    assert.deepEqual(raw.attributes(), text.attributes(), `${name}: attributes after it`);
    // A getter whose call asks the input for 64 MB: the memory grows while
    // the frame is half written, the first time in each module.
    for (const step of ['whole', 'values alone']) {
      let calls = 0;
      const growing = { ...BASE, job_title: step === 'whole' ? 'CIO' : 'CMO' };
      if (step === 'whole') growing.plan = 'pro';
      Object.defineProperty(growing, 'country', {
        enumerable: true,
        get() {
          assert.throws(() => raw.track('huge', 'x'.repeat(64 << 20), at), { name: 'LeadsegError' });
          ++calls;
          return 'DE';
        },
      });
      at += HOUR;
      identifyBoth(`${name}: memory grown mid-write, ${step}`, raw, text, growing, at);
      assert.ok(calls >= 2, `${name}: the getter ran for both engines`);
    }
    at += HOUR;
    identifyBoth(`${name}: after the memory grew`, raw, text, { ...BASE, job_title: 'COO' }, at);
    assert.deepEqual(raw.snapshot(), text.snapshot(), `${name}: snapshots byte for byte`);
    raw.delete();
    text.delete();
  }
});
