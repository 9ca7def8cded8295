# Golden reference values for `metapool pool` (models): metafor 3.8-1 run with
# tight control settings on a fixed set of datasets, written as full-precision
# JSON under tests/golden/pool/. Each file is self-contained (inputs + every
# contract field), so tests/unit/models_golden_test.cpp needs no CSV reader.
#
# Usage: Rscript scripts/golden_pool.R [outdir]   (default tests/golden/pool)
#
# Choices (see the report of issue 3):
# - rma(..., control=list(threshold=1e-13, maxiter=10000, tol=1e-13,
#   tau2.max=1e8)): Fisher scoring (ML/REML/EB) to 1e-13 (relaxed to 1e-11
#   or 1e-9 when tau^2 is so large that 1e-13 is below rounding noise; the
#   threshold used is stored per case) and uniroot (PM/PMM) to 1e-13 with a
#   search range wide enough for huge tau^2.
# - confint(res, control=list(tol=1e-13, tau2.max=max(100, 10 tau^2))):
#   Q-profile roots to 1e-13 on metafor's default search range.
# - GENQ: metafor requires `weights`; metapool's GENQ uses weights = 1/vi, so
#   the reference is rma(method="GENQ", weights=1/vi). Its CI comes from
#   confint(type="QP") because the generalized-Q CI needs CompQuadForm.
# - MH / Peto: rma.mh / rma.peto with the defaults (add=1/2, to="only0",
#   drop00=TRUE).
suppressMessages({
  library(metafor)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "tests/golden/pool"
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

ctl <- list(threshold = 1e-13, maxiter = 10000, tol = 1e-13, tau2.max = 1e8)
ci_ctl <- list(tol = 1e-13, maxiter = 10000)
re_methods <- c("DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM", "PMM", "GENQ")

num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x[1])) NA else unname(as.numeric(x[1]))

collect_warnings <- function(expr) {
  warns <- character(0)
  value <- withCallingHandlers(
    tryCatch(expr, error = function(e) structure(list(msg = conditionMessage(e)), class = "failed")),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  list(value = value, warnings = warns)
}

# Every contract field of one fitted model.
fields <- function(res, is_re, ci_type = NULL) {
  out <- list(
    estimate = num(res$b), se = num(res$se), statistic = num(res$zval), pval = num(res$pval),
    ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub),
    df = if (res$test == "z") NA else num(res$ddf),
    test_used = res$test,
    Q = num(res$QE), Q_pval = num(res$QEp),
    # print.rma.mh / print.rma.peto: Q(df = k.yi - 1), studies with a yi only
    Q_df = if (inherits(res, c("rma.mh", "rma.peto"))) max(res$k.yi - 1, 0) else res$k - res$p,
    I2 = num(res$I2), H2 = num(res$H2),
    weights = unname(as.numeric(weights(res))))
  if (is_re) {
    out$tau2 <- num(res$tau2)
    out$se_tau2 <- num(res$se.tau2)
    out$tau <- sqrt(num(res$tau2))
  } else {
    out$tau2 <- NA; out$se_tau2 <- NA; out$tau <- NA
  }
  pr <- predict(res)
  if (!is.null(pr$pi.lb)) {
    out$pi_lb <- num(pr$pi.lb); out$pi_ub <- num(pr$pi.ub)
  } else {  # EE / MH / Peto: the prediction interval is the CI
    out$pi_lb <- num(pr$ci.lb); out$pi_ub <- num(pr$ci.ub)
  }
  out$tau2_ci <- NA; out$tau_ci <- NA; out$I2_ci <- NA; out$H2_ci <- NA
  out$ci_messages <- character(0)
  if (is_re) {
    # The search range is metafor's documented default [0, max(100, 10 tau^2)],
    # stated explicitly because confint would otherwise inherit the fit's
    # tau2.max (widened above for PM/PMM).
    ci_ctl$tau2.max <- max(100, 10 * res$tau2)
    cr <- collect_warnings(if (is.null(ci_type)) confint(res, control = ci_ctl)
                           else confint(res, type = ci_type, control = ci_ctl))
    if (!inherits(cr$value, "failed")) {
      rnd <- cr$value$random
      out$tau2_ci <- unname(as.numeric(rnd["tau^2", c("ci.lb", "ci.ub")]))
      out$tau_ci <- unname(as.numeric(rnd["tau", c("ci.lb", "ci.ub")]))
      out$I2_ci <- unname(as.numeric(rnd["I^2(%)", c("ci.lb", "ci.ub")]))
      out$H2_ci <- unname(as.numeric(rnd["H^2", c("ci.lb", "ci.ub")]))
      out$ci_messages <- c(cr$warnings, if (!is.null(cr$value$random)) character(0))
      # metafor flags bounds it could only bracket (printed as "<" / ">")
      out$tau2_ci_lb_note <- if (!is.null(cr$value$lb.sign)) cr$value$lb.sign else ""
      out$tau2_ci_ub_note <- if (!is.null(cr$value$ub.sign)) cr$value$ub.sign else ""
      out$tau2_ci_null <- isTRUE(cr$value$ci.null)
    } else {
      out$ci_messages <- cr$value$msg
    }
  }
  out
}

