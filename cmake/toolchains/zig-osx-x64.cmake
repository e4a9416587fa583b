# osx-x64 (liblodedb for NuGet's runtimes/osx-x64/native) with zig cc, target x86_64-macos.11.0 (macOS 11 or later).
# Zig ships the libSystem stubs, so no macOS SDK is needed; link and export checks only.
#   cmake -S native -B artifacts/native/dist-osx-x64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/zig-osx-x64.cmake
set(CMAKE_SYSTEM_NAME Darwin)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(LODEDB_ZIG_TARGET x86_64-macos.11.0)
include("${CMAKE_CURRENT_LIST_DIR}/zig-common.cmake")

