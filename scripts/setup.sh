#!/usr/bin/env bash
# Installs what contend needs (Debian packages, only those missing), then
# configures and builds it. Used by both README commands; safe to re-run.
#   BUILD_DIR   build folder (default: build)
#   CONTEND_SANITIZE  '', 'address' or 'thread' (default: '')
# With --with-test-tools it also installs what only the tests use (Chromium,
# which renders report.py's HTML page headless).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

packages=(g++ cmake ninja-build pkg-config git
          libboost-program-options-dev nlohmann-json3-dev libbenchmark-dev libbenchmark-tools
          libgtest-dev libtbb-dev libabsl-dev libhwloc-dev libboost-dev
          libconcurrentqueue-dev libreaderwriterqueue-dev libatomic-queue-dev libxenium-dev
          python3 python3-matplotlib python3-scipy python3-jsonschema elfutils)
[ "${1:-}" = "--with-test-tools" ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCONTEND_SANITIZE="${CONTEND_SANITIZE:-}" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
