#!/usr/bin/env node
// The runtime wasm's code bytes by concept (what a page pays for), finer than
// wasm-size.mjs's owners: the compiled-config decoder, the condition decoder
// and segment program build, snapshots, decisions and their libm, the
// evaluator, numbers, JSON text, embind, libc++ and the allocator.
//
//   node bench/node/wasm-concepts.mjs FILE.wasm [--top N]
//
// FILE.wasm must keep function names: the runtime link of
// `ninja -t commands leadseg_runtime_wasm` in build/wasm redone with
// --profiling-funcs (docs/performance.md, "The runtime wasm's bytes, by
// owner"). Names are matched without their parameter lists, first rule wins;
// binaryen inlines functions called once, so a function's bytes include what
// it alone calls (LoadCompiled holds the whole .lsc decoder).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeWasm } from './wasm-size.mjs';

const RULES = [
  ['compiled-config decoder + engine construction', /BoundEngine::LoadCompiled|compiled_config|CompiledConfig|Reader::(U|I|D|B|S|Count|Enum|Index|Duration|OptC|OptD)$|LoadedConfig|SegmentSpec|ScoreRule|GradeRule|StageSpec|SlotSpec|SlotVariant|SlotExperimentSpec|MetricSpec|RfmAxis|PredictiveFeature|Diagnostic/],
  ['condition decoder + segment program build/decode', /Reader::C$|Reader::P$|ShapeBuilder|SegmentProgram::Build|SegmentProgram::Decode|SegmentProgram::Encode|SegmentProgram::operator=|inplace_merge|stable_sort|StringEntry|__sort\d?<std::__2::__less<std::__2::(pair<unsigned int|basic_string_view)|insertion_sort_incomplete<std::__2::__less<std::__2::(pair<unsigned int|basic_string_view)/],
  ['segment program evaluation', /SegmentProgram::/],
  ['snapshots (Snapshot/Restore, archives)', /Snapshot|Restore|SaveAllTime|RestoreAllTime|MetricFingerprint/],
  ['decisions, bandits, experiment report, stats, libm', /Decide|Decision|Bandit|Thompson|Experiment|SampleGamma|Beta|Rng|Bucket|HashString|Slot|lgamma|__cos|__sin|^exp$|^log$|log1p|frexp|^round$|__math|Convert|AddAggregateCounts|ReadCounts|PortableLog|__less<double/],
  ['conditions evaluator', /Condition|leadseg::js::|SameValue|Context|LeafTrace|PaddedVersion|Compare|Utf16Reader/],
  ['regex matcher + program decoder', /Regex|Nfa/],
  ['numbers (FormatNumber, bignum, ParseDecimal, to_chars)', /Bignum|FormatNumber|ShortestDigits|ParseDecimal|to_chars|dtoa|ShownTime|NumberToString|nlohmann/],
  ['JSON text (value_json) + JSON-text methods', /value_json|ParseJsonValue|WriteJson|JsonTextSize|Parser::|ToJsonText|FromJsonText/],
  ['value model, frames, codec, writer', /Value|Document|Frame|Codec|EncodeChanges|IsValidUtf8|CopyInto|Fnv1a|SameBytes|Crc32/],
  ['engine: track, metrics, scoring, lifecycle', /Engine::|Metric|Score|Award|Grade|Temperature|Lifecycle|Progress|Rfm|Predictive|Event|Prune|Attribute|Profile|Recompute|Summary|deque/],
  ['bindings rest + embind', /BoundEngine|emscripten|embind|EmVal|_emval|Invoker|BindingType|ErrorRecord|MemoryStats|ChangesToVal|WarningsToVal|ToTime|CheckUtf8|__wasm_call_ctors|__getTypeName|Version/],
  ['C++ ABI / RTTI (libc++abi)', /__cxxabiv1|__dynamic_cast|type_info|update_offset/],
  ['malloc (emmalloc)', /^(malloc|free|realloc|calloc|claim_more_memory|attempt_allocate|emmalloc|sbrk|operator new|operator delete)/],
  ['libc++ strings, containers, hash tables', /std::|basic_string|__next_prime|__hash|vector|__tree/],
  ['libc (mem*, str*)', /^(mem|str|__mem|__str)/],
];

export function conceptOf(name) {
  const plain = name.replace(/\(anonymous namespace\)::/g, '');
  const cut = plain.indexOf('(');
  const key = cut > 0 ? plain.slice(0, cut) : plain;
  for (const [concept, re] of RULES) if (re.test(key)) return concept;
  return 'other';
}

function main() {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--top');
  const topIdx = args.indexOf('--top');
  const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 3;
  if (!file) {
    console.error('usage: node bench/node/wasm-concepts.mjs FILE.wasm [--top N]');
    process.exit(2);
  }
  const { functions, sections, named } = analyzeWasm(fs.readFileSync(file));
  if (!named) {
    console.error(`${file} has no name section: link it with --profiling-funcs`);
    process.exit(1);
  }
  const groups = new Map();
  for (const f of functions) {
    const c = conceptOf(f.name);
    const g = groups.get(c) ?? { bytes: 0, fns: [] };
    g.bytes += f.size;
    g.fns.push(f);
    groups.set(c, g);
  }
  const code = functions.reduce((s, f) => s + f.size, 0);
  const data = sections.filter((s) => s.name === 'data').reduce((s, x) => s + x.size, 0);
  console.log(`${file}: ${functions.length} functions, ${code} code bytes, ${data} data bytes`);
  for (const [c, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(`${String(g.bytes).padStart(8)} ${(100 * g.bytes / code).toFixed(1).padStart(5)}% ${String(g.fns.length).padStart(4)}  ${c}`);
    for (const f of g.fns.sort((a, b) => b.size - a.size).slice(0, top)) {
      console.log(`           ${String(f.size).padStart(6)}  ${f.name.slice(0, 110)}`);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
