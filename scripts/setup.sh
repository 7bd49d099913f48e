#!/usr/bin/env bash
# Installs what contend needs (Debian packages, only those missing), then
# configures and builds it. Used by both README commands and by
# scripts/sanitize.sh; safe to re-run.
#   scripts/setup.sh [--with-test-tools] [CMake -D options...]
#   BUILD_DIR   build folder (default: build)
# With --with-test-tools it also installs what only the tests use (Chromium,
# which renders the HTML pages headless; PostgreSQL 15 for the store tests;
# Slurm and munge for the fleet tests). The CMake options apply on
# top of the defaults, which are restored first (a folder configured once
# with a sanitizer does not stay one).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
with_test_tools=false
if [ "${1:-}" = "--with-test-tools" ]; then
  with_test_tools=true
  shift
fi

packages=(g++ cmake ninja-build pkg-config git
          libboost-program-options-dev nlohmann-json3-dev libbenchmark-dev libbenchmark-tools
          libgtest-dev libtbb-dev libabsl-dev libhwloc-dev libboost-dev
          libconcurrentqueue-dev libreaderwriterqueue-dev libatomic-queue-dev libxenium-dev
          python3 python3-matplotlib python3-scipy python3-jsonschema elfutils
          python3-fastjsonschema python3-psycopg)
# The tests also start a throwaway PostgreSQL cluster (the store's second
# back end) and a single-node Slurm cluster (the fleet), and render HTML
# pages in Chromium.
$with_test_tools && packages+=(chromium postgresql-15 slurm-wlm munge)
source scripts/install-missing.sh
install_missing "${packages[@]}"
# uPlot, which the trend dashboard bundles into its page (scripts/dashboard.py).
scripts/fetch-web-deps.sh "$BUILD_DIR"

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -UCONTEND_SANITIZE -UCONTEND_MESSAGE_BYTES "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
