#!/usr/bin/env Rscript
# Golden values for `metapool bias --format json`: metafor's regtest (model
# "rma" and "lm"), ranktest, trimfill (L0, R0), fsn (Rosenthal, Orwin,
# Rosenberg) and PET / PEESE as lm(yi ~ sei / vi, weights = 1/vi), written
# with full precision to tests/golden/bias/cases.json.
#
# Run from the repository root:   Rscript scripts/golden_bias.R
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })

tight <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)

fit <- function(d, measure, method, test) {
  if (method == "MH")
    return(rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d, measure = measure))
  es <- if (all(c("events_t", "n_t", "events_c", "n_c") %in% names(d))) {
    escalc(measure, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
  } else if (all(c("events", "n") %in% names(d))) {
    escalc(measure, xi = events, ni = n, data = d)
  } else if (all(c("mean_t", "sd_t") %in% names(d))) {
    escalc(measure, m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c, sd2i = sd_c, n2i = n_c, data = d)
  } else {
    escalc("GEN", yi = yi, vi = vi, data = d)
  }
  rma(yi, vi, data = es, method = method, test = test, control = tight)
}

num <- function(x) if (is.null(x) || length(x) == 0) NA else as.numeric(x)[1]

reg <- function(r) list(statistic = num(r$zval), pval = num(r$pval), df = num(r$dfs), est = num(r$est),
                        ci_lb = num(r$ci.lb), ci_ub = num(r$ci.ub), slope = num(coef(r$fit)[2]))

lmfit <- function(y, v, x, level = 0.95) {
  m <- lm(y ~ x, weights = 1 / v)
  s <- coef(summary(m)); ci <- confint(m, level = level)
  list(est = s[1, 1], est_se = s[1, 2], est_pval = s[1, 4], ci_lb = ci[1, 1], ci_ub = ci[1, 2],
       statistic = s[2, 3], pval = s[2, 4])
}

tf_out <- function(res, estimator, side) {
  tf <- if (is.na(side)) trimfill(res, estimator = estimator) else trimfill(res, estimator = estimator, side = side)
  # trimfill refits with metafor's default control; refit the filled data with
  # tight control (same method, z as trimfill uses) for full precision.
  tf2 <- rma(as.numeric(tf$yi), as.numeric(tf$vi), method = tf$method, test = "z", control = tight)
  stopifnot(abs(tf2$beta - tf$beta) < 1e-4)
  out <- list(k0 = tf$k0, side = tf$side, se_k0 = num(tf$se.k0), p_k0 = num(tf$p.k0),
       filled_yi = as.numeric(tf$yi[tf$fill]), filled_vi = as.numeric(tf$vi[tf$fill]), k = tf$k)
  tf <- tf2
  c(out, list(
       estimate = num(tf$beta), se = num(tf$se), statistic = num(tf$zval), pval = num(tf$pval),
       ci_lb = num(tf$ci.lb), ci_ub = num(tf$ci.ub), tau2 = if (tf$method == "EE") NA else num(tf$tau2),
       I2 = num(tf$I2), H2 = num(tf$H2), Q = num(tf$QE), Q_pval = num(tf$QEp)))
}

run_case <- function(file, measure, method, test, side) {
  d <- read.csv(file, check.names = FALSE, stringsAsFactors = FALSE)
  res <- fit(d, measure, method, test)
  args <- sprintf("bias %s --measure %s --method %s --test %s --format json", file, measure, method, test)
  if (!is.na(side)) args <- paste(args, "--side", side)
  yi <- as.numeric(res$yi); vi <- as.numeric(res$vi)
  out <- list(args = args, k = length(yi))
  out$regtest <- reg(regtest(res, ret.fit = TRUE))
  out$regtest_lm <- reg(regtest(res, model = "lm", ret.fit = TRUE))
  rk <- ranktest(res)
  out$ranktest <- list(tau = num(rk$tau), pval = num(rk$pval))
  if (inherits(res, "rma.uni")) {
    out$trimfill <- list(L0 = tf_out(res, "L0", side), R0 = tf_out(res, "R0", side))
  }
  f1 <- fsn(yi, vi); f2 <- fsn(yi, vi, type = "Orwin"); f3 <- fsn(yi, vi, type = "Rosenberg")
  out$fsn <- list(rosenthal = list(fsnum = f1$fsnum, pval = f1$pval),
                  orwin = list(fsnum = f2$fsnum, meanes = f2$meanes, target = f2$target),
                  rosenberg = list(fsnum = f3$fsnum, pval = f3$pval, meanes = f3$meanes))
  out$pet <- lmfit(yi, vi, sqrt(vi))
  out$peese <- lmfit(yi, vi, vi)
  out
}

cases <- list(
  list("datasets/bcg.csv", "RR", "REML", "z", NA),
  list("datasets/bcg.csv", "RR", "DL", "z", NA),
  list("datasets/bcg.csv", "RR", "EE", "z", NA),
  list("datasets/bcg.csv", "RR", "REML", "knha", NA),
  list("datasets/bcg.csv", "RR", "REML", "z", "left"),
  list("datasets/bcg.csv", "RR", "MH", "z", NA),
  list("datasets/continuous_example.csv", "SMD", "REML", "z", NA),
  list("datasets/continuous_example.csv", "SMD", "EE", "z", NA),
  list("datasets/proportion_example.csv", "PLO", "REML", "z", NA),
  list("datasets/proportion_example.csv", "PLO", "DL", "knha", NA),
  list("datasets/generic_example.csv", "GEN", "REML", "z", NA),
  list("datasets/generic_example.csv", "GEN", "EE", "z", NA),
  list("datasets/generic_example.csv", "GEN", "DL", "knha", NA)
)

result <- list(metafor_version = as.character(packageVersion("metafor")),
               cases = lapply(cases, function(c) do.call(run_case, c)))
write_json(result, "tests/golden/bias/cases.json", digits = NA, auto_unbox = TRUE, pretty = TRUE,
           na = "null", null = "null")
cat("wrote tests/golden/bias/cases.json:", length(cases), "cases\n")
