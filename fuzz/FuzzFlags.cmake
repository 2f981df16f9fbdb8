# LEADSEG_FUZZ mode: instrument everything for libFuzzer + ASan + UBSan.
#
# Include this from the top-level CMakeLists.txt BEFORE leadseg_core is
# defined (add_compile_options only affects targets created afterwards):
#
#   option(LEADSEG_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)
#   if(LEADSEG_FUZZ)
#     include("${CMAKE_CURRENT_SOURCE_DIR}/fuzz/FuzzFlags.cmake")
#   endif()
#
# Every target of the project (leadseg_core, the CLI, the tests, the fuzzers)
# is then compiled with -fsanitize=fuzzer-no-link,address,undefined, i.e.
# with SanitizerCoverage instrumentation so that libFuzzer sees coverage
# inside the core, not only inside the fuzz targets. Only the fuzz targets
# link libFuzzer itself (-fsanitize=fuzzer, in fuzz/CMakeLists.txt).
# docs/reliability.md describes the whole set-up.
if(LEADSEG_FUZZ_FLAGS_APPLIED)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR
    "LEADSEG_FUZZ needs clang (libFuzzer); this build uses ${CMAKE_CXX_COMPILER_ID}. "
    "Configure with CC=clang CXX=clang++ (see scripts/fuzz.sh).")
endif()
if(EMSCRIPTEN)
  message(FATAL_ERROR "LEADSEG_FUZZ is for native builds only")
endif()
message(STATUS "leadseg: fuzzing build: -fsanitize=fuzzer-no-link,address,undefined on every target")
add_compile_options(
  -fsanitize=fuzzer-no-link,address,undefined
  -fno-sanitize-recover=all
  -fno-omit-frame-pointer
  -gline-tables-only)
# fuzzer-no-link at link time pulls in nothing; address,undefined bring the
# runtimes, which also define the SanitizerCoverage callbacks for the
# non-fuzzer executables (tests, CLI) of this build.
add_link_options(-fsanitize=fuzzer-no-link,address,undefined)
# Lets fuzz/CMakeLists.txt (a subdirectory, so it inherits this normal
# variable) check that leadseg_core is instrumented.
set(LEADSEG_FUZZ_FLAGS_APPLIED ON)
