// The runtime module's replacement for Emscripten's system/lib/embind/
// bind.cpp (libembind), linked instead of it (cmake/LeadsegWasm.cmake: the
// runtime module links embind's JavaScript library without -lembind).
//
// Why: libembind registers every C++ type Embind knows at startup (all the
// integer widths, int64 as BigInt, float, std::wstring, std::u16string,
// std::u32string, memory views of 17 element types), and each registration
// keeps its JavaScript in the page's glue: the UTF-16/UTF-32 string
// converters, the BigInt reader, ... The runtime's bindings
// (leadseg_bindings.cc compiled with LEADSEG_RUNTIME_MODULE) use only the
// types registered below; everything else is left out of the wasm and the
// glue (docs/performance.md, "The runtime module's glue").
//
// A binding that starts using another type (say `float` or `std::wstring`)
// fails loudly rather than silently: Embind refuses to call a function with
// an unregistered argument or result type ("... due to unbound types"), and
// tests/web/runtime-surface.test.mjs calls every method of the runtime's
// Engine. Add the type here when that happens.
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
#include <string>
#include <typeinfo>

using namespace emscripten;

extern "C" {
// Embind's name for a type in its error messages (the mangled name: the
// module is built with RTTI, as bind.cpp's libembind-rtti variant).
const char* EMSCRIPTEN_KEEPALIVE __getTypeName(const std::type_info* ti) { return strdup(ti->name()); }
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
  _embind_register_bool(TypeID<bool>::get(), "bool", sizeof(bool), true, false);
  // int: counts; unsigned long: size_t and uintptr_t on wasm32 (buffer
  // sizes and addresses); unsigned int: uint32_t.
  RegisterInteger<signed int>("int");
  RegisterInteger<unsigned int>("unsigned int");
  RegisterInteger<unsigned long>("unsigned long");
  _embind_register_float(TypeID<double>::get(), "double", sizeof(double));
  _embind_register_std_string(TypeID<std::string>::get(), "std::string");
  _embind_register_emval(TypeID<val>::get(), "emscripten::val");
  // Uint8Array views: snapshot(), the compiled config and snapshot bytes in.
  // Typed-array index 1 is Uint8Array (embind.js's typeMapping).
  _embind_register_memory_view(TypeID<memory_view<unsigned char>>::get(), 1,
                               "emscripten::memory_view<unsigned char>");
}
}  // extern "C"
