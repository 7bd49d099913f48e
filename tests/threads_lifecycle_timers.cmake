# threads.lifecycle and threads.timers: every method's invariants through its
# registered runner (gtest: items run once, no thread outlives a repetition,
# timers never early, cancels win), and the CLI end to end (bad parameters,
# a small real run, its schema and its figures).
contend_gtest(threads_lifecycle_test)
target_link_libraries(threads_lifecycle_test PRIVATE contend_threads)
contend_gtest(threads_timers_test)
target_link_libraries(threads_timers_test PRIVATE contend_threads)

add_test(NAME e2e_threads_lifecycle_timers
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_threads_lifecycle_timers.py -v
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e_threads_lifecycle_timers PROPERTIES TIMEOUT 180
  ENVIRONMENT "CONTEND_BIN=$<TARGET_FILE:contend>")
