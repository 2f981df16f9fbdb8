// The fast path for attributes: for a visitor's engine,
// Engine.prototype.identifyObject(traits, now),
// declareObject(key, value, now), trackObject(type, props, ts) and
// advanceTo(now), one crossing each, the changes and the clock read back
// from a result buffer, so clock() needs no crossing either. The engine's
// documents (explain, score, decide, ...) come back as value frames that
// readDocument decodes.
//
// Instead of JSON.stringify on this side and a JSON parser on the other,
// the attributes a compiled config actually reads (its schema, by slot)
// are written as a typed binary frame (src/core/value_codec.h) into a
// reusable buffer and copied into wasm memory in one step. Attributes no
// condition reads are never touched.
/* global Module, addOnPostRun */
(function () {
  'use strict';

  var TAG_NULL = 0, TAG_FALSE = 1, TAG_TRUE = 2, TAG_NUMBER = 3, TAG_STRING = 4, TAG_ARRAY = 5, TAG_OBJECT = 6;
  var MAX_DEPTH = 64;  // kMaxFrameDepth (core/value_codec.h)
  var MAX_JSON_DEPTH = 128;  // kMaxJsonDepth (core/json.h)

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
    var size = this.bytes.length * 2;
    while (size < this.pos + n) size *= 2;
    var next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
    this.view = new DataView(next.buffer);
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
  FrameWriter.prototype.flatScalar = function (v) {
    switch (typeof v) {
      case 'string':
        this.u8(TAG_STRING);
        return this.flatString(v);
      case 'number':
        if (!Number.isFinite(v)) return false;
        this.reserve(9);
        this.bytes[this.pos++] = TAG_NUMBER;
        this.view.setFloat64(this.pos, v === 0 ? 0 : v, true);
        this.pos += 8;
        return true;
      case 'boolean':
        this.u8(v ? TAG_TRUE : TAG_FALSE);
        return true;
      case 'object':
        if (v !== null) return false;
        this.u8(TAG_NULL);
        return true;
      default:
        return false;
    }
  };

  // The object `props` (a plain object: the caller checked) as an object
  // frame from the current position; if it is not flat, false with the
  // position put back. identify() writes traits with it, and the batch
  // module lead objects (web/src/lead-records.js).
  FrameWriter.prototype.flatObject = function (props) {
    if (typeof props.toJSON === 'function') return false;
    var start = this.pos;
    var keys = Object.keys(props);
    var nkeys = keys.length;
    // The usual values (strings, numbers, booleans) are written here
    // rather than through flatScalar: one type test each, no call.
    this.reserve(5);
    this.bytes[this.pos] = TAG_OBJECT;
    this.view.setUint32(this.pos + 1, nkeys, true);
    this.pos += 5;
    for (var k = 0; k < nkeys; k++) {
      var key = keys[k];
      // An assignment would set a copy's prototype; JSON.parse makes a property.
      if (key === '__proto__' || !this.flatString(key)) return this.undo(start);
      var v = props[key];
      var type = typeof v;
      if (type === 'string') {
        this.reserve(1);
        this.bytes[this.pos++] = TAG_STRING;
        if (!this.flatString(v)) return this.undo(start);
      } else if (type === 'number') {
        if (!Number.isFinite(v)) return this.undo(start);
        this.reserve(9);
        this.bytes[this.pos] = TAG_NUMBER;
        this.view.setFloat64(this.pos + 1, v === 0 ? 0 : v, true);
        this.pos += 9;
      } else if (type === 'boolean') {
        this.reserve(1);
        this.bytes[this.pos++] = v ? TAG_TRUE : TAG_FALSE;
      } else if (Array.isArray(v)) {
        if (typeof v.toJSON === 'function') return this.undo(start);
        this.reserve(5);
        this.bytes[this.pos] = TAG_ARRAY;
        this.view.setUint32(this.pos + 1, v.length, true);
        this.pos += 5;
        for (var i = 0; i < v.length; i++) if (!this.flatScalar(v[i])) return this.undo(start);
      } else if (!this.flatScalar(v)) {
        return this.undo(start);
      }
    }
    return true;
  };

  FrameWriter.prototype.undo = function (start) {
    this.pos = start;
    return false;
  };

  // The batch module writes lead objects with it too (web/src/lead-records.js):
  // one encoder of value frames.
  Module['FrameWriter'] = FrameWriter;

  // Strings of a result buffer: short ASCII ones (segment ids, stages)
  // without TextDecoder, which is slow for short strings.
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

  // The changes of a call from its result buffer (EncodeChanges in
  // bindings/leadseg_bindings.cc), as the object ChangesToVal builds; the
  // clock it starts with is kept on the engine for clock(). One call per
  // track(): the DataView is made once per wasm memory (a new one only
  // after the memory grows) and the cursor is module state, so reading a
  // result allocates nothing but the result itself.
  var resultView = null;
  var rp = 0;
  function viewOf(heap) {
    if (resultView === null || resultView.buffer !== heap.buffer) resultView = new DataView(heap.buffer, heap.byteOffset);
    return resultView;
  }
  function readU32(view) {
    var v = view.getUint32(rp, true);
    rp += 4;
    return v;
  }
  function readStr(view, heap) {
    var n = readU32(view);
    var s = readString(heap, rp, n);
    rp += n;
    return s;
  }
  // The config's segment ids, in order, read once per loaded config (load
  // and loadCompiled forget them).
  function segmentIdsOf(engine) {
    var ids = engine._segmentIds;
    if (ids === undefined) {
      ids = engine._segmentIds = engine.facts().segments.map(function (s) { return s.id; });
    }
    return ids;
  }
  // Segments as indexes into `ids` (the config's, from facts()).
  function readSegments(view, ids) {
    var n = readU32(view);
    var out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = ids[readU32(view)];
    return out;
  }
  function readChanges(engine, heap, at) {
    var view = viewOf(heap);
    engine._clock = view.getFloat64(at, true);
    rp = at + 8;
    var ids = segmentIdsOf(engine);
    var entered = readSegments(view, ids);
    var exited = readSegments(view, ids);
    var stages = [];
    for (var n = readU32(view); n > 0; n--) {
      var from = heap[rp++] ? readStr(view, heap) : null;
      var to = readStr(view, heap);
      var when = view.getFloat64(rp, true);
      rp += 8;
      stages.push({ from: from, to: to, at: when });
    }
    var temperature = heap[rp++] ? readStr(view, heap) : null;
    var mql = heap[rp++] === 1;
    var sql = heap[rp++] === 1;
    return { entered: entered, exited: exited, stages: stages, temperature: temperature, mql: mql, sql: sql };
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

  addOnPostRun(function () {
    var writer = new FrameWriter();
    var flatWriter = new FrameWriter();
    var Engine = Module['Engine'];
    if (Engine) {
      var proto = Engine.prototype;
      // Writes `value` into the engine's frame buffer; false if a container
      // sits `limit` levels deep, for the JSON path (see below).
      // `suffix`, if given, is an ASCII string whose bytes follow the frame
      // in the buffer (trackObject's event type); the frame's own size is
      // returned either way.
      // The first `size` of `bytes` into the engine's frame buffer, which
      // only grows and moves only when frameBuffer() grows it: its address
      // is asked again only for a larger frame, not on every call (a
      // crossing saved per track()).
      var copyToFrame = function (engine, bytes, size) {
        if (engine._frameAt === undefined || size > engine._frameCapacity) {
          engine._frameAt = engine.frameBuffer(size);
          engine._frameCapacity = size;
        }
        var heap = Module['HEAPU8'], at = engine._frameAt;
        // Short frames (most events' props) byte by byte: no subarray view.
        if (size <= 256) for (var i = 0; i < size; i++) heap[at + i] = bytes[i];
        else heap.set(bytes.subarray(0, size), at);
      };
      var writeFrame = function (engine, value, limit, suffix) {
        writer.pos = 0;
        writer.containerLimit = limit;
        writer.maxDepth = limit;
        writer.tooDeep = false;
        try {
          writer.value(value, 0);
        } finally {
          writer.containerLimit = Infinity;
          writer.maxDepth = MAX_DEPTH;
        }
        if (writer.tooDeep) return -1;
        var frameSize = writer.pos;
        if (suffix !== undefined) {
          var n = suffix.length;
          writer.reserve(n);
          for (var k = 0; k < n; k++) writer.bytes[writer.pos++] = suffix.charCodeAt(k);
        }
        copyToFrame(engine, writer.bytes, writer.pos);
        return frameSize;
      };
      // Whether the event type can follow the frame as bytes (trackTypedFrame):
      // ASCII, the usual case. Others cross as an embind string, whose
      // UTF-8 (and its error for a lone surrogate) the core checks as before.
      var isAscii = function (s) {
        for (var i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
        return true;
      };
      // Values as the package passes them: plain JSON-safe data (it checks
      // and normalizes them once). Values nesting as deep as the core's
      // limit take the JSON path instead, so that the error is the core's
      // word for word: containers 64 levels deep in event properties (the
      // stored-event limit, kMaxFrameDepth), 128 in identify's traits or a
      // declaration (JSON input's limit, kMaxJsonDepth).
      //
      // `text`, if given, is props as JSON text (the package has it from
      // checking props), which saves stringifying them again.
      proto.trackObject = function (type, props, ts, text) {
        var typed = typeof type === 'string' && this.trackTypedFrame !== undefined && isAscii(type);
        var size = writeFrame(this, props, MAX_DEPTH, typed ? type : undefined);
        if (size < 0) return this.track(type, text === undefined ? JSON.stringify(props) : text, ts);
        if (typed) return readChanges(this, Module['HEAPU8'], this.trackTypedFrame(size, size + type.length, ts));
        return readChanges(this, Module['HEAPU8'], this.trackFrame(type, size, ts));
      };
      proto.identifyObject = function (traits, now, text) {
        var size = writeFrame(this, traits, MAX_JSON_DEPTH);
        if (size < 0) return this.identify(text === undefined ? JSON.stringify(traits) : text, now);
        return readChanges(this, Module['HEAPU8'], this.identifyFrame(size, now));
      };
      // identify() for flat traits in two steps, so that the package can
      // read its clock between them exactly where it did before:
      // writeFlatTraits checks and writes `traits` (-1: not flat, take the
      // general path), identifyWritten sends what it wrote. The frame
      // waits in a writer of its own, which nothing else writes to.
      proto.writeFlatTraits = function (traits) {
        flatWriter.pos = 0;
        return flatWriter.flatObject(traits) ? flatWriter.pos : -1;
      };
      proto.identifyWritten = function (size, now) {
        copyToFrame(this, flatWriter.bytes, size);
        return readChanges(this, Module['HEAPU8'], this.identifyFrame(size, now));
      };
      proto.declareObject = function (key, value, now, text) {
        var size = writeFrame(this, value, MAX_JSON_DEPTH);
        if (size < 0) return this.declare(key, text === undefined ? JSON.stringify(value) : text, now);
        return readChanges(this, Module['HEAPU8'], this.declareFrame(key, size, now));
      };
      proto.advanceTo = function (now) {
        return readChanges(this, Module['HEAPU8'], this.advanceResult(now));
      };

      // Documents: the address of the frame, or 0 after which lastError()
      // says why (errors.post.js checks the arguments, in whichever order
      // the two wrappers were installed).
      ['metrics', 'score', 'attributes', 'exportProfile', 'explain', 'decide', 'peek', 'convert', 'experiments',
        'experimentCounts'].forEach(function (name) {
        var raw = proto[name];
        if (typeof raw !== 'function') return;
        proto[name] = function () {
          var at = raw.apply(this, arguments);
          if (at === 0) throw Module['LeadsegError'](this.lastError());
          return readDocument(Module['HEAPU8'], at);
        };
      });

      // clock() from the last result buffer; any other call that can move
      // the clock forgets it, and the next clock() asks the core.
      var rawClock = proto.clock;
      proto.clock = function () {
        if (this._clock === undefined) this._clock = rawClock.call(this);
        return this._clock;
      };
      ['load', 'loadCompiled', 'identify', 'declare', 'track', 'advance', 'restore', 'erase'].forEach(function (name) {
        var raw = proto[name];
        if (typeof raw !== 'function') return;
        proto[name] = function () {
          this._clock = undefined;
          if (name === 'load' || name === 'loadCompiled') this._segmentIds = undefined;
          return raw.apply(this, arguments);
        };
      });

      // segments(): the member ids, from the indexes the core writes and
      // the config's ids (facts(), read once per loaded config).
      proto.segments = function () {
        var at = this.segmentIndexes();
        if (at === 0) return [];
        var ids = segmentIdsOf(this);
        var view = viewOf(Module['HEAPU8']);
        var n = view.getUint32(at, true);
        var out = new Array(n);
        for (var i = 0; i < n; i++) out[i] = ids[view.getUint32(at + 4 + 4 * i, true)];
        return out;
      };
    }
  });
})();
