# The batch module: segmentLeads' and the lead-list page's CSV path
# (bindings/batch.cc + src/batch/, docs/performance.md "Issue 15").
#   leadseg_batch_wasm      node/UMD  -> web/dist/leadseg-batch.{js,wasm}
#   leadseg_batch_wasm_web  ES module -> web/dist/leadseg-batch.mjs (browsers, workers)
# Only segmentLeads and the lead-list page load it, so it is built for speed
# (-O3, over the core compiled again at -O3 as leadseg_core_fast) rather
# than for bytes, like the page's modules (-Oz). LEADSEG_WASM_SIMD adds
# -msimd128 (Emscripten 3.1.6, node 20 and Chromium accept it).
# -finline-functions: the preset's -Oz is on the command line too, and for
# it em++ adds -fno-inline-functions, which clang honours whatever -O
# follows: without this the "-O3" module was built with next to no inlining
# (docs/performance.md "The batch module with inlining").
# -flto: leadseg_core_fast as bitcode, optimised at -O3 with the bindings at
# link time (as the page modules' leadseg_core is at -Oz): calls across the
# core's files inline (AttributeSet::Set into the record reader, the
# program's helpers), 1.3x the indexed-record evaluation in node
# (docs/performance.md "Issue 15: the batch module with LTO").
# -mnontrapping-fptoint: a double to integer (the segment program's integer
# regions) is one i32.trunc_sat rather than a range check
# around a trapping i32.trunc; -mbulk-memory: a memset or memcpy of a size
# not known at compile time is memory.fill / memory.copy rather than a call
# to libc's loop. Both are older than SIMD in every engine that runs the
# module (Chromium 75, node 12.5). Together 5% of the indexed-record
# evaluation in node (docs/performance.md, s38 `eval`).
option(LEADSEG_WASM_SIMD "Build the batch module with -msimd128" ON)
set(LEADSEG_BATCH_OPT -O3 -finline-functions -flto -mnontrapping-fptoint -mbulk-memory)
if(LEADSEG_WASM_SIMD)
  list(APPEND LEADSEG_BATCH_OPT -msimd128)
endif()

# wasm-opt's -O3 inlines any function that has a single caller, whatever its
# size, undoing clang's choice to keep it out of line: the CSV record
# reader's function then carried the header's and the general row path's
# code too (16 KB of wasm), which V8's optimizing tier compiles during a
# page's first 1M-row run (0.4-0.8 s of CPU; docs/performance.md, s35).
# Single-caller functions larger than this (in wasm-opt's expression
# count) stay calls; small ones still inline.
set(LEADSEG_BATCH_LINK_OPT -sBINARYEN_EXTRA_PASSES=--one-caller-inline-max-function-size=100)

add_library(leadseg_core_fast STATIC ${LEADSEG_CORE_SOURCES})
target_include_directories(leadseg_core_fast PUBLIC ${LEADSEG_CORE_INCLUDE_DIRS})
target_link_libraries(leadseg_core_fast PUBLIC leadseg_json PRIVATE leadseg_warnings)
target_compile_definitions(leadseg_core_fast PUBLIC LEADSEG_VERSION_STRING="${PROJECT_VERSION}")
target_compile_options(leadseg_core_fast PRIVATE ${LEADSEG_BATCH_OPT})

add_library(leadseg_batch_bindings OBJECT "${CMAKE_CURRENT_SOURCE_DIR}/bindings/batch.cc")
target_link_libraries(leadseg_batch_bindings PRIVATE leadseg_core_fast leadseg_warnings)
target_compile_options(leadseg_batch_bindings PRIVATE ${LEADSEG_BATCH_OPT})

# frame.post.js's FrameWriter, whose flatObject writes a flat lead in one
# pass: lead objects cross as value frames (web/src/lead-records.js).
leadseg_add_wasm_module(leadseg-batch
  TARGET leadseg_batch
  OBJECTS leadseg_batch_bindings
  CORE leadseg_core_fast
  POST_JS
    "${CMAKE_CURRENT_SOURCE_DIR}/bindings/frame.post.js"
  OPTIONS ${LEADSEG_BATCH_OPT} ${LEADSEG_BATCH_LINK_OPT})
