#!/usr/bin/env Rscript
# Golden values for an analysis where REML/EB Fisher scoring oscillates and
# metafor 3.8's rma stops with "Fisher scoring algorithm did not converge"
# unless the step is halved (control = list(stepadj = 0.5)). metapool then
# solves the estimating equation by bracketing and must give the same tau^2.
# Data: analysis 252 of scripts/bench_generate.R; for the meta-regression,
# tests/golden/edge/oscillating_metareg.csv (random yi, vi and moderators from
# a search for non-converging fits: a numeric moderator `a` and a three-level
# factor `lev`). tests/golden/edge/stalled_metareg.csv: two nearly collinear
# moderators of size ~1e11 (metafor accepts the design: X'X has no small
# eigenvalue), where REML scoring reaches the round-off floor and cycles
# there: metafor converges at threshold 1e-7 and fails from 1e-8 on, and
# metapool must stop at that floor instead of running to its iteration cap.
# Run from the repository root: Rscript scripts/golden_oscillation.R
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })
d <- data.frame(events_t = c(27, 5, 45, 11, 9, 18, 73, 10, 29, 14),
                n_t = c(383, 198, 356, 255, 168, 131, 239, 42, 172, 126),
                events_c = c(20, 12, 11, 24, 8, 29, 93, 34, 15, 16),
                n_c = c(202, 154, 69, 309, 135, 144, 284, 96, 62, 132))
es <- escalc("RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
fails <- inherits(try(rma(yi, vi, data = es, method = "REML",
                          control = list(threshold = 1e-12, maxiter = 1000)), silent = TRUE), "try-error")
out <- list(metafor_version = as.character(packageVersion("metafor")), yi = as.numeric(es$yi),
            vi = as.numeric(es$vi), metafor_default_scoring_fails = fails, fits = list())
for (m in c("REML", "ML", "EB")) {
  for (test in c("z", "knha")) {
    r <- rma(yi, vi, data = es, method = m, test = test,
             control = list(stepadj = 0.5, threshold = 1e-13, maxiter = 10000))
    out$fits[[length(out$fits) + 1]] <- list(method = m, test = test, tau2 = r$tau2,
      estimate = as.numeric(r$beta), se = r$se, ci_lb = r$ci.lb, ci_ub = r$ci.ub)
  }
}
write_json(out, "tests/golden/edge/oscillating_fisher_scoring.json", digits = NA, auto_unbox = TRUE)
cat("wrote tests/golden/edge/oscillating_fisher_scoring.json\n")

# Meta-regression (rma(yi, vi, mods = ~ a + lev)): the same oscillation.
mr <- read.csv("tests/golden/edge/oscillating_metareg.csv")
out <- list(metafor_version = as.character(packageVersion("metafor")), fits = list())
for (m in c("REML", "ML", "EB")) {
  fails <- inherits(try(rma(yi, vi, mods = ~ a + lev, data = mr, method = m), silent = TRUE), "try-error")
  r <- rma(yi, vi, mods = ~ a + lev, data = mr, method = m,
           control = list(stepadj = 0.5, threshold = 1e-13, maxiter = 10000))
  out$fits[[length(out$fits) + 1]] <- list(method = m, metafor_default_scoring_fails = fails, tau2 = r$tau2,
    names = rownames(r$beta), estimate = as.numeric(r$beta), se = as.numeric(r$se),
    QM = r$QM, QE = r$QE)
}
write_json(out, "tests/golden/edge/oscillating_metareg.json", digits = NA, auto_unbox = TRUE)
cat("wrote tests/golden/edge/oscillating_metareg.json\n")

# Meta-regression whose scoring stalls at round-off (see the header).
st <- read.csv("tests/golden/edge/stalled_metareg.csv")
tight_fails <- inherits(try(rma(yi, vi, mods = ~ a + b, data = st, method = "REML",
                                control = list(threshold = 1e-8, maxiter = 1000)), silent = TRUE), "try-error")
r <- rma(yi, vi, mods = ~ a + b, data = st, method = "REML", control = list(threshold = 1e-7, maxiter = 1000))
out <- list(metafor_version = as.character(packageVersion("metafor")), metafor_threshold_1e8_fails = tight_fails,
            threshold = 1e-7, tau2 = r$tau2, names = rownames(r$beta), estimate = as.numeric(r$beta),
            se = as.numeric(r$se), QE_metafor = r$QE,
            # QE from a QR fit (lm): X'WX has condition number ~6e22 here and
            # metafor's QE loses about four digits to it; metapool fits by QR.
            QE_qr = sum(residuals(lm(yi ~ a + b, weights = 1 / vi, data = st))^2 / st$vi))
write_json(out, "tests/golden/edge/stalled_metareg.json", digits = NA, auto_unbox = TRUE)
cat("wrote tests/golden/edge/stalled_metareg.json\n")
