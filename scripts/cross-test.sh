#!/usr/bin/env bash
# Cross build and test for another architecture from this x86-64 Debian
# machine: scripts/cross-test.sh aarch64 [ctest args...]
#
# Installs what it needs (the cross compiler, qemu-user-static, the :arm64
# multiarch -dev packages contend links), configures build-aarch64/ with
# cmake/toolchains/aarch64-linux-gnu.cmake, builds everything, runs the unit
# and stress tests (label `unit`: the lock, queue and pool stress tests
# among them) under qemu-user, then `contend stress` itself: healthy locks
# and queues must pass and the validation control must be caught.
#
# Not run under emulation, by label:
#   e2e                   drive the binary through Python for tens of ms per
#                         case, some fork children or time windows: under qemu
#                         every figure is the emulator's, and the run takes hours;
#   sanitizer             needs a sanitizer build;
#   weak_memory_hardware  the weak-memory control (unordered_tas) must be
#                         caught on ARM hardware; qemu-user on an x86 host runs the guest's
#                         relaxed accesses in x86 (TSO) order, so a missing
#                         acquire/release cannot show here.
# One test skips itself, saying why, because CONTEND_EMULATOR is set:
# IpcChannel.KilledThroughputCaseLeavesNoConsumer follows an orphaned
# process through PR_SET_CHILD_SUBREAPER, which qemu-user 7.2 does not
# emulate (on a native machine it fails instead of skipping).
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
export CONTEND_EMULATOR="qemu-user ($(qemu-$arch-static --version | head -1))"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600 -L unit "$@"

emulate=("qemu-$arch-static" "$build/contend")
"${emulate[@]}" env | grep -E "^(cpu_model|atomics|kernel):"
"${emulate[@]}" stress locks.contention queues.throughput --for 40s --seed 1 --quiet \
                -o "$build/stress-healthy.json"
status=0
"${emulate[@]}" stress locks.contention --primitive broken_tas --for 20s --max-failures 1 \
                --seed 1 --quiet -o "$build/stress-control.json" || status=$?
if [ "$status" -ne 1 ]; then
  echo "cross-test.sh: the validation control broken_tas was not caught (exit $status)" >&2
  exit 1
fi
echo "cross-test.sh: $arch unit and stress tests passed under qemu-user; stress: healthy" \
     "primitives passed, broken_tas caught"
