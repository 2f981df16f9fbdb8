# The WebAssembly module: bindings/*.cc + leadseg_core, linked with Embind.
# Output (gitignored):
#   web/dist/leadseg.js    UMD/CommonJS factory `createLeadsegModule` (node, workers, <script>)
#   web/dist/leadseg.wasm
#   web/dist/leadseg.mjs   ES module for browsers and workers (default export
#                          `createLeadsegModule`); no node code
#   web/dist/package.json  {"type":"commonjs"} so node can require() leadseg.js
#                          inside the repo's "type":"module" package
#
# The bindings are compiled once and linked twice, against the same
# libleadseg_core.a and with the same wasm-affecting flags:
#   leadseg_wasm      -sENVIRONMENT=web,worker,node, UMD/CommonJS -> web/dist/leadseg.{js,wasm}
#   leadseg_wasm_web  -sENVIRONMENT=web,worker -sEXPORT_ES6=1     -> build/wasm/wasm-web/leadseg.{mjs,wasm}
# ENVIRONMENT and EXPORT_ES6 only change the JS, so both links produce the same
# leadseg.wasm. cmake/LeadsegWasmBrowserGlue.cmake checks that they do (the build
# fails otherwise), checks the browser glue has no node code, and installs it as
# web/dist/leadseg.mjs, which loads web/dist/leadseg.wasm: one wasm for both.
# (-sEXPORT_ES6 cannot serve node in this Emscripten version: its node branch
# uses __dirname, which ES modules do not have. Browsers and workers are fine.)
set(LEADSEG_WASM_OUTPUT_DIR "${CMAKE_CURRENT_SOURCE_DIR}/web/dist" CACHE PATH
    "Where the wasm build writes leadseg.js / leadseg.wasm / leadseg.mjs")
set(LEADSEG_WASM_WEB_DIR "${CMAKE_CURRENT_BINARY_DIR}/wasm-web")

file(GLOB LEADSEG_BINDINGS_SOURCES CONFIGURE_DEPENDS
     "${CMAKE_CURRENT_SOURCE_DIR}/bindings/*.cc")
# bindings/learn.cc is the learning module's own (CMakeLists.txt, issue 18).
list(FILTER LEADSEG_BINDINGS_SOURCES EXCLUDE REGEX "/bindings/learn\\.cc$")
# bindings/batch.cc is the batch module's alone (cmake/LeadsegWasmBatch.cmake).
list(FILTER LEADSEG_BINDINGS_SOURCES EXCLUDE REGEX "/bindings/batch\\.cc$")
# --post-js files (e.g. bindings/errors.post.js). Globbed with CONFIGURE_DEPENDS
# so that adding one re-runs CMake; editing one relinks (LINK_DEPENDS).
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

# Everything that shapes leadseg.wasm (and the Embind glue) goes here, never
# into one link only.
set(LEADSEG_WASM_LINK_OPTIONS
  -lembind
  -sMODULARIZE=1
  -sEXPORT_NAME=createLeadsegModule
  -sALLOW_MEMORY_GROWTH=1
  -sFILESYSTEM=0
  # No eval()/new Function() in the glue: the module runs under a strict CSP
  # (script-src 'self' 'wasm-unsafe-eval').
  -sDYNAMIC_EXECUTION=0)
foreach(_js IN LISTS LEADSEG_BINDINGS_POST_JS)
  list(APPEND LEADSEG_WASM_LINK_OPTIONS "SHELL:--post-js \"${_js}\"")
endforeach()

# node (and classic scripts): web/dist/leadseg.js + leadseg.wasm
add_executable(leadseg_wasm $<TARGET_OBJECTS:leadseg_wasm_bindings>)
target_link_libraries(leadseg_wasm PRIVATE leadseg_core)
set_target_properties(leadseg_wasm PROPERTIES
  OUTPUT_NAME leadseg
  SUFFIX ".js"
  RUNTIME_OUTPUT_DIRECTORY "${LEADSEG_WASM_OUTPUT_DIR}")
target_link_options(leadseg_wasm PRIVATE
  ${LEADSEG_WASM_LINK_OPTIONS}
  -sENVIRONMENT=web,worker,node
  # A library must not take over a node host's uncaughtException and
  # unhandledRejection handling (server-side segmentLeads).
  -sNODEJS_CATCH_EXIT=0
  -sNODEJS_CATCH_REJECTION=0)
