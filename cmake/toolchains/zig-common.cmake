# Shared part of the zig-<rid>.cmake toolchains: `zig cc` (Zig 0.11.0, installed into
# artifacts/toolchains/ by cmake/zig/install-zig.sh) as the C compiler for the target that the
# including file names in LODEDB_ZIG_TARGET (a Zig target triple such as x86_64-linux-gnu.2.17).
#
# CMake wants the target inside the compiler path, so this writes one wrapper script per target
# (artifacts/toolchains/wrappers/<triple>/cc, also ar and ranlib) that runs
# `zig cc -target <triple> "$@"`. Every target shares one Zig cache (artifacts/toolchains/
# zig-cache): the libc, compiler-rt and import libraries Zig builds once are reused by every
# later configure, so a clean CI pays for them once.
if(NOT LODEDB_ZIG_TARGET)
  message(FATAL_ERROR "zig-common.cmake: include it from a zig-<rid>.cmake that sets LODEDB_ZIG_TARGET")
endif()
get_filename_component(_lodedb_repo "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(_lodedb_tools "${_lodedb_repo}/artifacts/toolchains")

set(LODEDB_ZIG "$ENV{LODEDB_ZIG}")
if(NOT LODEDB_ZIG)
  set(LODEDB_ZIG "${_lodedb_tools}/zig-0.11.0/zig")
endif()
if(NOT EXISTS "${LODEDB_ZIG}")
  execute_process(COMMAND "${_lodedb_repo}/cmake/zig/install-zig.sh" "${_lodedb_tools}"
    RESULT_VARIABLE _lodedb_zig_rc OUTPUT_QUIET)
  if(NOT _lodedb_zig_rc EQUAL 0 OR NOT EXISTS "${LODEDB_ZIG}")
    message(FATAL_ERROR "Zig 0.11.0 is missing (${LODEDB_ZIG}) and cmake/zig/install-zig.sh failed (needs npm)")
  endif()
endif()

# Writes a wrapper only when its text changes (try_compile re-reads this file many times), via a
# rename so that a concurrent configure never runs a half-written script.
function(_lodedb_zig_wrapper name text)
  set(dir "${_lodedb_tools}/wrappers/${LODEDB_ZIG_TARGET}")
  set(path "${dir}/${name}")
  set(content "#!/bin/sh\nexport ZIG_GLOBAL_CACHE_DIR=\"${_lodedb_tools}/zig-cache\"\nexport ZIG_LOCAL_CACHE_DIR=\"${_lodedb_tools}/zig-cache\"\nexec \"${LODEDB_ZIG}\" ${text} \"$@\"\n")
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  string(RANDOM LENGTH 8 tag)
  file(WRITE "${dir}/.${name}.${tag}" "${content}")
  file(CHMOD "${dir}/.${name}.${tag}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  file(RENAME "${dir}/.${name}.${tag}" "${path}")
endfunction()
_lodedb_zig_wrapper(cc "cc -target ${LODEDB_ZIG_TARGET}")
_lodedb_zig_wrapper(ar "ar")
_lodedb_zig_wrapper(ranlib "ranlib")

set(_lodedb_wrappers "${_lodedb_tools}/wrappers/${LODEDB_ZIG_TARGET}")
set(CMAKE_C_COMPILER "${_lodedb_wrappers}/cc")
set(CMAKE_AR "${_lodedb_wrappers}/ar" CACHE FILEPATH "zig ar" FORCE)
set(CMAKE_RANLIB "${_lodedb_wrappers}/ranlib" CACHE FILEPATH "zig ranlib" FORCE)

if(CMAKE_SYSTEM_NAME STREQUAL "Darwin")
  # The dylib is linked by ld64.lld (see cmake/zig/macho-link-rules.cmake for why).
  find_program(LODEDB_LD64 NAMES ld64.lld ld64.lld-14 ld64.lld-15 ld64.lld-16 PATHS /usr/lib/llvm-14/bin NO_CMAKE_FIND_ROOT_PATH)
  if(NOT LODEDB_LD64)
    message(FATAL_ERROR "ld64.lld not found (links the macOS dylib): apt-get install lld")
  endif()
  if(LODEDB_ZIG_TARGET MATCHES "^aarch64")
    set(LODEDB_MACHO_ARCH arm64)
  else()
    set(LODEDB_MACHO_ARCH x86_64)
  endif()
  string(REGEX REPLACE "^.*-macos\\." "" LODEDB_MACOS_MIN "${LODEDB_ZIG_TARGET}")
  get_filename_component(_lodedb_zig_dir "${LODEDB_ZIG}" DIRECTORY)
  set(LODEDB_ZIG_DARWIN_LIBS "${_lodedb_zig_dir}/lib/libc/darwin")
  set(CMAKE_USER_MAKE_RULES_OVERRIDE "${_lodedb_repo}/cmake/zig/macho-link-rules.cmake")
endif()

# Zig brings its own libc headers and stubs: nothing is looked up on the build machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
