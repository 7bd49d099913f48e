# `cmake --install build --prefix P`: the contend binary, the script entry
# points (contend-plot, ...), the headers a user's primitive needs, the
# static libraries and a CMake package (find_package(contend)); CPack turns
# the same tree into a .deb. Included from the top-level CMakeLists.txt.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CONTEND_INCLUDE_DIR ${CMAKE_INSTALL_INCLUDEDIR}/contend)
set(CONTEND_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/contend)
set(CONTEND_SCRIPTS_DIR ${CMAKE_INSTALL_DATADIR}/contend/scripts)

install(TARGETS contend RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The libraries, under the names a user sees: contend::contend is the tool
# (contend_main and everything it links), contend::harness the engine.
set_target_properties(contend_main PROPERTIES EXPORT_NAME contend)
foreach(_lib harness locks queues threads problems micro lock_peers queue_peers)
  set_target_properties(contend_${_lib} PROPERTIES EXPORT_NAME ${_lib})
endforeach()
install(TARGETS contend_main contend_harness contend_locks contend_queues contend_threads
                contend_problems contend_micro contend_lock_peers contend_queue_peers
        EXPORT contendTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT contendTargets NAMESPACE contend:: DESTINATION ${CONTEND_CMAKE_DIR})

# Headers keep their paths ("harness/...", "suites/..."), under include/contend.
install(DIRECTORY harness suites DESTINATION ${CONTEND_INCLUDE_DIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${CMAKE_BINARY_DIR}/generated/harness/build_info.hpp
        DESTINATION ${CONTEND_INCLUDE_DIR}/harness)

configure_package_config_file(cmake/contendConfig.cmake.in
  ${CMAKE_BINARY_DIR}/contendConfig.cmake
  INSTALL_DESTINATION ${CONTEND_CMAKE_DIR}
  PATH_VARS CONTEND_SCRIPTS_DIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/contendConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/contendConfig.cmake ${CMAKE_BINARY_DIR}/contendConfigVersion.cmake
              cmake/contend_add_executable.cmake
        DESTINATION ${CONTEND_CMAKE_DIR})

# The scripts and the schemas they check against (scripts/../results), and
# one entry point per user-facing script.
install(DIRECTORY scripts/ DESTINATION ${CONTEND_SCRIPTS_DIR} USE_SOURCE_PERMISSIONS
        FILES_MATCHING PATTERN "*.py" PATTERN "dashboard_page.js" PATTERN "dashboard_page.css"
                       PATTERN "package*.json" PATTERN "__pycache__" EXCLUDE)
# uPlot for dashboard.py's page (scripts/fetch-web-deps.sh put it in the build
# folder), with its licence; the page finds it in share/contend/web.
install(DIRECTORY ${CMAKE_BINARY_DIR}/web/node_modules/uplot/dist/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/contend/web OPTIONAL
        FILES_MATCHING PATTERN "uPlot.iife.min.js" PATTERN "uPlot.min.css")
install(FILES ${CMAKE_BINARY_DIR}/web/node_modules/uplot/LICENSE
        DESTINATION ${CMAKE_INSTALL_DATADIR}/contend/web OPTIONAL)
install(FILES results/contend-result.schema.json results/contend-stress.schema.json
              results/FORMAT.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/contend/results)
foreach(_entry plot:plot.py compare:compare.py history:history.py report:report.py
               export:export_csv.py validate:validate_result.py store:store.py
               dashboard:dashboard.py ab:ab.py fleet:fleet.py)
  string(REPLACE ":" ";" _pair ${_entry})
  list(GET _pair 0 _name)
  list(GET _pair 1 CONTEND_SCRIPT)
  configure_file(cmake/script_entry.sh.in ${CMAKE_BINARY_DIR}/entry/contend-${_name} @ONLY)
  install(PROGRAMS ${CMAKE_BINARY_DIR}/entry/contend-${_name}
          DESTINATION ${CMAKE_INSTALL_BINDIR})
endforeach()

# CPack: `cpack -G DEB` in the build directory packages the same tree. The
# package depends on the -dev packages the static libraries and headers
# need, so that a user's contend_add_executable() links.
set(CPACK_PACKAGE_NAME contend)
set(CPACK_PACKAGE_VENDOR "contend")
set(CPACK_PACKAGE_CONTACT "contend maintainers <contend@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "micro-benchmark and stress-test suite for locks, queues and threads")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "python3, python3-matplotlib, python3-scipy, python3-jsonschema, python3-fastjsonschema, python3-psycopg, libboost-program-options-dev, nlohmann-json3-dev, libbenchmark-dev, libtbb-dev, libabsl-dev, libhwloc-dev, pkg-config, libconcurrentqueue-dev, libreaderwriterqueue-dev, libatomic-queue-dev, libxenium-dev, libboost-dev, elfutils")
include(CPack)
