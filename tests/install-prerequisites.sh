#!/usr/bin/env bash
# Installs the Debian packages the full test suite needs (run as root or with sudo):
# CMake and a C compiler for the native core, the aarch64 cross compiler and qemu-user for the
# NEON tests (and the arm64 sysroot qemu loads the glibc builds with), wine64 for the win-x64
# tests, clang + its runtime for the fuzz smoke tests, llvm's objdump/nm for the package
# inspection test (ELF, PE and Mach-O), lld (ld64.lld links the macOS dylibs), npm to fetch
# Zig 0.11 (cmake/zig/install-zig.sh: the cross compiler of the 8 shipped RIDs).
set -euo pipefail
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
packages=(cmake gcc g++ make gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
          gcc-mingw-w64-x86-64 clang libclang-rt-14-dev llvm lld wine64 npm)
missing=()
for p in "${packages[@]}"; do
  # npm often comes with another Node.js build (nodesource's nodejs bundles it and conflicts
  # with Debian's npm package): any npm on PATH will do.
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
    continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "prerequisites present: ${packages[*]}"