fit_uni_case <- function(yi, vi, method, test) {
  # Fisher scoring's threshold is absolute: for tau^2 in the hundreds 1e-13
  # is below the rounding noise, so relax it step by step until it converges.
  for (threshold in c(1e-13, 1e-11, 1e-9)) {
    ctl$threshold <- threshold
    if (method == "GENQ") {
      r <- collect_warnings(rma(yi, vi, method = "GENQ", weights = 1 / vi, test = test, control = ctl))
    } else {
      r <- collect_warnings(rma(yi, vi, method = method, test = test, control = ctl))
    }
    if (!inherits(r$value, "failed")) break
  }
  if (inherits(r$value, "failed")) return(list(method = method, test = test, error = r$value$msg))
  out <- c(list(method = method, test = test, error = NA, threshold = threshold, warnings = r$warnings),
           fields(r$value, method != "EE", if (method == "GENQ") "QP" else NULL))
  out
}

write_uni <- function(name, yi, vi, source, t_methods = c("EE", "DL", "REML", "PM")) {
  cases <- list()
  for (m in c("EE", re_methods)) {
    tests <- c("z", "knha", if (m %in% t_methods) "t")
    for (tt in tests) cases[[length(cases) + 1]] <- fit_uni_case(yi, vi, m, tt)
  }
  doc <- list(name = name, kind = "uni", source = source,
              reference = paste0("metafor ", packageVersion("metafor"), " rma.uni; control threshold=1e-13, maxiter=10000, tol=1e-13, tau2.max=1e8; confint tol=1e-13"),
              yi = as.numeric(yi), vi = as.numeric(vi), cases = cases)
  write_json(doc, file.path(outdir, paste0(name, ".json")), digits = NA, auto_unbox = TRUE,
             null = "null", na = "null", pretty = TRUE)
}

write_bin <- function(name, ai, n1i, ci, n2i, source) {
  cases <- list()
  for (m in c("OR", "RR", "RD")) {
    r <- collect_warnings(rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = m))
    if (inherits(r$value, "failed")) {
      cases[[length(cases) + 1]] <- list(method = "MH", measure = m, error = r$value$msg)
      next
    }
    cases[[length(cases) + 1]] <- c(list(method = "MH", measure = m, error = NA, warnings = r$warnings,
                                         yi = as.numeric(r$value$yi.f), vi = as.numeric(r$value$vi.f)),
                                    fields(r$value, FALSE))
  }
  r <- collect_warnings(rma.peto(ai = ai, n1i = n1i, ci = ci, n2i = n2i))
  if (inherits(r$value, "failed")) {
    cases[[length(cases) + 1]] <- list(method = "PETO", measure = "PETO", error = r$value$msg)
  } else {
    cases[[length(cases) + 1]] <- c(list(method = "PETO", measure = "PETO", error = NA, warnings = r$warnings,
                                         yi = as.numeric(r$value$yi.f), vi = as.numeric(r$value$vi.f)),
                                    fields(r$value, FALSE))
  }
  doc <- list(name = name, kind = "binary", source = source,
              reference = paste0("metafor ", packageVersion("metafor"), " rma.mh / rma.peto defaults (add=1/2, to='only0', drop00=TRUE)"),
              ai = as.numeric(ai), n1i = as.numeric(n1i), ci = as.numeric(ci), n2i = as.numeric(n2i), cases = cases)
  write_json(doc, file.path(outdir, paste0(name, ".json")), digits = NA, auto_unbox = TRUE,
             null = "null", na = "null", pretty = TRUE)
}

