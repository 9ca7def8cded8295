#!/usr/bin/env Rscript
# Golden values for the named conventions (--i2, --pi-df, --mh-cc,
# --pft-scale, --smd-vtype), written to tests/golden/conventions/cases.json.
#
# Where metafor 3.8-1 has the option, the values are metafor's own:
#   --mh-cc / --mh-cc-add   rma.mh(add = c(1/2, <add>), to = c("only0", <to>))
#   --smd-vtype             escalc("SMD", ..., vtype = <vtype>) then rma
# Where it has not, they are the published formula evaluated in R on
# metafor's output:
#   --i2 higgins   I^2 = max(0, (QE - df)/QE), H^2 = QE/df and the test-based
#                  CI of Higgins & Thompson (2002, appendix), as meta's
#                  calcH()/isquared() (meta 6.x R/calcH.R)
#   --pi-df        pred +- q * sqrt(se^2 + tau2) from predict(res), with
#                  q = qnorm / qt(k-1) / qt(k-2)
#   --pft-scale full  escalc("PFT") yi * 2, vi * 4 (the unhalved transform,
#                  vi = 1/(n + 1/2)) then rma; back-transformed with
#                  transf.ipft.hm(x / 2, ni)
#
# Run from the repository root:   Rscript scripts/golden_conventions.R
# Needs r-base-core r-cran-metafor r-cran-jsonlite (scripts/setup.sh --golden).
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })

tight <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)
num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x[1])) NA else as.numeric(x)[1]
rd <- function(file) read.csv(file, check.names = FALSE, stringsAsFactors = FALSE)

# Higgins & Thompson (2002): I^2, H^2 and the test-based CI (meta's calcH).
higgins <- function(Q, k, level = 0.95) {
  df <- k - 1
  H <- sqrt(Q / df)
  se <- if (Q > k) 0.5 * (log(Q) - log(k - 1)) / (sqrt(2 * Q) - sqrt(2 * k - 3))
        else if (k > 2) sqrt(1 / (2 * (k - 2)) * (1 - 1 / (3 * (k - 2)^2))) else NA
  z <- qnorm(1 - (1 - level) / 2)
  lb <- max(exp(log(H) - z * se), 1)
  ub <- max(exp(log(H) + z * se), 1)
  i2 <- function(h) 100 * (h^2 - 1) / h^2
  list(I2 = 100 * max(0, (Q - df) / Q), H2 = Q / df,
       I2_ci = if (is.na(se)) NA else c(i2(lb), i2(ub)), H2_ci = if (is.na(se)) NA else c(lb^2, ub^2))
}

effects_of <- function(d, measure, vtype = "LS") {
  if (all(c("events_t", "n_t") %in% names(d))) {
    escalc(measure, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
  } else if (all(c("events", "n") %in% names(d))) {
    escalc(measure, xi = events, ni = n, data = d)
  } else {
    escalc(measure, m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c, sd2i = sd_c, n2i = n_c, data = d,
           vtype = vtype)
  }
}

# One pool case. `opts` are the metapool options beyond measure/method/test.
pool_case <- function(file, measure, method, test = "z", i2 = "metafor", pi_df = "auto", mh_cc = "none",
                      mh_cc_add = 0.5, pft_scale = "half", smd_vtype = "LS") {
  d <- rd(file)
  args <- sprintf("pool %s --measure %s --method %s --test %s --format json", file, measure, method, test)
  if (i2 != "metafor") args <- paste(args, "--i2", i2)
  if (pi_df != "auto") args <- paste(args, "--pi-df", pi_df)
  if (mh_cc != "none") args <- paste(args, "--mh-cc", mh_cc, "--mh-cc-add", mh_cc_add)
  if (pft_scale != "half") args <- paste(args, "--pft-scale", pft_scale)
  if (smd_vtype != "LS") args <- paste(args, "--smd-vtype", smd_vtype)
  random <- !(method %in% c("EE", "MH", "PETO"))
  if (method == "MH") {
    res <- rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d, measure = measure,
                  add = c(1/2, if (mh_cc == "none") 0 else mh_cc_add), to = c("only0", mh_cc))
  } else if (method == "PETO") {
    res <- rma.peto(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
  } else {
    es <- effects_of(d, measure, smd_vtype)
    if (pft_scale == "full") { es$yi <- 2 * es$yi; es$vi <- 4 * es$vi }
    res <- rma(yi, vi, data = es, method = method, test = test, control = tight)
  }
  k <- res$k
  out <- list(args = args, k = k, estimate = num(res$beta), se = num(res$se), statistic = num(res$zval),
              pval = num(res$pval), ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub), Q = num(res$QE),
              Q_pval = num(res$QEp), I2 = num(res$I2), H2 = num(res$H2))
  if (random) {
    ci <- confint(res, control = list(tol = 1e-12))$random
    out$tau2 <- num(res$tau2); out$tau2_ci <- unname(ci["tau^2", 2:3])
    out$I2_ci <- unname(ci["I^2(%)", 2:3]); out$H2_ci <- unname(ci["H^2", 2:3])
  }
  if (i2 == "higgins") {
    k_q <- if (method %in% c("MH", "PETO")) res$k.yi else k
    h <- higgins(res$QE, k_q)
    out$I2 <- h$I2; out$H2 <- h$H2; out$I2_ci <- h$I2_ci; out$H2_ci <- h$H2_ci
  }
  pr <- predict(res)
  tau2 <- if (random) res$tau2 else 0
  if (pi_df == "auto") {
    out$pi_lb <- num(if (random) pr$pi.lb else pr$ci.lb)
    out$pi_ub <- num(if (random) pr$pi.ub else pr$ci.ub)
  } else {
    q <- switch(pi_df, z = qnorm(0.975), "k-1" = qt(0.975, k - 1), "k-2" = qt(0.975, k - 2))
    half <- q * sqrt(num(pr$se)^2 + tau2)
    out$pi_lb <- num(pr$pred) - half; out$pi_ub <- num(pr$pred) + half
  }
  if (measure == "PFT") {
    f <- if (pft_scale == "full") function(x, targs) transf.ipft.hm(x / 2, targs) else transf.ipft.hm
    bt <- function(x) f(x, targs = list(ni = d$n))
    out$transformed <- list(scale = "proportion", estimate = bt(out$estimate), ci_lb = bt(out$ci_lb),
                            ci_ub = bt(out$ci_ub), pi_lb = bt(out$pi_lb), pi_ub = bt(out$pi_ub))
  }
  binary <- all(c("events_t", "n_t") %in% names(d)) || all(c("events", "n") %in% names(d))
  cc <- if (measure %in% c("PFT", "PAS", "AS")) 0 else 0.5
  out$conventions <- list(
    i2 = i2,
    pi_df = if (pi_df != "auto") pi_df else if (test == "z" || method %in% c("MH", "PETO")) "z" else "k-1",
    cc = if (binary) cc else NA, cc_to = if (binary) "only0" else NA,
    mh_cc = if (method == "MH") mh_cc else NA,
    mh_cc_add = if (method == "MH" && mh_cc != "none") mh_cc_add else NA,
    pft_scale = if (measure == "PFT") pft_scale else NA,
    smd_vtype = if (measure == "SMD") smd_vtype else NA)
  out
}

