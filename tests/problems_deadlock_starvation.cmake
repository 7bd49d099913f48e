# problems.deadlock and problems.starvation: the wait-for detector and the
# philosophers' table (gtest), the starvation scenario's validation (gtest),
# and the deadlock reported through the real binary (e2e).
contend_gtest(problems_deadlock_test)
target_link_libraries(problems_deadlock_test PRIVATE contend_problems)
contend_gtest(problems_starvation_test)
target_link_libraries(problems_starvation_test PRIVATE contend_problems)

add_test(NAME e2e_problems_deadlock
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_problems_deadlock.py -v
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e_problems_deadlock PROPERTIES TIMEOUT 180
  ENVIRONMENT "CONTEND_BIN=$<TARGET_FILE:contend>")
