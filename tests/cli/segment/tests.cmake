# ctest cases for `leadseg segment` (included from CMakeLists.txt). Each runs
# the CLI through run.cmake, which checks its exit status, its standard
# error and, when given, its output file against an expected one.
set(_seg "${CMAKE_CURRENT_LIST_DIR}")
set(_seg_out "${CMAKE_BINARY_DIR}/cli-segment")
set(_seg_config "${CMAKE_CURRENT_SOURCE_DIR}/docs/examples/b2b-saas.json")
function(leadseg_segment_test name)
  cmake_parse_arguments(T "" "EXIT;STDERR;EXPECT;COMPARE_WITH" "ARGS" ${ARGN})
  add_test(NAME cli.segment.${name}
           COMMAND ${CMAKE_COMMAND} "-DLEADSEG=$<TARGET_FILE:leadseg>" "-DARGS=${T_ARGS}"
                   "-DEXIT=${T_EXIT}" "-DSTDERR=${T_STDERR}" "-DEXPECT=${T_EXPECT}"
                   "-DOUT=${_seg_out}/${name}.csv" "-DCOMPARE_WITH=${T_COMPARE_WITH}"
                   -P "${_seg}/run.cmake")
endfunction()

# --help names every option.
leadseg_segment_test(help ARGS --help EXIT 0 STDERR "")
# The worked example: output rows equal the expected file, summary on stderr.
leadseg_segment_test(example
  ARGS "${_seg}/leads.csv" --config "${_seg_config}" --now 2026-01-15T12:00:00Z --threads 2 -o @OUT@
  EXIT 0 STDERR "4 rows \\(0 failed\\).*company_large +1\n.*warning: columns named like what the config computes, left out \\(the computed values win\\): visits_30d"
  EXPECT "${_seg}/leads.expected.csv")
# Events joined on email, a column map.
leadseg_segment_test(events
  ARGS "${_seg}/leads-mapped.csv" --config "${_seg_config}" --now 2026-01-15T12:00:00Z
       --events "${_seg}/activity.csv" --columns "${_seg}/columns.json" --event-columns email,activity,timestamp -o @OUT@
  EXIT 0 STDERR "events: 5 read, 4 replayed, 0 after now, 1 of unknown leads \\(dan@nowhere.example\\)"
  EXPECT "${_seg}/leads-mapped.expected.csv")
# A compiled config gives the same output as its JSON.
leadseg_segment_test(compiled
  ARGS "${_seg}/leads.csv" --config @LSC@ --now 2026-01-15T12:00:00Z -o @OUT@
  EXIT 0 STDERR "4 rows" EXPECT "${_seg}/leads.expected.csv" COMPARE_WITH "${_seg_config}")
# One thread and many give the same bytes on a file of many chunks
# (generated: 20,000 rows), and the right counts: regex conditions keep
# scratch memory, so threads sharing one compiled config once miscounted.
leadseg_segment_test(threads-agree
  ARGS @BIG@ --config "${_seg}/regex-config.json" --now 2026-01-15T12:00:00Z --threads 5 -o @OUT@
  EXIT 0 STDERR "20,000 rows \\(0 failed\\).*pricing +5,700\n +content +5,800\n +cto +3,300\n +large +11,900\n"
  COMPARE_WITH "--threads=1")
# A malformed file: exit 1, the problem named, no output file left behind.
leadseg_segment_test(unclosed-quote
  ARGS "${_seg}/unclosed.csv" --config "${_seg_config}" --now 2026-01-15T12:00:00Z -o @OUT@
  EXIT 1 STDERR "CSV: the quoted field that starts on line 3 is never closed" EXPECT "none")
leadseg_segment_test(no-columns-read
  ARGS "${_seg}/activity.csv" --config "${_seg_config}" --now 2026-01-15T12:00:00Z -o @OUT@
  EXIT 1 STDERR "the file has none of the columns the config reads" EXPECT "none")
leadseg_segment_test(usage
  ARGS "${_seg}/leads.csv" --now 2026-01-15T12:00:00Z
  EXIT 2 STDERR "--config is required")
leadseg_segment_test(bad-now
  ARGS "${_seg}/leads.csv" --config "${_seg_config}" --now 1700000000
  EXIT 2 STDERR "--now: 1700000000 is in 1970: seconds passed as milliseconds")
