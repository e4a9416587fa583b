# linux-musl-x64 (liblodedb for NuGet's runtimes/linux-musl-x64/native) with zig cc, target x86_64-linux-musl.
# The library links musl dynamically (Alpine); test executables are static, so they run here.
#   cmake -S native -B artifacts/native/dist-linux-musl-x64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/zig-linux-musl-x64.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(LODEDB_ZIG_TARGET x86_64-linux-musl)
include("${CMAKE_CURRENT_LIST_DIR}/zig-common.cmake")

