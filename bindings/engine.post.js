// CoreEngine: one visitor's core engine as JavaScript sees it (exported as
// `module.Engine`: `new module.Engine()`, both modules), over the narrow
// Embind surface of bindings/engine.cc: free functions over an engine
// handle that take and return numbers. The package's public engine
// (web/src/engine.js's Engine, what createEngine returns) wraps one.
//
// Arguments are written into the engine's input buffer in wasm memory
// (text as UTF-8, attributes and event properties as value frames:
// frame.post.js), results are read where the core left them: changes from
// the result buffer (changesAt, which also keeps the clock, so clock()
// needs no crossing after a call), documents from the document buffer
// (readDocument). One crossing per call; a failed call crosses once more,
// for its error.
//
// The methods are those the web package calls (web/src/engine.js,
// profile-storage.js, replay.js, batch.js); the full module adds load(json)
// and summary() (full.post.js).
/* global Module, HEAPU8, _leadseg_engine_apply, _leadseg_engine_segments, leadsegErrors, leadsegFrames */
var leadsegEngine = (function () {
  'use strict';

  // engineRead's documents (bindings/engine.cc, enum Read).
  var FACTS = 0, METRICS = 1, SCORE = 2, ATTRIBUTES = 3, EXPORT = 4, EXPERIMENTS = 5, EXPERIMENT_COUNTS = 6;
  var SUMMARY = 7;

  // leadseg_engine_apply's calls, and how their value is written
  // (bindings/engine.cc: struct Change, enum Encoding): the one difference
  // between the text and object forms of identify, declare and track.
  var IDENTIFY = 0, DECLARE = 1, TRACK = 2;
  var AS_FRAME = 0, AS_JSON_TEXT = 1, AS_KEYED_FRAME = 2, AS_SAME_KEYS = 3, AS_VALUE_FRAME = 4, AS_LONE_SURROGATE = 5;

  var MAX_DEPTH = 64;  // kMaxFrameDepth (core/value_codec.h): stored event properties
  var MAX_JSON_DEPTH = 128;  // kMaxJsonDepth (core/json.h): traits and declarations

  var encoder = new TextEncoder();
  var frames = null;  // the FrameWriter, made on first use

  // Argument kinds for leadsegErrors.checkArgs; 'frame' arguments are
  // written by this file, not a caller, and are not checked.
  var string = function (what) { return ['string', what]; };
  var time = function (what) { return ['time', what]; };
  var FRAME = ['frame', ''];
  var check = function (label, kinds, args) { leadsegErrors.checkArgs(label, kinds, args); };

  // Memory and the per-visitor exports through the glue's own variables
  // (HEAPU8 is made again when the memory grows): Module holds too many
  // properties for V8 to keep it a fast object, so each Module['...'] read
  // is a LoadIC call (~1% of identify(24) + segments() in perf, s43).
  function heap() {
    return HEAPU8;
  }

  // A DataView on wasm memory, made again only after the memory grows
  // (which replaces HEAPU8: comparing the arrays themselves spares two
  // `buffer` getters a call).
  var memoryView = null, memoryViewOf = null;
  function viewOf(bytes) {
    if (memoryViewOf !== bytes) {
      memoryView = new DataView(bytes.buffer, bytes.byteOffset);
      memoryViewOf = bytes;
    }
    return memoryView;
  }

  function handle(engine) {
    if (engine._h === 0) leadsegErrors.fail('this Engine was deleted');
    return engine._h;
  }

  // The engine's input buffer with room for `size` bytes: its address. The
  // buffer only grows, and moves only when it does, so its address is
  // asked again only for a larger input.
  function input(engine, size) {
    if (size > engine._inputSize) {
      engine._inputAt = Module['engineInput'](handle(engine), size, 0);
      engine._inputSize = size;
    }
    return engine._inputAt;
  }

  // identify's flat traits are written straight into wasm memory, into the
  // handle's traits buffer (bindings/engine.cc), which only they use: no
  // copy from a JavaScript buffer into the input (a set() and a subarray,
  // ~2.5% of identify(24) + segments(), s43). The writer's views are made
  // again when the buffer grows (grow) or the memory did (which replaces
  // HEAPU8). A getter among the traits that calls the engine may grow the
  // memory mid-write: that empties the views (the old buffer is detached),
  // so the next write's reserve() makes them again over the same bytes.
  // Nothing but writeFlatTraits writes there, so the frame waits intact
  // while the package reads its clock, which may call the engine too.
  function traitsWriter(engine) {
    var writer = engine._traits;
    if (writer === null) {
      writer = engine._traits = new leadsegFrames.FrameWriter();
      writer.capacity = 0;
      writer.grow = function (size) { traitsBuffer(engine, writer, size); };
      traitsBuffer(engine, writer, 4096);
    } else if (writer.heap !== HEAPU8) {
      traitsBuffer(engine, writer, 0);
    }
    writer.pos = 0;
    return writer;
  }
  // The writer's views over the traits buffer, at least `size` bytes.
  function traitsBuffer(engine, writer, size) {
    size = Math.max(size, writer.capacity);
    var at = Module['engineInput'](handle(engine), size, 1);
    writer.capacity = size;
    writer.heap = HEAPU8;  // after the call: it may grow the memory
    writer.over(writer.heap.subarray(at, at + size));
  }

  // The UTF-8 length of a text argument: a string (checkArgs has refused
  // lone surrogates) or bytes (a Uint8Array or an ArrayBuffer).
  function byteLength(v) {
    if (typeof v !== 'string') return v.byteLength;
    var n = v.length;
    for (var i = 0; i < v.length; i++) {
      var c = v.charCodeAt(i);
      if (c < 0x80) continue;
      if (c < 0x800) n += 1;
      else if (c >= 0xD800 && c <= 0xDBFF) n += 2, i++;  // a pair: 4 bytes for 2 code units
      else n += 2;
    }
    return n;
  }

  // Writes a text argument's `n` bytes (byteLength) at `at`: ASCII byte by
  // byte (TextEncoder.encodeInto is slow for short strings in Chromium).
  function put(v, at, n) {
    var bytes = heap();
    if (typeof v !== 'string') bytes.set(v instanceof ArrayBuffer ? new Uint8Array(v) : v, at);
    else if (n === v.length) for (var i = 0; i < n; i++) bytes[at + i] = v.charCodeAt(i);
    else encoder.encodeInto(v, bytes.subarray(at, at + n));
  }

  // A text argument into the input; its size.
  function putText(engine, v) {
    var n = byteLength(v);
    put(v, input(engine, n), n);
    return n;
  }

  // The first `size` bytes of a FrameWriter into the input.
  function putFrame(engine, writer, size) {
    var at = input(engine, size);
    var bytes = heap(), from = writer.bytes;
    // Short frames (most events' props) byte by byte: no subarray view. The
    // loop costs ~2 ns a byte and set() ~75 ns a call (s40, identify's
    // 200-330-byte frames), so past 64 bytes set() is the cheaper.
    if (size <= 64) for (var i = 0; i < size; i++) bytes[at + i] = from[i];
    else bytes.set(from.subarray(0, size), at);
  }

  // Writes `value` as a frame; -1 if a container sits `limit` levels deep
  // (the caller takes the JSON path, whose error is the core's word for
  // word), else the frame's size. `type`, if given, is an event type whose
  // UTF-8 follows the frame (trackObject).
  function writeFrame(value, limit, type) {
    if (frames === null) frames = new leadsegFrames.FrameWriter();
    var writer = frames;
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
    var size = writer.pos;
    if (type !== undefined) {
      var n = type.length;
      writer.reserve(3 * n);
      var i = 0, bytes = writer.bytes, at = size;
      for (; i < n; i++) {
        var c = type.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[at + i] = c;
      }
      writer.pos = at + (i === n ? n : encoder.encodeInto(type, bytes.subarray(at)).written);
    }
    return size;
  }

  function lastError(engine) {
    // The call first: writing the error may grow (and so move) the memory.
    var at = Module['engineLastError'](engine._h);
    var error = leadsegFrames.readDocument(heap(), at);
    var record = { __leadsegError: error.message, path: error.path };
    if (error.diagnostics) record.diagnostics = error.diagnostics;
    return record;
  }

  function fail(engine) {
    throw leadsegErrors.makeError(lastError(engine));
  }

  // A document (value frame) at `at`, or the error if 0.
  function documentAt(engine, at) {
    if (at === 0) fail(engine);
    return leadsegFrames.readDocument(heap(), at);
  }

  function read(engine, what) {
    return documentAt(engine, Module['engineRead'](handle(engine), what));
  }

  // load and loadCompiled's document, [warnings, facts] (Replace in
  // bindings/engine.cc): the facts are kept for the first facts() and the
  // segment ids for the change sets, so a start-up reads them in the
  // load's crossing. Returns the warnings.
  function loaded(engine, at) {
    var doc = documentAt(engine, at);
    engine._facts = keepSegmentIds(engine, doc[1]);
    engine._clock = undefined;
    return doc[0];
  }

  // The config's segment ids from its facts, kept for the change sets
  // (segmentsAt); returns the facts.
  function keepSegmentIds(engine, facts) {
    engine._segmentIds = facts.segments.map(function (s) { return s.id; });
    return facts;
  }

  // 1 (done) or 0 (failed: the error).
  function done(engine, ok) {
    if (ok === 0) fail(engine);
    return true;
  }

  // The changes of a call from its result buffer (EncodeChanges in
  // bindings/engine.cc), or the error if `at` is 0: {entered, exited,
  // stages, temperature, mql, sql}. The clock it starts with is kept for
  // clock(). A cursor over one DataView: reading a result allocates nothing
  // but the result itself.
  var rp = 0;
  function u32(view) {
    var v = view.getUint32(rp, true);
    rp += 4;
    return v;
  }
  function str(view, bytes) {
    var n = u32(view);
    var s = leadsegFrames.readString(bytes, rp, n);
    rp += n;
    return s;
  }
  // The config's segment ids, in order: from the load's document (loaded),
  // or read when the facts were not there.
  function segmentIdsOf(engine) {
    var ids = engine._segmentIds;
    if (ids === undefined) {
      engine.facts();
      ids = engine._segmentIds;
    }
    return ids;
  }
  // Segments as indexes into `ids` (the config's, from facts()).
  function segmentsAt(view, ids) {
    var n = u32(view);
    var out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = ids[u32(view)];
    return out;
  }
  function changesAt(engine, at) {
    if (at === 0) fail(engine);
    // Before the views: the first call reads the facts, a call into wasm.
    var ids = segmentIdsOf(engine);
    var bytes = heap(), view = viewOf(bytes);
    engine._clock = view.getFloat64(at, true);
    rp = at + 8;
    var entered = segmentsAt(view, ids);
    var exited = segmentsAt(view, ids);
    var stages = [];
    for (var n = u32(view); n > 0; n--) {
      var from = bytes[rp++] ? str(view, bytes) : null;
      var to = str(view, bytes);
      var when = view.getFloat64(rp, true);
      rp += 8;
      stages.push({ from: from, to: to, at: when });
    }
    var temperature = bytes[rp++] ? str(view, bytes) : null;
    var mql = bytes[rp++] === 1;
    var sql = bytes[rp++] === 1;
    return { entered: entered, exited: exited, stages: stages, temperature: temperature, mql: mql, sql: sql };
  }

  function CoreEngine() {
    this._h = Module['engineCreate']();
    this._inputAt = 0;
    this._inputSize = 0;
    this._clock = undefined;  // from the last result buffer; undefined: ask the core
    this._segmentIds = undefined;  // the loaded config's, from its facts
    this._facts = undefined;  // the load's facts, until facts() takes them
    // identify's flat traits (writeFlatTraits): their writer (made on
    // first use), the attribute names the handle keeps (sent last as
    // AS_KEYED_FRAME), and the written frame's form and names until
    // identifyWritten sends it.
    this._traits = null;
    this._traitKeys = null;
    this._written = AS_KEYED_FRAME;
    this._writtenKeys = null;
  }

  var ARGS = {
    loadCompiled: [['bytes', 'a compiled config']],
    identify: [string('attributes'), time('time')],
    declare: [string('the declaration key'), string('the declaration'), time('time')],
    track: [string('the event type'), string('event properties'), time('event time')],
    trackObject: [string('the event type'), FRAME, time('event time')],
    identifyObject: [FRAME, time('time')],
    declareObject: [string('the declaration key'), FRAME, time('time')],
    advance: [time('time')],
    restore: [['bytes', 'a snapshot']],
    setVisitorId: [string('the visitor id')],
    addAggregateCounts: [string('the experiment key'), string('counts')],
    explain: [string('the segment id')],
    decide: [string('the slot id'), time('time')],
    convert: [string('the goal'), time('time')],
  };

  // A compiled config (a Uint8Array); its warnings. The visitor stays.
  CoreEngine.prototype.loadCompiled = function (bytes) {
    check('Engine.loadCompiled', ARGS.loadCompiled, arguments);
    var n = putText(this, bytes);
    return loaded(this, Module['engineLoadCompiled'](this._h, n));
  };

  // {segments: [{id, name}], slots: [{id, default}], experiments, retention}
  // The first call after a load takes the load's (loaded); a later one
  // reads them again, so no caller shares an object another may change.
  CoreEngine.prototype.facts = function () {
    var facts = this._facts;
    this._facts = undefined;
    if (facts === undefined) facts = keepSegmentIds(this, read(this, FACTS));
    return facts;
  };

  CoreEngine.prototype.initialChanges = function () {
    return changesAt(this, Module['engineInitialChanges'](handle(this)));
  };

  // The JSON-text methods (tab sync and the journal replay send
  // JSON.stringify's text). The runtime module reads no JSON text
  // (bindings/engine.cc): the text is parsed here (textValue) and the value
  // crosses as a frame the core reads as it read the text (AS_VALUE_FRAME:
  // the same Engine call, the same checks and messages). Text that is not
  // JSON (JSON.parse's word), nests deeper than JSON text may, or escapes a
  // lone surrogate crosses as text, for the core's error. In the full
  // module every text crosses as it is: its core reads JSON text and words
  // every syntax error itself.
  CoreEngine.prototype.identify = function (traits, now) {
    check('Engine.identify', ARGS.identify, arguments);
    return applyValue(this, IDENTIFY, traits, '', now);
  };

  CoreEngine.prototype.declare = function (key, value, now) {
    check('Engine.declare', ARGS.declare, arguments);
    return applyValue(this, DECLARE, value, key, now);
  };

  CoreEngine.prototype.track = function (type, props, ts) {
    check('Engine.track', ARGS.track, arguments);
    return applyValue(this, TRACK, props, type, ts);
  };

  // JSON text's value, or NOT_JSON: any text in the full module (which
  // binds engineLoad, and whose core reads JSON text), and text JSON.parse
  // refuses (invalid UTF-8 bytes included). Empty event properties
  // (`props`) are none: {}, as the core reads empty text. A lone surrogate
  // escaped in a string, which JSON.parse accepts and the core refuses,
  // sets loneSurrogate.
  var NOT_JSON = {};
  var strictUtf8 = null;
  var loneSurrogate = false;
  function textValue(text, props) {
    loneSurrogate = false;
    if (Module['engineLoad']) return NOT_JSON;
    if (props && byteLength(text) === 0) return {};
    var s = text, value;
    try {
      if (typeof s !== 'string') {
        // A byte order mark is skipped, as the core skips it.
        if (strictUtf8 === null) strictUtf8 = new TextDecoder('utf-8', { fatal: true });
        s = strictUtf8.decode(s);
      } else if (s.charCodeAt(0) === 0xFEFF) {
        s = s.slice(1);
      }
      value = JSON.parse(s);
    } catch (e) {
      return NOT_JSON;
    }
    loneSurrogate = /\\u[dD][89a-fA-F]/.test(s) && !wellFormed(value);
    return value;
  }

  function wellFormed(v) {
    if (typeof v === 'string') return leadsegErrors.loneSurrogateAt(v) < 0;
    if (v === null || typeof v !== 'object') return true;
    for (var key in v) if (!wellFormed(key) || !wellFormed(v[key])) return false;
    return true;
  }

  // JSON text, then `name`, into the input as the core reads it: the
  // text's value (textValue) as a frame (AS_VALUE_FRAME), or, for the
  // core's error, the text itself (AS_JSON_TEXT for NOT_JSON or a value
  // nesting deeper than JSON text may; AS_LONE_SURROGATE). `props`: as
  // textValue's. Returns the encoding; the two sizes are left in `sent`.
  var sent = { value: 0, name: 0 };
  function putTextValue(engine, text, name, props) {
    var value = textValue(text, props);
    var size = value === NOT_JSON ? -1 : writeFrame(value, MAX_JSON_DEPTH);
    var m = byteLength(name), encoding = AS_VALUE_FRAME, at;
    if (size < 0 || loneSurrogate) {
      encoding = size < 0 ? AS_JSON_TEXT : AS_LONE_SURROGATE;
      size = byteLength(text);
      at = input(engine, size + m);
      put(text, at, size);
    } else {
      at = input(engine, size + m);
      putFrame(engine, frames, size);
    }
    put(name, at + size, m);
    sent.value = size;
    sent.name = m;
    return encoding;
  }

  // identify, declare and track given JSON text (putTextValue).
  function applyValue(engine, call, text, name, time) {
    var encoding = putTextValue(engine, text, name, call === TRACK);
    return apply(engine, call, sent.value, sent.name, time, encoding);
  }

  // The frame writeFrame wrote (its first `size` bytes), then `name`, into
  // the input; the call.
  function sendFrame(engine, call, size, name, time, encoding) {
    var n = byteLength(name), at = input(engine, size + n);
    putFrame(engine, frames, size);
    put(name, at + size, n);
    return apply(engine, call, size, n, time, encoding);
  }

  // identify, declare and track, whichever form: their value's `size`
  // bytes, then their name's `nameSize` (none for identify), are in the
  // input already; leadseg_engine_apply runs `call` on them. It and
  // leadseg_engine_segments are plain wasm exports, not Embind functions
  // (bindings/engine.cc says why): the address comes back as a signed
  // 32-bit integer, made unsigned here.
  function apply(engine, call, size, nameSize, time, encoding) {
    return changesAt(engine, _leadseg_engine_apply(engine._h, call, size, nameSize, time, encoding) >>> 0);
  }

  // Values as the package passes them: plain JSON-safe data (it checks and
  // normalizes them once), written as value frames. Values nesting as deep
  // as the core's limit take the JSON text's way instead (deep), so that
  // the error is the core's word for word: containers 64 levels deep in
  // event properties (the stored-event limit, kMaxFrameDepth), 128 in
  // identify's traits or a declaration (JSON input's limit, kMaxJsonDepth).
  //
  // `text`, if given, is the value as JSON text (the package has it from
  // checking the value), which saves stringifying it again.
  CoreEngine.prototype.trackObject = function (type, props, ts, text) {
    // The event type's lone surrogates (non-ASCII types only) and the time
    // are refused as track() refuses them.
    if (typeof ts !== 'number' || typeof type !== 'string' || !isAscii(type)) check('Engine.track', ARGS.trackObject, arguments);
    // A type given as bytes follows the frame as a declaration's key does.
    var size = writeFrame(props, MAX_DEPTH, typeof type === 'string' ? type : undefined);
    if (size < 0) return deep(this, TRACK, props, text, type, ts);
    if (typeof type !== 'string') return sendFrame(this, TRACK, size, type, ts, AS_FRAME);
    putFrame(this, frames, frames.pos);
    return apply(this, TRACK, size, frames.pos - size, ts, AS_FRAME);
  };

  // A value too deep for its frame form: read as its JSON text would be.
  function deep(engine, call, value, text, name, time) {
    if (text === undefined) text = JSON.stringify(value);
    return applyValue(engine, call, text, name, time);
  }

  CoreEngine.prototype.identifyObject = function (traits, now, text) {
    if (typeof now !== 'number') check('Engine.identify', ARGS.identifyObject, arguments);
    var size = writeFrame(traits, MAX_JSON_DEPTH);
    if (size < 0) return deep(this, IDENTIFY, traits, text, '', now);
    putFrame(this, frames, size);
    return apply(this, IDENTIFY, size, 0, now, AS_FRAME);
  };

  // identify() for flat traits in two steps, so that the package can read
  // its clock between them: writeFlatTraits checks and writes `traits`
  // (-1: not flat, take the general path), identifyWritten sends what it
  // wrote. The frame waits in a buffer of its own (traitsWriter), which
  // nothing else writes to. Traits with the names of the last frame sent whole, in the
  // same order (a page identifies with the same attributes call after
  // call), are written as their values alone, which the handle puts back
  // together with the names it kept (bindings/engine.cc, Encoding
  // kSameKeys); other traits are sent whole, and their names kept.
  CoreEngine.prototype.writeFlatTraits = function (traits) {
    handle(this);  // a deleted engine's buffer is no longer its
    var writer = traitsWriter(this);
    var keys = this._traitKeys;
    var written = keys !== null && writer.flatValues(traits, keys) ? AS_SAME_KEYS : writer.flatObject(traits) ? AS_KEYED_FRAME : -1;
    if (written < 0) return -1;
    this._written = written;
    // for-in's order, which flatObject wrote: no inherited keys (it checked).
    if (written === AS_KEYED_FRAME) this._writtenKeys = Object.keys(traits);
    return writer.pos;
  };

  CoreEngine.prototype.identifyWritten = function (size, now) {
    if (typeof now !== 'number') check('Engine.identify', ARGS.identifyObject, arguments);
    var encoding = this._written;
    // The handle keeps a whole frame's names whatever the call answers.
    if (encoding === AS_KEYED_FRAME) this._traitKeys = this._writtenKeys;
    return apply(this, IDENTIFY, size, 0, now, encoding);
  };

  CoreEngine.prototype.declareObject = function (key, value, now, text) {
    check('Engine.declare', ARGS.declareObject, arguments);
    var size = writeFrame(value, MAX_JSON_DEPTH);
    if (size < 0) return deep(this, DECLARE, value, text, key, now);
    return sendFrame(this, DECLARE, size, key, now, AS_FRAME);
  };

  CoreEngine.prototype.advance = function (now) {
    check('Engine.advance', ARGS.advance, arguments);
    return changesAt(this, Module['engineAdvance'](handle(this), now));
  };
  CoreEngine.prototype.advanceTo = CoreEngine.prototype.advance;

  // The ids of the member segments, from the indexes the core writes and
  // the config's ids (its facts, read once per loaded config).
  CoreEngine.prototype.segments = function () {
    var at = _leadseg_engine_segments(handle(this)) >>> 0;
    if (at === 0) return [];
    var ids = segmentIdsOf(this);
    var view = viewOf(heap());
    var n = view.getUint32(at, true);
    var out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = ids[view.getUint32(at + 4 + 4 * i, true)];
    return out;
  };

  CoreEngine.prototype.clock = function () {
    if (this._clock === undefined) this._clock = Module['engineClock'](handle(this));
    return this._clock;
  };

  CoreEngine.prototype.eventCount = function () {
    return Module['engineEventCount'](handle(this));
  };

  CoreEngine.prototype.metrics = function () { return read(this, METRICS); };
  CoreEngine.prototype.score = function () { return read(this, SCORE); };
  CoreEngine.prototype.attributes = function () { return read(this, ATTRIBUTES); };
  CoreEngine.prototype.exportProfile = function () { return read(this, EXPORT); };
  CoreEngine.prototype.experiments = function () { return read(this, EXPERIMENTS); };
  CoreEngine.prototype.experimentCounts = function () { return read(this, EXPERIMENT_COUNTS); };

  CoreEngine.prototype.explain = function (segmentId) {
    check('Engine.explain', ARGS.explain, arguments);
    var n = putText(this, segmentId);
    return documentAt(this, Module['engineExplain'](this._h, n));
  };

  CoreEngine.prototype.decide = function (slotId, now) {
    check('Engine.decide', ARGS.decide, arguments);
    return decide(this, slotId, now, 1);
  };

  // The decision decide() would return, recording nothing.
  CoreEngine.prototype.peek = function (slotId, now) {
    check('Engine.peek', ARGS.decide, arguments);
    return decide(this, slotId, now, 0);
  };

  function decide(engine, slotId, now, record) {
    var n = putText(engine, slotId);
    engine._clock = undefined;
    return documentAt(engine, Module['engineDecide'](engine._h, n, now, record));
  }

  CoreEngine.prototype.convert = function (goal, now) {
    check('Engine.convert', ARGS.convert, arguments);
    var n = putText(this, goal);
    this._clock = undefined;
    return documentAt(this, Module['engineConvert'](this._h, n, now));
  };

  // Counts as JSON text, sent as identify's text is (putTextValue).
  CoreEngine.prototype.addAggregateCounts = function (key, counts) {
    check('Engine.addAggregateCounts', ARGS.addAggregateCounts, arguments);
    var encoding = putTextValue(this, counts, key, false);
    return done(this, Module['engineAddAggregateCounts'](this._h, sent.value, sent.name, encoding));
  };

  CoreEngine.prototype.setVisitorId = function (id) {
    check('Engine.setVisitorId', ARGS.setVisitorId, arguments);
    var n = putText(this, id);
    return done(this, Module['engineSetVisitorId'](this._h, n));
  };

  // A copy (a view into wasm memory would not survive its growth).
  CoreEngine.prototype.snapshot = function () {
    var at = Module['engineSnapshot'](handle(this));
    if (at === 0) fail(this);
    var n = viewOf(heap()).getUint32(at, true);
    return heap().slice(at + 4, at + 4 + n);
  };

  CoreEngine.prototype.restore = function (bytes) {
    check('Engine.restore', ARGS.restore, arguments);
    var n = putText(this, bytes);
    this._clock = undefined;
    return done(this, Module['engineRestore'](this._h, n));
  };

  CoreEngine.prototype.erase = function () {
    Module['engineErase'](handle(this));
    this._clock = undefined;
  };

  // Frees the core's engine; the object is unusable afterwards.
  CoreEngine.prototype.delete = function () {
    Module['engineDestroy'](handle(this));
    this._h = 0;
    this._traits = null;
  };

  function isAscii(s) {
    for (var i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
    return true;
  }

  // Exported under the name packages and tests know it by.
  Module['Engine'] = CoreEngine;

  Module['version'] = function () {
    var at = Module['versionText'](), bytes = heap(), s = '';
    while (bytes[at] !== 0) s += String.fromCharCode(bytes[at++]);
    return s;
  };

  // For full.post.js (load, summary).
  return { CoreEngine: CoreEngine, putText: putText, documentAt: documentAt, loaded: loaded, read: read, handle: handle, SUMMARY: SUMMARY };
})();
