#!/usr/bin/env bash
# Opens metapool reports in headless Chromium and checks what the browser made
# of them (shared/toolchain.md section 6):
#   - the forest plot is there with one .forest-row per study (k = 2, 13, 150);
#   - no script ran or exists: labels such as <script>alert(1)</script> and
#     <img onerror=...> appear as text, never as elements;
#   - non-Latin labels (Müller, 李, Ωmega) survive;
#   - a screenshot is written and is a non-empty PNG.
# Chromium exits 0 even when it fails, so only its outputs are checked.
# Usage: report_browser_test.sh METAPOOL_BINARY SOURCE_DIR OUTPUT_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) when chromium is not installed.
set -euo pipefail

metapool=$1
source_dir=$2
out=$3

chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium_bin" ]]; then
  echo "SKIP: chromium not installed (scripts/setup.sh installs it)" >&2
  exit 77
fi

rm -rf "$out"
mkdir -p "$out"
profiles=$(mktemp -d)
trap 'rm -rf "$profiles"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

chromium() {
  local profile
  profile=$(mktemp -d "$profiles/p.XXXXXX")
  "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$profile" "$@" 2>/dev/null
}

# check NAME CSV K [report options...]
check() {
  local name=$1 csv=$2 k=$3
  shift 3
  local dir="$out/$name"
  "$metapool" report "$csv" --out "$dir" "$@" || fail "$name: metapool report exited $?"
  [[ -s "$dir/index.html" ]] || fail "$name: no index.html"

  chromium --dump-dom "file://$dir/index.html" > "$out/$name.dom.html"
  [[ -s "$out/$name.dom.html" ]] || fail "$name: chromium dumped no DOM"
  grep -q 'class="forest-plot"' "$out/$name.dom.html" || fail "$name: no forest plot in the DOM"
  local rows
  rows=$(grep -o 'class="forest-row"' "$out/$name.dom.html" | wc -l)
  [[ "$rows" -eq "$k" ]] || fail "$name: $rows forest rows in the DOM, expected $k"
  if grep -qi '<script' "$out/$name.dom.html"; then fail "$name: a <script> element is in the DOM"; fi
  if grep -qi '<img' "$out/$name.dom.html"; then fail "$name: an <img> element is in the DOM"; fi

  chromium --screenshot="$out/$name.png" --window-size=1280,2000 "file://$dir/index.html" > /dev/null
  [[ -s "$out/$name.png" ]] || fail "$name: no screenshot"
  [[ "$(head -c 8 "$out/$name.png" | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]] ||
    fail "$name: the screenshot is not a PNG"
  echo "ok: $name (k = $k; DOM $(wc -c < "$out/$name.dom.html") bytes; screenshot $(wc -c < "$out/$name.png") bytes)"
}

# k = 2 with hostile and non-Latin labels and column names.
hostile="$out/hostile.csv"
cat > "$hostile" <<'CSV'
study,events_t,n_t,events_c,n_c,<b>note</b>,Müller 李
<script>alert(1)</script>,4,123,11,139,"<img src=x onerror=alert(2)>",Ωmega
"Müller & 李 ""Ωmega"" 'quoted', with a long label that must be truncated in the plot",6,306,29,303,&amp;,x
CSV
check hostile "$hostile" 2
dom="$out/hostile.dom.html"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$dom" || fail "the <script> label is not shown as text"
grep -q '&lt;img src=x onerror=alert(2)&gt;' "$dom" || fail "the <img> cell is not shown as text"
grep -q 'Müller &amp; 李' "$dom" || fail "the non-Latin label is missing"
grep -q 'Ωmega' "$dom" || fail "Ωmega is missing"
grep -q '&lt;b&gt;note&lt;/b&gt;' "$dom" || fail "the <b> column name is not shown as text"

# k = 13: the BCG trials, with subgroups and a contour-enhanced funnel plot.
check bcg "$source_dir/datasets/bcg.csv" 13 --measure RR
check bcg_subgroups "$source_dir/datasets/bcg.csv" 13 --measure RR --subgroup alloc --contours
grep -q 'class="forest-subgroup"' "$out/bcg_subgroups.dom.html" || fail "no subgroup diamonds"

# k = 150: generated generic effects (deterministic).
many="$out/many.csv"
{
  echo "study,yi,vi"
  for i in $(seq 1 150); do
    echo "Study number $i,$(awk -v i="$i" 'BEGIN { printf "%.4f", sin(i) * 0.6 - 0.2 }'),$(awk -v i="$i" 'BEGIN { printf "%.4f", 0.02 + (i % 7) * 0.015 }')"
  done
} > "$many"
check many "$many" 150

echo "PASS"
