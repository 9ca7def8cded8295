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

}  // namespace metapool::stats
