# Reference values for `metapool reproduce` (src/reproduce/), written to
# tests/golden/reproduce/*.json at full precision.
#
#   Rscript scripts/golden_reproduce.R            # from the repository root
#
# Sources of each value (R 4.2.2, metafor 3.8-1 on Debian 12):
#   clopper_pearson  binom.test(x, n, conf.level = level)$conf.int
#   wilson           prop.test(x, n, correct = FALSE, conf.level = level)$conf.int
#   agresti_coull    Agresti & Coull (1998) as binom::binom.confint(method = "ac")
#                    computes it (x + z^2/2)/(n + z^2) +- z*sqrt(p~(1-p~)/(n + z^2)),
#                    then clipped to [0, 1] (binom does not clip; metapool does).
#                    The binom package is not installed here, so it is written out.
#   jeffreys         qbeta(c(a/2, 1 - a/2), x + 1/2, n - x + 1/2) with lower = 0
#                    when x = 0 and upper = 1 when x = n (Brown, Cai & DasGupta
#                    2001, section 4.1.2; binom::binom.confint(method = "bayes",
#                    type = "central") uses the same equal-tailed quantiles).
#   RR / OR / RD     summary(metafor::escalc(measure, ai, n1i, ci, n2i), level)
#                    yi, vi, ci.lb, ci.ub (defaults: add = 1/2, to = "only0")
#   fisher_p         fisher.test(matrix(c(a, n1 - a, c, n2 - c), 2))$p.value
#   chisq            chisq.test(same, correct = FALSE): statistic, p.value
#   chisq_yates      chisq.test(same, correct = TRUE): statistic, p.value
#   (NaN, e.g. chi-square with an empty margin, is written as null; jsonlite
#   writes 15 significant digits, ample for the 1e-9 comparisons.)
suppressPackageStartupMessages(library(metafor))
library(jsonlite)

out_dir <- file.path("tests", "golden", "reproduce")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

clip01 <- function(v) pmin(pmax(v, 0), 1)

agresti_coull <- function(x, n, level) {
  z <- qnorm(1 - (1 - level) / 2)
  nt <- n + z^2
  pt <- (x + z^2 / 2) / nt
  clip01(c(pt - z * sqrt(pt * (1 - pt) / nt), pt + z * sqrt(pt * (1 - pt) / nt)))
}

jeffreys <- function(x, n, level) {
  a <- 1 - level
  lo <- if (x == 0) 0 else qbeta(a / 2, x + 0.5, n - x + 0.5)
  hi <- if (x == n) 1 else qbeta(1 - a / 2, x + 0.5, n - x + 0.5)
  c(lo, hi)
}

## ---- single proportions -----------------------------------------------------
single <- list()
add_single <- function(x, n, level) {
  single[[length(single) + 1]] <<- list(
    x = x, n = n, level = level * 100,
    estimate = x / n,
    clopper_pearson = as.numeric(binom.test(x, n, conf.level = level)$conf.int),
    wilson = as.numeric(suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = level))$conf.int),
    agresti_coull = agresti_coull(x, n, level),
    jeffreys = jeffreys(x, n, level))
}
grid_n <- c(1, 2, 3, 5, 8, 9, 10, 24, 30, 97, 537, 5000)
for (n in grid_n) {
  xs <- unique(c(0, 1, floor(n / 3), floor(n / 2), n - 1, n))
  xs <- xs[xs >= 0 & xs <= n]
  for (x in xs) add_single(x, n, 0.95)
}
# the ketamine figures (datasets/ketamine/reported_figures.csv)
for (xn in list(c(17, 24), c(7, 8), c(3, 9), c(8, 9), c(108, 195), c(70, 170), c(10, 15),
                c(3, 15), c(288, 537), c(155, 537), c(73, 111), c(24, 100), c(13, 26),
                c(6, 27), c(21, 30), c(22, 40), c(12, 40), c(66, 97), c(49, 97),
                c(13, 27), c(3, 28), c(182, 310), c(94, 208))) {
  add_single(xn[1], xn[2], 0.95)
}
for (level in c(0.80, 0.90, 0.99, 0.999)) {
  for (xn in list(c(0, 10), c(17, 24), c(288, 537), c(9, 9), c(1, 1))) add_single(xn[1], xn[2], level)
}
write_json(single, file.path(out_dir, "proportions.json"), digits = NA, na = "null", auto_unbox = TRUE, pretty = TRUE)

## ---- two arms ---------------------------------------------------------------
two <- list()
add_two <- function(a, n1, c, n2, level) {
  tab <- matrix(c(a, n1 - a, c, n2 - c), 2)
  eff <- list()
  for (m in c("RR", "OR", "RD")) {
    s <- summary(escalc(measure = m, ai = a, n1i = n1, ci = c, n2i = n2), level = level * 100)
    eff[[m]] <- list(yi = s$yi[1], vi = s$vi[1], ci_lb = s$ci.lb[1], ci_ub = s$ci.ub[1])
  }
  cs <- suppressWarnings(chisq.test(tab, correct = FALSE))
  cy <- suppressWarnings(chisq.test(tab, correct = TRUE))
  two[[length(two) + 1]] <<- c(
    list(events_t = a, n_t = n1, events_c = c, n_c = n2, level = level * 100),
    eff,
    list(fisher_p = fisher.test(tab)$p.value,
         chisq = unname(cs$statistic), chisq_p = cs$p.value,
         chisq_yates = unname(cy$statistic), chisq_yates_p = cy$p.value))
}
cases <- list(
  # ketamine figures
  c(7, 8, 3, 9), c(8, 9, 3, 9), c(108, 195, 70, 170), c(10, 15, 3, 15), c(73, 111, 24, 100),
  c(13, 26, 6, 27), c(22, 40, 12, 40), c(19, 35, 9, 31), c(12, 35, 5, 31), c(60, 111, 42, 108),
  c(52, 98, 42, 108), c(182, 310, 94, 208), c(24, 90, 39, 86), c(12, 20, 10, 20), c(15, 42, 5, 42),
  c(14, 42, 3, 42), c(8, 18, 1, 18), c(13, 27, 3, 28), c(11, 14, 0, 14), c(11, 14, 0, 15),
  # zero cells and boundaries (continuity correction), n = 1, large n
  c(0, 10, 3, 10), c(5, 10, 0, 10), c(10, 10, 4, 10), c(0, 10, 0, 10), c(10, 10, 10, 10),
  c(0, 1, 1, 1), c(1, 1, 0, 1), c(1, 1, 1, 2), c(0, 5, 5, 5), c(1, 2, 1, 2), c(3, 6, 3, 6),
  c(288, 537, 155, 537), c(537, 537, 500, 537), c(1, 537, 0, 537), c(250, 500, 240, 510),
  c(2500, 5000, 2400, 5000), c(3, 4, 1, 4))
for (cs in cases) add_two(cs[1], cs[2], cs[3], cs[4], 0.95)
for (level in c(0.90, 0.99)) {
  add_two(7, 8, 3, 9, level)
  add_two(0, 10, 3, 10, level)
  add_two(108, 195, 70, 170, level)
}
write_json(two, file.path(out_dir, "two_arm.json"), digits = NA, na = "null", auto_unbox = TRUE, pretty = TRUE)

cat(sprintf("wrote %d single-proportion and %d two-arm cases to %s (R %s, metafor %s)\n",
            length(single), length(two), out_dir,
            paste(R.version$major, R.version$minor, sep = "."), packageVersion("metafor")))
