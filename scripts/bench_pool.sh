#!/usr/bin/env bash
# Benchmark of the pooled models (not a test): REML at k = 10^3 .. 10^6 on
# seeded synthetic data; prints the fit time (from the driver) and the peak
# memory of the whole process (/usr/bin/time -v, or bash's time if missing).
# Usage: scripts/bench_pool.sh [BUILD_DIR]   (default build-bench)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-bench}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMETAPOOL_TESTS=OFF >/dev/null
cmake --build "$build" -j1 --target metapool_core >/dev/null
driver="$build/bench_pool_driver"
c++ -std=c++20 -O2 -DNDEBUG -I"$root/src" "$root/scripts/bench_pool_driver.cpp" \
  "$build/src/libmetapool_core.a" -lfmt -o "$driver"
for k in 1000 10000 100000 1000000; do
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -v "$driver" "$k" 2> "$build/time_$k.txt"
    grep -E "Maximum resident set size|Elapsed \(wall" "$build/time_$k.txt" | sed 's/^\s*/    /'
  else
    time "$driver" "$k"
  fi
done
