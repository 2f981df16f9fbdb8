# The WebAssembly module: bindings/*.cc + leadseg_core, linked with Embind.
# Output (gitignored):
#   web/dist/leadseg.js    UMD/CommonJS factory `createLeadsegModule` (node, workers, <script>)
#   web/dist/leadseg.wasm
#   web/dist/leadseg.mjs   the same code as an ES module (browsers), default export
#   web/dist/package.json  {"type":"commonjs"} so node can require() leadseg.js
#                          inside the repo's "type":"module" package
set(LEADSEG_WASM_OUTPUT_DIR "${CMAKE_CURRENT_SOURCE_DIR}/web/dist" CACHE PATH
    "Where the wasm build writes leadseg.js / leadseg.wasm / leadseg.mjs")

file(GLOB LEADSEG_BINDINGS_SOURCES CONFIGURE_DEPENDS
     "${CMAKE_CURRENT_SOURCE_DIR}/bindings/*.cc")
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

add_executable(leadseg_wasm ${LEADSEG_BINDINGS_SOURCES})
target_link_libraries(leadseg_wasm PRIVATE leadseg_core leadseg_warnings)
set_target_properties(leadseg_wasm PROPERTIES
  OUTPUT_NAME leadseg
  SUFFIX ".js"
  RUNTIME_OUTPUT_DIRECTORY "${LEADSEG_WASM_OUTPUT_DIR}")

target_link_options(leadseg_wasm PRIVATE
  -lembind
  -sMODULARIZE=1
  -sEXPORT_NAME=createLeadsegModule
  -sALLOW_MEMORY_GROWTH=1
  -sENVIRONMENT=web,worker,node
  -sFILESYSTEM=0
  # No eval()/new Function() in the glue: the module runs under a strict CSP
  # (script-src 'self' 'wasm-unsafe-eval').
  -sDYNAMIC_EXECUTION=0
  # A library must not take over a node host's uncaughtException and
  # unhandledRejection handling (server-side segmentLeads).
  -sNODEJS_CATCH_EXIT=0
  -sNODEJS_CATCH_REJECTION=0)

foreach(_js IN LISTS LEADSEG_BINDINGS_POST_JS)
  target_link_options(leadseg_wasm PRIVATE "SHELL:--post-js \"${_js}\"")
endforeach()
set_property(TARGET leadseg_wasm APPEND PROPERTY LINK_DEPENDS ${LEADSEG_BINDINGS_POST_JS})

add_custom_command(TARGET leadseg_wasm POST_BUILD
  COMMAND "${CMAKE_COMMAND}"
          "-DJS_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg.js"
          "-DMJS_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg.mjs"
          "-DPACKAGE_JSON=${LEADSEG_WASM_OUTPUT_DIR}/package.json"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmPostBuild.cmake"
  BYPRODUCTS
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg.wasm"
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg.mjs"
    "${LEADSEG_WASM_OUTPUT_DIR}/package.json"
  COMMENT "Writing web/dist/leadseg.mjs (ES module for browsers)"
  VERBATIM)
