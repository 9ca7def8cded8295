#!/usr/bin/env bash
# The main job: install what is missing, build, and analyse the bundled data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p reports/bcg
build/metapool effects datasets/bcg.csv --measure RR --format md --out reports/bcg/effects.md
build/metapool pool datasets/bcg.csv --measure RR --method REML --format json --out reports/bcg/pool.json
build/metapool pool datasets/bcg.csv --measure RR --method REML --format md --out reports/bcg/pool.md
build/metapool pool datasets/bcg.csv --measure RR --method REML
echo "wrote reports/bcg/{effects.md,pool.json,pool.md}"
