#!/usr/bin/env bash
# Line and branch coverage of src/ by the test suite (gcovr, GCC --coverage).
# Writes build-coverage/coverage.txt (summary per file) and
# build-coverage/coverage.html; prints the totals, and the totals of the
# numerical core (core, stats, effects, models, diagnostics, bias, reproduce).
#   scripts/coverage.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
command -v gcovr >/dev/null || { echo "coverage: gcovr missing (apt-get install gcovr)" >&2; exit 2; }
cmake -S . -B build-coverage -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="--coverage -O0 -fprofile-update=atomic" -DCMAKE_EXE_LINKER_FLAGS="--coverage" >/dev/null
cmake --build build-coverage -j "$(nproc)"
find build-coverage -name '*.gcda' -delete
# Serially: concurrent processes updating the same .gcda files corrupt the
# counters (gcovr then fails on negative branch counts).
ctest --test-dir build-coverage -j 1 --output-on-failure >/dev/null
# Branch counts exclude the compiler's exception-only branches, which no
# test can take without fault injection.
common=(--root . --filter 'src/' --exclude-throw-branches --exclude-unreachable-branches
  --gcov-ignore-parse-errors build-coverage)
gcovr "${common[@]}" --txt build-coverage/coverage.txt --html-details build-coverage/coverage.html \
  --print-summary | tail -3
echo "numerical core (src/{core,stats,effects,models,diagnostics,bias,reproduce}):"
gcovr --root . --exclude-throw-branches --exclude-unreachable-branches --gcov-ignore-parse-errors \
  --filter 'src/(core|stats|effects|models|diagnostics|bias|reproduce)/' --print-summary \
  --txt /dev/null build-coverage | tail -3
