# leadseg_add_wasm_module(): one Embind module, linked twice.
#
#   leadseg_add_wasm_module(<file name>            e.g. leadseg-runtime
#     TARGET  <prefix>                            e.g. leadseg_runtime
#     OBJECTS <object library>                    the module's compiled bindings
#     CORE    <static library>                    leadseg_core (or a copy built for speed)
#     [POST_JS <file>...]                         --post-js files, in order
#     [OPTIONS <link option>...]                  what only this module needs (-O2, -msimd128)
#     [EMBIND_TYPES <object library>]             its own Embind type registrations, numbers only
#     [WRITES_PACKAGE_JSON])                      declare web/dist/package.json as a byproduct
#
# EMBIND_TYPES: the module's bound functions take and return numbers only.
# It links neither libembind (-lembind: its bind.cpp registers every type
# Embind knows, and keeps each one's JavaScript in the glue) nor Embind's
# JavaScript library: the object library registers only the types the
# bindings use (bindings/runtime_embind_types.cc) and
# bindings/embind_numbers.js answers those registrations and the
# functions' (a function bound with anything else fails the link).
#
# Every module is linked twice from the same objects with the same
# wasm-affecting flags:
#   <prefix>_wasm      -sENVIRONMENT=web,worker,node, UMD/CommonJS -> web/dist/<file name>.{js,wasm}
#   <prefix>_wasm_web  -sENVIRONMENT=web,worker -sEXPORT_ES6=1     -> build/wasm/wasm-web/<file name>.{mjs,wasm}
# ENVIRONMENT and EXPORT_ES6 only change the JS, so both links produce the
# same wasm. cmake/LeadsegWasmBrowserGlue.cmake checks that they do (the build
# fails otherwise), checks the browser glue has no node code, and installs it
# as web/dist/<file name>.mjs, which loads web/dist/<file name>.wasm: one wasm
# for both. (-sEXPORT_ES6 cannot serve node in this Emscripten version: its
# node branch uses __dirname, which ES modules do not have.)
# <prefix>_browser_glue is the target that runs that check (built by ALL).
function(leadseg_add_wasm_module name)
  cmake_parse_arguments(PARSE_ARGV 1 M "WRITES_PACKAGE_JSON" "TARGET;OBJECTS;CORE;EMBIND_TYPES" "POST_JS;OPTIONS")
  foreach(_required TARGET OBJECTS CORE)
    if(NOT M_${_required})
      message(FATAL_ERROR "leadseg_add_wasm_module(${name}): ${_required} is required")
    endif()
  endforeach()

  # Everything that shapes the wasm (and the Embind glue) goes here, never
  # into one link only.
  if(M_EMBIND_TYPES)
    # Embind's C++ side with bindings/embind_numbers.js for its JavaScript
    # (not embind.js: ~9.5 KB of the page's glue, and the start-up's
    # registrations, docs/performance.md "The page's JavaScript at
    # start-up"). malloc and free stay exported as -lembind exports them,
    # so that the wasm is the one Embind's library linked.
    set(_embind_js "${PROJECT_SOURCE_DIR}/bindings/embind_numbers.js")
    set(_embind
      "SHELL:--js-library \"${_embind_js}\""
      "-sEXPORTED_FUNCTIONS=[_malloc,_free]")
    set(_objects $<TARGET_OBJECTS:${M_OBJECTS}> $<TARGET_OBJECTS:${M_EMBIND_TYPES}>)
  else()
    set(_embind -lembind)
    set(_objects $<TARGET_OBJECTS:${M_OBJECTS}>)
  endif()
  set(_options
    ${_embind}
    -sMODULARIZE=1
    -sEXPORT_NAME=createLeadsegModule
    -sALLOW_MEMORY_GROWTH=1
    -sFILESYSTEM=0
    # No eval()/new Function() in the glue: the modules run under a strict
    # CSP (script-src 'self' 'wasm-unsafe-eval').
    -sDYNAMIC_EXECUTION=0
    ${M_OPTIONS})
  # leadseg_core (and the runtime's copy) is bitcode (-flto, CMakeLists.txt):
  # link-time optimisation.
  if(M_CORE STREQUAL "leadseg_core" OR M_CORE STREQUAL "leadseg_core_runtime")
    list(APPEND _options -flto)
  endif()
  foreach(_js IN LISTS M_POST_JS)
    list(APPEND _options "SHELL:--post-js \"${_js}\"")
  endforeach()

  set(_dist "${LEADSEG_WASM_OUTPUT_DIR}")
  set(_web "${LEADSEG_WASM_WEB_DIR}")

  # node (and classic scripts): web/dist/<name>.js + <name>.wasm
  add_executable(${M_TARGET}_wasm ${_objects})
  target_link_libraries(${M_TARGET}_wasm PRIVATE ${M_CORE})
  set_target_properties(${M_TARGET}_wasm PROPERTIES
    OUTPUT_NAME ${name}
    SUFFIX ".js"
    RUNTIME_OUTPUT_DIRECTORY "${_dist}")
  target_link_options(${M_TARGET}_wasm PRIVATE
    ${_options}
    -sENVIRONMENT=web,worker,node
    # A library must not take over a node host's uncaughtException and
    # unhandledRejection handling (server-side segmentLeads).
    -sNODEJS_CATCH_EXIT=0
    -sNODEJS_CATCH_REJECTION=0)
  set(_byproducts "${_dist}/${name}.wasm")
  if(M_WRITES_PACKAGE_JSON)
    list(APPEND _byproducts "${_dist}/package.json")
  endif()
  add_custom_command(TARGET ${M_TARGET}_wasm POST_BUILD
    COMMAND "${CMAKE_COMMAND}"
            "-DJS_FILE=${_dist}/${name}.js"
            "-DPACKAGE_JSON=${_dist}/package.json"
            -P "${PROJECT_SOURCE_DIR}/cmake/LeadsegWasmPostBuild.cmake"
    BYPRODUCTS ${_byproducts}
    COMMENT "Checking web/dist/${name}.js is CommonJS"
    VERBATIM)

  # Browsers and workers: an ES module with no node code, kept in the build
  # tree until LeadsegWasmBrowserGlue.cmake has compared its wasm with web/dist's.
  add_executable(${M_TARGET}_wasm_web ${_objects})
  target_link_libraries(${M_TARGET}_wasm_web PRIVATE ${M_CORE})
  set_target_properties(${M_TARGET}_wasm_web PROPERTIES
    OUTPUT_NAME ${name}
    SUFFIX ".mjs"
    RUNTIME_OUTPUT_DIRECTORY "${_web}")
  target_link_options(${M_TARGET}_wasm_web PRIVATE
    ${_options}
    -sENVIRONMENT=web,worker
    -sEXPORT_ES6=1)
  # Declares the wasm the link writes beside the .mjs, so that the step below
  # can depend on it.
  add_custom_command(TARGET ${M_TARGET}_wasm_web POST_BUILD
    COMMAND "${CMAKE_COMMAND}" -E true
    BYPRODUCTS "${_web}/${name}.wasm"
    VERBATIM)

  if(M_POST_JS)
    # Editing a --post-js file relinks.
    set_property(TARGET ${M_TARGET}_wasm ${M_TARGET}_wasm_web APPEND PROPERTY LINK_DEPENDS ${M_POST_JS})
  endif()
  if(M_EMBIND_TYPES)
    set_property(TARGET ${M_TARGET}_wasm ${M_TARGET}_wasm_web APPEND PROPERTY LINK_DEPENDS "${_embind_js}")
  endif()

  # Reruns whenever either link rewrote its JS or its wasm.
  add_custom_command(
    OUTPUT "${_dist}/${name}.mjs"
    COMMAND "${CMAKE_COMMAND}"
            "-DWEB_MJS=${_web}/${name}.mjs"
            "-DWEB_WASM=${_web}/${name}.wasm"
            "-DWASM_FILE=${_dist}/${name}.wasm"
            "-DMJS_FILE=${_dist}/${name}.mjs"
            -P "${PROJECT_SOURCE_DIR}/cmake/LeadsegWasmBrowserGlue.cmake"
    DEPENDS
      ${M_TARGET}_wasm ${M_TARGET}_wasm_web
      "${_dist}/${name}.js"
      "${_dist}/${name}.wasm"
      "${_web}/${name}.mjs"
      "${_web}/${name}.wasm"
      "${PROJECT_SOURCE_DIR}/cmake/LeadsegWasmBrowserGlue.cmake"
    COMMENT "Checking both ${name} links made the same wasm; writing web/dist/${name}.mjs"
    VERBATIM)
  add_custom_target(${M_TARGET}_browser_glue ALL
    DEPENDS "${_dist}/${name}.mjs")
endfunction()
