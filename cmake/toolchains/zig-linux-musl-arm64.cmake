# linux-musl-arm64 (liblodedb for NuGet's runtimes/linux-musl-arm64/native) with zig cc, target aarch64-linux-musl.
# The library links musl dynamically (Alpine); test executables are static and run under qemu-aarch64.
#   cmake -S native -B artifacts/native/dist-linux-musl-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/zig-linux-musl-arm64.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LODEDB_ZIG_TARGET aarch64-linux-musl)
include("${CMAKE_CURRENT_LIST_DIR}/zig-common.cmake")
find_program(LODEDB_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(LODEDB_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${LODEDB_QEMU_AARCH64}")
endif()
