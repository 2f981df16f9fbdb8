// Lead objects as the batch module's records (src/batch/lead_objects.h):
//
//   record      := text(attributes JSON) u32(declarations) declaration* u32(events) event*
//   declaration := text(key) text(value JSON)
//   event       := f64(time ms) text(type) text(props JSON)
//   text        := u32(bytes) UTF-8 bytes                        (little-endian)
//
// JSON text because that is what segmentLeads' per-lead path hands the
// core (identify, declare, track): the wasm side reads it with the same
// reader, so values, limits and messages cannot drift. Also the reader of
// the metrics frames the module returns (core/value_writer.h tags).

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A growing little-endian byte buffer, reused between batches. */
export class RecordWriter {
  constructor() {
    this.bytes = new Uint8Array(1 << 16);
    this.view = new DataView(this.bytes.buffer);
    this.length = 0;
  }

  reset() {
    this.length = 0;
  }

  reserve(n) {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  u32(v) {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  f64(v) {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  text(s) {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(4 + s.length * 3);
    const { written } = encoder.encodeInto(s, this.bytes.subarray(this.length + 4));
    this.view.setUint32(this.length, written, true);
    this.length += 4 + written;
  }

  /**
   * One lead.
   * @param {string} attributes JSON text
   * @param {Array<[string, string]>} declarations [key, value JSON]
   * @param {Array} flat lead-events.js's flat events [at, type, propsJson, ref, ...]
   * @param {number[]} order offsets into `flat`, in time order
   * @param {number} count how many of `order` to write
   */
  lead(attributes, declarations, flat, order, count) {
    this.text(attributes);
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
