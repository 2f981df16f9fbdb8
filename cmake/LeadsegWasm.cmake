# The WebAssembly module: bindings/*.cc + leadseg_core, linked with Embind.
# Output (gitignored):
#   web/dist/leadseg.js    UMD/CommonJS factory `createLeadsegModule` (node, workers, <script>)
#   web/dist/leadseg.wasm
#   web/dist/leadseg.mjs   ES module for browsers and workers (default export
#                          `createLeadsegModule`); no node code
#   web/dist/package.json  {"type":"commonjs"} so node can require() leadseg.js
#                          inside the repo's "type":"module" package
#
# Each module is linked twice (node/UMD and a browser ES module) by
# leadseg_add_wasm_module() (cmake/LeadsegWasmModule.cmake).
set(LEADSEG_WASM_OUTPUT_DIR "${CMAKE_CURRENT_SOURCE_DIR}/web/dist" CACHE PATH
    "Where the wasm build writes leadseg.js / leadseg.wasm / leadseg.mjs")
set(LEADSEG_WASM_WEB_DIR "${CMAKE_CURRENT_BINARY_DIR}/wasm-web")
include(LeadsegWasmModule)

file(GLOB LEADSEG_BINDINGS_SOURCES CONFIGURE_DEPENDS
     "${CMAKE_CURRENT_SOURCE_DIR}/bindings/*.cc")
# bindings/learn.cc is the learning module's own (CMakeLists.txt, issue 18).
list(FILTER LEADSEG_BINDINGS_SOURCES EXCLUDE REGEX "/bindings/learn\\.cc$")
# bindings/batch.cc is the batch module's alone (cmake/LeadsegWasmBatch.cmake).
list(FILTER LEADSEG_BINDINGS_SOURCES EXCLUDE REGEX "/bindings/batch\\.cc$")
# bindings/runtime_*.cc are the runtime module's alone (below).
list(FILTER LEADSEG_BINDINGS_SOURCES EXCLUDE REGEX "/bindings/runtime_[^/]*\\.cc$")
# --post-js files (e.g. bindings/errors.post.js). Globbed with CONFIGURE_DEPENDS
# so that adding one re-runs CMake; editing one relinks (LINK_DEPENDS). The
# glob is sorted: full.post.js, the full module's own, runs after
# engine.post.js, errors.post.js and frame.post.js, whose helpers it uses.
file(GLOB LEADSEG_BINDINGS_POST_JS CONFIGURE_DEPENDS
     "${CMAKE_CURRENT_SOURCE_DIR}/bindings/*.post.js")

if(NOT LEADSEG_BINDINGS_SOURCES)
  message(STATUS "leadseg: no bindings/*.cc yet, skipping the wasm module")
  return()
