#!/usr/bin/env bash
# The multimodal storage benchmark at 1,500 and 100,000 vectors (docs/benchmarks/storage.md):
# builds lodedb-storage-bench (Release; FAISS / hnswlib peers when
# libfaiss-dev / libhnswlib-dev are installed) and LodeDb.Benchmarks, generates each data set
# once (artifacts/storage-bench/n<N>: delete it after changing the generator), then runs the
# native peers and the .NET stores on the same files. Tables go to stdout and to
# artifacts/storage-bench/{native,dotnet}-<N>.md.
#
#   native/bench/run-storage-bench.sh            # both sizes
#   SIZES=1500 native/bench/run-storage-bench.sh # one size
set -euo pipefail
cd "$(dirname "$0")/../.."
build=build/storage-bench
out=artifacts/storage-bench
bench="$build/bench/lodedb-storage-bench"

cmake -S native -B "$build" -DCMAKE_BUILD_TYPE=Release -DLODEDB_BUILD_TESTS=OFF > /dev/null
cmake --build "$build" -j2 --target lodedb-storage-bench > /dev/null
dotnet build -c Release managed/LodeDb.Benchmarks > /dev/null

for n in ${SIZES:-1500 100000}; do
  data="$out/n$n"
  if [ ! -f "$data/truth.ivecs" ]; then
    "$bench" gen --out "$data" --n "$n"
  fi
  echo
  "$bench" run --data "$data" | tee "$out/native-$n.md"
  echo
  dotnet run -c Release --no-build --project managed/LodeDb.Benchmarks -- --storage --data "$data" \
    | tee "$out/dotnet-$n.md"
done
