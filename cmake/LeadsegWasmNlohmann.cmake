# Emscripten's sysroot hides the host's /usr/include (on purpose: host headers
# are not wasm headers). nlohmann_json is header-only and portable, so expose
# just that one directory through a build-dir folder holding a symlink:
#   <build>/wasm-include/nlohmann -> /usr/include/nlohmann
set(LEADSEG_NLOHMANN_INCLUDE_DIR "/usr/include" CACHE PATH
    "Host directory holding nlohmann/json.hpp (exposed to the wasm build only)")

if(NOT EXISTS "${LEADSEG_NLOHMANN_INCLUDE_DIR}/nlohmann/json.hpp")
  message(FATAL_ERROR
    "nlohmann/json.hpp not found under ${LEADSEG_NLOHMANN_INCLUDE_DIR}. "
    "Install nlohmann-json3-dev (scripts/setup.sh does) or set "
    "-DLEADSEG_NLOHMANN_INCLUDE_DIR=<dir>.")
endif()

set(_leadseg_wasm_include "${CMAKE_BINARY_DIR}/wasm-include")
file(MAKE_DIRECTORY "${_leadseg_wasm_include}")
file(CREATE_LINK "${LEADSEG_NLOHMANN_INCLUDE_DIR}/nlohmann"
     "${_leadseg_wasm_include}/nlohmann" SYMBOLIC)

add_library(leadseg_json INTERFACE)
target_include_directories(leadseg_json SYSTEM INTERFACE "${_leadseg_wasm_include}")
