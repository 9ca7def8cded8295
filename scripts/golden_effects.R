# Golden values for `metapool effects`: metafor's escalc() on every measure.
#
# Run from the repository root:
#
#   Rscript scripts/golden_effects.R
#
# Writes the input data sets as CSV (contract column names) under
# tests/golden/data/effects/ (and the BCG trials as datasets/bcg.csv), and the
# expected per-study yi, vi, ci_lb, ci_ub as JSON under tests/golden/effects/,
# one file per data set with one entry per (measure, add, to, level) run.
# NA in R is written as null. Each JSON records the metafor and R versions
# used (the reference is Debian's r-cran-metafor 3.8-1). Numbers are written
# with jsonlite's full precision (digits = NA: 15 significant digits).
#
# Every CSV is read back before escalc() runs on it, so the expected values
# are computed from exactly the numbers the C++ reader will see.

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

data_dir <- file.path("tests", "golden", "data", "effects")
json_dir <- file.path("tests", "golden", "effects")
stopifnot(dir.exists("tests"))  # run from the repository root
dir.create(data_dir, recursive = TRUE, showWarnings = FALSE)
dir.create(json_dir, recursive = TRUE, showWarnings = FALSE)
dir.create("datasets", showWarnings = FALSE)

metafor_version <- as.character(packageVersion("metafor"))
r_version <- paste(R.version$major, R.version$minor, sep = ".")

write_data <- function(df, path) {
  write.csv(df, path, row.names = FALSE, na = "")
  read.csv(path, stringsAsFactors = FALSE)
}

# One escalc run on data frame `d` (contract column names). `add`/`to` NULL
# means metafor's default, recorded as cc = null / cc_to = "only0".
run_escalc <- function(d, measure, add = NULL, to = NULL, level = 95) {
  args <- list(measure = measure)
  if (!is.null(add)) args$add <- add
  if (!is.null(to)) args$to <- to
  shape_args <- switch(measure,
    OR = , RR = , RD = , AS = , PETO = list(ai = d$events_t, bi = d$n_t - d$events_t,
                                            ci = d$events_c, di = d$n_c - d$events_c),
    PR = , PLO = , PAS = , PFT = , PLN = list(xi = d$events, ni = d$n),
    MD = , SMD = , ROM = list(m1i = d$mean_t, sd1i = d$sd_t, n1i = d$n_t,
                              m2i = d$mean_c, sd2i = d$sd_c, n2i = d$n_c),
    COR = , ZCOR = list(ri = d$r, ni = d$n),
    GEN = if (!is.null(d$vi)) list(yi = d$yi, vi = d$vi) else list(yi = d$yi, sei = d$sei))
  es <- suppressWarnings(do.call(escalc, c(args, shape_args)))
  s <- summary(es, level = level)
  list(measure = unbox(measure),
       cc = if (is.null(add)) NULL else unbox(add),
       cc_to = unbox(if (is.null(to)) "only0" else to),
       level = unbox(level / 100),
       yi = as.numeric(es$yi), vi = as.numeric(es$vi),
       ci_lb = as.numeric(s$ci.lb), ci_ub = as.numeric(s$ci.ub))
}

write_golden <- function(name, csv_path, shape, runs) {
  runs <- lapply(runs, function(r) { if (is.null(r$cc)) r$cc <- unbox(NA); r })
  out <- list(
    description = unbox(paste0("metafor escalc() on ", csv_path, " (scripts/golden_effects.R)")),
    metafor_version = unbox(metafor_version),
    r_version = unbox(r_version),
    data = unbox(csv_path),
    shape = unbox(shape),
    runs = runs)
  write_json(out, file.path(json_dir, paste0(name, ".json")),
             digits = NA, na = "null", pretty = TRUE, null = "null")
}

binary_variants <- list(
  list(),                              # metafor defaults (add = 1/2 or 0, to = "only0")
  list(add = 0.25, to = "all"),
  list(to = "if0all"),
  list(to = "none"),
  list(add = 0),
  list(add = 1, to = "only0"))
proportion_variants <- binary_variants

runs_for <- function(d, measures, variants = list(list()), extra = list()) {
  runs <- list()
  for (m in measures) for (v in variants) {
    runs[[length(runs) + 1]] <- run_escalc(d, m, v$add, v$to)
  }
  c(runs, extra)
}

