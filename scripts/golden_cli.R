#!/usr/bin/env Rscript
# Golden values for the end-to-end `metapool pool --format json` tests:
# metafor's rma / rma.mh / rma.peto, confint and predict (with the measure's
# back-transformation) on the bundled datasets, written with full precision
# to tests/golden/cli/pool_cases.json.
#
# Run from the repository root:   Rscript scripts/golden_cli.R
# Needs Debian r-base-core r-cran-metafor r-cran-metadat r-cran-jsonlite
# (scripts/setup.sh --golden). Records the metafor version used.
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })

tight <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)
num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x[1])) NA else as.numeric(x)[1]

read_case_data <- function(file) read.csv(file, check.names = FALSE, stringsAsFactors = FALSE)

fit <- function(d, measure, method, test) {
  shape_binary <- all(c("events_t", "n_t", "events_c", "n_c") %in% names(d))
  if (method == "MH") {
    return(rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d, measure = measure))
  }
  if (method == "PETO") {
    return(rma.peto(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d))
  }
  es <- if (shape_binary) {
    escalc(measure, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
  } else if (all(c("events", "n") %in% names(d))) {
    escalc(measure, xi = events, ni = n, data = d)
  } else if (all(c("mean_t", "sd_t") %in% names(d))) {
    escalc(measure, m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c, sd2i = sd_c, n2i = n_c, data = d)
  } else if (all(c("r", "n") %in% names(d))) {
    escalc(measure, ri = r, ni = n, data = d)
  } else {
    escalc("GEN", yi = yi, vi = vi, data = d)
  }
  rma(yi, vi, data = es, method = method, test = test, control = tight)
}

transf_for <- function(measure, d) {
  switch(measure,
    OR = list(f = exp, scale = "OR"), RR = list(f = exp, scale = "RR"), ROM = list(f = exp, scale = "ROM"),
    PETO = list(f = exp, scale = "OR"),
    PLO = list(f = transf.ilogit, scale = "proportion"), PLN = list(f = exp, scale = "proportion"),
    PAS = list(f = transf.iarcsin, scale = "proportion"),
    PFT = list(f = transf.ipft.hm, scale = "proportion", targs = list(ni = d$n)),
    ZCOR = list(f = transf.ztor, scale = "r"),
    NULL)
}

run_case <- function(file, measure, method, test) {
  d <- read_case_data(file)
  res <- fit(d, measure, method, test)
  random <- !(method %in% c("EE", "FE", "MH", "PETO"))
  out <- list(
    args = sprintf("pool %s --measure %s --method %s --test %s --format json", file, measure, method, test),
    k = res$k, estimate = num(res$beta), se = num(res$se), statistic = num(res$zval), pval = num(res$pval),
    ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub), df = if (test == "z") NA else num(res$ddf),
    Q = num(res$QE), Q_pval = num(res$QEp), I2 = num(res$I2), H2 = num(res$H2))
  if (random) {
    ci <- confint(res, control = list(tol = 1e-12))$random
    out$tau2 <- num(res$tau2); out$se_tau2 <- num(res$se.tau2); out$tau <- sqrt(res$tau2)
    out$tau2_ci <- unname(ci["tau^2", 2:3]); out$tau_ci <- unname(ci["tau", 2:3])
    out$I2_ci <- unname(ci["I^2(%)", 2:3]); out$H2_ci <- unname(ci["H^2", 2:3])
  }
  tr <- transf_for(if (method == "PETO") "PETO" else measure, d)
  pr <- predict(res)
  out$pi_lb <- num(if (random) pr$pi.lb else pr$ci.lb)
  out$pi_ub <- num(if (random) pr$pi.ub else pr$ci.ub)
  if (!is.null(tr)) {
    pt <- if (is.null(tr$targs)) predict(res, transf = tr$f) else predict(res, transf = tr$f, targs = tr$targs)
    out$transformed <- list(scale = tr$scale, estimate = num(pt$pred), ci_lb = num(pt$ci.lb), ci_ub = num(pt$ci.ub),
      pi_lb = num(if (random) pt$pi.lb else pt$ci.lb), pi_ub = num(if (random) pt$pi.ub else pt$ci.ub))
  }
  out
}

cases <- list(
  list("datasets/bcg.csv", "RR", "REML", "z"),
  list("datasets/bcg.csv", "RR", "DL", "knha"),
  list("datasets/bcg.csv", "OR", "PM", "z"),
  list("datasets/bcg.csv", "OR", "MH", "z"),
  list("datasets/bcg.csv", "RR", "MH", "z"),
  list("datasets/bcg.csv", "RD", "MH", "z"),
  list("datasets/bcg.csv", "PETO", "PETO", "z"),
  list("datasets/bcg.csv", "RR", "EE", "z"),
  list("datasets/continuous_example.csv", "SMD", "REML", "z"),
  list("datasets/continuous_example.csv", "ROM", "SJ", "knha"),
  list("datasets/correlation_example.csv", "ZCOR", "REML", "z"),
  list("datasets/proportion_example.csv", "PLO", "ML", "z"),
  list("datasets/proportion_example.csv", "PFT", "REML", "z"),
  list("datasets/proportion_example.csv", "PAS", "HE", "z"),
  list("datasets/proportion_example.csv", "PLN", "DL", "z"),
  list("datasets/generic_example.csv", "GEN", "EB", "knha"),
  list("datasets/ketamine/esketamine_vs_placebo_response_day28.csv", "RR", "REML", "z"),
  list("datasets/ketamine/single_arm_response.csv", "PLO", "REML", "z")
)

result <- list(metafor_version = as.character(packageVersion("metafor")),
               cases = lapply(cases, function(c) do.call(run_case, c)))
write_json(result, "tests/golden/cli/pool_cases.json", digits = I(17), auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null")
cat("wrote tests/golden/cli/pool_cases.json:", length(cases), "cases\n")