# effects --format json: escalc per study.
effects_case <- function(file, measure, vtype = "LS", pft_scale = "half") {
  d <- rd(file)
  es <- effects_of(d, measure, vtype)
  if (pft_scale == "full") { es$yi <- 2 * es$yi; es$vi <- 4 * es$vi }
  args <- sprintf("effects %s --measure %s --format json", file, measure)
  if (vtype != "LS") args <- paste(args, "--smd-vtype", vtype)
  if (pft_scale != "half") args <- paste(args, "--pft-scale", pft_scale)
  list(args = args, yi = as.numeric(es$yi), vi = as.numeric(es$vi),
       smd_vtype = if (measure == "SMD") vtype else NA, pft_scale = if (measure == "PFT") pft_scale else NA)
}

bcg <- "datasets/bcg.csv"
zc <- "tests/golden/conventions/zero_cells.csv"
cont <- "datasets/continuous_example.csv"
prop <- "datasets/proportion_example.csv"

pool_cases <- list(
  # --i2
  pool_case(bcg, "RR", "REML", i2 = "higgins"),
  pool_case(bcg, "RR", "DL", "knha", i2 = "higgins"),
  pool_case(bcg, "OR", "EE", i2 = "higgins"),
  pool_case(bcg, "OR", "MH", i2 = "higgins"),
  pool_case(bcg, "PETO", "PETO", i2 = "higgins"),
  pool_case(cont, "SMD", "PM", i2 = "higgins"),
  pool_case(prop, "PLO", "REML", i2 = "metafor"),
  # --pi-df
  pool_case(bcg, "RR", "REML", pi_df = "k-2"),
  pool_case(bcg, "RR", "REML", "knha", pi_df = "k-2"),
  pool_case(bcg, "RR", "DL", "knha", pi_df = "z"),
  pool_case(bcg, "OR", "SJ", "z", pi_df = "k-1"),
  pool_case(bcg, "RR", "EE", "z", pi_df = "k-2"),
  pool_case(cont, "SMD", "REML", "t", pi_df = "k-2", i2 = "higgins"),
  # --mh-cc
  pool_case(zc, "OR", "MH"),
  pool_case(zc, "OR", "MH", mh_cc = "only0"),
  pool_case(zc, "OR", "MH", mh_cc = "all"),
  pool_case(zc, "OR", "MH", mh_cc = "if0all", mh_cc_add = 0.25),
  pool_case(zc, "RR", "MH", mh_cc = "only0"),
  pool_case(zc, "RD", "MH", mh_cc = "all", mh_cc_add = 1),
  pool_case(bcg, "RR", "MH", mh_cc = "all"),
  # --pft-scale
  pool_case(prop, "PFT", "REML", pft_scale = "full"),
  pool_case(prop, "PFT", "DL", "knha", pft_scale = "full"),
  pool_case(prop, "PFT", "REML", pft_scale = "half"),
  # --smd-vtype
  pool_case(cont, "SMD", "REML", smd_vtype = "UB"),
  pool_case(cont, "SMD", "REML", smd_vtype = "LS2"),
  pool_case(cont, "SMD", "DL", smd_vtype = "AV")
)

effects_cases <- list(
  effects_case(cont, "SMD", "LS"), effects_case(cont, "SMD", "UB"), effects_case(cont, "SMD", "LS2"),
  effects_case(cont, "SMD", "AV"), effects_case(prop, "PFT", pft_scale = "full"),
  effects_case(prop, "PFT", pft_scale = "half")
)

result <- list(metafor_version = as.character(packageVersion("metafor")), pool = pool_cases, effects = effects_cases)
write_json(result, "tests/golden/conventions/cases.json", digits = I(17), auto_unbox = TRUE, pretty = TRUE,
           na = "null", null = "null")
cat("wrote tests/golden/conventions/cases.json:", length(pool_cases), "pool and", length(effects_cases),
    "effects cases\n")
