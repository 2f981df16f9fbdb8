// The runtime module's C++ throw: an abort, not a JavaScript exception.
//
// The core and the bindings throw nothing; the only throws the runtime
// links are libc++'s own (std::__throw_length_error and
// std::__throw_out_of_range, inline in its headers: a container grown past
// max_size(), a substr() out of range), which no input reaches. Emscripten
// 3.1.6 builds without exception catching, so such a throw would reach
// JavaScript as a bare number (the exception's address) through
// library_exceptions.js, whose ExceptionInfo class and __cxa_* functions
// the page's glue carried only for that (~1 KB minified). Defining the two
// functions here, the linker takes them instead of the JavaScript imports,
// and the page gets what abort() gives: a RuntimeError ("Aborted()"), an
// Error, as the error contract asks (errors.post.js).
//
// (-fno-exceptions would turn those throws into aborts at compile time, but
// leadseg_core is one build for every module; the full module keeps the
// default.)
#include <cstddef>
#include <cstdlib>

extern "C" {
void* __cxa_allocate_exception(size_t) { std::abort(); }
void __cxa_throw(void*, void*, void (*)(void*)) { std::abort(); }
}
