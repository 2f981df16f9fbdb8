# Run with cmake -P after linking web/dist/leadseg.js (the node / classic-script
# build, see cmake/LeadsegWasm.cmake).
#   -DJS_FILE=.../leadseg.js  -DPACKAGE_JSON=.../package.json
#
# leadseg.js is CommonJS (require()d by web/src/loader-node.js and
# tests/wasm/load.mjs) inside web/, a "type": "module" package, so dist/ gets
# its own package.json saying so. The browsers' leadseg.mjs is a separate link
# (cmake/LeadsegWasmBrowserGlue.cmake).
foreach(_var JS_FILE PACKAGE_JSON)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "LeadsegWasmPostBuild.cmake: ${_var} is not set")
  endif()
endforeach()

file(READ "${JS_FILE}" _js)
if(NOT _js MATCHES "var createLeadsegModule" OR NOT _js MATCHES "module\\.exports *= *createLeadsegModule")
  message(FATAL_ERROR "${JS_FILE} does not define and export createLeadsegModule as CommonJS")
endif()

file(WRITE "${PACKAGE_JSON}" "{\n  \"type\": \"commonjs\"\n}\n")
