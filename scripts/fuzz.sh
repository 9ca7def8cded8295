#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default
# 60) on its committed seed corpus (tests/fuzz/corpus/<target>). New
# interesting inputs go to build-fuzz/corpus/<target> (not committed); a crash,
# leak, timeout or sanitizer report stops the run with its reproducer in
# build-fuzz/artifacts/ and exit status 1. Copy a reproducer into
# tests/fuzz/corpus/<target>/ to make it a regression test (the test suite
# replays every corpus file).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# METAPOOL_FUZZ_ASAN=ON adds AddressSanitizer (about 200x slower on the CSV
# reader because of fast-cpp-csv-parser's 48 MiB buffer); UBSan is always on,
# and the ASan test suite replays the corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(csv structured cli)

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETAPOOL_FUZZ=ON \
  -DMETAPOOL_FUZZ_ASAN="${METAPOOL_FUZZ_ASAN:-OFF}" -DMETAPOOL_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}")

mkdir -p build-fuzz/artifacts
status=0
for target in "${targets[@]}"; do
  corpus=$PWD/build-fuzz/corpus/$target
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s" >&2
  if ! UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      build-fuzz/fuzz/fuzz_$target "$corpus" "$PWD/tests/fuzz/corpus/$target" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=8192 -close_fd_mask=3 \
      -artifact_prefix="$PWD/build-fuzz/artifacts/${target}-" -print_final_stats=1 \
      > "build-fuzz/$target.log" 2>&1; then
    echo "fuzz: $target FAILED; see build-fuzz/$target.log and build-fuzz/artifacts/" >&2
    tail -40 "build-fuzz/$target.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build-fuzz/$target.log" | sed "s/^/fuzz: $target /" >&2
  fi
done
exit $status
