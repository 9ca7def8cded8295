#!/usr/bin/env bash
# pgo_train.sh METAPOOL DIR: the training run of a profile-guided build
# (scripts/build.sh --pgo). Writes DIR/train.csv, 2,000 analyses of k = 10
# two-arm binary studies (outcome,timepoint,study,events_t,n_t,events_c,n_c,
# as scripts/bench_generate.R writes, from awk's generator: no R needed), and
# runs the instrumented METAPOOL over it as scripts/bench does: RR with REML
# and Knapp-Hartung, with DL, on one thread and on two.
set -euo pipefail
mp="$1"; dir="$2"
mkdir -p "$dir"
awk 'BEGIN {
  srand(20240601)
  print "outcome,timepoint,study,events_t,n_t,events_c,n_c"
  for (g = 0; g < 2000; g++) {
    base = 0.1 + 0.5 * rand(); log_rr = 0.6 * (rand() - 0.5)
    for (s = 1; s <= 10; s++) {
      n_t = 30 + int(300 * rand()); n_c = 30 + int(300 * rand())
      p_c = base * (0.7 + 0.6 * rand()); p_t = p_c * exp(log_rr + 0.4 * (rand() - 0.5))
      if (p_t > 0.95) p_t = 0.95
      e_t = int(n_t * p_t + rand()); e_c = int(n_c * p_c + rand())
      printf "outcome%03d,t%02d,S%d,%d,%d,%d,%d\n", int(g / 20), g % 20, s, e_t, n_t, e_c, n_c
    }
  }
}' > "$dir/train.csv"
for threads in 1 2; do
  "$mp" batch "$dir/train.csv" --by outcome,timepoint --measure RR --method REML --test knha \
    --threads "$threads" --out "$dir/reml.csv"
  "$mp" batch "$dir/train.csv" --by outcome,timepoint --measure RR --method DL \
    --threads "$threads" --out "$dir/dl.csv"
done
echo "pgo_train: $(($(wc -l < "$dir/reml.csv") - 1)) analyses x 2 methods x 2 thread counts"