binary_measures <- c("OR", "RR", "RD", "AS", "PETO")
proportion_measures <- c("PR", "PLO", "PAS", "PFT", "PLN")
continuous_measures <- c("MD", "SMD", "ROM")
correlation_measures <- c("COR", "ZCOR")

golden_set <- function(name, df, shape, measures, variants = list(list()), path = NULL,
                       extra = function(d) list()) {
  if (is.null(path)) path <- file.path(data_dir, paste0(name, ".csv"))
  d <- write_data(df, path)
  write_golden(name, path, shape, runs_for(d, measures, variants, extra(d)))
}

## ---- two-arm binary ------------------------------------------------------

# BCG vaccine trials (Colditz et al. 1994), metadat's dat.bcg.
bcg <- with(dat.bcg, data.frame(
  study = paste0(author, ", ", year), year = year,
  events_t = tpos, n_t = tpos + tneg, events_c = cpos, n_c = cpos + cneg,
  ablat = ablat, alloc = alloc, stringsAsFactors = FALSE))
golden_set("bcg", bcg, "binary", binary_measures, binary_variants,
           path = file.path("datasets", "bcg.csv"),
           extra = function(d) list(run_escalc(d, "RR", level = 90), run_escalc(d, "OR", level = 99)))

# Single zeros in each cell, double zeros, all-events arms, unequal arms.
golden_set("binary_zero_cells", data.frame(
  study = c("zero ai", "double zero", "no zero", "zero ci", "zero ai and di", "zero bi",
            "all events both", "unequal 0/5 vs 3/50", "unequal 5/5 vs 0/7", "rare 1/100 vs 0/2000"),
  events_t = c(0, 0, 3, 5, 0, 10, 8, 0, 5, 1),
  n_t = c(10, 10, 10, 10, 10, 10, 8, 5, 5, 100),
  events_c = c(2, 0, 4, 0, 10, 5, 12, 3, 0, 0),
  n_c = c(10, 10, 10, 10, 10, 10, 12, 50, 7, 2000)), "binary", binary_measures, binary_variants)

golden_set("binary_k1", data.frame(study = "only", events_t = 0, n_t = 12, events_c = 4, n_c = 15),
           "binary", binary_measures, binary_variants)

golden_set("binary_k2", data.frame(study = c("A", "B"), events_t = c(7, 3), n_t = c(20, 150),
                                   events_c = c(12, 9), n_c = c(22, 148)),
           "binary", binary_measures, binary_variants)

set.seed(20240501)
k <- 25
n_t <- sample(5:200, k, replace = TRUE)
n_c <- sample(5:200, k, replace = TRUE)
p <- runif(k, 0.005, 0.4)
golden_set("binary_synthetic", data.frame(
  study = paste("Trial", seq_len(k)), events_t = rbinom(k, n_t, p * 0.7), n_t = n_t,
  events_c = rbinom(k, n_c, p), n_c = n_c), "binary", binary_measures, binary_variants)

## ---- single-arm proportions ------------------------------------------------

golden_set("prop_edges", data.frame(
  study = c("0 of 10", "10 of 10", "0 of 1", "1 of 1", "3 of 10", "250 of 1000", "1 of 2000", "1999 of 2000"),
  events = c(0, 10, 0, 1, 3, 250, 1, 1999), n = c(10, 10, 1, 1, 10, 1000, 2000, 2000)),
  "proportion", proportion_measures, proportion_variants)

golden_set("prop_k1", data.frame(study = "single", events = 0, n = 25),
           "proportion", proportion_measures, proportion_variants)

golden_set("prop_k2", data.frame(study = c("a", "b"), events = c(12, 40), n = c(40, 40)),
           "proportion", proportion_measures, proportion_variants)

set.seed(20240502)
k <- 30
n <- sample(3:500, k, replace = TRUE)
golden_set("prop_synthetic", data.frame(
  study = paste("Cohort", seq_len(k)), events = rbinom(k, n, runif(k, 0, 0.3)), n = n),
  "proportion", proportion_measures, proportion_variants)

## ---- two-arm continuous ----------------------------------------------------

