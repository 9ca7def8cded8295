# Golden reference values for numerical edge cases (issue 9): metafor 3.8-1
# and base R on inputs at the limits of double arithmetic, written as JSON
# (15 significant digits) under tests/golden/edge/. Read by
# tests/unit/edge_numerics_test.cpp.
#
# Usage: Rscript scripts/golden_edge.R [outdir]   (default tests/golden/edge)
#
# Control settings: Fisher scoring to threshold 1e-13 and uniroot (PM/PMM,
# Q-profile) to tol 1e-13 -- metafor's default uniroot tol
# (.Machine$double.eps^0.25) leaves PM's tau^2 off by ~1e-4 relative.
suppressMessages({
  library(metafor)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "tests/golden/edge"
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

ctl <- list(threshold = 1e-13, maxiter = 10000, tol = 1e-13)
num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x[1])) NA else unname(as.numeric(x[1]))
write_golden <- function(name, value) {
  writeLines(toJSON(value, digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
             file.path(outdir, paste0(name, ".json")))
}
warnings_of <- function(expr) {
  warns <- character(0)
  value <- withCallingHandlers(expr, warning = function(w) {
    warns <<- c(warns, conditionMessage(w))
    invokeRestart("muffleWarning")
  })
  list(value = value, warnings = warns)
}
model_fields <- function(res) {
  list(method = res$method, estimate = num(res$b), se = num(res$se), statistic = num(res$zval),
       pval = num(res$pval), ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub),
       tau2 = num(res$tau2), Q = num(res$QE), I2 = num(res$I2), H2 = num(res$H2))
}

# ---- 1. log10 two-sided p-values far in the tails ----
z <- c(0.5, 1.96, 5, 10, 20, 30, 36.9, 37, 37.5, 38, 38.5, 40, 47.1, 50, 100, 1000, 1e5, 1e10, 1e100)
t_cases <- expand.grid(t = c(2, 10, 100, 1e3, 1e10, 1e30, 1e150, 1e300), df = c(1, 2, 5, 30, 1000))
t_cases <- rbind(t_cases, data.frame(t = c(40, 45, 60), df = c(2e5, 2e5, 2e5)))
write_golden("tails", list(
  source = "R: (log(2) + pnorm(|z|, lower.tail=FALSE, log.p=TRUE)) / log(10); the same with pt(|t|, df)",
  z = lapply(z, function(x) list(z = x, pval = 2 * pnorm(x, lower.tail = FALSE),
                                 log10_pval = (log(2) + pnorm(x, lower.tail = FALSE, log.p = TRUE)) / log(10))),
  t = lapply(seq_len(nrow(t_cases)), function(i) {
    tt <- t_cases$t[i]; df <- t_cases$df[i]
    list(t = tt, df = df, pval = 2 * pt(tt, df, lower.tail = FALSE),
         log10_pval = (log(2) + pt(tt, df, lower.tail = FALSE, log.p = TRUE)) / log(10))
  })))

# A pooled z of about 47: metafor's pval underflows to 0.
bigz <- data.frame(yi = c(2, 2.1, 1.9, 2.05), vi = rep(0.001, 4))
res <- rma(yi, vi, data = bigz, method = "REML", control = ctl)
write_golden("bigz", c(list(yi = bigz$yi, vi = bigz$vi),
                       model_fields(res),
                       list(log10_pval = (log(2) + pnorm(abs(res$zval), lower.tail = FALSE, log.p = TRUE)) / log(10))))

# ---- 2. vi from 1e-12 to 1e6 in one data set ----
vispan <- data.frame(yi = c(0.1, 0.5, -0.3, 0.8, 2, 0.3), vi = c(1e-12, 1e6, 0.02, 1e-6, 100, 0.5))
fits <- list()
for (m in c("EE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM", "PMM")) {
  w <- warnings_of(rma(yi, vi, data = vispan, method = m, control = ctl))
  f <- model_fields(w$value)
  f$warnings <- w$warnings
  if (m == "REML") {
    ci <- confint(w$value, control = list(tol = 1e-13, maxiter = 10000))$random
    f$tau2_ci <- unname(ci[1, 2:3])
  }
  fits[[length(fits) + 1]] <- f
}
write_golden("vispan", list(yi = vispan$yi, vi = vispan$vi, fits = fits))

# ---- 3. counts up to 10^9 ----
big <- data.frame(study = c("A", "B", "C"),
                  events_t = c(123456789, 999999999, 1), n_t = c(1e9, 1e9, 1e9),
                  events_c = c(100000000, 987654321, 3), n_c = c(1e9, 1e9, 1e9))
