// The normal quantile for per-study Wald intervals.
#include <boost/math/distributions/normal.hpp>

#include "effects/formulas.hpp"

namespace metapool::effects {

double wald_z(double ci_level) {
  const boost::math::normal_distribution<double> standard_normal(0.0, 1.0);
  return boost::math::quantile(standard_normal, (1 + ci_level) / 2);
}

}  // namespace metapool::effects
