#!/usr/bin/env Rscript
# Golden values for subgroup analysis and meta-regression (`metapool pool
# --subgroup COL` / `--mods a,b`): metafor 3.8-1 rma.uni with moderators,
# confint (Q-profile), rma.mh / rma.peto per subgroup, written with full
# precision to tests/golden/metareg/{metareg,subgroup}_cases.json.
#
# Run from the repository root:   Rscript scripts/golden_metareg.R
# Needs Debian r-base-core r-cran-metafor r-cran-metadat r-cran-jsonlite.
# Factor levels are sorted in the C locale, as metapool sorts them.
suppressPackageStartupMessages({ library(metafor); library(jsonlite) })
invisible(Sys.setlocale("LC_COLLATE", "C"))

tight <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)
num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x[1])) NA else as.numeric(x)[1]

read_data <- function(file) read.csv(file, check.names = FALSE, stringsAsFactors = FALSE)

effects <- function(d, measure) {
  if (all(c("events_t", "n_t", "events_c", "n_c") %in% names(d))) {
    escalc(measure, ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
  } else {
    escalc("GEN", yi = yi, vi = vi, data = d)
  }
}

# rma.uni as metapool fits it: GENQ with weights 1/vi.
fit_rma <- function(es, method, test, mods = NULL, tau2 = NULL) {
  args <- list(yi = es$yi, vi = es$vi, method = method, test = test, control = tight)
  if (!is.null(mods)) args$mods <- mods
  if (!is.null(tau2)) args$tau2 <- tau2
  if (method == "GENQ") args$weights <- 1 / es$vi
  do.call(rma, args)
}

metareg_case <- function(file, measure, mods, method, test) {
  d <- read_data(file)
  es <- effects(d, measure)
  for (m in mods) if (is.character(es[[m]])) es[[m]] <- factor(es[[m]])
  keep <- complete.cases(es[, mods, drop = FALSE])
  es <- es[keep, ]
  f <- as.formula(paste("~", paste(mods, collapse = " + ")))
  X <- model.matrix(f, data = es)
  res <- fit_rma(es, method, test, mods = X[, -1, drop = FALSE])
  coefs <- lapply(seq_along(res$beta), function(j) list(
    name = sub("(Intercept)", "intrcpt", colnames(X)[j], fixed = TRUE), estimate = res$beta[j], se = res$se[j], statistic = res$zval[j],
    pval = res$pval[j], ci_lb = res$ci.lb[j], ci_ub = res$ci.ub[j]))
  out <- list(
    args = sprintf("pool %s --measure %s --method %s --test %s --mods %s --format json", file, measure, method,
                   test, paste(mods, collapse = ",")),
    file = file, measure = measure, method = method, test = test, mods = mods,
    k = res$k, coefficients = coefs, QM = res$QM, QM_df = res$QMdf[1], QM_df2 = num(res$QMdf[2]),
    QM_pval = res$QMp, Q = res$QE, Q_df = res$k - res$p, Q_pval = res$QEp, I2 = res$I2, H2 = res$H2,
    R2 = num(res$R2), df = if (test == "z") NA else res$k - res$p)
  if (method != "EE") {
    out$tau2 <- res$tau2
    out$se_tau2 <- res$se.tau2
    out$tau <- sqrt(res$tau2)
    ci <- confint(res, type = "QP", control = list(tol = 1e-12))$random
    out$tau2_ci <- unname(ci[1, 2:3])
    out$tau_ci <- unname(ci[2, 2:3])
    out$I2_ci <- unname(ci[3, 2:3])
    out$H2_ci <- unname(ci[4, 2:3])
  }
  out$weights <- unname(weights(res))
  out
}

pool_fields <- function(res, method) {
  out <- list(k = res$k, estimate = c(res$beta), se = res$se, statistic = res$zval, pval = res$pval,
              ci_lb = res$ci.lb, ci_ub = res$ci.ub, Q = res$QE, Q_pval = res$QEp, I2 = num(res$I2),
              H2 = num(res$H2))
  if (!method %in% c("EE", "MH", "PETO")) {
    out$tau2 <- res$tau2
    out$tau <- sqrt(res$tau2)
    if (!isTRUE(res$tau2.fix) && res$k > 1) out$se_tau2 <- num(res$se.tau2)
    pr <- predict(res)
    out$pi_lb <- num(pr$pi.lb)
    out$pi_ub <- num(pr$pi.ub)
  }
  out
}

subgroup_case <- function(file, measure, column, method, test, tau2_mode = "separate") {
  d <- read_data(file)
  es <- effects(d, measure)
  es <- es[!is.na(es[[column]]) & es[[column]] != "", ]
  groups <- unique(es[[column]])  # order of first appearance
  mixed <- NULL
  if (!method %in% c("MH", "PETO")) {
    mixed <- fit_rma(es, method, test, mods = model.matrix(~ factor(es[[column]]))[, -1, drop = FALSE])
  }
  subs <- lapply(groups, function(g) {
    rows <- es[[column]] == g
    sub <- es[rows, ]
    res <- if (method == "MH") {
      rma.mh(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d[d[[column]] == g, ], measure = measure)
    } else if (method == "PETO") {
      rma.peto(ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d[d[[column]] == g, ])
    } else if (tau2_mode == "common") {
      fit_rma(sub, method, test, tau2 = mixed$tau2)
    } else {
      fit_rma(sub, method, test)
    }
    c(list(name = g), pool_fields(res, method))
  })
  est <- sapply(subs, `[[`, "estimate")
  se <- sapply(subs, `[[`, "se")
  w <- 1 / se^2
  Q <- sum(w * (est - sum(w * est) / sum(w))^2)
  out <- list(
    args = sprintf("pool %s --measure %s --method %s --test %s --subgroup %s --subgroup-tau2 %s --format json",
                   file, measure, method, test, column, tau2_mode),
    subgroups = subs,
    subgroup_test = list(Q = Q, df = length(groups) - 1, pval = pchisq(Q, length(groups) - 1, lower.tail = FALSE)))
  if (!is.null(mixed)) {
    out$subgroup_test_mixed <- list(QM = mixed$QM, df = mixed$QMdf[1], df2 = num(mixed$QMdf[2]), pval = mixed$QMp,
                                    tau2 = if (method == "EE") NA else num(mixed$tau2), QE = mixed$QE)
  }
  out
}

re_methods <- c("DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM", "PMM", "GENQ")
bcg <- "datasets/bcg.csv"
gen <- "datasets/generic_example.csv"
ket <- "datasets/ketamine/racemic_vs_esketamine_response_subgroups.csv"

metareg <- list()
for (method in c("EE", re_methods)) {
  for (test in c("z", "knha")) {
    metareg[[length(metareg) + 1]] <- metareg_case(bcg, "RR", c("ablat", "alloc"), method, test)
    metareg[[length(metareg) + 1]] <- metareg_case(gen, "GEN", c("weeks", "setting", "tester"), method, test)
  }
  metareg[[length(metareg) + 1]] <- metareg_case(bcg, "RR", c("ablat", "year"), method, "z")
}
for (method in c("REML", "DL", "EE")) {
  metareg[[length(metareg) + 1]] <- metareg_case(bcg, "RR", "alloc", method, "z")
  metareg[[length(metareg) + 1]] <- metareg_case(bcg, "OR", "ablat", method, "t")
  metareg[[length(metareg) + 1]] <- metareg_case(gen, "GEN", "weeks", method, "z")
  metareg[[length(metareg) + 1]] <- metareg_case(gen, "GEN", "tester", method, "knha")
}

subgroup <- list()
for (method in c("EE", re_methods)) {
  for (test in c("z", "knha")) {
    subgroup[[length(subgroup) + 1]] <- subgroup_case(bcg, "RR", "alloc", method, test)
    subgroup[[length(subgroup) + 1]] <- subgroup_case(gen, "GEN", "setting", method, test)
  }
  subgroup[[length(subgroup) + 1]] <- subgroup_case(ket, "RR", "subgroup", method, "z")
}
for (method in c("REML", "DL", "PM")) {
  subgroup[[length(subgroup) + 1]] <- subgroup_case(bcg, "RR", "alloc", method, "z", "common")
  subgroup[[length(subgroup) + 1]] <- subgroup_case(gen, "GEN", "tester", method, "knha", "common")
}
subgroup[[length(subgroup) + 1]] <- subgroup_case(bcg, "OR", "alloc", "MH", "z")
subgroup[[length(subgroup) + 1]] <- subgroup_case(bcg, "RR", "alloc", "MH", "z")
subgroup[[length(subgroup) + 1]] <- subgroup_case(bcg, "OR", "alloc", "PETO", "z")
subgroup[[length(subgroup) + 1]] <- subgroup_case(ket, "OR", "subgroup", "MH", "z")

meta <- list(metafor = as.character(packageVersion("metafor")), control = tight,
             note = "written by scripts/golden_metareg.R; NA = null")
write_json(c(meta, list(cases = metareg)), "tests/golden/metareg/metareg_cases.json", digits = NA,
           auto_unbox = TRUE, na = "null", null = "null", pretty = TRUE)
write_json(c(meta, list(cases = subgroup)), "tests/golden/metareg/subgroup_cases.json", digits = NA,
           auto_unbox = TRUE, na = "null", null = "null", pretty = TRUE)
cat(sprintf("%d meta-regression and %d subgroup cases written\n", length(metareg), length(subgroup)))

# Exact permutation tests (permutest(exact = TRUE)): deterministic, so
# metapool's exact test must give the same p-values.
perm_case <- function(file, measure, mods, method, test, rows = NULL) {
  d <- read_data(file)
  if (!is.null(rows)) d <- d[rows, ]
  es <- effects(d, measure)
  f <- as.formula(paste("~", paste(mods, collapse = " + ")))
  X <- model.matrix(f, data = es)
  res <- fit_rma(es, method, test, mods = X[, -1, drop = FALSE])
  pt <- permutest(res, exact = TRUE, progbar = FALSE, control = list(tol = 1e-12))
  list(file = file, measure = measure, mods = mods, method = method, test = test,
       iterations = pt$exact.iter, pval = unname(pt$pval), QM_pval = pt$QMp,
       observed_pval = unname(res$pval), observed_QM_pval = res$QMp)
}
bcg7 <- "tests/golden/metareg/bcg_first7.csv"
write.csv(read_data(bcg)[1:7, ], bcg7, row.names = FALSE)
perm <- list(
  perm_case(gen, "GEN", "setting", "REML", "z"),
  perm_case(gen, "GEN", "setting", "DL", "knha"),
  perm_case(bcg7, "RR", "ablat", "REML", "z"),
  perm_case(bcg7, "RR", "ablat", "EE", "z"))
write_json(c(meta, list(cases = perm)), "tests/golden/metareg/permutation_cases.json", digits = NA,
           auto_unbox = TRUE, na = "null", null = "null", pretty = TRUE)
cat(sprintf("%d exact permutation cases written\n", length(perm)))
