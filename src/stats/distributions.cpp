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

}  // namespace metapool::stats
