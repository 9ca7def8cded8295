// Boost.Math (beta quantiles) is confined to this file within src/reproduce.
#include "reproduce/intervals.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <boost/math/special_functions/beta.hpp>

#include "stats/distributions.hpp"

namespace metapool::reproduce {
namespace {

using Policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::promote_double<false>>;

// Lower-tail quantile of Beta(a, b) at p, as R's qbeta(p, a, b).
double qbeta(double p, double a, double b) { return boost::math::ibeta_inv(a, b, p, Policy()); }

void check_args(Count x, Count n, double ci_level) {
  assert(n >= 1 && x >= 0 && x <= n && "proportion interval: need 0 <= x <= n, n >= 1");
  assert(ci_level > 0 && ci_level < 1 && "proportion interval: need 0 < ci_level < 1");
  (void)x;
  (void)n;
  (void)ci_level;
}

}  // namespace

Interval clopper_pearson_interval(Count x, Count n, double ci_level) {
  check_args(x, n, ci_level);
  // binom.test: alpha <- (1 - conf.level)/2; qbeta(alpha, x, n-x+1), qbeta(1-alpha, x+1, n-x)
  const double alpha = (1 - ci_level) / 2;
  const double xd = static_cast<double>(x);
  const double nd = static_cast<double>(n);
  Interval ci;
  ci.lower = x == 0 ? 0.0 : qbeta(alpha, xd, nd - xd + 1);
  ci.upper = x == n ? 1.0 : qbeta(1 - alpha, xd + 1, nd - xd);
  return ci;
}

Interval wilson_interval(Count x, Count n, double ci_level) {
  check_args(x, n, ci_level);
  // prop.test (k = 1, correct = FALSE, so YATES = 0):
  //   z22n <- z^2/(2n); p.u <- (p + z22n + z sqrt(p(1-p)/n + z22n/(2n))) / (1 + 2 z22n)
  //   p.l likewise with -z; p.u = 1 when p >= 1, p.l = 0 when p <= 0.
  const double nd = static_cast<double>(n);
  const double p = static_cast<double>(x) / nd;
  const double z = stats::qnorm((1 + ci_level) / 2);
  const double z22n = z * z / (2 * nd);
  const double root = z * std::sqrt(p * (1 - p) / nd + z22n / (2 * nd));
  Interval ci;
  ci.upper = p >= 1 ? 1.0 : (p + z22n + root) / (1 + 2 * z22n);
  ci.lower = p <= 0 ? 0.0 : (p + z22n - root) / (1 + 2 * z22n);
  ci.lower = std::max(ci.lower, 0.0);
  ci.upper = std::min(ci.upper, 1.0);
  return ci;
}

Interval agresti_coull_interval(Count x, Count n, double ci_level) {
  check_args(x, n, ci_level);
  // binom.confint(method = "ac"): z <- qnorm(1 - (1 - conf.level)/2)
  const double z = stats::qnorm(1 - (1 - ci_level) / 2);
  const double z2 = z * z;
  const double n_tilde = static_cast<double>(n) + z2;
  const double p_tilde = (static_cast<double>(x) + z2 / 2) / n_tilde;
  const double half = z * std::sqrt(p_tilde * (1 - p_tilde) / n_tilde);
  return {std::max(p_tilde - half, 0.0), std::min(p_tilde + half, 1.0)};
}

Interval jeffreys_interval(Count x, Count n, double ci_level) {
  check_args(x, n, ci_level);
  const double alpha = 1 - ci_level;
  const double a = static_cast<double>(x) + 0.5;
  const double b = static_cast<double>(n - x) + 0.5;
  Interval ci;
  ci.lower = x == 0 ? 0.0 : qbeta(alpha / 2, a, b);
  ci.upper = x == n ? 1.0 : qbeta(1 - alpha / 2, a, b);
  return ci;
}

ProportionIntervals proportion_intervals(Count x, Count n, double ci_level) {
  ProportionIntervals out;
  out.events = x;
  out.n = n;
  out.ci_level = ci_level;
  out.proportion = static_cast<double>(x) / static_cast<double>(n);
  out.clopper_pearson = clopper_pearson_interval(x, n, ci_level);
  out.wilson = wilson_interval(x, n, ci_level);
  out.agresti_coull = agresti_coull_interval(x, n, ci_level);
  out.jeffreys = jeffreys_interval(x, n, ci_level);
  return out;
}

}  // namespace metapool::reproduce
