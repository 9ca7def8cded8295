# Fails when a Catch2 test case name contains characters that
# catch_discover_tests cannot pass through CMake lists ([ ] ;).
execute_process(COMMAND ${TEST_BINARY} --list-test-names-only OUTPUT_VARIABLE names)
if(names STREQUAL "")
  message(FATAL_ERROR "the test binary listed no test names")
endif()
if(names MATCHES "[][;]")
  message(FATAL_ERROR "a test name has '[', ']' or ';' (breaks ctest discovery):\n${names}")
endif()