endif()
if(NOT EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/bindings/errors.post.js")
  message(WARNING "leadseg: bindings/errors.post.js is missing; "
                  "errors will not be converted to JS Error objects")
endif()

# Compiled once, linked into both modules.
add_library(leadseg_wasm_bindings OBJECT ${LEADSEG_BINDINGS_SOURCES})
target_link_libraries(leadseg_wasm_bindings PRIVATE leadseg_core leadseg_warnings)
# -Oz with inlining and LTO, as the core (CMakeLists.txt, LEADSEG_WASM_OZ_OPTIONS).
target_compile_options(leadseg_wasm_bindings PRIVATE ${LEADSEG_WASM_OZ_OPTIONS})

leadseg_add_wasm_module(leadseg
  TARGET leadseg
  OBJECTS leadseg_wasm_bindings
  CORE leadseg_core
  POST_JS ${LEADSEG_BINDINGS_POST_JS}
  WRITES_PACKAGE_JSON)

# ---------------------------------------------------------------------------
# The runtime module: what a visitor's page loads for createEngine({config:
# compiled bytes}) + decide() (docs/compiled-config.md, docs/performance.md).
# The engine alone (bindings/engine.cc compiled with LEADSEG_RUNTIME_MODULE:
# loaded from a compiled config, no config compiler, no snapshot format 1
# converter), bound as free functions over numbers with no Embind class and
# no emscripten::val, so that its glue needs none of Embind's JavaScript
# library but the numbers' part, bindings/embind_numbers.js
# (docs/performance.md "The runtime's Embind surface, narrow", "The page's
# JavaScript at start-up"); the linker drops every function only the full
# module's bindings reach. Linked twice like the full module:
#   leadseg_runtime_wasm      node/UMD  -> web/dist/leadseg-runtime.{js,wasm}
#   leadseg_runtime_wasm_web  ES module -> web/dist/leadseg-runtime.mjs
# errors.post.js (argument checks, LeadsegError), frame.post.js (value
# frames) and engine.post.js (the Engine class); not full.post.js
# (Segmenter, evalCondition, ...).
# bindings/runtime_abort_on_throw.cc: libc++'s throws abort instead of
# reaching JavaScript as numbers (and the glue's exception code goes).
#
# Without Embind classes the runtime needs no RTTI: Embind's type ids are
# then addresses rather than type_info (EMSCRIPTEN_HAS_UNBOUND_TYPE_NAMES=0,
# for runtime_embind_types.cc below too, which must agree), and the core is
# compiled once more without it (leadseg_core_runtime, as the batch module
# has leadseg_core_fast), so that no vtable in the page's wasm points at
# type_info: 3.1 KB raw, 1.3 KB gzip of __class_type_info code and type
# names (docs/performance.md "The runtime's Embind surface, narrow").
set(LEADSEG_RUNTIME_NO_RTTI -fno-rtti -DEMSCRIPTEN_HAS_UNBOUND_TYPE_NAMES=0)
# Bulk memory (memory.copy/fill for memcpy/memmove/memset, not libc's byte
# loops: identify copies the base attribute set each evaluation) and
# saturating float-to-int (no range guard around each truncation), as the
# batch module has them: identify(24) + segments() 4.08-4.23x GrowthBook
# against 3.79-4.06x, alternating, and -208 B gzip (docs/performance.md,
# "Bulk memory in the runtime", s41). Every browser the bundle's ES2022 runs in has both.
set(LEADSEG_RUNTIME_FEATURES -mbulk-memory -mnontrapping-fptoint)
add_library(leadseg_core_runtime STATIC ${LEADSEG_CORE_SOURCES})
target_include_directories(leadseg_core_runtime PUBLIC ${LEADSEG_CORE_INCLUDE_DIRS})
target_link_libraries(leadseg_core_runtime PUBLIC leadseg_json PRIVATE leadseg_warnings)
target_compile_definitions(leadseg_core_runtime PUBLIC LEADSEG_VERSION_STRING="${PROJECT_VERSION}")
target_compile_options(leadseg_core_runtime PRIVATE ${LEADSEG_WASM_OZ_OPTIONS} -fno-rtti ${LEADSEG_RUNTIME_FEATURES})
add_library(leadseg_runtime_bindings OBJECT
  "${CMAKE_CURRENT_SOURCE_DIR}/bindings/engine.cc"
  "${CMAKE_CURRENT_SOURCE_DIR}/bindings/runtime_abort_on_throw.cc")
target_compile_definitions(leadseg_runtime_bindings PRIVATE LEADSEG_RUNTIME_MODULE)
target_link_libraries(leadseg_runtime_bindings PRIVATE leadseg_core_runtime leadseg_warnings)
target_compile_options(leadseg_runtime_bindings PRIVATE ${LEADSEG_WASM_OZ_OPTIONS} ${LEADSEG_RUNTIME_NO_RTTI} ${LEADSEG_RUNTIME_FEATURES})

# Bytes every page pays for (docs/performance.md "printf and strtod out of
# the runtime"): emmalloc instead of dlmalloc (-3.3 KB gzip, track() measured
# as fast), and the glue without its JS UTF-8 decoder (every browser and node
# it supports has TextDecoder). After em++'s own -Oz passes, binaryen
# flattens the code, rebuilds its control flow (rereloop) and shrinks it
# twice more: 0.6 KB gzip less ("The runtime wasm's bytes, by owner").
# Single-caller functions larger than 300 of binaryen's expressions stay
# calls (its default inlines them whatever their size, as in the batch
# module below): V8 compiles a wasm function whole at its first call, so a
# decoder for a section the config lacks (DecodePredictive, kept out of line
# by clang with [[gnu::noinline]]) is then compiled only by the pages whose
# config has it ("fewer wasm code bytes on the page's load path", s39); the
# same for the model's evaluation (PredictiveResult::Evaluate, 300 to 400
# expressions: the limit was 500 until s40) and a slot's experiment
# (Engine::Impl::DecideExperiment). At 150 functions on identify's path
# split too (s40: +526 B compiled at the first identify).
# The glue reads only the Module properties the package passes
# (INCOMING_MODULE_JS_API: web/src/loader.js and loader-node.js pass
# wasmBinary, locateFile and instantiateWasm, as tests/ and bench/ do): the
# code for print, arguments, preRun, ... leaves the page ("The runtime
# module's glue"). Embind's types are the runtime's own few
# (bindings/runtime_embind_types.cc, EMBIND_TYPES) rather than libembind's
# every one, answered by bindings/embind_numbers.js.
add_library(leadseg_runtime_embind_types OBJECT
  "${CMAKE_CURRENT_SOURCE_DIR}/bindings/runtime_embind_types.cc")
target_link_libraries(leadseg_runtime_embind_types PRIVATE leadseg_warnings)
target_compile_options(leadseg_runtime_embind_types PRIVATE ${LEADSEG_WASM_OZ_OPTIONS} ${LEADSEG_RUNTIME_NO_RTTI} ${LEADSEG_RUNTIME_FEATURES})
leadseg_add_wasm_module(leadseg-runtime
  TARGET leadseg_runtime
  OBJECTS leadseg_runtime_bindings
  EMBIND_TYPES leadseg_runtime_embind_types
  CORE leadseg_core_runtime
  POST_JS
    "${CMAKE_CURRENT_SOURCE_DIR}/bindings/errors.post.js"
    "${CMAKE_CURRENT_SOURCE_DIR}/bindings/frame.post.js"
    "${CMAKE_CURRENT_SOURCE_DIR}/bindings/engine.post.js"
  OPTIONS -sMALLOC=emmalloc -sTEXTDECODER=2 ${LEADSEG_RUNTIME_FEATURES}
          -sBINARYEN_EXTRA_PASSES=--flatten,--rereloop,-Oz,-Oz,--one-caller-inline-max-function-size=300
          "-sINCOMING_MODULE_JS_API=[wasmBinary,locateFile,instantiateWasm]")
