#!/usr/bin/env bash
# Install what is missing, build with warnings as errors, run every test;
# then build and run the whole suite again under AddressSanitizer and
# UndefinedBehaviorSanitizer; then a short libFuzzer pass (a minute per
# target). METAPOOL_SKIP_SANITIZE=1 / METAPOOL_SKIP_FUZZ=1 skip those passes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DMETAPOOL_WERROR=ON
ctest --test-dir build --output-on-failure -j "$(nproc)"
if [[ "${METAPOOL_SKIP_SANITIZE:-0}" != 1 ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETAPOOL_WERROR=ON \
    -DMETAPOOL_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$(nproc)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$(nproc)"
fi
if [[ "${METAPOOL_SKIP_FUZZ:-0}" != 1 ]]; then
  scripts/fuzz.sh "${METAPOOL_FUZZ_SECONDS:-60}"
fi
