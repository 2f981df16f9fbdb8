# LEADSEG_SANITIZE: comma-separated -fsanitize= list for native builds,
# e.g. "address,undefined" (the native-asan preset). Applies to every target
# in the project so that the core, the tests and the CLI agree on the ABI.
set(LEADSEG_SANITIZE "" CACHE STRING
    "Sanitizers for native builds, e.g. address,undefined (empty = none)")

if(LEADSEG_SANITIZE)
  if(EMSCRIPTEN)
    message(FATAL_ERROR "LEADSEG_SANITIZE is for native builds only")
  endif()
  message(STATUS "leadseg: sanitizers enabled: ${LEADSEG_SANITIZE}")
  add_compile_options(
    -fsanitize=${LEADSEG_SANITIZE}
    -fno-omit-frame-pointer
    -fno-sanitize-recover=all)
  add_link_options(
    -fsanitize=${LEADSEG_SANITIZE}
    -fno-sanitize-recover=all)
endif()
