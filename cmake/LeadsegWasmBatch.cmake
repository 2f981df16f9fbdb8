# The batch module: segmentLeads' and the lead-list page's CSV path
# (bindings/batch.cc + src/batch/, docs/performance.md "Issue 15").
#   leadseg_batch_wasm      node/UMD  -> web/dist/leadseg-batch.{js,wasm}
#   leadseg_batch_wasm_web  ES module -> web/dist/leadseg-batch.mjs (browsers, workers)
# Only segmentLeads and the lead-list page load it, so it is built for speed
# (-O3, over the core compiled again at -O3 as leadseg_core_fast) rather
# than for bytes, like the page's modules (-Oz). LEADSEG_WASM_SIMD adds
# -msimd128 (Emscripten 3.1.6, node 20 and Chromium accept it).
option(LEADSEG_WASM_SIMD "Build the batch module with -msimd128" ON)
set(LEADSEG_BATCH_OPT -O3)
if(LEADSEG_WASM_SIMD)
  list(APPEND LEADSEG_BATCH_OPT -msimd128)
endif()

add_library(leadseg_core_fast STATIC ${LEADSEG_CORE_SOURCES})
target_include_directories(leadseg_core_fast PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/src")
target_link_libraries(leadseg_core_fast PUBLIC leadseg_json PRIVATE leadseg_warnings)
target_compile_definitions(leadseg_core_fast PUBLIC LEADSEG_VERSION_STRING="${PROJECT_VERSION}")
target_compile_options(leadseg_core_fast PRIVATE ${LEADSEG_BATCH_OPT})

add_library(leadseg_batch_bindings OBJECT "${CMAKE_CURRENT_SOURCE_DIR}/bindings/batch.cc")
target_link_libraries(leadseg_batch_bindings PRIVATE leadseg_core_fast leadseg_warnings)
target_compile_options(leadseg_batch_bindings PRIVATE ${LEADSEG_BATCH_OPT})

set(LEADSEG_BATCH_LINK_OPTIONS
  -lembind
  -sMODULARIZE=1
  -sEXPORT_NAME=createLeadsegModule
  -sALLOW_MEMORY_GROWTH=1
  -sFILESYSTEM=0
  -sDYNAMIC_EXECUTION=0
  ${LEADSEG_BATCH_OPT})

add_executable(leadseg_batch_wasm $<TARGET_OBJECTS:leadseg_batch_bindings>)
target_link_libraries(leadseg_batch_wasm PRIVATE leadseg_core_fast)
set_target_properties(leadseg_batch_wasm PROPERTIES
  OUTPUT_NAME leadseg-batch
  SUFFIX ".js"
  RUNTIME_OUTPUT_DIRECTORY "${LEADSEG_WASM_OUTPUT_DIR}")
target_link_options(leadseg_batch_wasm PRIVATE
  ${LEADSEG_BATCH_LINK_OPTIONS}
  -sENVIRONMENT=web,worker,node
  -sNODEJS_CATCH_EXIT=0
  -sNODEJS_CATCH_REJECTION=0)
add_custom_command(TARGET leadseg_batch_wasm POST_BUILD
  COMMAND "${CMAKE_COMMAND}"
          "-DJS_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg-batch.js"
          "-DPACKAGE_JSON=${LEADSEG_WASM_OUTPUT_DIR}/package.json"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmPostBuild.cmake"
  BYPRODUCTS "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-batch.wasm"
  COMMENT "Checking web/dist/leadseg-batch.js is CommonJS"
  VERBATIM)

add_executable(leadseg_batch_wasm_web $<TARGET_OBJECTS:leadseg_batch_bindings>)
target_link_libraries(leadseg_batch_wasm_web PRIVATE leadseg_core_fast)
set_target_properties(leadseg_batch_wasm_web PROPERTIES
  OUTPUT_NAME leadseg-batch
  SUFFIX ".mjs"
  RUNTIME_OUTPUT_DIRECTORY "${LEADSEG_WASM_WEB_DIR}")
target_link_options(leadseg_batch_wasm_web PRIVATE
  ${LEADSEG_BATCH_LINK_OPTIONS}
  -sENVIRONMENT=web,worker
  -sEXPORT_ES6=1)
add_custom_command(TARGET leadseg_batch_wasm_web POST_BUILD
  COMMAND "${CMAKE_COMMAND}" -E true
  BYPRODUCTS "${LEADSEG_WASM_WEB_DIR}/leadseg-batch.wasm"
  VERBATIM)
add_custom_command(
  OUTPUT "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-batch.mjs"
  COMMAND "${CMAKE_COMMAND}"
          "-DWEB_MJS=${LEADSEG_WASM_WEB_DIR}/leadseg-batch.mjs"
          "-DWEB_WASM=${LEADSEG_WASM_WEB_DIR}/leadseg-batch.wasm"
          "-DWASM_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg-batch.wasm"
          "-DMJS_FILE=${LEADSEG_WASM_OUTPUT_DIR}/leadseg-batch.mjs"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmBrowserGlue.cmake"
  DEPENDS
    leadseg_batch_wasm leadseg_batch_wasm_web
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-batch.js"
    "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-batch.wasm"
    "${LEADSEG_WASM_WEB_DIR}/leadseg-batch.mjs"
    "${LEADSEG_WASM_WEB_DIR}/leadseg-batch.wasm"
    "${CMAKE_CURRENT_SOURCE_DIR}/cmake/LeadsegWasmBrowserGlue.cmake"
  COMMENT "Checking both batch links made the same wasm; writing web/dist/leadseg-batch.mjs"
  VERBATIM)
add_custom_target(leadseg_batch_browser_glue ALL
  DEPENDS "${LEADSEG_WASM_OUTPUT_DIR}/leadseg-batch.mjs")
