# Golden reference values for the distribution functions (src/stats): base
# R's pt, pchisq, qnorm, qt and qchisq on a grid that covers every whole df
# from 1 to 100 (where metapool's t and chi-square tails take the closed
# forms of Abramowitz & Stegun 26.7.3-4 and 26.4.4-5) and beyond (Boost),
# both tails and far into them. Written with 17 significant digits (every
# double reads back exactly; jsonlite keeps 15) to
# tests/golden/distributions/distributions.json, read by
# tests/unit/stats_distributions_test.cpp.
#
# Usage: Rscript scripts/golden_distributions.R [outdir]   (default tests/golden/distributions)

args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "tests/golden/distributions"
dir.create(outdir, showWarnings = FALSE, recursive = TRUE)

num <- function(x) sprintf("%.17g", x)
rows <- function(m) paste0("    [", apply(m, 1, function(r) paste(num(r), collapse = ", ")), "]", collapse = ",\n")

dfs <- c(1:100, 101, 150, 1000, 2.5, 7.3)

# pt(t, df, lower.tail = FALSE): t from the centre to far tails, negative too.
t_grid <- c(-3, -0.7, 0, 0.01, 0.3, 1, 1.7, 2.2, 3, 4.5, 6, 9, 15, 30, 80, 300)
t_cases <- do.call(rbind, lapply(dfs, function(df) cbind(t_grid, df, pt(t_grid, df, lower.tail = FALSE))))
# The two-sided p-value 2 pt(-|t|, df), as pval_two_sided_t returns it.
t2_cases <- do.call(rbind, lapply(dfs, function(df) {
  t <- c(0.2, 1.5, 2.5, 4, 7, 12, 40)
  cbind(t, df, 2 * pt(-abs(t), df))
}))
# pchisq(x, df, lower.tail = FALSE): x from far below df to far above.
chi_cases <- do.call(rbind, lapply(dfs, function(df) {
  x <- c(0.01, 0.2, 0.6, 1, 1.5, 2.5, 4, 8) * df
  x <- c(x, 1300)
  cbind(x, df, pchisq(x, df, lower.tail = FALSE))
}))
p_grid <- c(1e-10, 0.001, 0.025, 0.05, 0.5, 0.9, 0.975, 0.999)
qnorm_cases <- cbind(p_grid, qnorm(p_grid))
qt_cases <- do.call(rbind, lapply(c(1, 2, 3, 9, 12, 30, 100, 2.5), function(df) cbind(p_grid, df, qt(p_grid, df))))
qchisq_cases <- do.call(rbind, lapply(c(1, 2, 3, 9, 12, 30, 100, 2.5), function(df) cbind(p_grid, df, qchisq(p_grid, df))))

text <- paste0(
  "{\n",
  "  \"r_version\": \"", R.version.string, "\",\n",
  "  \"pt_upper\": [\n", rows(t_cases), "\n  ],\n",
  "  \"pval_two_sided_t\": [\n", rows(t2_cases), "\n  ],\n",
  "  \"pchisq_upper\": [\n", rows(chi_cases), "\n  ],\n",
  "  \"qnorm\": [\n", rows(qnorm_cases), "\n  ],\n",
  "  \"qt\": [\n", rows(qt_cases), "\n  ],\n",
  "  \"qchisq\": [\n", rows(qchisq_cases), "\n  ]\n",
  "}\n")
writeLines(text, file.path(outdir, "distributions.json"), sep = "")
