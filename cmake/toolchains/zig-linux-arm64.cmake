# linux-arm64 (liblodedb for NuGet's runtimes/linux-arm64/native) with zig cc, target aarch64-linux-gnu.2.17.
# glibc 2.17 symbol versions; tests run under qemu-aarch64 with Debian's arm64 libc (libc6-arm64-cross).
#   cmake -S native -B artifacts/native/dist-linux-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/zig-linux-arm64.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(LODEDB_ZIG_TARGET aarch64-linux-gnu.2.17)
include("${CMAKE_CURRENT_LIST_DIR}/zig-common.cmake")
find_program(LODEDB_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
if(LODEDB_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${LODEDB_QEMU_AARCH64};-L;/usr/aarch64-linux-gnu")
endif()
