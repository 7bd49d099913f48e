# contend_add_executable(NAME SOURCE...): an executable that is contend —
# list, run, stress, micro, env — with the primitives its sources register
# (CONTEND_LOCK, suites/locks/user_lock.hpp) added to the built-in ones.
# Given by find_package(contend).
function(contend_add_executable name)
  if(NOT ARGN)
    message(FATAL_ERROR "contend_add_executable(${name}): no source files")
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE contend::contend)
  target_compile_features(${name} PRIVATE cxx_std_20)
  # Figures from an unoptimised build mean nothing; say so where it happens.
  if(CMAKE_BUILD_TYPE STREQUAL "Debug" OR (NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES))
    message(WARNING "contend_add_executable(${name}): CMAKE_BUILD_TYPE is "
                    "'${CMAKE_BUILD_TYPE}'; measure with Release")
  endif()
endfunction()
