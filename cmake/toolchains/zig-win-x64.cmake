# win-x64 (liblodedb for NuGet's runtimes/win-x64/native) with zig cc, target x86_64-windows-gnu.
# MinGW ABI, no MinGW runtime DLL needed; tests run under wine64 (LODEDB_WINE: its launcher).
#   cmake -S native -B artifacts/native/dist-win-x64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/zig-win-x64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(LODEDB_ZIG_TARGET x86_64-windows-gnu)
include("${CMAKE_CURRENT_LIST_DIR}/zig-common.cmake")
# Debian's wine64 package installs its launcher in wine's library folder, not on PATH.
if(DEFINED ENV{LODEDB_WINE})
  set(LODEDB_WINE "$ENV{LODEDB_WINE}")
else()
  find_program(LODEDB_WINE NAMES wine64 PATHS /usr/lib/wine /usr/lib/x86_64-linux-gnu/wine NO_CMAKE_FIND_ROOT_PATH)
endif()
if(LODEDB_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${LODEDB_WINE}")
endif()
