// The full module's own JavaScript: error handling for the functions only
// it binds (evalCondition, jsonLogicApply, runConformance, compileConfig,
// upgradeSnapshot), Segmenter, whose attributes cross as value frames, and
// CoreEngine's load(json) and summary(). The runtime module, which a page
// loads, has none of these, so this file is left out of its glue
// (cmake/LeadsegWasm.cmake lists the runtime's --post-js files; the full
// module takes every bindings/*.post.js, sorted, so this one runs after
// engine.post.js, errors.post.js and frame.post.js, whose helpers it uses:
// `leadsegEngine`, `leadsegErrors` and Module.FrameWriter).
/* global Module, addOnPostRun, leadsegErrors, leadsegEngine */
(function () {
  'use strict';

  var makeError = leadsegErrors.makeError, checkArgs = leadsegErrors.checkArgs;

  // These functions return their result or an error record
  // {__leadsegError, path} (bindings/error_records.h).
  function unwrap(result) {
    if (result !== null && typeof result === 'object' && '__leadsegError' in result) {
      throw makeError(result);
    }
    return result;
  }

  // Wraps a function: checks its arguments, calls it, turns an error
  // record into a thrown Error.
  function wrapMethod(owner, name, label, names) {
    var raw = owner[name];
    owner[name] = function () {
      checkArgs(label, names, arguments);
      return unwrap(raw.apply(this, arguments));
    };
  }

  // The engine on a JSON config, compiled here (the development path and
  // batch segmentation): its warnings; on error every diagnostic goes
  // with it (error.diagnostics). The visitor stays.
  var CoreEngine = leadsegEngine.CoreEngine;
  CoreEngine.prototype.load = function (config) {
    checkArgs('Engine.load', [['string', 'config']], arguments);
    var n = leadsegEngine.putText(this, config);
    return leadsegEngine.loaded(this, Module['engineLoad'](this._h, n));
  };

  // Headline numbers for batch segmentation (web/src/batch.js): {score,
  // grade, leadCell, temperature, stage, mql, sql}.
  CoreEngine.prototype.summary = function () {
    return leadsegEngine.read(this, leadsegEngine.SUMMARY);
  };

  addOnPostRun(function () {
    // Embind checks arity; optional JSON arguments default to "".
    var text = function (what) { return ['text', what]; };
    var rawEval = Module['evalCondition'];
    Module['evalCondition'] = function (condition, attributes, savedGroups) {
      checkArgs('evalCondition', [text('condition'), text('attributes'), text('savedGroups')], arguments);
      return unwrap(rawEval(condition, attributes === undefined ? '' : attributes,
                            savedGroups === undefined ? '' : savedGroups));
    };
    var rawLogic = Module['jsonLogicApply'];
    Module['jsonLogicApply'] = function (rule, data) {
      checkArgs('jsonLogicApply', [text('rule'), text('data')], arguments);
      return unwrap(rawLogic(rule, data === undefined ? '' : data));
    };
    wrapMethod(Module, 'runConformance', 'runConformance', [text('the conformance file')]);
    wrapMethod(Module, 'compileConfig', 'compileConfig', [text('config')]);
    wrapMethod(Module, 'upgradeSnapshot', 'upgradeSnapshot', [['bytes', 'a snapshot']]);

    var segmenter = Module['Segmenter'].prototype;
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

    var load = segmenter.load;
    segmenter.load = function (config) {
      var warnings = load.call(this, config);
      // The schema (slot order) belongs to the loaded config.
      this._schema = this.schema();
      this._segmentIds = this.segmentIds();
      return warnings;
    };

    // Evaluates every segment for one attribute object. Returns a
    // Uint8Array (1 = member), one byte per segment in config order, that is
    // a view into wasm memory: read it before the next call.
    var writer = new Module['FrameWriter']();
    segmenter.evaluate = function (attributes) {
      if (!this._schema) throw makeError({ __leadsegError: 'no config loaded: call load(config) first', path: '' });
      if (attributes === null || typeof attributes !== 'object') {
        throw makeError({ __leadsegError: 'attributes must be an object', path: '' });
      }
      var schema = this._schema;
      writer.pos = 4;
      var count = 0;
      for (var slot = 0; slot < schema.length; slot++) {
        var v = attributes[schema[slot]];
        if (v === undefined) continue;
        writer.u32(slot);
        writer.value(v, 0);
        count++;
      }
      writer.view.setUint32(0, count, true);
      var size = writer.pos;
      var ptr = this.frameBuffer(size);
      Module['HEAPU8'].set(writer.bytes.subarray(0, size), ptr);
      var n = this.evaluateFrame(size);
      var out = this.resultBuffer();
      return Module['HEAPU8'].subarray(out, out + n);
    };

    // Same, as the list of segment ids the attributes are in.
    segmenter.segmentsOf = function (attributes) {
      var bits = this.evaluate(attributes);
      var ids = [];
      for (var i = 0; i < bits.length; i++) if (bits[i]) ids.push(this._segmentIds[i]);
      return ids;
    };
  });
})();