set_property(TARGET leadseg_wasm APPEND PROPERTY LINK_DEPENDS ${LEADSEG_BINDINGS_POST_JS})
add_custom_command(TARGET leadseg_wasm POST_BUILD
  COMMAND "${CMAKE_COMMAND}"
          "-DJS_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg.js"
          "-DPACKAGE_JSON=${LEADSEG_WASM_OUTPUT_DIR}/package.json"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmPostBuild.cmake"
  BYPRODUCTS
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg.wasm"
    "${LEADSEG_WASM_OUTPUT_DIR}/package.json"
  COMMENT "Writing web/dist/package.json (leadseg.js is CommonJS)"
  VERBATIM)

# Browsers and workers: an ES module with no node code, kept in the build tree
# until LeadsegWasmBrowserGlue.cmake has compared its wasm with web/dist's.
add_executable(leadseg_wasm_web $<TARGET_OBJECTS:leadseg_wasm_bindings>)
target_link_libraries(leadseg_wasm_web PRIVATE leadseg_core)
set_target_properties(leadseg_wasm_web PROPERTIES
  OUTPUT_NAME leadseg
  SUFFIX ".mjs"
  RUNTIME_OUTPUT_DIRECTORY "${LEADSEG_WASM_WEB_DIR}")
target_link_options(leadseg_wasm_web PRIVATE
  ${LEADSEG_WASM_LINK_OPTIONS}
  -sENVIRONMENT=web,worker
  -sEXPORT_ES6=1)
set_property(TARGET leadseg_wasm_web APPEND PROPERTY LINK_DEPENDS ${LEADSEG_BINDINGS_POST_JS})
# Declares the wasm the link writes beside leadseg.mjs, so that the step
# below can depend on it.
add_custom_command(TARGET leadseg_wasm_web POST_BUILD
  COMMAND "${CMAKE_COMMAND}" -E true
  BYPRODUCTS "${LEADSEG_WASM_WEB_DIR}/leadseg.wasm"
  VERBATIM)

# Reruns whenever either link rewrote its JS or its wasm.
add_custom_command(
  OUTPUT "${LEADSEG_WASM_OUTPUT_DIR}/leadseg.mjs"
  COMMAND "${CMAKE_COMMAND}"
          "-DWEB_MJS=${LEADSEG_WASM_WEB_DIR}/leadseg.mjs"
          "-DWEB_WASM=${LEADSEG_WASM_WEB_DIR}/leadseg.wasm"
          "-DWASM_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg.wasm"
          "-DMJS_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg.mjs"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmBrowserGlue.cmake"
  DEPENDS
    leadseg_wasm leadseg_wasm_web
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg.js"
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg.wasm"
    "${LEADSEG_WASM_WEB_DIR}/leadseg.mjs"
    "${LEADSEG_WASM_WEB_DIR}/leadseg.wasm"
    "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmBrowserGlue.cmake"
  COMMENT "Checking both links made the same leadseg.wasm; writing web/dist/leadseg.mjs (browsers)"
  VERBATIM)
add_custom_target(leadseg_wasm_browser_glue ALL
  DEPENDS "${LEADSEG_WASM_OUTPUT_DIR}/leadseg.mjs")

# ---------------------------------------------------------------------------
# The runtime module: what a visitor's page loads for createEngine({config:
# compiled bytes}) + decide() (docs/compiled-config.md, docs/performance.md).
# The same bindings compiled with LEADSEG_RUNTIME_MODULE: an Engine loaded
# from a compiled config and nothing else (no config compiler, Segmenter,
# evalCondition, jsonLogicApply or conformance runner), so the linker drops
# every function only those reach. Linked twice like the full module:
#   leadseg_runtime_wasm      node/UMD  -> web/dist/leadseg-runtime.{js,wasm}
#   leadseg_runtime_wasm_web  ES module -> web/dist/leadseg-runtime.mjs
# errors.post.js, and frame.post.js for Engine.prototype.trackObject (event
# properties as a frame); its Segmenter part is skipped when there is none.
add_library(leadseg_runtime_bindings OBJECT ${LEADSEG_BINDINGS_SOURCES})
target_compile_definitions(leadseg_runtime_bindings PRIVATE LEADSEG_RUNTIME_MODULE)
target_link_libraries(leadseg_runtime_bindings PRIVATE leadseg_core leadseg_warnings)

