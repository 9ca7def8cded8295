#!/usr/bin/env bash
# Configures and builds metapool (Release) into build/; extra arguments go to
# CMake's configure step (e.g. -DMETAPOOL_WERROR=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${METAPOOL_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
