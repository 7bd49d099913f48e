# Cross build for AArch64 Linux from a Debian x86-64 host (scripts/cross-test.sh):
# the g++-aarch64-linux-gnu compiler, the :arm64 multiarch -dev packages for
# libraries, and qemu-user to run what was built (tests, gtest discovery).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Debian multiarch: arm64 libraries and their CMake packages live under
# lib/aarch64-linux-gnu, headers are shared in /usr/include.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
find_program(CONTEND_QEMU NAMES qemu-aarch64-static qemu-aarch64 REQUIRED)
# No -L: with the cross toolchain's sysroot as its prefix, qemu-user 7.2 hangs
# in the first pthread_create of a dynamically linked program; the multiarch
# loader (/lib/ld-linux-aarch64.so.1, from libc6:arm64) works.
set(CMAKE_CROSSCOMPILING_EMULATOR ${CONTEND_QEMU})
