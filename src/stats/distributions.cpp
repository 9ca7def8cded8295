// Boost.Math lives here only (see distributions.hpp). Policies: errors return
// NaN instead of throwing, so nothing crosses the API as an exception.
#include "stats/distributions.hpp"

#include <cmath>
#include <limits>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace metapool::stats {
namespace {

using Policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::promote_double<false>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

using Normal = boost::math::normal_distribution<double, Policy>;
using StudentT = boost::math::students_t_distribution<double, Policy>;
using ChiSquared = boost::math::chi_squared_distribution<double, Policy>;

bool bad_p(double p) { return !(p >= 0.0 && p <= 1.0); }
bool bad_df(double df) { return !(df > 0.0); }

// Below this a tail probability is computed on the log scale (1e-300 is a
// normal double, ~8 decades above DBL_MIN, so Boost's value is still exact
// to rounding there).
constexpr double kLogTailSwitch = 1e-300;

// log P(Z > x) for x >= 37 (P < 6e-300): Mills ratio R(x) = P(Z > x) / phi(x)
// by its asymptotic series R(x) ~ (1/x) sum_n (-1)^n (2n-1)!! / x^(2n)
// (Abramowitz & Stegun 26.2.12), summed while the terms decrease; at x >= 37
// the first neglected term is below 1e-17 after a handful of terms.
double log_pnorm_upper_asymptotic(double x) {
  const double inv_x2 = 1.0 / (x * x);
  double term = 1.0;
  double sum = 1.0;
  for (int n = 1; n < 100; ++n) {
    const double next = -term * (2.0 * n - 1.0) * inv_x2;
    if (std::fabs(next) >= std::fabs(term) || std::fabs(next) < 1e-17 * std::fabs(sum)) {
      if (std::fabs(next) < std::fabs(term)) sum += next;
      break;
    }
    term = next;
    sum += term;
  }
  // log phi(x) - log x + log sum, phi(x) = exp(-x^2/2) / sqrt(2 pi).
  return -0.5 * x * x - std::log(x) - 0.5 * std::log(2.0 * M_PI) + std::log(sum);
}

// Continued fraction of the regularized incomplete beta function I_x(a, b)
// (modified Lentz; Numerical Recipes 6.4 betacf), convergent for
// x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < 1e-16) break;
  }
  return h;
}

// Whole degrees of freedom up to this take the closed forms below; they sum
// df/2 terms, so beyond it Boost's series is as cheap.
constexpr double kClosedFormMaxDf = 100.0;

bool is_small_whole_df(double df) {
  return df >= 1.0 && df <= kClosedFormMaxDf && static_cast<double>(static_cast<int>(df)) == df;
}

// Where a closed form below is the difference 1 - A of two numbers near 1,
// its rounding error (a few ulps of 1) is at most ~1e-9 of a result above
// this; smaller results come from Boost.
constexpr double kClosedFormMinTail = 1e-6;

// P(|T_df| > t) for t >= 0 (finite) and whole df in [1, 100]: 1 - A(t|df) with
// A from Abramowitz & Stegun 26.7.3 (odd df) and 26.7.4 (even df), theta =
// atan(t / sqrt(df)):
//   odd:  A = (2/pi) (theta + sin cos (1 + (2/3) cos^2 + (2*4)/(3*5) cos^4 + ...))
//   even: A = sin (1 + (1/2) cos^2 + (1*3)/(2*4) cos^4 + ...)
// each with (df - 1) / 2 resp. df / 2 terms in the sum (none past the 1 for
// df = 1, 2), all positive. NaN when the result is below kClosedFormMinTail.
double t_two_sided_closed_form(double t, double df) {
  if (!(t < 1e100)) return kNaN;  // t^2 would overflow (and the tail is tiny anyway)
  const double r = std::sqrt(df + t * t);
  const double sin_theta = t / r;
  const double cos_theta = std::sqrt(df) / r;
  const double cos2 = cos_theta * cos_theta;
  const int n = static_cast<int>(df);
  double p = 0;
  if (n % 2 == 1) {
    // The odd-df sum has (n - 1) / 2 terms: 1 + (2/3) c^2 + ... (none for n = 1).
    double term = 1.0, sum = 0.0;
    for (int j = 1; 2 * j + 1 <= n; ++j) {
      sum += term;
      term *= cos2 * (2.0 * j) / (2.0 * j + 1.0);
    }
    // 1 - (2/pi) theta = (2/pi) atan(sqrt(df) / t) keeps the odd case's first
    // part free of cancellation.
    p = (2.0 / M_PI) * (std::atan2(std::sqrt(df), t) - sin_theta * cos_theta * sum);
  } else {
    double term = 1.0, sum = 0.0;
    for (int j = 1; 2 * j <= n; ++j) {
      sum += term;
      term *= cos2 * (2.0 * j - 1.0) / (2.0 * j);
    }
    p = 1.0 - sin_theta * sum;
  }
  return p >= kClosedFormMinTail ? std::fmin(1.0, p) : kNaN;
}

