// Lead objects as the batch module's records (src/batch/lead_objects.h):
//
//   record      := attributes u32(declarations) declaration* u32(events) event*
//   attributes  := u8(1) u32(bytes) value frame    a flat lead
//                | u8(0) text(attributes JSON)     any other
//   declaration := text(key) text(value JSON)
//   event       := f64(time ms) text(type) text(props JSON)
//   text        := u32(bytes) UTF-8 bytes                        (little-endian)
//
// Written into the buffer of the batch module's FrameWriter
// (bindings/frame.post.js, the one encoder of value frames; its
// flatObject writes a flat lead in one pass), so
// a flat lead crosses without JSON text on either side. Anything else is
// the JSON text segmentLeads' per-lead path hands the core (identify,
// declare, track), read in wasm with the same reader: values, limits and
// messages cannot drift. Also the reader of the metrics frames the module
// returns (core/value_writer.h tags).

const decoder = new TextDecoder();

/** Records in a FrameWriter's growing little-endian buffer, reused between batches. */
export class RecordWriter {
  /** @param {object} frames a FrameWriter of the batch module (module.FrameWriter) */
  constructor(frames) {
    this.frames = frames;
    frames.pos = 0;
  }

  /** Bytes written. */
  get length() {
    return this.frames.pos;
  }

  /** The buffer (its first `length` bytes are the records). */
  get bytes() {
    return this.frames.bytes;
  }

  reset() {
    this.frames.pos = 0;
  }

  /** Drops what was written after `length` (a lead that failed half-way). */
  truncate(length) {
    this.frames.pos = length;
  }

  u32(v) {
    this.frames.u32(v);
  }

  f64(v) {
    const w = this.frames;
    w.reserve(8);
    w.view.setFloat64(w.pos, v, true);
    w.pos += 8;
  }

  /** u32(bytes) and the UTF-8 bytes, the writer's string encoding. */
  text(s) {
    this.frames.string(s);
  }

  /**
   * A lead's attributes: a value frame when `attributes` is flat, else the
   * JSON text `json()` returns (which may throw: the caller then drops the
   * record with truncate()).
   * @param {object} attributes a plain object
   * @param {() => string} json
   */
  attributes(attributes, json) {
    const w = this.frames;
    const start = w.pos;
    w.u8(1);
    w.u32(0);
    if (w.flatObject(attributes)) {
      w.view.setUint32(start + 1, w.pos - start - 5, true);
      return;
    }
    w.pos = start;
    w.u8(0);
    w.string(json());
  }

  /**
   * The rest of a lead's record, after its attributes.
   * @param {Array<[string, string]>} declarations [key, value JSON]
   * @param {Array|null} flat lead-events.js's flat events [at, type, propsJson, ref, ...]
   * @param {number[]} order offsets into `flat`, in time order
   * @param {number} count how many of `order` to write
   */
  history(declarations, flat, order, count) {
    this.u32(declarations.length);
    for (const [key, value] of declarations) {
      this.text(key);
      this.text(value);
    }
    this.u32(count);
    for (let i = 0; i < count; i++) {
      const at = order[i];
      this.f64(flat[at]);
      this.text(flat[at + 1]);
      this.text(flat[at + 2]);
    }
  }
}

const TAG_NULL = 0, TAG_FALSE = 1, TAG_TRUE = 2, TAG_NUMBER = 3, TAG_STRING = 4, TAG_ARRAY = 5, TAG_OBJECT = 6;

/** A value frame (core/value_writer.h) at `at` in `heap`, as the plain objects JSON.parse would build. */
export function readValueFrame(heap, at) {
  const view = new DataView(heap.buffer, heap.byteOffset);
  let p = at;
  const u32 = () => {
    const v = view.getUint32(p, true);
    p += 4;
    return v;
  };
  const str = () => {
    const n = u32();
    const s = decoder.decode(heap.subarray(p, p + n));
    p += n;
    return s;
  };
  const value = () => {
    const tag = heap[p++];
    switch (tag) {
      case TAG_NULL: return null;
      case TAG_FALSE: return false;
      case TAG_TRUE: return true;
      case TAG_NUMBER: {
        const n = view.getFloat64(p, true);
        p += 8;
        return n;
      }
      case TAG_STRING: return str();
      case TAG_ARRAY: {
        const out = [];
        for (let n = u32(), i = 0; i < n; i++) out.push(value());
        return out;
      }
      case TAG_OBJECT: {
        const out = {};
        for (let n = u32(), i = 0; i < n; i++) {
          const key = str();
          const v = value();
          // An own "__proto__", as JSON.parse makes it.
          if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
          else out[key] = v;
        }
        return out;
      }
      default:
        throw new Error(`metrics frame has an unknown value tag ${tag}`);
    }
  };
  return value();
}
