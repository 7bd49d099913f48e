# threads.tls and threads.pool: unit and stress tests, and the CLI end to end.
contend_gtest(threads_tls_test)
target_link_libraries(threads_tls_test PRIVATE contend_threads)
contend_gtest(threads_pool_test)
target_link_libraries(threads_pool_test PRIVATE contend_threads)

add_test(NAME e2e_threads_tls_pool
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_threads_tls_pool.py -v
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e_threads_tls_pool PROPERTIES TIMEOUT 180
  ENVIRONMENT "CONTEND_BIN=$<TARGET_FILE:contend>")
