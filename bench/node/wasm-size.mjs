#!/usr/bin/env node
// Where the bytes of a .wasm go: section sizes, and (when the module has a
// "name" section, e.g. a build linked with --profiling-funcs) code bytes
// per function, grouped by C++ namespace / library.
//
//   node bench/node/wasm-size.mjs FILE.wasm [--top N]
//   node bench/node/wasm-size.mjs FILE.wasm --diff BEFORE.wasm [--top N]
//
// --diff names what a change removed, added or resized (both files linked
// with function names): the functions, code bytes and gzip -9 of each.
//
// docs/performance.md shows how to build such a module without touching
// web/dist (a separate build dir with LEADSEG_WASM_OUTPUT_DIR).
import fs from 'node:fs';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];

function reader(bytes) {
  let pos = 0;
  const r = {
    get pos() { return pos; },
    set pos(v) { pos = v; },
    u8: () => bytes[pos++],
    leb() {
      let result = 0, shift = 0, b;
      do {
        b = bytes[pos++];
        result += (b & 0x7f) * 2 ** shift;
        shift += 7;
      } while (b & 0x80);
      return result;
    },
    name() {
      const n = r.leb();
      const s = Buffer.from(bytes.subarray(pos, pos + n)).toString('utf8');
      pos += n;
      return s;
    },
  };
  return r;
}

export function analyzeWasm(bytes) {
  const r = reader(bytes);
  r.pos = 8;
  const sections = [];
  let importedFuncs = 0;
  let bodies = [];
  const names = new Map();
  while (r.pos < bytes.length) {
    const id = r.u8();
    const size = r.leb();
    const start = r.pos;
    const end = start + size;
    let label = SECTION_NAMES[id] ?? `id${id}`;
    if (id === 0) {
      const name = r.name();
      label = `custom:${name}`;
      if (name === 'name') {
        while (r.pos < end) {
          const sub = r.u8();
          const subSize = r.leb();
          const subEnd = r.pos + subSize;
          if (sub === 1) {
            const count = r.leb();
            for (let i = 0; i < count; i++) {
              const idx = r.leb();
              names.set(idx, r.name());
            }
          }
          r.pos = subEnd;
        }
      }
    } else if (id === 2) {
      const count = r.leb();
      for (let i = 0; i < count; i++) {
        r.name();
        r.name();
        const kind = r.u8();
        if (kind === 0) { r.leb(); importedFuncs++; } else if (kind === 1) { r.u8(); const f = r.u8(); r.leb(); if (f & 1) r.leb(); } else if (kind === 2) { const f = r.u8(); r.leb(); if (f & 1) r.leb(); } else if (kind === 3) { r.u8(); r.u8(); } else if (kind === 4) { r.u8(); r.leb(); }
      }
    } else if (id === 10) {
      const count = r.leb();
      bodies = [];
      for (let i = 0; i < count; i++) {
        const bodySize = r.leb();
        bodies.push(bodySize);
        r.pos += bodySize;
      }
    }
    sections.push({ id, name: label, size });
    r.pos = end;
  }
  const functions = bodies.map((size, i) => ({ index: importedFuncs + i, name: names.get(importedFuncs + i) ?? `func${importedFuncs + i}`, size }));
  return { sections, functions, named: names.size > 0 };
}

/** A coarse owner for a function name: the library or namespace its code belongs to. */
export function ownerOf(name) {
  // Classify by the qualified name only (not the parameter list).
  const plain = name.replace(/\(anonymous namespace\)::/g, '');
  const paren = plain.indexOf('(');
  const n = (paren > 0 ? plain.slice(0, paren) : plain).replace(/^(?:\$|void |bool |int |unsigned |char |double |float |auto |long )+/, '').replace(/\(anonymous namespace\)::/g, '');
  const rules = [
    [/nlohmann|json_abi|basic_json|json_sax|lexer<|parser<|serializer<|iter_impl|detail::(?:from|to)_json/, 'nlohmann::json'],
    [/emscripten|embind|_EmVal|EmVal|BindingType|Invoker|MethodInvoker|FunctionInvoker|raw_destructor|raw_constructor|\bval\b|emval/, 'embind / emscripten glue'],
    [/leadseg::JsonLogic|jsonlogic/i, 'leadseg: JsonLogic'],
    [/leadseg::Regex|regex/i, 'leadseg: regex'],
    [/leadseg::.*(Conformance|conformance|Suite|Case)/, 'leadseg: conformance runner (tests)'],
    [/leadseg::(Parser|Regex|Nfa|.*Class)/, 'leadseg: regex'],
    [/leadseg::Condition|conditions|leadseg::js::/, 'leadseg: conditions'],
    [/leadseg::(Config|CompiledConfig|Compile|Diagnostics|.*Hygiene|.*Check|ConditionCompiler|ParseJson)/, 'leadseg: config compiler, JSON parsing'],
    [/leadseg::BoundEngine/, 'leadseg: bindings (BoundEngine)'],
    [/leadseg::(Engine|Profile|Snapshot|.*Metric|.*Event|ParseDuration)/, 'leadseg: engine, metrics, profile'],
    [/^leadseg::(Segmenter|ErrorRecord|ChangesToVal|Version|EvalCondition|JsonLogicApply|ToTime)\b/, 'leadseg: bindings (Segmenter, helpers)'],
    [/leadseg::(Decision|Slot|Experiment|experiment_internal|FeatureEvaluator|Bandit|.*Bucket|.*Hash|.*Beta|.*Thompson)/, 'leadseg: decisions, experiments'],
    [/leadseg::(Scor|Grad|Temperature|Lifecycle|Rfm)/, 'leadseg: scoring'],
    [/leadseg::/, 'leadseg: other'],
    [/std::|__cxx|__cxa|operator new|operator delete|basic_string|vector<|__tree|__hash_table|deque</, 'libc++ (containers, strings, exceptions)'],
    [/^(?:malloc|free|dlmalloc|dlfree|realloc|calloc|memcpy|memmove|memset|memcmp|strlen|sbrk|emscripten_builtin)|printf|strto|scan|fmt_|pop_arg|__/, 'libc, malloc, printf/strtod'],
  ];
  for (const [re, owner] of rules) if (re.test(n)) return owner;
  return 'other / unnamed';
}

