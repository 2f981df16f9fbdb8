# leadseg_warnings: an INTERFACE target carrying the warning flags for code
# that belongs to this project (never applied to third-party headers, which
# come in as SYSTEM includes).
option(LEADSEG_WERROR "Treat warnings as errors in leadseg's own code" OFF)

add_library(leadseg_warnings INTERFACE)
target_compile_options(leadseg_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(LEADSEG_WERROR)
  target_compile_options(leadseg_warnings INTERFACE -Werror)
endif()
