# Regenerate the four small example datasets from metadat (GPL >= 2; the data
# are published facts). Run from the repository root:
#   Rscript datasets/make_examples.R
# Values are copied unchanged; numbers are written with up to 15 significant
# digits, which round-trips every value in these datasets exactly (checked below).
library(metadat)

csv_field <- function(x) {
  x <- ifelse(is.na(x), "", as.character(x))
  need <- grepl('[",\r\n]', x)
  x[need] <- paste0('"', gsub('"', '""', x[need]), '"')
  x
}
write_rfc <- function(d, file) {  # RFC 4180, minimal quoting, UTF-8, LF
  lines <- c(paste(csv_field(names(d)), collapse = ","),
             apply(as.data.frame(lapply(d, csv_field), stringsAsFactors = FALSE), 1,
                   paste, collapse = ","))
  con <- file(file, open = "wb")
  writeBin(charToRaw(enc2utf8(paste0(paste(lines, collapse = "\n"), "\n"))), con)
  close(con)
}
check <- function(file, d) {  # re-read and compare with the source exactly
  back <- read.csv(file, stringsAsFactors = FALSE, check.names = FALSE)
  stopifnot(identical(names(back), names(d)), nrow(back) == nrow(d))
  for (k in names(d)) stopifnot(all(back[[k]] == d[[k]]))
}

# Two-arm continuous: specialist stroke unit (t) vs routine care (c),
# length of hospital stay in days. metadat has no year for these studies.
n99 <- dat.normand1999
cont <- data.frame(study = n99$source, mean_t = n99$m1i, sd_t = n99$sd1i, n_t = n99$n1i,
                   mean_c = n99$m2i, sd_c = n99$sd2i, n_c = n99$n2i)
write_rfc(cont, "datasets/continuous_example.csv"); check("datasets/continuous_example.csv", cont)

# Correlation: conscientiousness vs medication adherence.
m14 <- dat.molloy2014
corr <- data.frame(study = paste(m14$authors, m14$year), year = m14$year, r = m14$ri, n = m14$ni)
stopifnot(!anyDuplicated(corr$study))
write_rfc(corr, "datasets/correlation_example.csv"); check("datasets/correlation_example.csv", corr)

# Single-arm proportion: success of hyperdynamic therapy for cerebral vasospasm.
p97 <- dat.pritz1997
prop <- data.frame(study = p97$authors, events = p97$xi, n = p97$ni)
stopifnot(!anyDuplicated(prop$study))
write_rfc(prop, "datasets/proportion_example.csv"); check("datasets/proportion_example.csv", prop)

# Generic yi/vi: teacher expectancy (Pygmalion) SMDs as reported, with moderators.
r85 <- dat.raudenbush1985
lab <- paste(r85$author, r85$year)
dup <- lab %in% lab[duplicated(lab)]   # Pellegrini & Hicks 1972 reports two experiments
lab[dup] <- paste0(lab[dup], c("a", "b"))
gen <- data.frame(study = lab, year = r85$year, yi = r85$yi, vi = r85$vi,
                  weeks = r85$weeks, setting = as.character(r85$setting),
                  tester = as.character(r85$tester))
stopifnot(!anyDuplicated(gen$study), sum(dup) == 2)
write_rfc(gen, "datasets/generic_example.csv"); check("datasets/generic_example.csv", gen)
cat("examples written and verified against metadat\n")
