# Cross build of liblodedb.dll for 64-bit Windows with Debian's mingw-w64. The tests are not
# run here (no Windows runner); the build proves the library compiles and links. Usage:
#   cmake -S native -B build/win-x64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/x86_64-w64-mingw32.cmake \
#         -DLODEDB_BUILD_TESTS=OFF -DLODEDB_BUILD_BENCH=OFF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)

set(LODEDB_MINGW_PREFIX "x86_64-w64-mingw32-" CACHE STRING "Cross tool prefix")
set(CMAKE_C_COMPILER "${LODEDB_MINGW_PREFIX}gcc")
set(CMAKE_CXX_COMPILER "${LODEDB_MINGW_PREFIX}g++")
set(CMAKE_RC_COMPILER "${LODEDB_MINGW_PREFIX}windres")

set(CMAKE_FIND_ROOT_PATH "/usr/x86_64-w64-mingw32")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Tests that are built anyway can run under Wine when it is installed.
find_program(LODEDB_WINE NAMES wine64 wine)
if(LODEDB_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${LODEDB_WINE}")
endif()
