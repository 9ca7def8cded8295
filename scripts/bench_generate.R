# Writes the benchmark inputs of scripts/bench (fixed seed, so every run and
# both engines see the same data). Not a test.
# Usage: Rscript scripts/bench_generate.R OUT_DIR [ANALYSES] [K_LIST]
#   OUT_DIR/batch.csv   ANALYSES analyses (default 10000) of k = 10 two-arm
#                       binary studies, long format, grouped by outcome,timepoint
#   OUT_DIR/single_K.csv one analysis of K studies for each K in K_LIST
#                       (default 1000,10000,100000,1000000)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "bench-data"
analyses <- if (length(args) >= 2) as.integer(args[2]) else 10000L
ks <- if (length(args) >= 3) as.integer(strsplit(args[3], ",")[[1]]) else c(1000L, 10000L, 100000L, 1000000L)
dir.create(out, showWarnings = FALSE, recursive = TRUE)

# k two-arm studies: arm sizes 30..400, control risk 5%..40%, true log RR
# theta plus N(0, tau^2) between-study heterogeneity.
studies <- function(k, theta, tau) {
  n_t <- sample(30:400, k, replace = TRUE)
  n_c <- sample(30:400, k, replace = TRUE)
  p_c <- runif(k, 0.05, 0.40)
  p_t <- pmin(0.95, p_c * exp(theta + rnorm(k, 0, tau)))
  data.frame(events_t = rbinom(k, n_t, p_t), n_t = n_t, events_c = rbinom(k, n_c, p_c), n_c = n_c)
}

set.seed(20240601)
k <- 10L
g <- seq_len(analyses) - 1L
rows <- studies(k * analyses, rep(rnorm(analyses, -0.2, 0.2), each = k), 0.15)
batch <- data.frame(outcome = sprintf("outcome%03d", rep(g %/% 100L, each = k)),
                    timepoint = sprintf("t%02d", rep(g %% 100L, each = k)),
                    study = sprintf("S%d", rep(seq_len(k), analyses)), rows)
write.csv(batch, file.path(out, "batch.csv"), row.names = FALSE, quote = FALSE)

for (kk in ks) {
  set.seed(20240601 + kk)
  one <- data.frame(study = sprintf("S%d", seq_len(kk)), studies(kk, -0.2, 0.15))
  write.csv(one, file.path(out, sprintf("single_%d.csv", kk)), row.names = FALSE, quote = FALSE)
}
