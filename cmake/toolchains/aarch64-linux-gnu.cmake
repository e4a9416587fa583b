# Cross build for 64-bit ARM Linux with Debian's gcc-aarch64-linux-gnu; tests run under
# qemu-user (Debian's qemu-user / qemu-user-static) through CMAKE_CROSSCOMPILING_EMULATOR, so a
# plain `ctest` executes the NEON kernels. Usage:
#   cmake -S native -B build/arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
#   cmake --build build/arm64 && ctest --test-dir build/arm64 -L parity
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(LODEDB_AARCH64_PREFIX "aarch64-linux-gnu-" CACHE STRING "Cross tool prefix")
set(LODEDB_AARCH64_SYSROOT "/usr/aarch64-linux-gnu" CACHE PATH
    "Target libraries (the loader and libc qemu needs)")

set(CMAKE_C_COMPILER "${LODEDB_AARCH64_PREFIX}gcc")
set(CMAKE_CXX_COMPILER "${LODEDB_AARCH64_PREFIX}g++")

set(CMAKE_FIND_ROOT_PATH "${LODEDB_AARCH64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# -L points qemu at the target's dynamic loader and libraries.
find_program(LODEDB_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(LODEDB_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${LODEDB_QEMU_AARCH64};-L;${LODEDB_AARCH64_SYSROOT}")
endif()