# ---- generic (yi, vi) datasets ----
bcg <- escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
write_uni("bcg_logrr", bcg$yi, bcg$vi, "metadat dat.bcg, escalc(measure='RR')")

normand <- escalc("MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat.normand1999)
write_uni("normand1999_md", normand$yi, normand$vi, "metadat dat.normand1999, escalc(measure='MD')")

write_uni("hackshaw1998_logor", dat.hackshaw1998$yi, dat.hackshaw1998$vi, "metadat dat.hackshaw1998 (yi, vi as shipped)")

molloy <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
write_uni("molloy2014_zcor", molloy$yi, molloy$vi, "metadat dat.molloy2014, escalc(measure='ZCOR')")

write_uni("k2", c(0.1, 0.5), c(0.01, 0.02), "hand-made, k = 2")
write_uni("k1", c(-0.889311257),  c(0.325584765), "hand-made, k = 1")
write_uni("identical", c(0.2, 0.2, 0.2), c(0.01, 0.02, 0.03), "hand-made: identical effects (Q = 0)")

set.seed(1)
v5 <- runif(5, 0.05, 0.2)
write_uni("homogeneous", c(0.1, 0.11, 0.09, 0.1, 0.105), v5,
          "hand-made: Q far below the 2.5% chi-square quantile (both tau^2 CI bounds 0); vi = runif(5, .05, .2) seed 1")
write_uni("lowq", c(0.1, 0.5, -0.2, 0.3, 0.0), v5, "hand-made: tau^2 = 0 and Q between the quantiles (tau^2 CI lower bound 0)")
write_uni("hugehet", c(-30, 10, 40, -20, 60, 5), rep(0.01, 6), "hand-made: very large heterogeneity (tau^2 ~ 1184)")
write_uni("k3wide", c(-5, 0, 5), c(0.01, 0.02, 0.015), "hand-made: k = 3 with large tau^2, upper tau^2 CI bound beyond max(100, 10 tau^2)")

set.seed(20240601)
k <- 30; vi <- rchisq(k, 5) / 50 + 0.005; yi <- rnorm(k, 0.3, sqrt(vi + 0.04))
write_uni("synth_k30", yi, vi, "synthetic: set.seed(20240601); vi = rchisq(30,5)/50+0.005; yi = rnorm(30, 0.3, sqrt(vi+0.04))")
set.seed(42)
k <- 200; vi <- runif(k, 0.01, 0.5); yi <- rnorm(k, -0.2, sqrt(vi + 0.25))
write_uni("synth_k200", yi, vi, "synthetic: set.seed(42); vi = runif(200,.01,.5); yi = rnorm(200,-0.2,sqrt(vi+0.25))")

# ---- binary (2x2) datasets for MH and Peto ----
write_bin("bcg_counts", dat.bcg$tpos, dat.bcg$tpos + dat.bcg$tneg, dat.bcg$cpos, dat.bcg$cpos + dat.bcg$cneg,
          "metadat dat.bcg counts")
write_bin("sparse_hand", c(0, 2, 0, 5, 1, 3), c(20, 30, 15, 40, 25, 50), c(1, 4, 0, 9, 0, 6), c(20, 28, 15, 41, 22, 45),
          "hand-made sparse: single-zero and double-zero studies")
nw <- dat.nielweise2007
write_bin("nielweise2007", nw$ai, nw$n1i, nw$ci, nw$n2i, "metadat dat.nielweise2007 (zero cells)")
set.seed(7)
k <- 15; n1 <- sample(10:60, k, TRUE); n2 <- sample(10:60, k, TRUE)
a <- rbinom(k, n1, 0.04); c0 <- rbinom(k, n2, 0.08)
write_bin("sparse_synth", a, n1, c0, n2, "synthetic sparse: set.seed(7); n ~ 10:60, p = 0.04 vs 0.08")
write_bin("bin_k1", 3, 40, 7, 38, "hand-made, k = 1")

cat("golden files written to", outdir, "\n")
