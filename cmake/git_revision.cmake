# Run at every build (target contend_git_revision), not at configure time:
# writes the source tree's git revision, and whether tracked files differ
# from it, into OUT, touching OUT only when they changed. So the revision a
# result records is the one of the binary that ran, and an unchanged
# revision rebuilds nothing.
#   cmake -DSOURCE_DIR=... -DOUT=.../git_revision.cpp -P git_revision.cmake
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET
                RESULT_VARIABLE failed)
set(dirty -1)  # unknown: not a git checkout
if(NOT failed AND revision)
  execute_process(COMMAND git diff --quiet HEAD -- WORKING_DIRECTORY ${SOURCE_DIR}
                  RESULT_VARIABLE differs ERROR_QUIET)
  if(differs EQUAL 0)
    set(dirty 0)
  elseif(differs EQUAL 1)
    set(dirty 1)
  endif()
else()
  set(revision "")
endif()
set(text "// Generated at build time by cmake/git_revision.cmake.
#include \"harness/environment.hpp\"

namespace contend {
const char* BuildInfo::git_revision() { return \"${revision}\"; }
int BuildInfo::git_tree_dirty() { return ${dirty}; }
}  // namespace contend
")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
