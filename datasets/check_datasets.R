# Sanity check for every dataset under datasets/: each CSV loads with read.csv,
# its data shape is recognised from the column names (as in shared/interface.md),
# and, where k >= 2, it pools with metafor::rma at the shape's default measure
# (binary RR, proportion PLO, continuous SMD, correlation ZCOR, generic yi/vi).
# Run from the repository root:  Rscript datasets/check_datasets.R
suppressPackageStartupMessages(library(metafor))

files <- list.files("datasets", pattern = "\\.csv$", recursive = TRUE, full.names = TRUE)
files <- files[basename(files) != "reported_figures.csv"]  # figure table, not a study table

has <- function(d, cols) all(cols %in% tolower(names(d)))
for (f in files) {
  d <- read.csv(f, check.names = FALSE, stringsAsFactors = FALSE, fileEncoding = "UTF-8")
  names(d) <- tolower(names(d))
  k <- nrow(d)
  if (has(d, c("events_t", "n_t", "events_c", "n_c"))) {
    shape <- "binary"; es <- escalc("RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
    fit <- if (k >= 2) rma(measure = "RR", ai = events_t, n1i = n_t, ci = events_c, n2i = n_c, data = d)
    tr <- exp; sc <- "RR"
  } else if (has(d, c("events", "n"))) {
    shape <- "proportion"; es <- escalc("PLO", xi = events, ni = n, data = d)
    fit <- if (k >= 2) rma(measure = "PLO", xi = events, ni = n, data = d)
    tr <- transf.ilogit; sc <- "proportion"
  } else if (has(d, c("mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c"))) {
    shape <- "continuous"
    es <- escalc("SMD", m1i = mean_t, sd1i = sd_t, n1i = n_t, m2i = mean_c, sd2i = sd_c, n2i = n_c, data = d)
    fit <- if (k >= 2) rma(yi, vi, data = es)
    tr <- identity; sc <- "SMD"
  } else if (has(d, c("r", "n"))) {
    shape <- "correlation"; es <- escalc("ZCOR", ri = r, ni = n, data = d)
    fit <- if (k >= 2) rma(yi, vi, data = es)
    tr <- transf.ztor; sc <- "r"
  } else if (has(d, "yi") && (has(d, "vi") || has(d, "sei"))) {
    shape <- "generic"
    es <- if (has(d, "vi")) d else transform(d, vi = sei^2)
    fit <- if (k >= 2) rma(yi, vi, data = es)
    tr <- identity; sc <- "yi"
  } else stop(f, ": no known data shape in columns ", paste(names(d), collapse = ","))
  stopifnot(all(is.finite(es$yi)), all(is.finite(es$vi)))
  if (is.null(fit)) {
    ci <- es$yi + c(-1, 1) * qnorm(0.975) * sqrt(es$vi)
    cat(sprintf("%-70s %-11s k=%-2d single study: %s %.3f [%.3f, %.3f]\n",
                f, shape, k, sc, tr(es$yi), tr(ci[1]), tr(ci[2])))
  } else {
    cat(sprintf("%-70s %-11s k=%-2d REML: %s %.3f [%.3f, %.3f], tau2=%.4f, I2=%.1f%%\n",
                f, shape, k, sc, tr(fit$b[1]), tr(fit$ci.lb), tr(fit$ci.ub), fit$tau2, fit$I2))
  }
}