/** Functions by name in `before` and `after`: removed, added, resized (largest change first). */
export function diffFunctions(before, after) {
  const sizes = (fns) => {
    const m = new Map();
    for (const f of fns) m.set(f.name, (m.get(f.name) ?? 0) + f.size);
    return m;
  };
  const a = sizes(before), b = sizes(after);
  const rows = [];
  for (const [name, size] of a) rows.push({ name, before: size, after: b.get(name) ?? 0 });
  for (const [name, size] of b) if (!a.has(name)) rows.push({ name, before: 0, after: size });
  return rows.filter((r) => r.before !== r.after).sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before));
}

function printDiff(beforeFile, afterFile, top) {
  const load = (f) => {
    const bytes = fs.readFileSync(f);
    return { bytes, gzip: zlib.gzipSync(bytes, { level: 9 }).length, ...analyzeWasm(bytes) };
  };
  const before = load(beforeFile), after = load(afterFile);
  const code = (x) => x.functions.reduce((s, f) => s + f.size, 0);
  console.log(`${beforeFile} -> ${afterFile}`);
  console.log(`  raw ${before.bytes.length} -> ${after.bytes.length}, gzip -9 ${before.gzip} -> ${after.gzip}` +
    ` (not as shipped: these links keep a name section), code ${code(before)} -> ${code(after)},` +
    ` functions ${before.functions.length} -> ${after.functions.length}`);
  const rows = diffFunctions(before.functions, after.functions);
  const removed = rows.filter((r) => r.after === 0), added = rows.filter((r) => r.before === 0);
  const sum = (list, k) => list.reduce((s, r) => s + r[k], 0);
  console.log(`  removed ${removed.length} functions (${sum(removed, 'before')} code bytes), added ${added.length} (${sum(added, 'after')})`);
  console.log(`\nlargest ${top} changes (before -> after code bytes):`);
  for (const r of rows.slice(0, top)) {
    const tag = r.after === 0 ? 'removed' : r.before === 0 ? 'added' : 'resized';
    console.log(`  ${String(r.before).padStart(7)} -> ${String(r.after).padStart(7)}  ${tag.padEnd(8)} ${r.name.slice(0, 130)}`);
  }
}

function main() {
  const args = process.argv.slice(2);
  const diffIdx = args.indexOf('--diff');
  const topIdx = args.indexOf('--top');
  const file = args.find((a, i) => !a.startsWith('--') && (diffIdx < 0 || i !== diffIdx + 1) && (topIdx < 0 || i !== topIdx + 1));
  const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
  if (!file) {
    console.error('usage: node bench/node/wasm-size.mjs FILE.wasm [--top N] [--diff BEFORE.wasm]');
    process.exit(2);
  }
  if (diffIdx >= 0) {
    printDiff(args[diffIdx + 1], file, top);
    return;
  }
  const bytes = fs.readFileSync(file);
  const { sections, functions, named } = analyzeWasm(bytes);
  console.log(`${file}: ${bytes.length} bytes, gzip -9 ${zlib.gzipSync(bytes, { level: 9 }).length} bytes`);
  console.log('\nsections:');
  for (const s of sections) console.log(`  ${s.name.padEnd(24)} ${String(s.size).padStart(8)}`);
  const code = functions.reduce((a, f) => a + f.size, 0);
  console.log(`\n${functions.length} functions, ${code} code bytes${named ? '' : ' (no name section: link with --profiling-funcs for names)'}`);
  if (!named) return;
  const groups = new Map();
  for (const f of functions) {
    const o = ownerOf(f.name);
    const g = groups.get(o) ?? { bytes: 0, count: 0 };
    g.bytes += f.size;
    g.count++;
    groups.set(o, g);
  }
  console.log('\ncode bytes by owner:');
  for (const [o, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(`  ${o.padEnd(44)} ${String(g.bytes).padStart(8)}  ${(100 * g.bytes / code).toFixed(1).padStart(5)}%  ${g.count} functions`);
  }
  console.log(`\nlargest ${top} functions:`);
  for (const f of [...functions].sort((a, b) => b.size - a.size).slice(0, top)) {
    console.log(`  ${String(f.size).padStart(7)}  ${f.name.slice(0, 150)}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
