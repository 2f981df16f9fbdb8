// Embind's JavaScript for a module whose bound functions take and return
// numbers only: the runtime module's (bindings/engine.cc, compiled with
// LEADSEG_RUNTIME_MODULE; its types are bindings/runtime_embind_types.cc).
// Linked instead of Emscripten's src/embind/embind.js and emval.js
// (cmake/LeadsegWasmModule.cmake, EMBIND_TYPES), it answers the four
// registration calls those bindings make, with what Embind 3.1.6 does for
// them:
//
//   void, integers, double   a type id and how a result comes back: an
//                            unsigned integer as `r >>> 0`, anything else as
//                            it is (an argument goes to wasm as it is; the
//                            VM's ToInt32 gives the bits `>>> 0` would)
//   a function               Module[name]: the arity check and the message
//                            of Embind's invoker ("function engineRead
//                            called with 1 arguments, expected 2 args!"),
//                            then the C++ invoker, called directly
//
// Why (docs/performance.md, "The page's JavaScript at start-up"): Embind's
// library is written for classes, overloads, smart pointers and types
// registered in any order, and all of it sits in the page's glue (the wasm's
// imports reach it); at start-up its 19 registrations run and compile ~26
// of its functions on the page's main thread, and without eval every call
// goes through a generic invoker that copies its arguments into arrays
// and makes a closure. Here a registration is one closure.
//
// Any other registration (a class, std::string, emscripten::val, ...) has
// no definition in this file, so the link fails on its undefined symbol:
// a binding that needs more of Embind than numbers belongs in the full
// module, or this module must go back to embind.js. A function whose type
// was never registered throws "Cannot call X due to unbound types", as
// Embind's does (tests/web/runtime-surface.test.mjs calls every function).
mergeInto(LibraryManager.library, {
  // rawType -> true for unsigned integers, false for other numbers and void.
  $embindNumberTypes: {},

  // A NUL-terminated ASCII name in wasm memory (Embind's readLatin1String).
  $embindName: function (at) {
    var s = '';
    while (HEAPU8[at]) s += String.fromCharCode(HEAPU8[at++]);
    return s;
  },

  // Embind's BindingError and UnboundTypeError as errors with that name.
  $embindError: function (name, message) {
    var error = new Error(message);
    error.name = name;
    return error;
  },

  _embind_register_void__deps: ['$embindNumberTypes'],
  _embind_register_void: function (rawType, name) {
    embindNumberTypes[rawType] = false;
  },

  _embind_register_integer__deps: ['$embindNumberTypes'],
  _embind_register_integer: function (rawType, name, size, minRange, maxRange) {
    // Embind's fromWireType for minRange 0 is (r << (32 - 8 * size)) >>> (32 - 8 * size);
    // the runtime's integers are 32-bit (runtime_embind_types.cc).
    if (size !== 4) throw embindError('BindingError', 'embind_numbers.js: integers of ' + size + ' bytes are not supported');
    embindNumberTypes[rawType] = minRange === 0;
  },

  _embind_register_float__deps: ['$embindNumberTypes'],
  _embind_register_float: function (rawType, name, size) {
    embindNumberTypes[rawType] = false;
  },

  _embind_register_function__deps: ['$embindNumberTypes', '$embindName', '$embindError', '$getWasmTableEntry'],
  _embind_register_function: function (name, argCount, rawArgTypesAddr, signature, rawInvoker, fn) {
    name = embindName(name);
    var types = [];
    for (var i = 0; i < argCount; i++) types.push(HEAP32[(rawArgTypesAddr >> 2) + i]);
    // Four arguments at most below; an i64 ('j') would need legalizing.
    if (argCount > 5 || embindName(signature).indexOf('j') >= 0) {
      throw embindError('BindingError', 'embind_numbers.js: cannot bind ' + name + ' (more than 4 arguments, or a 64-bit integer)');
    }
    var invoker = getWasmTableEntry(rawInvoker);
    var expected = argCount - 1;
    // Resolved on the first call, as Embind resolves a function once its
    // types are registered (they all are by then: the types' constructor
    // runs before the bindings', and both before the module resolves).
    var unsigned;
    Module[name] = function (a, b, c, d) {
      if (arguments.length !== expected) {
        throw embindError('BindingError', 'function ' + name + ' called with ' + arguments.length + ' arguments, expected ' + expected + ' args!');
      }
      if (unsigned === undefined) {
        if (types.some(function (t) { return !(t in embindNumberTypes); })) {
          throw embindError('UnboundTypeError', 'Cannot call ' + name + ' due to unbound types');
        }
        unsigned = embindNumberTypes[types[0]];
      }
      var r = invoker(fn, a, b, c, d);
      return unsigned ? r >>> 0 : r;
    };
  },
});
