# CMAKE_USER_MAKE_RULES_OVERRIDE of the zig-osx-* toolchains: links liblodedb.dylib with LLVM's
# ld64.lld (Debian's lld) instead of zig cc. Zig 0.11's own Mach-O linker exports every global
# symbol, hidden ones and its compiler-rt included (500 instead of the header's functions), and
# rejects -exported_symbols_list. ld64.lld takes the export list that native/CMakeLists.txt
# writes from lodedb.h, resolves libc, libm and pthreads against Zig's libSystem stub (the
# builtins are in libSystem on macOS) and ad-hoc signs arm64 output as Apple's ld does.
set(CMAKE_C_CREATE_SHARED_LIBRARY
  "\"${LODEDB_LD64}\" -dylib -arch ${LODEDB_MACHO_ARCH} -platform_version macos ${LODEDB_MACOS_MIN} ${LODEDB_MACOS_MIN} -install_name @rpath/<TARGET_SONAME> -o <TARGET> <OBJECTS> -L\"${LODEDB_ZIG_DARWIN_LIBS}\" -lSystem.11 -exported_symbols_list \"${CMAKE_BINARY_DIR}/lodedb.exports\" -dead_strip")
