// Turns the errors the C++ bindings report into thrown JavaScript Errors,
// so callers get `try { ... } catch (e) { e.message, e.path }` instead of
// checking return values or seeing a bare number, and checks arguments
// before they cross.
//
// Runs inside the Emscripten module factory (--post-js). Its helpers are
// `leadsegErrors` for bindings/engine.post.js, whose CoreEngine checks its
// arguments with them and throws the core's errors, and
// bindings/full.post.js, which wraps the full module's own functions
// (every --post-js file shares the factory's scope).
var leadsegErrors = (function () {
  'use strict';

  function makeError(record) {
    var error = new Error(record.__leadsegError);
    error.name = 'LeadsegError';
    error.path = record.path || '';
    if (record.diagnostics) error.diagnostics = record.diagnostics;
    return error;
  }

  function fail(message) {
    throw makeError({ __leadsegError: message, path: '' });
  }

  // Index of the first lone surrogate in `s`, or -1. UTF-8 has no way to
  // write one (TextEncoder, and Embind, would write another character in
  // its place), so they are refused here.
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

  // Argument kinds: 'string' (text: a string, or UTF-8 bytes as a
  // Uint8Array, checked by the C++ side), 'text' (the same or undefined),
  // 'time' (milliseconds, a number), 'bytes' (a Uint8Array or
  // ArrayBuffer). Other kinds are not checked.
  function checkArgs(method, names, args) {
    for (var i = 0; i < names.length; i++) {
      var kind = names[i][0], what = names[i][1], v = args[i];
      if (kind === 'text' || kind === 'string') {
        if (typeof v === 'string') {
          var at = loneSurrogateAt(v);
          if (at >= 0) {
            fail(method + ': ' + what + ' has a lone surrogate (U+' + v.charCodeAt(at).toString(16).toUpperCase() +
                 ' at index ' + at + '), which is not valid Unicode');
          }
        } else if (!(v instanceof Uint8Array || v instanceof ArrayBuffer) && (v !== undefined || kind === 'string')) {
          fail(method + ': ' + what + ' must be a string, got ' + describe(v));
        }
      } else if (kind === 'time') {
        if (typeof v !== 'number') fail(method + ': ' + what + ' must be a number of milliseconds since the epoch, got ' + describe(v));
      } else if (kind === 'bytes') {
        if (!(v instanceof Uint8Array || v instanceof ArrayBuffer)) fail(method + ': ' + what + ' must be a Uint8Array, got ' + describe(v));
      }
    }
  }

  return { makeError: makeError, fail: fail, checkArgs: checkArgs, loneSurrogateAt: loneSurrogateAt };
})();
