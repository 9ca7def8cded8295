#!/usr/bin/env Rscript
# Golden values for `metapool sensitivity --format json`: metafor's leave1out,
# cumul (order = a column) and influence.rma.uni on the bundled datasets,
# written with full precision to tests/golden/sensitivity/cases.json.
#
# Run from the repository root:   Rscript scripts/golden_sensitivity.R
# Needs r-base-core r-cran-metafor r-cran-metadat r-cran-jsonlite.
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })

tight <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)

fit <- function(d, measure, method, test) {
  if (method == "MH")
    return(rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d, measure = measure))
  if (method == "PETO")
    return(rma.peto(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d))
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

cols <- function(x, random) {
  x <- unclass(x)
  stat <- if (!is.null(x$zval)) x$zval else x$tval
  pval <- if (!is.null(x$pval)) x$pval else x$pvals
  out <- list(estimate = x$estimate, se = x$se, statistic = stat, pval = pval, ci_lb = x$ci.lb,
              ci_ub = x$ci.ub, Q = x$Q, Q_pval = x$Qp, I2 = x$I2, H2 = x$H2)
  if (random) out$tau2 <- x$tau2
  lapply(out, as.numeric)
}

run_case <- function(file, measure, method, test, order) {
  d <- read.csv(file, check.names = FALSE, stringsAsFactors = FALSE)
  res <- fit(d, measure, method, test)
  random <- !(method %in% c("EE", "MH", "PETO"))
  args <- sprintf("sensitivity %s --measure %s --method %s --test %s --format json", file, measure, method, test)
  out <- list(args = if (is.na(order)) args else paste(args, "--order", order), k = res$k)
  out$leave1out <- cols(leave1out(res), random)
  cu <- if (is.na(order)) cumul(res) else cumul(res, order = d[[order]])
  out$cumul <- cols(cu, random)
  out$cumul_study <- as.character(d$study[if (is.na(order)) seq_len(nrow(d)) else order(d[[order]])])
  if (inherits(res, "rma.uni")) {
    inf <- influence(res)
    i <- inf$inf
    out$influence <- list(rstudent = i$rstudent, dffits = i$dffits, cook_d = i$cook.d, cov_r = i$cov.r,
                          tau2_del = i$tau2.del, QE_del = i$QE.del, hat = i$hat, weight = i$weight,
                          dfbetas = inf$dfbs$intrcpt, inf = as.logical(inf$is.infl))
  }
  out
}

cases <- list(
  list("datasets/bcg.csv", "RR", "REML", "z", "year"),
  list("datasets/bcg.csv", "RR", "DL", "z", NA),
  list("datasets/bcg.csv", "RR", "EE", "z", "year"),
  list("datasets/bcg.csv", "RR", "REML", "knha", "year"),
  list("datasets/bcg.csv", "OR", "PM", "z", "ablat"),
  list("datasets/bcg.csv", "RR", "MH", "z", "year"),
  list("datasets/bcg.csv", "OR", "MH", "z", NA),
  list("datasets/bcg.csv", "PETO", "PETO", "z", "year"),
  list("datasets/continuous_example.csv", "SMD", "REML", "z", NA),
  list("datasets/continuous_example.csv", "SMD", "DL", "knha", NA),
  list("datasets/continuous_example.csv", "SMD", "EE", "z", NA),
  list("datasets/proportion_example.csv", "PLO", "REML", "z", NA),
  list("datasets/proportion_example.csv", "PLO", "EE", "knha", NA),
  list("datasets/proportion_example.csv", "PLO", "HE", "z", NA),
  list("datasets/generic_example.csv", "GEN", "REML", "z", "year"),
  list("datasets/generic_example.csv", "GEN", "DL", "z", "year"),
  list("datasets/generic_example.csv", "GEN", "EE", "z", "weeks"),
  list("datasets/generic_example.csv", "GEN", "ML", "knha", NA),
  list("datasets/generic_example.csv", "GEN", "SJ", "z", NA)
)

result <- list(metafor_version = as.character(packageVersion("metafor")),
               cases = lapply(cases, function(c) do.call(run_case, c)))
write_json(result, "tests/golden/sensitivity/cases.json", digits = NA, auto_unbox = TRUE, pretty = TRUE,
           na = "null", null = "null")
cat("wrote tests/golden/sensitivity/cases.json:", length(cases), "cases\n")