// P(X^2_df > x) for x > 0 (finite) and whole df in [1, 100], as sums of
// positive terms (Abramowitz & Stegun 26.4.4, 26.4.5):
//   even df = 2m:   exp(-x/2) sum_{j<m} (x/2)^j / j!
//   odd df = 2m+1:  erfc(sqrt(x/2)) + exp(-x/2) sqrt(2x/pi) sum_{j<m} x^j / (1*3*...*(2j+1))
// Nothing cancels; NaN only when exp(-x/2) underflows to a subnormal or 0,
// where Boost's scaling keeps more digits.
double chisq_upper_closed_form(double x, double df) {
  const double half = 0.5 * x;
  if (half > 700.0) return kNaN;  // exp(-700) ~ 1e-304: still normal
  const double e = std::exp(-half);
  const int n = static_cast<int>(df);
  if (n % 2 == 0) {
    double term = 1.0, sum = 0.0;
    for (int j = 1; 2 * j <= n; ++j) {
      sum += term;
      term *= half / j;
    }
    return std::fmin(1.0, e * sum);
  }
  double term = 1.0, sum = 0.0;
  for (int j = 1; 2 * j + 1 <= n; ++j) {
    sum += term;
    term *= x / (2.0 * j + 1.0);
  }
  const double tail = std::erfc(std::sqrt(half)) + e * std::sqrt(2.0 * x / M_PI) * sum;
  return std::fmin(1.0, tail);
}

}  // namespace

double pnorm(double x) {
  if (std::isnan(x)) return kNaN;
  if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
  return boost::math::cdf(Normal(), x);
}

double pnorm_upper(double x) {
  if (std::isnan(x)) return kNaN;
  if (std::isinf(x)) return x > 0 ? 0.0 : 1.0;
  return boost::math::cdf(boost::math::complement(Normal(), x));
}

double qnorm(double p) {
  if (bad_p(p)) return kNaN;
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  return boost::math::quantile(Normal(), p);
}

