# The store's trend page (scripts/dashboard.py), drawn in headless Chromium.
# Included by tests/CMakeLists.txt (DEBIAN_PYTHON). Needs no contend binary:
# the store is made from variants of the committed reference run (SQLite, and
# once in a throwaway PostgreSQL 15 cluster, which must draw the same page;
# Chromium and PostgreSQL come with setup.sh --with-test-tools). uPlot comes
# from this build's web/ (scripts/fetch-web-deps.sh, run by setup.sh); the
# screenshot and the page are kept in test-artefacts/.
add_test(NAME results_dashboard
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_dashboard.py -v
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(results_dashboard PROPERTIES TIMEOUT 180
  ENVIRONMENT "CONTEND_WEB_DIR=${CMAKE_BINARY_DIR}/web;CONTEND_ARTEFACT_DIR=${CMAKE_BINARY_DIR}/test-artefacts")
