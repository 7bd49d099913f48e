#!/usr/bin/env bash
# The sanitizer legs (README, "Sanitizers"): for address (ASan+UBSan) and
# thread (TSan), a checking build in build-<sanitizer>/, its unit tests, and
# a short `contend stress` of every default target beside the control that
# the `sanitizer` detector must catch (tests/sanitizer_stress_test.py).
#   scripts/sanitize.sh [address|thread ...]      (default: both)
#   CONTEND_SANITIZER_STRESS   the stress run's budget (default 30s)
# The builds compile the queue scenarios for 32-byte messages only (every
# size runs the same code; the four sizes were most of the build time), with
# line tables only (-g1, CMakeLists.txt). CI runs both legs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- address thread
for sanitizer in "$@"; do
  case "$sanitizer" in
    address | thread) ;;
    *) echo "sanitize.sh: '$sanitizer': allowed: address, thread" >&2; exit 2 ;;
  esac
done
for sanitizer in "$@"; do
  echo "sanitize.sh: $sanitizer"
  start=$SECONDS
  BUILD_DIR="build-$sanitizer" scripts/setup.sh \
    -DCONTEND_SANITIZE="$sanitizer" -DCONTEND_MESSAGE_BYTES=32
  built=$SECONDS
  # -LE e2e: the end-to-end tests check the release binary's results, plots
  # and time-bound behaviour (tests/CMakeLists.txt says why they are left out).
  ctest --test-dir "build-$sanitizer" --output-on-failure -j "$(nproc)" --timeout 600 -LE e2e
  echo "sanitize.sh: $sanitizer: build $((built - start)) s, tests $((SECONDS - built)) s"
done
