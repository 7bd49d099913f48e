# contend across a fleet (issue 22): scripts/fleet.py against a real
# single-node Slurm cluster (tests/slurm_cluster.py: slurm-wlm and munge from
# Debian, run as root), and its pieces that need no scheduler. RUN_SERIAL:
# the tasks run contend, and the cluster's node is this machine.
add_test(NAME results_fleet
         COMMAND ${DEBIAN_PYTHON} ${CMAKE_SOURCE_DIR}/tests/test_fleet.py -v
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(results_fleet PROPERTIES TIMEOUT 600 RUN_SERIAL TRUE
  ENVIRONMENT "CONTEND_BIN=$<TARGET_FILE:contend>;CONTEND_RESULT=${E2E_DIR}/result.json"
  FIXTURES_REQUIRED e2e_result)
