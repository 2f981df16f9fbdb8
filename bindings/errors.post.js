// Turns the error records the C++ bindings return into thrown JavaScript
// Errors, so callers get `try { ... } catch (e) { e.message, e.path }`
// instead of checking return values or seeing a bare number.
//
// Runs inside the Emscripten module factory (--post-js). Embind registers
// its functions while the runtime initializes, so the wrapping happens in
// a postRun hook, which runs before the factory's promise resolves.
/* global Module, addOnPostRun */
(function () {
  'use strict';

  function makeError(record) {
    var error = new Error(record.__leadsegError);
    error.name = 'LeadsegError';
    error.path = record.path || '';
    if (record.diagnostics) error.diagnostics = record.diagnostics;
    return error;
  }

  function unwrap(result) {
    if (result !== null && typeof result === 'object' && '__leadsegError' in result) {
      throw makeError(result);
    }
    return result;
  }

  function fail(message) {
    throw makeError({ __leadsegError: message, path: '' });
  }

  // Index of the first lone surrogate in `s`, or -1. Embind writes strings
  // to wasm memory as UTF-8 and turns a lone surrogate into a different
  // character (swallowing the next one), so they are refused here.
  var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  function loneSurrogateAt(s) {
    if (typeof s.isWellFormed === 'function' ? s.isWellFormed() : !LONE_SURROGATE.test(s)) return -1;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF) {
        var next = s.charCodeAt(i + 1);
        if (next >= 0xDC00 && next <= 0xDFFF) i++;
        else return i;
      } else if (c >= 0xDC00 && c <= 0xDFFF) {
        return i;
      }
    }
    return -1;
  }

  function describe(value) {
    if (value === null) return 'null';
    if (typeof value === 'string') return 'a string';
    if (typeof value === 'bigint') return 'a BigInt';
    if (value instanceof Date) return 'a Date';
    if (Array.isArray(value)) return 'an array';
    return typeof value === 'object' ? 'an object' : typeof value;
  }

  // Argument kinds: 'text' (a std::string: a string, or UTF-8 bytes as a
  // Uint8Array, checked by the C++ side), 'time' (milliseconds, a number),
  // 'bytes' (a Uint8Array or ArrayBuffer).
  function checkArgs(method, names, args) {
    for (var i = 0; i < names.length; i++) {
      var kind = names[i][0], what = names[i][1], v = args[i];
      if (kind === 'text') {
        if (typeof v === 'string') {
          var at = loneSurrogateAt(v);
          if (at >= 0) {
            fail(method + ': ' + what + ' has a lone surrogate (U+' + v.charCodeAt(at).toString(16).toUpperCase() +
                 ' at index ' + at + '), which is not valid Unicode');
          }
        } else if (!(v instanceof Uint8Array || v instanceof ArrayBuffer) && v !== undefined) {
          fail(method + ': ' + what + ' must be a string, got ' + describe(v));
        }
      } else if (kind === 'time') {
        if (typeof v !== 'number') fail(method + ': ' + what + ' must be a number of milliseconds since the epoch, got ' + describe(v));
      } else if (kind === 'bytes') {
        if (!(v instanceof Uint8Array || v instanceof ArrayBuffer)) fail(method + ': ' + what + ' must be a Uint8Array, got ' + describe(v));
      }
    }
  }

  // Wraps a method: checks its arguments, calls it, turns an error record
  // into a thrown Error and applies `after` (e.g. JSON.parse) to the result.
  function wrapMethod(owner, name, label, names, after) {
    var raw = owner[name];
    if (typeof raw !== 'function' || raw.__leadsegWrapped) return;
    var wrapped = function () {
      checkArgs(label, names, arguments);
      var result = unwrap(raw.apply(this, arguments));
      return after ? after(result) : result;
    };
    wrapped.__leadsegWrapped = true;
    owner[name] = wrapped;
  }

  addOnPostRun(function () {
    // Embind checks arity; optional JSON arguments default to "".
    var text = function (what) { return ['text', what]; };
    var time = function (what) { return ['time', what]; };
    // The runtime module (leadseg-runtime) has neither of these.
    var rawEval = Module['evalCondition'];
    if (rawEval) {
      Module['evalCondition'] = function (condition, attributes, savedGroups) {
        checkArgs('evalCondition', [text('condition'), text('attributes'), text('savedGroups')], arguments);
        return unwrap(rawEval(condition, attributes === undefined ? '' : attributes,
                              savedGroups === undefined ? '' : savedGroups));
      };
    }
    var rawLogic = Module['jsonLogicApply'];
    if (rawLogic) {
      Module['jsonLogicApply'] = function (rule, data) {
        checkArgs('jsonLogicApply', [text('rule'), text('data')], arguments);
        return unwrap(rawLogic(rule, data === undefined ? '' : data));
      };
    }
    wrapMethod(Module, 'runConformance', 'runConformance', [text('the conformance file')]);
    wrapMethod(Module, 'compileConfig', 'compileConfig', [text('config')]);
    wrapMethod(Module, 'upgradeSnapshot', 'upgradeSnapshot', [['bytes', 'a snapshot']]);
    var segmenter = Module['Segmenter'] && Module['Segmenter'].prototype;
    if (segmenter) {
      wrapMethod(segmenter, 'load', 'Segmenter.load', [text('config')]);
      wrapMethod(segmenter, 'evaluateJson', 'Segmenter.evaluateJson', [text('attributes')]);
      // evaluateFrame is the hot path: it returns -1 instead of allocating a
      // record, and the reason is fetched only on failure.
      var rawEvaluate = segmenter.evaluateFrame;
      segmenter.evaluateFrame = function (bytes) {
        var n = rawEvaluate.call(this, bytes);
        if (n < 0) throw makeError(this.lastError());
        return n;
      };
    }
    var engine = Module['Engine'] && Module['Engine'].prototype;
    if (engine) {
      var methods = {
        load: [text('config')],
        loadCompiled: [['bytes', 'a compiled config']],
        facts: [],
        identify: [text('attributes'), time('time')],
        declare: [text('the declaration key'), text('the declaration'), time('time')],
        track: [text('the event type'), text('event properties'), time('event time')],
        advance: [time('time')],
        restore: [['bytes', 'a snapshot']],
        setVisitorId: [text('the visitor id')],
        addAggregateCounts: [text('the experiment key'), text('counts')],
        snapshot: [], initialChanges: [],
        // Whole documents: the address of a value frame in the document
        // buffer, or 0 after which lastError() says why; frame.post.js
        // (readDocument) throws the error or decodes the frame.
        explain: [text('the segment id')],
        decide: [text('the slot id'), time('time')],
        peek: [text('the slot id'), time('time')],
        convert: [text('the goal'), time('time')],
        metrics: [], score: [], attributes: [], exportProfile: [], experiments: [], experimentCounts: [],
      };
      Object.keys(methods).forEach(function (name) {
        wrapMethod(engine, name, 'Engine.' + name, methods[name], null);
      });
      // Event properties as a frame (frame.post.js: trackObject); errors
      // read as track's. The frame size is written by trackObject, not a
      // user. Like evaluateFrame it returns 0 instead of an error record.
      // identifyFrame, declareFrame and advanceResult likewise.
      var resultMethods = {
        trackFrame: ['Engine.track', [text('the event type'), ['frame', 'the frame size'], time('event time')]],
        trackTypedFrame: ['Engine.track', [['frame', 'the frame size'], ['frame', 'the frame size'], time('event time')]],
        identifyFrame: ['Engine.identify', [['frame', 'the frame size'], time('time')]],
        declareFrame: ['Engine.declare', [text('the declaration key'), ['frame', 'the frame size'], time('time')]],
        advanceResult: ['Engine.advance', [time('time')]],
      };
      Object.keys(resultMethods).forEach(function (name) {
        var raw = engine[name];
        if (!raw) return;
        var label = resultMethods[name][0], args = resultMethods[name][1];
        engine[name] = function () {
          checkArgs(label, args, arguments);
          var at = raw.apply(this, arguments);
          if (at === 0) throw makeError(this.lastError());
          return at;
        };
      });
    }
    Module['LeadsegError'] = makeError;
  });
})();
