#!/usr/bin/env bash
# Cross build and test for another architecture from this x86-64 Debian
# machine: scripts/cross-test.sh aarch64 [ctest args...]
#
# Installs what it needs (the cross compiler, qemu-user-static, the :arm64
# multiarch -dev packages contend links), configures build-aarch64/ with
# cmake/toolchains/aarch64-linux-gnu.cmake, builds everything, and runs the
# unit tests under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR).
#
# Not run under emulation, by label:
#   e2e        drive the binary through Python for tens of ms per case, and
#              some fork children or time windows: under qemu every
#              figure is the emulator's, and the run takes hours;
#   sanitizer  needs a sanitizer build.
# qemu-user on x86 does not reorder memory as ARM hardware does: a missing
# acquire/release passes here. Run the README's two commands on a real ARM
# machine for that.
#
# State (issue 12, in progress): everything builds; of the 457 unit tests,
# 318 pass under qemu-user in 45 s, 7 fail and 132 do not run:
# - the lifecycle tests ask for 64 KiB thread stacks, below AArch64's
#   PTHREAD_STACK_MIN (128 KiB): a real difference, not the emulator's;
# - the typed tests (IpcChannel, ...) are discovered through the emulator
#   under names that ctest then runs as 0 tests (reported "Skipped").
set -euo pipefail
cd "$(dirname "$0")/.."
arch="${1:-}"
if [ "$arch" != "aarch64" ]; then
  echo "cross-test.sh: argument 1: architecture '$arch' not supported (allowed: aarch64)" >&2
  exit 2
fi
shift
build="${BUILD_DIR:-build-$arch}"

dpkg --print-foreign-architectures | grep -qx arm64 || { SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO dpkg --add-architecture arm64; }
packages=(g++-aarch64-linux-gnu qemu-user-static cmake ninja-build pkg-config
          nlohmann-json3-dev libconcurrentqueue-dev libreaderwriterqueue-dev
          libatomic-queue-dev libxenium-dev
          libboost-program-options-dev:arm64 libboost-dev:arm64 libbenchmark-dev:arm64
          libgtest-dev:arm64 libtbb-dev:arm64 libabsl-dev:arm64 libhwloc-dev:arm64)
source scripts/install-missing.sh
install_missing "${packages[@]}"

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/$arch-linux-gnu.cmake" >/dev/null
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600 \
      -L unit -LE "emulation_unfit" "$@"
