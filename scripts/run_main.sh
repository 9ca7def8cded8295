#!/usr/bin/env bash
# The main job: install what is missing, build, and analyse the bundled
# ketamine/esketamine evidence (datasets/ketamine/) into reports/ketamine/:
# an index page (index.html, index.md, summary.csv, reproduce.csv) linking a
# full report per pooled analysis, the single studies shown unpooled, what
# must not be pooled, and every reported figure recomputed from its counts.
# The analyses are listed in scripts/ketamine_analyses.csv. metapool builds
# the directory in a temporary directory and renames it into place, so a
# failed run leaves the previous reports/ketamine/ untouched. No timestamps:
# re-running gives byte-identical files.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
"${METAPOOL_BUILD_DIR:-build}"/metapool collection scripts/ketamine_analyses.csv \
  --figures datasets/ketamine/reported_figures.csv \
  --out reports/ketamine \
  --title "Ketamine and esketamine for depression, suicidal ideation, PTSD and addiction: the bundled evidence, analysed" \
  --intro "Counts from published trials and cohorts (datasets/ketamine/, every row cited, with counts stated by a source or inferred from a printed percentage). Each comparison that has two or more studies is pooled (random effects, REML, metafor's defaults) and has its own full report; comparisons with one study are shown as that study's effect and are not pooled. The list of what must not be pooled comes from datasets/ketamine/README.md. The last table recomputes every figure with counts that the source articles quoted, checking each printed percentage against its counts."
echo "wrote reports/ketamine/index.html"
