// Value frames (src/core/value_codec.h) on the JavaScript side, both ways:
// FrameWriter writes attributes, event properties and lead objects into a
// reusable buffer that is copied into wasm memory in one step (instead of
// JSON.stringify on this side and a JSON parser on the other), and
// readDocument reads the documents the core writes (explain, score,
// decide, ...: core/value_writer.h). bindings/engine.post.js (CoreEngine)
// uses both through `leadsegFrames`; the batch module and Segmenter use
// Module.FrameWriter.
/* global Module */
var leadsegFrames = (function () {
  'use strict';

  var TAG_NULL = 0, TAG_FALSE = 1, TAG_TRUE = 2, TAG_NUMBER = 3, TAG_STRING = 4, TAG_ARRAY = 5, TAG_OBJECT = 6;
  var MAX_DEPTH = 64;  // kMaxFrameDepth (core/value_codec.h)
  var hasOwn = Object.prototype.hasOwnProperty;

  // Same shape as the errors of errors.post.js: name LeadsegError, a path.
  function frameError(message) {
    var error = new Error(message);
    error.name = 'LeadsegError';
    error.path = '';
    return error;
  }

  function FrameWriter() {
    this.bytes = new Uint8Array(4096);
    this.view = new DataView(this.bytes.buffer);
    this.pos = 0;
    this.encoder = new TextEncoder();
    // Containers at this depth or deeper set tooDeep instead of being
    // written (event properties: see trackObject); Segmenter throws instead.
    this.containerLimit = Infinity;
    this.tooDeep = false;
    this.maxDepth = MAX_DEPTH;
  }

  FrameWriter.prototype.reserve = function (n) {
    if (this.pos + n <= this.bytes.length) return;
    var size = Math.max(this.bytes.length * 2, 64);
    while (size < this.pos + n) size *= 2;
    this.grow(size);
  };

  // Room for `size` bytes, keeping the first `pos`. A writer over wasm
  // memory (identify's traits: engine.post.js) grows its buffer there.
  FrameWriter.prototype.grow = function (size) {
    var next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.over(next);
  };

  // Writes into `bytes` from now on (a view: its byteOffset is position 0).
  FrameWriter.prototype.over = function (bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };

  FrameWriter.prototype.u8 = function (v) {
    this.reserve(1);
    this.bytes[this.pos++] = v;
  };

  FrameWriter.prototype.u32 = function (v) {
    this.reserve(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  };

  FrameWriter.prototype.string = function (s) {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    var n = s.length;
    this.reserve(4 + n * 3);
    // ASCII fast path: for the short strings of attributes and event
    // properties a byte loop beats TextEncoder.encodeInto (slow in Chromium
    // for short strings); the first non-ASCII code unit falls through.
    if (n <= 64) {
      var bytes = this.bytes, start = this.pos + 4, i = 0;
      for (; i < n; i++) {
        var c = s.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[start + i] = c;
      }
      if (i === n) {
        this.view.setUint32(this.pos, n, true);
        this.pos = start + n;
        return;
      }
    }
    var written = this.encoder.encodeInto(s, this.bytes.subarray(this.pos + 4)).written;
    this.view.setUint32(this.pos, written, true);
    this.pos += 4 + written;
  };

  FrameWriter.prototype.value = function (v, depth) {
    if (depth > this.maxDepth) throw frameError('attribute value nests deeper than ' + this.maxDepth + ' levels');
    if (v === null || v === undefined) return this.u8(TAG_NULL);
    switch (typeof v) {
      case 'boolean':
        return this.u8(v ? TAG_TRUE : TAG_FALSE);
      case 'number':
        this.reserve(9);
        this.bytes[this.pos++] = TAG_NUMBER;
        // -0 as 0, as JSON has it (the stored bytes match the JSON path's).
        this.view.setFloat64(this.pos, v === 0 ? 0 : v, true);
        this.pos += 8;
        return;
      case 'string':
        this.u8(TAG_STRING);
        return this.string(v);
      case 'bigint':
        return this.value(Number(v), depth);
      case 'object':
        break;
      default:
        // Functions and symbols are not data; JSON drops them too.
        return this.u8(TAG_NULL);
    }
    if (depth >= this.containerLimit) {
      this.tooDeep = true;
      return this.u8(TAG_NULL);
    }
    if (v instanceof Date) {
      this.u8(TAG_STRING);
      return this.string(v.toISOString());
    }
    if (Array.isArray(v)) {
      this.u8(TAG_ARRAY);
      this.u32(v.length);
      for (var i = 0; i < v.length; i++) this.value(v[i], depth + 1);
      return;
    }
    var keys = Object.keys(v);
    this.u8(TAG_OBJECT);
    this.u32(keys.length);
    for (var k = 0; k < keys.length; k++) {
      this.string(keys[k]);
      this.value(v[keys[k]], depth + 1);
    }
  };

  // Flat traits (web/src/flat-props.js: an object whose values are
  // strings, finite numbers, booleans, null or arrays of those, none
  // holding a lone surrogate, no "__proto__" key, no toJSON method) are
  // checked while they are written, in one pass: no copy of the object,
  // no second walk. The rules are flatPropsCopy's, so that whatever is not
  // flat takes the package's general path and gets its errors.
  var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  function wellFormed(s) {
    return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !LONE_SURROGATE.test(s);
  }

  // Writes `s` as a string's bytes; false if it holds a lone surrogate
  // (TextEncoder would write U+FFFD for it). ASCII needs no check.
  FrameWriter.prototype.flatString = function (s) {
    var from = this.pos;
    this.string(s);
    // As many bytes as code units: ASCII, which holds no surrogate.
    return this.pos - from - 4 === s.length || wellFormed(s);
  };

  // One flat scalar as JSON.parse(JSON.stringify(v)) gives it back (-0 as
  // 0); false for anything else (undefined, holes, NaN, objects, ...).
  // Each test is `typeof v === '...'`, which TurboFan turns into a type
  // check: a `switch (typeof v)` calls the Typeof builtin for the string
  // first (~1.5% of identify(24) in `perf`, s43).
  FrameWriter.prototype.flatScalar = function (v) {
    if (typeof v === 'string') {
      this.u8(TAG_STRING);
      return this.flatString(v);
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      this.reserve(9);
      this.bytes[this.pos++] = TAG_NUMBER;
      this.view.setFloat64(this.pos, v === 0 ? 0 : v, true);
      this.pos += 8;
      return true;
    }
    if (typeof v === 'boolean') {
      this.u8(v ? TAG_TRUE : TAG_FALSE);
      return true;
    }
    if (v !== null) return false;
    this.u8(TAG_NULL);
    return true;
  };

  // The object `props` (a plain object: the caller checked) as an object
  // frame from the current position; if it is not flat, false with the
  // position put back. identify() writes traits with it, and the batch
  // module lead objects (web/src/lead-records.js).
  FrameWriter.prototype.flatObject = function (props) {
    if (typeof props.toJSON === 'function') return false;
    var start = this.pos;
    // The members by for-in: V8 serves `props[key]` for a for-in key from
    // the object's enum cache, where Object.keys + props[key] looks each
    // key up (~6 ns a member less). for-in also visits inherited enumerable
    // keys: if any, the count differs from the own keys' and the object
    // takes the general path, as one with a toJSON method does.
    var own = Object.keys(props).length;
    this.reserve(5);
    this.bytes[this.pos] = TAG_OBJECT;
    this.pos += 5;
    var nkeys = 0;
    for (var key in props) {
      ++nkeys;
      // An assignment would set a copy's prototype; JSON.parse makes a property.
      if (key === '__proto__' || !this.flatString(key) || !this.flatMember(props[key])) return this.undo(start);
    }
    if (nkeys !== own) return this.undo(start);
    this.view.setUint32(start + 1, nkeys, true);  // the count, now known
    return true;
  };

  // The values alone of flat `props` whose keys are `keys`, in that order
  // (identify's traits as the previous call had them: bindings/engine.cc,
  // Encoding kSameKeys): the object's tag and count, then each member's
  // value without its name; otherwise false with the position put back.
  // `keys` passed flatObject's checks, so a key equal to one of them needs
  // none. for-in visits the own keys, then the inherited enumerable ones:
  // if the last of `keys` is the object's own, none before it was
  // inherited, and a key after it fails the count (Object.keys' array, ~40
  // ns a call of 24 names, is not needed to count the own keys).
  //
  // Strings and numbers, most members, are written in the loop itself, at
  // a position kept in a local: a flatMember call a member, and the
  // writer's position read and stored at each step, were ~5% of the writer
  // (s45). Anything else goes through flatMember. A getter among the traits
  // may detach the buffer (engine.post.js, traitsWriter): the room check,
  // made after the value is read, then finds none, and reserve() makes the
  // views again.
  FrameWriter.prototype.flatValues = function (props, keys) {
    var n = keys.length;
    if (typeof props.toJSON === 'function') return false;
    var start = this.pos;
    this.reserve(5);
    var bytes = this.bytes, view = this.view, pos = start;
    bytes[pos] = TAG_OBJECT;
    view.setUint32(pos + 1, n, true);
    pos += 5;
    var k = 0;
    for (var key in props) {
      if (k === n || key !== keys[k++]) return this.undo(start);
      var v = props[key], room;
      if (typeof v === 'string') {
        var len = v.length, i = 0;
        if (pos + (room = 5 + 3 * len) > bytes.length) {
          this.pos = pos;
          this.reserve(room);
          bytes = this.bytes;
          view = this.view;
        }
        // ASCII as string() writes it; else string() from the tag on.
        bytes[pos] = TAG_STRING;
        if (len <= 64) {
          for (var at = pos + 5; i < len; i++) {
            var c = v.charCodeAt(i);
            if (c >= 0x80) break;
            bytes[at + i] = c;
          }
        }
        if (i === len) {
          view.setUint32(pos + 1, len, true);
          pos += 5 + len;
          continue;
        }
        this.pos = pos + 1;
        if (!this.flatString(v)) return this.undo(start);
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) return this.undo(start);
        if (pos + 9 > bytes.length) {
          this.pos = pos;
          this.reserve(9);
          bytes = this.bytes;
          view = this.view;
        }
        bytes[pos] = TAG_NUMBER;
        view.setFloat64(pos + 1, v === 0 ? 0 : v, true);
        pos += 9;
        continue;
      } else {
        this.pos = pos;
        if (!this.flatMember(v)) return this.undo(start);
      }
      pos = this.pos;
      bytes = this.bytes;
      view = this.view;
    }
    this.pos = pos;
    return (k === n && (n === 0 || hasOwn.call(props, keys[n - 1]))) || this.undo(start);
  };

  // One member's value of a flat object; false if it is not flat. The
  // usual values (strings, numbers, booleans) are written here rather than
  // through flatScalar: one type test each, no call.
  FrameWriter.prototype.flatMember = function (v) {
    if (typeof v === 'string') {
      this.reserve(1);
      this.bytes[this.pos++] = TAG_STRING;
      return this.flatString(v);
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      this.reserve(9);
      this.bytes[this.pos] = TAG_NUMBER;
      this.view.setFloat64(this.pos + 1, v === 0 ? 0 : v, true);
      this.pos += 9;
      return true;
    }
    if (typeof v === 'boolean') {
      this.reserve(1);
      this.bytes[this.pos++] = v ? TAG_TRUE : TAG_FALSE;
      return true;
    }
    if (!Array.isArray(v)) return this.flatScalar(v);
    if (typeof v.toJSON === 'function') return false;
    this.reserve(5);
    this.bytes[this.pos] = TAG_ARRAY;
    this.view.setUint32(this.pos + 1, v.length, true);
    this.pos += 5;
    for (var i = 0; i < v.length; i++) if (!this.flatScalar(v[i])) return false;
    return true;
  };

  FrameWriter.prototype.undo = function (start) {
    this.pos = start;
    return false;
  };

  // The batch module writes lead objects with it too (web/src/lead-records.js):
  // one encoder of value frames.
  Module['FrameWriter'] = FrameWriter;

  // Strings the core wrote (results, documents): short ASCII ones (segment
  // ids, stages) without TextDecoder, which is slow for short strings.
  var decoder = new TextDecoder();
  function readString(heap, at, n) {
    if (n <= 64) {
      var s = '';
      for (var i = 0; i < n; i++) {
        var c = heap[at + i];
        if (c >= 0x80) return decoder.decode(heap.subarray(at, at + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(heap.subarray(at, at + n));
  }

  // One document (explain, score, metrics, decide, ...) from the document
  // buffer: the value frame ValueWriter wrote (src/core/value_writer.h),
  // the inverse of FrameWriter.prototype.value, as the plain objects
  // JSON.parse would have built from the same document as JSON text.
  function readDocument(heap, at) {
    var view = new DataView(heap.buffer, heap.byteOffset);
    var p = at;
    function u32() {
      var v = view.getUint32(p, true);
      p += 4;
      return v;
    }
    function str() {
      var n = u32();
      var s = readString(heap, p, n);
      p += n;
      return s;
    }
    function value() {
      var tag = heap[p++], n, i;
      switch (tag) {
        case TAG_NULL: return null;
        case TAG_FALSE: return false;
        case TAG_TRUE: return true;
        case TAG_NUMBER:
          n = view.getFloat64(p, true);
          p += 8;
          return n;
        case TAG_STRING: return str();
        case TAG_ARRAY: {
          var array = [];
          for (n = u32(), i = 0; i < n; i++) array.push(value());
          return array;
        }
        case TAG_OBJECT: {
          var object = {};
          for (n = u32(), i = 0; i < n; i++) {
            var key = str();
            var v = value();
            // JSON.parse makes "__proto__" an own property (an attribute
            // may be named so); assigning it would set the prototype.
            if (key === '__proto__') {
              Object.defineProperty(object, key, { value: v, enumerable: true, writable: true, configurable: true });
            } else {
              object[key] = v;
            }
          }
          return object;
        }
      }
      throw frameError('document frame has an unknown value tag ' + tag);
    }
    return value();
  }

  return { FrameWriter: FrameWriter, readString: readString, readDocument: readDocument };
})();