effects <- list()
for (m in c("RR", "OR", "RD", "AS", "PETO")) {
  e <- escalc(m, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = big)
  effects[[m]] <- list(yi = as.numeric(e$yi), vi = as.numeric(e$vi))
}
e <- escalc("RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = big)
pooled <- list(
  RR_REML = model_fields(suppressWarnings(rma(yi, vi, data = e, method = "REML", control = ctl))),
  RR_MH = model_fields(rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = big, measure = "RR")),
  OR_MH = model_fields(rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = big, measure = "OR")),
  RD_MH = model_fields(rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = big, measure = "RD")),
  PETO = model_fields(rma.peto(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = big)))
write_golden("big_counts", c(as.list(big), list(effects = effects, pooled = pooled)))
write.csv(big, file.path(outdir, "big_counts.csv"), row.names = FALSE, quote = FALSE)
# The single-arm shape with the same counts.
prop <- data.frame(study = c("A", "B", "C"), events = big$events_t, n = big$n_t)
peffects <- list()
for (m in c("PR", "PLO", "PAS", "PFT", "PLN")) {
  e <- escalc(m, xi = events, ni = n, data = prop)
  peffects[[m]] <- list(yi = as.numeric(e$yi), vi = as.numeric(e$vi))
}
write_golden("big_proportions", c(as.list(prop), list(effects = peffects)))

# ---- 4. SMD with large arms (no Gamma overflow in Hedges' correction) ----
smd <- data.frame(study = c("n5000", "n1e6", "n1e8", "n344"),
                  mean_t = c(10.2, 10.02, 10.001, 11), sd_t = c(2, 2.1, 1.9, 2.5),
                  n_t = c(5000, 1e6, 1e8, 344),
                  mean_c = c(10, 10, 10, 10), sd_c = c(2.2, 2, 2, 2.4),
                  n_c = c(5000, 1e6, 1e8, 343))
e <- escalc("SMD", m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c, sd2i = sd_c, n2i = n_c, data = smd)
write_golden("smd_large_n", c(as.list(smd), list(
  yi = as.numeric(e$yi), vi = as.numeric(e$vi),
  cmi = metafor:::.cmicalc(smd$n_t + smd$n_c - 2),
  pooled = model_fields(rma(yi, vi, data = e, method = "REML", control = ctl)))))

# ---- 5. Freeman-Tukey back-transform outside the transform's range ----
ni <- c(10, 25, 40)
nhm <- 1 / mean(1 / ni)
lo <- transf.pft(0, nhm); hi <- transf.pft(1, nhm)
x <- c(-0.5, 0, lo - 1e-9, lo, lo + 1e-6, 0.3, 0.7854, 1.2, hi - 1e-6, hi, hi + 1e-9, pi / 2, 2)
write_golden("pft_back", list(ni = ni, nhm = nhm, range = c(lo, hi),
                              x = x, value = transf.ipft.hm(x, targs = list(ni = ni))))

# ---- 6. metafor's two warning/error thresholds, observed at their edges ----
# Neither threshold is stated in metafor's documentation; these cases show
# where metafor's own output changes, so that metapool can be tested against
# its behaviour rather than against its code.
# (a) "Ratio of largest to smallest sampling variance extremely large": the
#     ratio max(vi)/min(vi) just below, at and just above 1e7.
ratio_yi <- c(0.1, 0.5, -0.3, 0.8)
ratio_cases <- lapply(c(0.999e7, 1e7, 1.001e7), function(r) {
  vi <- c(1, r, 2, 3)
  w <- warnings_of(rma(ratio_yi, vi, method = "DL"))
  list(vi = vi, warned = any(grepl("Ratio of largest to smallest sampling variance", w$warnings)))
})
# (b) "Model matrix not of full rank": X = [1, x] with x = (0, 0, 0, 0, e),
#     e chosen so that the smallest eigenvalue of X'X is 0.99e-7 and 1.01e-7.
rank_y <- c(0.1, 0.5, -0.3, 0.8, 0.2)
rank_v <- rep(0.05, 5)
min_eigen <- function(e) min(eigen(crossprod(cbind(1, c(0, 0, 0, 0, e))), only.values = TRUE)$values)
rank_cases <- lapply(c(0.99e-7, 1.01e-7), function(target) {
  e <- uniroot(function(e) min_eigen(e) - target, c(1e-5, 1e-2), tol = 1e-15)$root
  x <- c(0, 0, 0, 0, e)
  fit <- try(rma(rank_y, rank_v, mods = ~ x, method = "REML"), silent = TRUE)
  list(x = x, min_eigen = min_eigen(e), full_rank = !inherits(fit, "try-error"))
})
write_golden("thresholds", list(ratio = list(yi = ratio_yi, cases = ratio_cases),
                                rank = list(yi = rank_y, vi = rank_v, cases = rank_cases)))