set(LEADSEG_RUNTIME_POST_JS "${CMAKE_CURRENT_SOURCE_DIR}/bindings/errors.post.js")
set(LEADSEG_RUNTIME_FRAME_POST_JS "${CMAKE_CURRENT_SOURCE_DIR}/bindings/frame.post.js")
set(LEADSEG_RUNTIME_LINK_OPTIONS
  -lembind
  -sMODULARIZE=1
  -sEXPORT_NAME=createLeadsegModule
  -sALLOW_MEMORY_GROWTH=1
  -sFILESYSTEM=0
  -sDYNAMIC_EXECUTION=0
  "SHELL:--post-js \"${LEADSEG_RUNTIME_POST_JS}\""
  "SHELL:--post-js \"${LEADSEG_RUNTIME_FRAME_POST_JS}\"")

add_executable(leadseg_runtime_wasm $<TARGET_OBJECTS:leadseg_runtime_bindings>)
target_link_libraries(leadseg_runtime_wasm PRIVATE leadseg_core)
set_target_properties(leadseg_runtime_wasm PROPERTIES
  OUTPUT_NAME leadseg-runtime
  SUFFIX ".js"
  RUNTIME_OUTPUT_DIRECTORY "${LEADSEG_WASM_OUTPUT_DIR}")
target_link_options(leadseg_runtime_wasm PRIVATE
  ${LEADSEG_RUNTIME_LINK_OPTIONS}
  -sENVIRONMENT=web,worker,node
  -sNODEJS_CATCH_EXIT=0
  -sNODEJS_CATCH_REJECTION=0)
set_property(TARGET leadseg_runtime_wasm APPEND PROPERTY LINK_DEPENDS ${LEADSEG_RUNTIME_POST_JS} ${LEADSEG_RUNTIME_FRAME_POST_JS})
add_custom_command(TARGET leadseg_runtime_wasm POST_BUILD
  COMMAND "${CMAKE_COMMAND}"
          "-DJS_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg-runtime.js"
          "-DPACKAGE_JSON=${LEADSEG_WASM_OUTPUT_DIR}/package.json"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmPostBuild.cmake"
  BYPRODUCTS "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-runtime.wasm"
  COMMENT "Checking web/dist/leadseg-runtime.js is CommonJS"
  VERBATIM)

add_executable(leadseg_runtime_wasm_web $<TARGET_OBJECTS:leadseg_runtime_bindings>)
target_link_libraries(leadseg_runtime_wasm_web PRIVATE leadseg_core)
set_target_properties(leadseg_runtime_wasm_web PROPERTIES
  OUTPUT_NAME leadseg-runtime
  SUFFIX ".mjs"
  RUNTIME_OUTPUT_DIRECTORY "${LEADSEG_WASM_WEB_DIR}")
target_link_options(leadseg_runtime_wasm_web PRIVATE
  ${LEADSEG_RUNTIME_LINK_OPTIONS}
  -sENVIRONMENT=web,worker
  -sEXPORT_ES6=1)
set_property(TARGET leadseg_runtime_wasm_web APPEND PROPERTY LINK_DEPENDS ${LEADSEG_RUNTIME_POST_JS} ${LEADSEG_RUNTIME_FRAME_POST_JS})
add_custom_command(TARGET leadseg_runtime_wasm_web POST_BUILD
  COMMAND "${CMAKE_COMMAND}" -E true
  BYPRODUCTS "${LEADSEG_WASM_WEB_DIR}/leadseg-runtime.wasm"
  VERBATIM)
add_custom_command(
  OUTPUT "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-runtime.mjs"
  COMMAND "${CMAKE_COMMAND}"
          "-DWEB_MJS=${LEADSEG_WASM_WEB_DIR}/leadseg-runtime.mjs"
          "-DWEB_WASM=${LEADSEG_WASM_WEB_DIR}/leadseg-runtime.wasm"
          "-DWASM_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg-runtime.wasm"
          "-DMJS_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg-runtime.mjs"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmBrowserGlue.cmake"
  DEPENDS
    leadseg_runtime_wasm leadseg_runtime_wasm_web
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-runtime.js"
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-runtime.wasm"
    "${LEADSEG_WASM_WEB_DIR}/leadseg-runtime.mjs"
    "${LEADSEG_WASM_WEB_DIR}/leadseg-runtime.wasm"
    "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmBrowserGlue.cmake"
  COMMENT "Checking both runtime links made the same wasm; writing web/dist/leadseg-runtime.mjs"
  VERBATIM)
add_custom_target(leadseg_runtime_browser_glue ALL
  DEPENDS "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-runtime.mjs")
