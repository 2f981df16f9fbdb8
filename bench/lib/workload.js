// The shared segmentation workload (10,000 profiles x 30 segments), as
// measured in node (bench/node/run-node.mjs) and in Chromium
// (bench/browser/bench.js). Pure ES module: no node or DOM imports.
//
// Every runner is first checked against expected-membership.txt
// (checkMemberships), then timed: warm-up passes, then `passes` timed
// passes over all profiles, interleaved across runners so that noise on
// this shared machine hits them alike; the figure is the median pass.
// One "evaluation" is one profile x segment check.

// --- binary attribute frames (src/core/value_codec.h) ---------------------
// The same bytes bindings/frame.post.js writes; used to pre-encode every
// profile once so the "engine only" figure excludes the JS-side encoding.
const TAG_NULL = 0, TAG_FALSE = 1, TAG_TRUE = 2, TAG_NUMBER = 3, TAG_STRING = 4, TAG_ARRAY = 5, TAG_OBJECT = 6;

class Writer {
  constructor({ asciiFastPath = false } = {}) {
    this.asciiFastPath = asciiFastPath;
    this.bytes = new Uint8Array(1 << 16);
    this.view = new DataView(this.bytes.buffer);
    this.pos = 0;
    this.encoder = new TextEncoder();
  }
  reserve(n) {
    if (this.pos + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }
  u8(v) { this.reserve(1); this.bytes[this.pos++] = v; }
  u32(v) { this.reserve(4); this.view.setUint32(this.pos, v, true); this.pos += 4; }
  string(s) {
    this.reserve(4 + s.length * 3);
    if (this.asciiFastPath) {
      // Plain ASCII is copied code unit by code unit: in Chromium one
      // TextEncoder.encodeInto call costs microseconds (see
      // docs/performance.md), far more than the copy.
      const n = s.length;
      const bytes = this.bytes;
      const at = this.pos + 4;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[at + i] = c;
      }
      if (i === n) {
        this.view.setUint32(this.pos, n, true);
        this.pos = at + n;
        return;
      }
    }
    const written = this.encoder.encodeInto(s, this.bytes.subarray(this.pos + 4)).written;
    this.view.setUint32(this.pos, written, true);
    this.pos += 4 + written;
  }
  value(v) {
    if (v === null || v === undefined) return this.u8(TAG_NULL);
    switch (typeof v) {
      case 'boolean': return this.u8(v ? TAG_TRUE : TAG_FALSE);
      case 'number': this.u8(TAG_NUMBER); this.reserve(8); this.view.setFloat64(this.pos, v, true); this.pos += 8; return;
      case 'string': this.u8(TAG_STRING); return this.string(v);
      default: break;
    }
    if (Array.isArray(v)) {
      this.u8(TAG_ARRAY);
      this.u32(v.length);
      for (const x of v) this.value(x);
      return;
    }
    const keys = Object.keys(v);
    this.u8(TAG_OBJECT);
    this.u32(keys.length);
    for (const k of keys) { this.string(k); this.value(v[k]); }
  }
}

/** Encodes every profile's frame into one buffer: {bytes, offsets (n+1), maxSize}. */
export function encodeFrames(schema, profiles) {
  const w = new Writer();
  const offsets = new Uint32Array(profiles.length + 1);
  let maxSize = 0;
  profiles.forEach((p, i) => {
    const start = w.pos;
    offsets[i] = start;
    w.u32(0);
    let count = 0;
    for (let slot = 0; slot < schema.length; slot++) {
      const v = p[schema[slot]];
      if (v === undefined) continue;
      w.u32(slot);
      w.value(v);
      count++;
    }
    w.view.setUint32(start, count, true);
    maxSize = Math.max(maxSize, w.pos - start);
  });
  offsets[profiles.length] = w.pos;
  return { bytes: w.bytes.slice(0, w.pos), offsets, maxSize };
}

// --- runners ----------------------------------------------------------------
// A runner is {name, pass(): number (a checksum), memberships(i): string of
// 0/1 for profile i}. pass() evaluates every profile x segment once.

/** leadseg wasm, the user path: JS objects in, Uint8Array memberships out (Segmenter.evaluate). */
export function leadsegUserRunner(segmenter, profiles) {
  return {
    name: 'leadseg wasm: objects in (evaluate)',
    pass() {
      let members = 0;
      for (let i = 0; i < profiles.length; i++) members += segmenter.evaluate(profiles[i])[0];
      return members;
    },
    memberships(i) {
      return Array.from(segmenter.evaluate(profiles[i])).join('');
    },
  };
}

/**
 * leadseg wasm, engine only: frames pre-encoded in one JS buffer; per
 * profile one copy into the wasm frame buffer and one evaluateFrame call.
 */
export function leadsegFrameRunner(module, segmenter, profiles) {
  const frames = encodeFrames(segmenter.schema(), profiles);
  const { bytes, offsets } = frames;
  const ptr = segmenter.frameBuffer(frames.maxSize);
  const outPtr = segmenter.resultBuffer();
  const evaluateOne = (i) => {
    const start = offsets[i], end = offsets[i + 1];
    module.HEAPU8.set(bytes.subarray(start, end), ptr);
    return segmenter.evaluateFrame(end - start);
  };
  return {
    name: 'leadseg wasm: engine only (pre-encoded frames)',
    frameBytes: bytes.length,
    pass() {
      let members = 0;
      const n = profiles.length;
      for (let i = 0; i < n; i++) {
        if (evaluateOne(i) < 0) throw new Error(`evaluateFrame failed on profile ${i}`);
        members += module.HEAPU8[outPtr];
      }
      return members;
    },
    memberships(i) {
      const n = evaluateOne(i);
      if (n < 0) throw new Error(`evaluateFrame failed on profile ${i}`);
      return Array.from(module.HEAPU8.subarray(outPtr, outPtr + n)).join('');
    },
  };
}

