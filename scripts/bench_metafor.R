# metafor side of scripts/bench (not a test): the same CSV, one rma() per
# analysis, timed in-process; peak memory comes from /usr/bin/time outside.
# Usage:
#   Rscript scripts/bench_metafor.R batch FILE METHOD TEST [MAX_ANALYSES [FIRST]]
#     loops rma(measure="RR", ai=, n1i=, ci=, n2i=, method=, test=) over the
#     analyses (rows grouped by outcome,timepoint, consecutive) in file order;
#     with MAX_ANALYSES only that many, from analysis FIRST (1-based, default
#     1): one share of a loop that the caller runs in several processes, or
#     extrapolates.
#   Rscript scripts/bench_metafor.R batch-full FILE METHOD TEST [MAX_ANALYSES [FIRST]]
#     the same loop, each fit followed by confint(fit) and predict(fit): the
#     fields of a metapool batch row (tau^2/I^2/H^2 CIs, prediction interval).
#   Rscript scripts/bench_metafor.R single FILE
#     one rma(measure="RR", method="REML") over the whole file.
# Prints one line of shell assignments (read by scripts/bench):
#   analyses=N read=R loop=L loop_cpu=C failed=F tau2_mf=T
# R = wall seconds to read the CSV, L / C = wall / CPU (user + sys) seconds of
# the rma() loop, F = fits that stopped with an error (metafor's default
# control: Fisher scoring that does not converge in 100 iterations), T = tau^2
# of the single fit (NA in batch mode).
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]
file <- args[2]
cpu <- function(t) t[["user.self"]] + t[["sys.self"]]
t0 <- proc.time()
d <- read.csv(file, stringsAsFactors = FALSE)
t1 <- proc.time()
tau2 <- NA
if (mode == "batch" || mode == "batch-full") {
  method <- args[3]
  test <- args[4]
  key <- paste(d$outcome, d$timepoint, sep = "\r")
  starts <- which(c(TRUE, key[-1] != key[-length(key)]))
  ends <- c(starts[-1] - 1L, length(key))
  first <- if (length(args) >= 6) as.integer(args[6]) else 1L
  n <- length(starts) - first + 1L
  if (length(args) >= 5) n <- min(n, as.integer(args[5]))
  failed <- 0L
  est <- numeric(n)
  for (g in first - 1L + seq_len(n)) {
    rows <- starts[g]:ends[g]
    fit <- tryCatch(rma(measure = "RR", ai = d$events_t[rows], n1i = d$n_t[rows], ci = d$events_c[rows],
                        n2i = d$n_c[rows], method = method, test = test),
                    error = function(e) NULL)
    if (!is.null(fit) && mode == "batch-full") {
      ci <- tryCatch(confint(fit), error = function(e) NULL)
      pi <- predict(fit)
    }
    if (is.null(fit)) failed <- failed + 1L else est[g - first + 1L] <- fit$beta[1]
  }
} else {
  n <- 1L
  fit <- tryCatch(rma(measure = "RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d,
                      method = "REML"), error = function(e) NULL)
  failed <- as.integer(is.null(fit))
  if (!is.null(fit)) tau2 <- fit$tau2
}
t2 <- proc.time()
cat(sprintf("analyses=%d read=%.3f loop=%.3f loop_cpu=%.3f failed=%d tau2_mf=%s\n", n,
            t1[["elapsed"]] - t0[["elapsed"]], t2[["elapsed"]] - t1[["elapsed"]], cpu(t2) - cpu(t1), failed,
            format(tau2, digits = 10)))
