// Single-arm proportion measures. Formulas: metafor 3.8 `?escalc`, "Measures
// for Dichotomous Variables" of single groups (vtype = "LS").
#include <cmath>

#include "effects/formulas.hpp"

namespace metapool::effects {

// Raw proportion p = x/n; variance p(1-p)/n.
EffectValue raw_proportion(double xi, double ni) {
  const double p = xi / ni;
  return {p, p * (1 - p) / ni};
}

// Logit log(x / (n - x)); variance 1/x + 1/(n - x).
EffectValue logit_proportion(double xi, double ni) {
  const double mi = ni - xi;
  return {std::log(xi / mi), 1 / xi + 1 / mi};
}

// Arcsine square root asin(sqrt(p)); variance 1/(4n).
EffectValue arcsine_proportion(double xi, double ni) {
  return {std::asin(std::sqrt(xi / ni)), 1 / (4 * ni)};
}

// Freeman-Tukey double arcsine, halved as in metafor:
// (asin(sqrt(x/(n+1))) + asin(sqrt((x+1)/(n+1)))) / 2; variance 1/(4n + 2).
EffectValue freeman_tukey_half(double xi, double ni) {
  return {0.5 * (std::asin(std::sqrt(xi / (ni + 1))) + std::asin(std::sqrt((xi + 1) / (ni + 1)))),
          1 / (4 * ni + 2)};
}

// Freeman-Tukey double arcsine without halving (Freeman & Tukey 1950;
// Miller 1978): asin(sqrt(x/(n+1))) + asin(sqrt((x+1)/(n+1))); variance
// 1/(n + 1/2), i.e. twice the halved value and four times its variance.
EffectValue freeman_tukey_full(double xi, double ni) {
  return {std::asin(std::sqrt(xi / (ni + 1))) + std::asin(std::sqrt((xi + 1) / (ni + 1))), 1 / (ni + 0.5)};
}

// Log proportion log(x/n); variance 1/x - 1/n.
EffectValue log_proportion(double xi, double ni) {
  return {std::log(xi / ni), 1 / xi - 1 / ni};
}

}  // namespace metapool::effects
