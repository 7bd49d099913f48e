# problems.granularity and problems.gil: the tables and the GIL model under
# stress, the registered cases on short windows, and the CLI end to end.
contend_gtest(problems_granularity_test)
target_link_libraries(problems_granularity_test PRIVATE contend_problems)
contend_gtest(problems_gil_test)
target_link_libraries(problems_gil_test PRIVATE contend_problems)

add_test(NAME e2e_problems_granularity_gil
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_problems_granularity_gil.py -v
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e_problems_granularity_gil PROPERTIES TIMEOUT 180
  ENVIRONMENT "CONTEND_BIN=$<TARGET_FILE:contend>")
