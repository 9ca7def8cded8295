// Correlation measures. Formulas: metafor 3.8 `?escalc`, "Measures for
// Variables Assessing the Association between Two Variables".
#include <cmath>

#include "effects/formulas.hpp"

namespace metapool::effects {

// Raw correlation r; variance (1 - r^2)^2 / (n - 1) (metafor's default,
// with the observed r plugged in).
EffectValue raw_correlation(double r, double n) {
  const double one_minus_r2 = 1 - r * r;
  return {r, one_minus_r2 * one_minus_r2 / (n - 1)};
}

// Fisher's r-to-z, atanh(r); variance 1/(n - 3).
EffectValue fisher_z(double r, double n) {
  return {std::atanh(r), 1 / (n - 3)};
}

}  // namespace metapool::effects