# Positive means throughout so that ROM applies; n up to 3000 per arm (the
# Gamma ratio of Hedges' correction overflows without lgamma past m = 343).
golden_set("cont_edges", data.frame(
  study = c("small 2+2", "1+3", "unequal", "n 1000", "n 3000", "equal means", "large sd ratio", "n 200+150"),
  mean_t = c(5.1, 3, 12.5, 1, 5, 7.25, 100, 0.02),
  sd_t = c(1.2, 0.5, 3.1, 1, 2, 1.5, 40, 0.004),
  n_t = c(2, 1, 15, 1000, 3000, 30, 12, 200),
  mean_c = c(4.2, 2.5, 10.1, 0.5, 4, 7.25, 80, 0.025),
  sd_c = c(0.9, 0.6, 2.2, 1, 2, 1.1, 5, 0.005),
  n_c = c(2, 3, 40, 1000, 3000, 28, 9, 150)), "continuous", continuous_measures)

golden_set("cont_negative", data.frame(
  study = c("N1", "N2", "N3"), mean_t = c(-1.2, 0.5, -3), sd_t = c(1, 0.8, 2),
  n_t = c(20, 35, 60), mean_c = c(-0.4, -0.5, -3.5), sd_c = c(1.1, 0.9, 2.5), n_c = c(22, 30, 55)),
  "continuous", c("MD", "SMD"))

golden_set("cont_k1", data.frame(study = "one", mean_t = 10, sd_t = 2, n_t = 25, mean_c = 9, sd_c = 2.5, n_c = 27),
           "continuous", continuous_measures)

golden_set("cont_k2", data.frame(study = c("x", "y"), mean_t = c(10, 52.3), sd_t = c(2, 8.1), n_t = c(25, 400),
                                 mean_c = c(9, 49.9), sd_c = c(2.5, 7.7), n_c = c(27, 380)),
           "continuous", continuous_measures)

set.seed(20240503)
k <- 20
golden_set("cont_synthetic", data.frame(
  study = paste("RCT", seq_len(k)),
  mean_t = round(runif(k, 5, 50), 3), sd_t = round(runif(k, 0.5, 15), 3), n_t = sample(3:400, k, TRUE),
  mean_c = round(runif(k, 5, 50), 3), sd_c = round(runif(k, 0.5, 15), 3), n_c = sample(3:400, k, TRUE)),
  "continuous", continuous_measures)

# Length of hospital stay, stroke patients (Normand 1999), metadat.
golden_set("normand1999", with(dat.normand1999, data.frame(
  study = source, mean_t = m1i, sd_t = sd1i, n_t = n1i, mean_c = m2i, sd_c = sd2i, n_c = n2i,
  stringsAsFactors = FALSE)), "continuous", continuous_measures)

## ---- correlations ----------------------------------------------------------

golden_set("cor_edges", data.frame(
  study = c("n 4", "n 5", "r near 1", "r near -1", "r 0", "n 10000", "r 0.5"),
  r = c(0.5, -0.3, 0.999, -0.999, 0, 0.12, 0.5), n = c(4, 5, 50, 50, 30, 10000, 100)),
  "correlation", correlation_measures)

golden_set("cor_k1", data.frame(r = 0.42, n = 87), "correlation", correlation_measures)

set.seed(20240504)
k <- 15
golden_set("cor_synthetic", data.frame(
  study = paste("Sample", seq_len(k)), r = round(runif(k, -0.9, 0.9), 4), n = sample(4:1000, k, TRUE)),
  "correlation", correlation_measures)

# Conscientiousness and medication adherence (Molloy et al. 2014), metadat.
golden_set("molloy2014", with(dat.molloy2014, data.frame(
  study = paste0(authors, ", ", year), r = ri, n = ni, stringsAsFactors = FALSE)),
  "correlation", correlation_measures)

## ---- generic ----------------------------------------------------------------

golden_set("gen_vi", data.frame(study = c("g1", "g2", "g3"), yi = c(-0.35, 0, 1.7), vi = c(0.04, 1e-6, 2.5)),
           "generic", "GEN")
golden_set("gen_sei", data.frame(study = c("s1", "s2"), yi = c(0.2, -1.1), sei = c(0.15, 0.6)),
           "generic", "GEN")

cat("golden effects written with metafor", metafor_version, "\n")
