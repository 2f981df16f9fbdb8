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

  function wrapFunction(owner, name) {
    var raw = owner[name];
    if (typeof raw !== 'function' || raw.__leadsegWrapped) return;
    var wrapped = function () {
      return unwrap(raw.apply(this, arguments));
    };
    wrapped.__leadsegWrapped = true;
    owner[name] = wrapped;
  }

  addOnPostRun(function () {
    // Embind checks arity; optional JSON arguments default to "".
    var rawEval = Module['evalCondition'];
    Module['evalCondition'] = function (condition, attributes, savedGroups) {
      return unwrap(rawEval(condition, attributes === undefined ? '' : attributes,
                            savedGroups === undefined ? '' : savedGroups));
    };
    var rawLogic = Module['jsonLogicApply'];
    Module['jsonLogicApply'] = function (rule, data) {
      return unwrap(rawLogic(rule, data === undefined ? '' : data));
    };
    wrapFunction(Module, 'runConformance');
    var segmenter = Module['Segmenter'] && Module['Segmenter'].prototype;
    if (segmenter) {
      ['load', 'evaluateJson'].forEach(function (name) {
        wrapFunction(segmenter, name);
      });
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
      ['load', 'identify', 'declare', 'track', 'advance', 'restore', 'setVisitorId', 'addAggregateCounts'].forEach(function (name) {
        wrapFunction(engine, name);
      });
      // Whole documents cross as JSON text.
      ['metrics', 'score', 'attributes', 'exportProfile', 'explain', 'decide', 'convert', 'experiments', 'experimentCounts'].forEach(function (name) {
        var raw = engine[name];
        engine[name] = function () {
          return JSON.parse(unwrap(raw.apply(this, arguments)));
        };
      });
      wrapFunction(engine, 'snapshot');
    }
    Module['LeadsegError'] = makeError;
  });
})();
