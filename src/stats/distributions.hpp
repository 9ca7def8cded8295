// Distribution functions used by the pooled models: normal, Student t and
// chi-square cdf tails and quantiles. One translation unit (distributions.cpp)
// holds Boost.Math; callers see plain doubles. Arguments out of range (p not
// in [0, 1], df <= 0, NaN) give NaN, never an exception.
#pragma once

namespace metapool::stats {

double pnorm(double x);        // P(Z <= x)
double pnorm_upper(double x);  // P(Z > x), accurate in the far tail
double qnorm(double p);        // lower-tail quantile

double pt_upper(double t, double df);  // P(T_df > t)
double qt(double p, double df);        // lower-tail quantile

double pchisq_upper(double x, double df);  // P(X^2_df > x); 1 for x <= 0
double qchisq(double p, double df);        // lower-tail quantile

// Two-sided p-values for a z or t statistic (metafor `2*pnorm(abs(z), lower.tail=FALSE)`).
double pval_two_sided_z(double z);
double pval_two_sided_t(double t, double df);

// log10 of those two-sided p-values, finite where the p-value itself
// underflows double (|z| > ~38.5): log10(2) + log10 of the upper tail, the
// tail from Boost while it is a normal double (>= 1e-300), beyond that from
// the Mills-ratio asymptotic series (normal) or the continued fraction of the
// incomplete beta function (t). Matches R's
// `(log(2) + pnorm(|z|, lower.tail=FALSE, log.p=TRUE)) / log(10)`. NaN for NaN.
double log10_pval_two_sided_z(double z);
double log10_pval_two_sided_t(double t, double df);

// Natural log of the upper tails P(Z > x), P(T_df > t) (R's log.p = TRUE).
double log_pnorm_upper(double x);
double log_pt_upper(double t, double df);

}  // namespace metapool::stats
