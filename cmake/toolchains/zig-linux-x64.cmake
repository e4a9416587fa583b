# linux-x64 (liblodedb for NuGet's runtimes/linux-x64/native) with zig cc, target x86_64-linux-gnu.2.17.
# glibc 2.17 symbol versions (runs on RHEL 7 and later); its tests run natively here.
#   cmake -S native -B artifacts/native/dist-linux-x64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/zig-linux-x64.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(LODEDB_ZIG_TARGET x86_64-linux-gnu.2.17)
include("${CMAKE_CURRENT_LIST_DIR}/zig-common.cmake")

