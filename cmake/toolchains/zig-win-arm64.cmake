# win-arm64 (liblodedb for NuGet's runtimes/win-arm64/native) with zig cc, target aarch64-windows-gnu.
# MinGW ABI; nothing runs Windows on ARM here: link and export checks only.
#   cmake -S native -B artifacts/native/dist-win-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/zig-win-arm64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR ARM64)
set(LODEDB_ZIG_TARGET aarch64-windows-gnu)
include("${CMAKE_CURRENT_LIST_DIR}/zig-common.cmake")

