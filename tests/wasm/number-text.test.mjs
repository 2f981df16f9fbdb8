// Numbers to text and back inside the wasm core (core/number_text.h, used
// by js::NumberToString / js::StringToNumber and the JSON reader) compared
// with JavaScript itself: String(x) and Number(s) in this very process.
// The core has no printf or strtod any more, so this is the reference.
//
// JsonLogic reaches both: {"cat": [x]} is String(x), and {"==": [s, x]}
// with a string s and a number x is Number(s) == x (abstract equality), exact
// for a double x; "<" and ">" compare Number(s) too. (The full module exports
// jsonLogicApply; the runtime module links the same core sources.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadLeadseg } from './load.mjs';

const leadseg = await loadLeadseg();
const cat = (x) => JSON.parse(leadseg.jsonLogicApply('{"cat":[{"var":"x"}]}', JSON.stringify({ x })));
const apply = (rule, data) => JSON.parse(leadseg.jsonLogicApply(JSON.stringify(rule), JSON.stringify(data)));
const s = { var: 's' }, x = { var: 'x' };
// Whether the core reads text `text` as the number `want` (JSON has no NaN or
// Infinity: those are checked by comparison).
function readsAs(text, want) {
  if (Number.isNaN(want)) return apply({ or: [{ '<=': [s, 0] }, { '>=': [s, 0] }] }, { s: text }) === false;
  if (want === Infinity) return apply({ '>': [s, x] }, { s: text, x: Number.MAX_VALUE }) === true;
  if (want === -Infinity) return apply({ '<': [s, x] }, { s: text, x: -Number.MAX_VALUE }) === true;
  return apply({ '==': [s, x] }, { s: text, x: want }) === true;
}

// Deterministic 64-bit patterns (xorshift), so a failure reproduces.
function* randomDoubles(count, seed = 0x2545f4914f6cdd1dn) {
  const view = new DataView(new ArrayBuffer(8));
  let s = seed;
  for (let i = 0; i < count; i++) {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    view.setBigUint64(0, s);
    const x = view.getFloat64(0);
    if (Number.isFinite(x)) yield x;
  }
}

function neighbours(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const out = [];
  for (const b of [bits - 1n, bits + 1n]) {
    if (b < 0n || b >= 0x7ff0000000000000n) continue;
    view.setBigUint64(0, b);
    out.push(view.getFloat64(0));
  }
  return out;
}

function specialNumbers() {
  const out = [0, -0, 1, -1, 0.1, 0.2, 0.3, 0.1 + 0.2, 1 / 3, 2 / 3, Math.PI, Math.E,
    Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON,
    Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.MAX_SAFE_INTEGER + 3,
    2.2250738585072014e-308, 2.225073858507201e-308, // smallest normal, largest subnormal
    1e21, 1e21 - 65536, 999999999999999900000, 123456789012345680000, 1e-6, 1e-7, 9.999999999999999e-7,
    5e-324, 1.5e-323, 4.9406564584124654e-324, 1.7976931348623157e308];
  for (let e = -325; e <= 309; e++) {
    for (const m of ['1', '5', '9.999999999999999', '1.0000000000000002', '2.5', '3']) {
      out.push(Number(`${m}e${e}`), -Number(`${m}e${e}`));
    }
  }
  // Every power of two (the boundaries where the gap below is half the gap
  // above) and its neighbours.
  for (let e = -1074; e <= 1023; e++) out.push(2 ** e, ...neighbours(2 ** e));
  for (let i = 1; i <= 3000; i++) out.push(i / 10, i / 7, -i * 1.1, i * 1e15 + 0.5, 2 ** 53 + i * 2);
  return out.filter(Number.isFinite);
}

// (2m + 1) × 2^(q - 1) for x = m × 2^q, exactly: [digits, exponent of ten].
function midpointAbove(x) {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const m = biased === 0 ? fraction : fraction | (1n << 52n);
  const q = (biased === 0 ? 1 : biased) - 1075;
  const odd = 2n * m + 1n;
  const p = q - 1;
  return p >= 0 ? [odd << BigInt(p), 0] : [odd * 5n ** BigInt(-p), p];
}

test('String(x) for random doubles, powers of ten and two, subnormals, 1e21, -0', () => {
  let checked = 0;
  const failures = [];
  for (const x of [...specialNumbers(), ...randomDoubles(20000)]) {
    const got = cat(x);
    if (got !== String(x)) failures.push(`${x}: ${got}`);
    checked++;
  }
  assert.deepEqual(failures.slice(0, 20), []);
  assert.ok(checked > 30000, `checked ${checked}`);
});

test('String(x) for integers and short decimals', () => {
  const failures = [];
  for (let i = -20000; i <= 20000; i += 7) {
    for (const x of [i, i / 100, i * 1e10, i * 1e-10, i * 123456789]) {
      if (cat(x) !== String(x)) failures.push(`${x}: ${cat(x)}`);
    }
  }
  assert.deepEqual(failures.slice(0, 20), []);
});

test('Number(s) for decimal text: shortest, long, rounded, midpoints, out of range', () => {
  const texts = [];
  for (const x of randomDoubles(20000, 0x9e3779b97f4a7c15n)) {
    texts.push(String(x), x.toExponential(20), x.toPrecision(5), x.toPrecision(21));
  }
  for (const x of specialNumbers().slice(0, 6000)) texts.push(x.toExponential(25), x.toPrecision(17));
  // The exact midpoint between a double and the next one up (ties go to
  // the even significand), and a hair either side of it.
  for (const x of [1, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308, 0.1, 1e300,
    ...randomDoubles(3000, 0x5851f42d4c957f2dn)]) {
    const [digits, exponent] = midpointAbove(Math.abs(x));
    texts.push(`${digits}e${exponent}`, `${digits * 10n + 1n}e${exponent - 1}`, `${digits * 10n - 1n}e${exponent - 1}`);
  }
  texts.push('9007199254740993', '9007199254740993.0000000000000000001', '9007199254740992.9999999999',
    '9007199254740995', '1.7976931348623158e308', '1.7976931348623157e308', '1.7976931348623159e308',
    '2.4703282292062327e-324', '2.4703282292062328e-324', '2.47032822920623272088e-324', '1e-324', '3e-324',
    '1e309', '-1e309', '1e-400', '-1e-400', '0.0', '-0', '.5', '5.', '+.5e1', '1E+2', '00012.500e-1',
    `0.${'0'.repeat(400)}1e401`, `${'9'.repeat(800)}e-800`, `1${'0'.repeat(1000)}`, `1.${'0'.repeat(780)}1`,
    `2.${'2'.repeat(1200)}e-308`, '  42  ', '\t-3.25\n', '0x1F', '1e', '1.2.3', '--1', 'Infinity', '-Infinity');
  const failures = [];
  for (const text of texts) {
    if (!readsAs(text, Number(text))) failures.push(`${JSON.stringify(text.slice(0, 60))}: not ${Number(text)}`);
  }
  assert.deepEqual(failures.slice(0, 20), []);
  // The check itself tells neighbours apart.
  assert.equal(readsAs('9007199254740993', 9007199254740994), false);
  assert.equal(readsAs('0.1', 0.1 + 2 ** -56), false);
  assert.equal(readsAs('1e309', Infinity), true);
  assert.equal(readsAs('1.7976931348623157e308', Infinity), false);
});
