#!/usr/bin/env bash
# README command 2: set up, build, run every test (unit, stress, end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-test-tools
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" --timeout 600
