// The runtime module's replacement for Emscripten's system/lib/embind/
// bind.cpp (libembind), linked instead of it (cmake/LeadsegWasm.cmake: the
// runtime module links embind's JavaScript library without -lembind).
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
// Emscripten 3.1.6's bind.cpp, trimmed: the same two symbols (the glue
// calls __getTypeName; the constructor runs before any EMSCRIPTEN_BINDINGS
// block), the same registration calls for the types kept.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/wire.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <typeinfo>

using namespace emscripten;

extern "C" {
// Embind's name for a type in its error messages: the mangled name with
// RTTI (as bind.cpp's libembind-rtti variant); without RTTI (-fno-rtti,
// EMSCRIPTEN_HAS_UNBOUND_TYPE_NAMES=0) a type id is no type_info, and the
// message names no type.
const char* EMSCRIPTEN_KEEPALIVE __getTypeName(const std::type_info* ti) {
#if __has_feature(cxx_rtti)
  return strdup(ti->name());
#else
  (void)ti;
  return strdup("(a type)");
#endif
}
}

namespace {
template <typename T>
void RegisterInteger(const char* name) {
  internal::_embind_register_integer(internal::TypeID<T>::get(), name, sizeof(T),
                                     std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
}
}  // namespace

extern "C" {
EMSCRIPTEN_KEEPALIVE __attribute__((constructor)) void __embind_register_native_and_builtin_types() {
  using namespace emscripten::internal;
  _embind_register_void(TypeID<void>::get(), "void");
  // int: counts, flags, 1/0 for done/failed; unsigned long: size_t and
  // uintptr_t on wasm32 (sizes, addresses, engine handles); double: times.
  RegisterInteger<signed int>("int");
  RegisterInteger<unsigned long>("unsigned long");
  _embind_register_float(TypeID<double>::get(), "double", sizeof(double));
}
}  // extern "C"