double pt_upper(double t, double df) {
  if (std::isnan(t) || bad_df(df)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  if (is_small_whole_df(df)) {
    // P(T > t) = P(|T| > |t|) / 2 on the side of t, by symmetry.
    const double two_sided = t_two_sided_closed_form(std::fabs(t), df);
    if (!std::isnan(two_sided)) return t >= 0 ? 0.5 * two_sided : 1.0 - 0.5 * two_sided;
  }
  return boost::math::cdf(boost::math::complement(StudentT(df), t));
}

double qt(double p, double df) {
  if (bad_p(p) || bad_df(df)) return kNaN;
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  return boost::math::quantile(StudentT(df), p);
}

double pchisq_upper(double x, double df) {
  if (std::isnan(x) || bad_df(df)) return kNaN;
  if (x <= 0.0) return 1.0;
  if (std::isinf(x)) return 0.0;
  if (is_small_whole_df(df)) {
    const double closed = chisq_upper_closed_form(x, df);
    if (!std::isnan(closed)) return closed;
  }
  return boost::math::cdf(boost::math::complement(ChiSquared(df), x));
}

double qchisq(double p, double df) {
  if (bad_p(p) || bad_df(df)) return kNaN;
  if (p == 0.0) return 0.0;
  if (p == 1.0) return kInf;
  return boost::math::quantile(ChiSquared(df), p);
}

double pval_two_sided_z(double z) {
  if (std::isnan(z)) return kNaN;
  return std::fmin(1.0, 2.0 * pnorm_upper(std::fabs(z)));
}

double pval_two_sided_t(double t, double df) {
  if (std::isnan(t)) return kNaN;
  return std::fmin(1.0, 2.0 * pt_upper(std::fabs(t), df));
}

double log_pnorm_upper(double x) {
  if (std::isnan(x)) return kNaN;
  if (x == kInf) return -kInf;
  const double p = pnorm_upper(x);
  if (p >= kLogTailSwitch || x < 37.0) return std::log(p);
  return log_pnorm_upper_asymptotic(x);
}

double log_pt_upper(double t, double df) {
  if (std::isnan(t) || bad_df(df)) return kNaN;
  if (t == kInf) return -kInf;
  const double p = pt_upper(t, df);
  if (p >= kLogTailSwitch || t <= 0.0) return std::log(p);
  // P(T > t) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2) (A&S 26.7.1), and
  // I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * CF (NR 6.4), all on the log
  // scale: log x = log(df) - 2 log t - log1p(df / t^2) stays finite when
  // t^2 overflows.
  const double a = 0.5 * df, b = 0.5;
  const double ratio = df / t / t;  // df / t^2, computed without overflow
  const double log_x = std::log(df) - 2.0 * std::log(t) - std::log1p(ratio);
  const double x = std::exp(log_x);
  const double log1m_x = -std::log1p(ratio);  // log(1 - x) = log(t^2 / (df + t^2))
  const double log_beta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  return a * log_x + b * log1m_x - std::log(a) - log_beta + std::log(beta_continued_fraction(a, b, x)) -
         std::log(2.0);
}

double log10_pval_two_sided_z(double z) {
  if (std::isnan(z)) return kNaN;
  return std::fmin(0.0, (std::log(2.0) + log_pnorm_upper(std::fabs(z))) / std::log(10.0));
}

double log10_pval_two_sided_t(double t, double df) {
  if (std::isnan(t) || bad_df(df)) return kNaN;
  return std::fmin(0.0, (std::log(2.0) + log_pt_upper(std::fabs(t), df)) / std::log(10.0));
}

template <class Compute>
double QuantileMemo::lookup(Kind kind, double p, double df, Compute compute) {
  for (const Entry& entry : m_entries) {
    // Bitwise-equal arguments only (NaN never matches, so it is recomputed).
    if (entry.kind == kind && entry.p == p && entry.df == df) return entry.value;
  }
  const double value = compute();
  m_entries[m_next] = Entry{kind, p, df, value};
  m_next = (m_next + 1) % m_entries.size();
  return value;
}

double QuantileMemo::qnorm(double p) {
  return lookup(Kind::Normal, p, 0.0, [p] { return stats::qnorm(p); });
}
double QuantileMemo::qt(double p, double df) {
  return lookup(Kind::T, p, df, [p, df] { return stats::qt(p, df); });
}
double QuantileMemo::qchisq(double p, double df) {
  return lookup(Kind::ChiSquared, p, df, [p, df] { return stats::qchisq(p, df); });
}

double qnorm(double p, QuantileMemo* memo) { return memo != nullptr ? memo->qnorm(p) : qnorm(p); }
double qt(double p, double df, QuantileMemo* memo) { return memo != nullptr ? memo->qt(p, df) : qt(p, df); }
double qchisq(double p, double df, QuantileMemo* memo) {
  return memo != nullptr ? memo->qchisq(p, df) : qchisq(p, df);
}

}  // namespace metapool::stats
