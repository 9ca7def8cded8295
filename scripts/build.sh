#!/usr/bin/env bash
# Configures and builds metapool (Release) into build/; extra arguments go to
# CMake's configure step (e.g. -DMETAPOOL_WERROR=ON).
#
# --pgo (first argument): a profile-guided build, as scripts/bench uses: an
# instrumented build, a training run (scripts/pgo_train.sh: batches of
# generated k = 10 binary analyses), then the build again with the profiles.
# It compiles everything twice (~5 minutes on 2 cores); the results are the
# same as the plain build's, byte for byte (profiles change code layout,
# inlining and branch order, not arithmetic). Give it a build directory of
# its own (METAPOOL_BUILD_DIR) and -DMETAPOOL_TESTS=OFF unless the tests
# should be built with the profiles too.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${METAPOOL_BUILD_DIR:-build}
configure() { cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null; }
if [[ "${1:-}" == --pgo ]]; then
  shift
  profile_dir="$(mkdir -p "$build_dir" && cd "$build_dir" && pwd)/pgo-profile"
  rm -rf "$profile_dir"
  configure -DMETAPOOL_PGO=generate "-DMETAPOOL_PGO_DIR=$profile_dir" "$@"
  cmake --build "$build_dir" -j "$(nproc)" --target metapool
  scripts/pgo_train.sh "$build_dir/metapool" "$build_dir/pgo-train"
  configure -DMETAPOOL_PGO=use "-DMETAPOOL_PGO_DIR=$profile_dir" "$@"
else
  configure -DMETAPOOL_PGO= "$@"
fi
cmake --build "$build_dir" -j "$(nproc)"
