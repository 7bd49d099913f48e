# Results tooling (issue 5): compare.py (the regression gate), history.py,
# report.py and export_csv.py. Included by tests/CMakeLists.txt, which defines
# DEBIAN_PYTHON, E2E_DIR and the e2e_result fixture (real 3-repetition results
# of `contend run locks` and of the queue scenarios). The significance tests
# use the committed reference run (5 repetitions) scaled and resampled, so no
# slow 5-repetition run is made here.
foreach(_tool compare report)
  add_test(NAME results_${_tool}
           COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_${_tool}.py -v
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(results_${_tool} PROPERTIES TIMEOUT 180
    ENVIRONMENT "CONTEND_RESULT=${E2E_DIR}/result.json;CONTEND_QUEUE_RESULT=${E2E_DIR}/queues.json"
    FIXTURES_REQUIRED e2e_result)
endforeach()

# Synthetic series only: needs no fixture.
add_test(NAME results_history
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_history.py -v
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(results_history PROPERTIES TIMEOUT 180)

# The A/B mode end to end (a deliberately slowed control lock must be found;
# bad input is one line and keeps the rounds) and its paired statistics.
# RUN_SERIAL: with another test on the second of two CPUs, per-round ratios
# spread so far that 8 rounds could not find even a 35 % slowdown.
add_test(NAME results_ab
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_ab.py -v
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(results_ab PROPERTIES TIMEOUT 300 LABELS e2e RUN_SERIAL TRUE
  ENVIRONMENT "CONTEND_BIN=$<TARGET_FILE:contend>")

# The results store against SQLite and a throwaway PostgreSQL 15 cluster
# (tests/postgres_cluster.py, run as the postgres user under root), and
# compare.py / history.py reading it. The real result is the e2e fixture's.
add_test(NAME results_store
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_store.py -v
                 SQLiteStore PostgreSQLStore
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(results_store PROPERTIES TIMEOUT 600
  ENVIRONMENT "CONTEND_RESULT=${E2E_DIR}/result.json"
  FIXTURES_REQUIRED e2e_result)
# `contend run --store`: the release binary adds its result as it finishes.
add_test(NAME e2e_run_store
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_store.py -v RunStoresItsResult
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e_run_store PROPERTIES TIMEOUT 300 LABELS e2e
  ENVIRONMENT "CONTEND_BIN=$<TARGET_FILE:contend>")
