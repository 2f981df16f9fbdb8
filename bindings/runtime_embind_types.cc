// The runtime module's replacement for Emscripten's system/lib/embind/
// bind.cpp (libembind), linked instead of it (cmake/LeadsegWasmModule.cmake,
// EMBIND_TYPES: neither -lembind nor Embind's JavaScript library).
//
// Why: libembind registers every C++ type Embind knows at startup (all the
// integer widths, int64 as BigInt, float, std::wstring, std::u16string,
// std::u32string, memory views of 17 element types), and each registration
// keeps its JavaScript in the page's glue: the UTF-16/UTF-32 string
// converters, the BigInt reader, ... The runtime's bindings
// (bindings/engine.cc compiled with LEADSEG_RUNTIME_MODULE) take and
// return numbers only: the types registered below. std::string, `val` and
// memory views are left out of the wasm and the glue (docs/performance.md,
// "The runtime module's glue", "The runtime's Embind surface, narrow").
//
// A binding that starts using another type (say `float` or `std::wstring`)
// fails loudly rather than silently: Embind refuses to call a function with
// an unregistered argument or result type ("... due to unbound types"), and
// tests/web/runtime-surface.test.mjs calls every method of the runtime's
// Engine, and so every function it is built on. Add the type here when
// that happens.
//
// Emscripten 3.1.6's bind.cpp, trimmed to the registration calls for the
// types kept; the constructor runs before any EMSCRIPTEN_BINDINGS block.
// Those calls are answered by bindings/embind_numbers.js, the runtime's
// Embind JavaScript for numbers, which never asks for a type's name: so
// bind.cpp's __getTypeName is not here (the link would keep and export it
// for nothing).
#include <emscripten/bind.h>
#include <emscripten/wire.h>

#include <limits>

using namespace emscripten;

namespace {
template <typename T>
void RegisterInteger(const char* name) {
  internal::_embind_register_integer(internal::TypeID<T>::get(), name, sizeof(T),
                                     std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
}
}  // namespace

extern "C" {
__attribute__((constructor)) void __embind_register_native_and_builtin_types() {
  using namespace emscripten::internal;
  _embind_register_void(TypeID<void>::get(), "void");
  // int: counts, flags, 1/0 for done/failed; unsigned long: size_t and
  // uintptr_t on wasm32 (sizes, addresses, engine handles); double: times.
  RegisterInteger<signed int>("int");
  RegisterInteger<unsigned long>("unsigned long");
  _embind_register_float(TypeID<double>::get(), "double", sizeof(double));
}
}  // extern "C"