/**
 * Experiment (not the shipped path): the user path with a frame encoder
 * that copies ASCII strings itself instead of calling
 * TextEncoder.encodeInto; same frames, same evaluateFrame call. Shows how
 * much of the "objects in" cost is the encoder.
 */
export function leadsegAsciiEncoderRunner(module, segmenter, profiles) {
  const schema = segmenter.schema();
  const w = new Writer({ asciiFastPath: true });
  const outPtr = segmenter.resultBuffer();
  const evaluateOne = (p) => {
    w.pos = 4;
    let count = 0;
    for (let slot = 0; slot < schema.length; slot++) {
      const v = p[schema[slot]];
      if (v === undefined) continue;
      w.u32(slot);
      w.value(v);
      count++;
    }
    w.view.setUint32(0, count, true);
    const size = w.pos;
    const ptr = segmenter.frameBuffer(size);
    module.HEAPU8.set(w.bytes.subarray(0, size), ptr);
    return segmenter.evaluateFrame(size);
  };
  return {
    name: 'leadseg wasm: objects in, ASCII fast-path encoder (experiment)',
    pass() {
      let members = 0;
      for (let i = 0; i < profiles.length; i++) {
        evaluateOne(profiles[i]);
        members += module.HEAPU8[outPtr];
      }
      return members;
    },
    memberships(i) {
      const n = evaluateOne(profiles[i]);
      return Array.from(module.HEAPU8.subarray(outPtr, outPtr + n)).join('');
    },
  };
}

/** leadseg wasm, the convenience JSON path (evaluateJson: JSON text in, ids out). */
export function leadsegJsonRunner(segmenter, profiles, segmentIds) {
  const texts = profiles.map((p) => JSON.stringify(p));
  return {
    name: 'leadseg wasm: JSON text in (evaluateJson)',
    pass() {
      let members = 0;
      for (let i = 0; i < texts.length; i++) members += segmenter.evaluateJson(texts[i]).length;
      return members;
    },
    memberships(i) {
      const ids = new Set(segmenter.evaluateJson(texts[i]));
      return segmentIds.map((id) => (ids.has(id) ? '1' : '0')).join('');
    },
  };
}

/** Any per-condition predicate: test(k, profile) for segment k. */
export function predicateRunner(name, segmentCount, profiles, test) {
  return {
    name,
    pass() {
      let members = 0;
      for (let i = 0; i < profiles.length; i++) {
        const p = profiles[i];
        for (let k = 0; k < segmentCount; k++) if (test(k, p)) members++;
      }
      return members;
    },
    memberships(i) {
      let s = '';
      for (let k = 0; k < segmentCount; k++) s += test(k, profiles[i]) ? '1' : '0';
      return s;
    },
  };
}

/** Throws (with the first differences) unless every profile's memberships equal `expected`. */
export function checkMemberships(runner, expected) {
  const bad = [];
  for (let i = 0; i < expected.length; i++) {
    const got = runner.memberships(i);
    if (got !== expected[i]) bad.push(i);
  }
  if (bad.length) {
    const first = bad.slice(0, 3).map((i) => `  profile ${i}: got ${runner.memberships(i)}\n  ${' '.repeat(String(i).length)}   expected ${expected[i]}`);
    throw new Error(`${runner.name}: ${bad.length} of ${expected.length} profiles' memberships differ from expected-membership.txt\n${first.join('\n')}`);
  }
  return expected.length;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/**
 * Times runners: `warmup` passes each, then `passes` rounds; each round
 * runs every runner once (in rotating order). `now()` is a wall clock and
 * `cpu()` (optional) the process's CPU time, both in milliseconds.
 * runner.passes / runner.warmup override the counts (slow runners).
 * Returns [{name, evalsPerSec, wallEvalsPerSec, cpuEvalsPerSec, ...}]:
 * evalsPerSec is from the median CPU-time pass when `cpu` is given (as
 * Google Benchmark rates are), else from the median wall-clock pass.
 */
export async function timeRunners(runners, { evaluationsPerPass, passes = 5, warmup = 2, now, cpu, pause }) {
  const wall = runners.map(() => []);
  const cpuMs = runners.map(() => []);
  let sink = 0;
  for (const r of runners) for (let w = 0; w < (r.warmup ?? warmup); w++) sink += r.pass();
  for (let round = 0; round < passes; round++) {
    for (let j = 0; j < runners.length; j++) {
      const idx = (j + round) % runners.length;
      const r = runners[idx];
      if (wall[idx].length >= (r.passes ?? passes)) continue;
      const c0 = cpu ? cpu() : 0;
      const t0 = now();
      sink += r.pass();
      wall[idx].push(now() - t0);
      if (cpu) cpuMs[idx].push(cpu() - c0);
      if (pause) await pause();
    }
  }
  return runners.map((r, i) => {
    const wallMs = median(wall[i]);
    const cpuMedian = cpu ? median(cpuMs[i]) : NaN;
    const rate = (ms) => evaluationsPerPass / (ms / 1000);
    return {
      name: r.name,
      evalsPerSec: cpu ? rate(cpuMedian) : rate(wallMs),
      clock: cpu ? 'cpu' : 'wall',
      wallEvalsPerSec: rate(wallMs),
      cpuEvalsPerSec: cpu ? rate(cpuMedian) : null,
      medianPassMs: wallMs,
      passMs: wall[i],
      cpuPassMs: cpu ? cpuMs[i] : null,
      passes: wall[i].length,
      warmupPasses: r.warmup ?? warmup,
      sink,
    };
  });
}
