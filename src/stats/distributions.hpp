// Distribution functions used by the pooled models: normal, Student t and
// chi-square cdf tails and quantiles. One translation unit (distributions.cpp)
// holds Boost.Math; callers see plain doubles. Arguments out of range (p not
// in [0, 1], df <= 0, NaN) give NaN, never an exception.
#pragma once

#include <array>
#include <cstddef>

namespace metapool::stats {

double pnorm(double x);        // P(Z <= x)
double pnorm_upper(double x);  // P(Z > x), accurate in the far tail
double qnorm(double p);        // lower-tail quantile

// P(T_df > t). For whole df up to 100 the closed forms of Abramowitz &
// Stegun 26.7.3-4 (26.4.4-5 for the chi-square tail below), Boost otherwise
// and where a closed form would lose digits (two-sided t tail below 1e-6).
double pt_upper(double t, double df);
double qt(double p, double df);        // lower-tail quantile

double pchisq_upper(double x, double df);  // P(X^2_df > x); 1 for x <= 0
double qchisq(double p, double df);        // lower-tail quantile

// Two-sided p-values for a z or t statistic (metafor `2*pnorm(abs(z), lower.tail=FALSE)`).
double pval_two_sided_z(double z);
double pval_two_sided_t(double t, double df);

// log10 of those two-sided p-values, finite where the p-value itself
// underflows double (|z| > ~38.5): log10(2) + log10 of the upper tail, the
// tail from pt_upper / pnorm_upper while it is a normal double (>= 1e-300), beyond that from
// the Mills-ratio asymptotic series (normal) or the continued fraction of the
// incomplete beta function (t). Matches R's
// `(log(2) + pnorm(|z|, lower.tail=FALSE, log.p=TRUE)) / log(10)`. NaN for NaN.
double log10_pval_two_sided_z(double z);
double log10_pval_two_sided_t(double t, double df);

// Natural log of the upper tails P(Z > x), P(T_df > t) (R's log.p = TRUE).
double log_pnorm_upper(double x);
double log_pt_upper(double t, double df);

// Remembers the quantiles it has computed, for a caller that asks the same
// ones again and again: a batch worker fits thousands of models with the same
// k and level, and each Boost quantile costs thousands of instructions. Gives
// exactly the values of qnorm/qt/qchisq above. Owned by one thread (not
// synchronised); a ring of the 16 most recent (distribution, p, df).
class QuantileMemo {
 public:
  double qnorm(double p);
  double qt(double p, double df);
  double qchisq(double p, double df);

 private:
  enum class Kind : unsigned char { None, Normal, T, ChiSquared };
  struct Entry {
    Kind kind = Kind::None;
    double p = 0, df = 0, value = 0;
  };
  template <class Compute>
  double lookup(Kind kind, double p, double df, Compute compute);
  std::array<Entry, 16> m_entries{};
  std::size_t m_next = 0;
};

// The quantile from `memo` when there is one, computed otherwise.
double qnorm(double p, QuantileMemo* memo);
double qt(double p, double df, QuantileMemo* memo);
double qchisq(double p, double df, QuantileMemo* memo);

}  // namespace metapool::stats
