# ctest cases: each public header (include/leadseg/*.h) compiles on its own
# with only include/ and nlohmann's headers on the include path, so none of
# them includes an internal src/ header, directly or through another one
# (included from CMakeLists.txt; issue 14 item 6). A header that does fails
# its case with the compiler's "file not found".
file(GLOB _leadseg_public_headers CONFIGURE_DEPENDS
     "${CMAKE_CURRENT_SOURCE_DIR}/include/leadseg/*.h")
get_target_property(_leadseg_nlohmann_dirs nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
set(_leadseg_header_flags -std=c++17 -fsyntax-only -Wall -Wextra -Werror
    "-I${CMAKE_CURRENT_SOURCE_DIR}/include")
foreach(_dir IN LISTS _leadseg_nlohmann_dirs)
  list(APPEND _leadseg_header_flags "-I${_dir}")
endforeach()
foreach(_header IN LISTS _leadseg_public_headers)
  get_filename_component(_name "${_header}" NAME)
  # One translation unit per header, including it alone (twice: the second
  # must be a no-op).
  set(_tu "${CMAKE_BINARY_DIR}/public-headers/${_name}.cc")
  file(CONFIGURE OUTPUT "${_tu}"
       CONTENT "#include \"leadseg/${_name}\"\n#include \"leadseg/${_name}\"\n")
  add_test(NAME public_header.${_name}
           COMMAND ${CMAKE_CXX_COMPILER} ${_leadseg_header_flags} "${_tu}")
endforeach()
