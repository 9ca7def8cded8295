// Two-arm binary measures. Formulas: metafor 3.8 `?escalc`, "Measures for
// Two-Group Comparisons / Measures for Dichotomous Variables" (vtype = "LS").
#include <cmath>

#include "effects/formulas.hpp"

namespace metapool::effects {

// Log odds ratio, log(ad/bc); Woolf's variance 1/a + 1/b + 1/c + 1/d.
EffectValue log_or(const Cells2x2& c) {
  return {std::log((c.ai * c.di) / (c.bi * c.ci)), 1 / c.ai + 1 / c.bi + 1 / c.ci + 1 / c.di};
}

// Log risk ratio, log(p_t / p_c); variance 1/a - 1/n_t + 1/c - 1/n_c.
EffectValue log_rr(const Cells2x2& c) {
  const double n1 = c.ai + c.bi;
  const double n2 = c.ci + c.di;
  return {std::log((c.ai / n1) / (c.ci / n2)), 1 / c.ai - 1 / n1 + 1 / c.ci - 1 / n2};
}

// Risk difference p_t - p_c; large-sample variance p(1-p)/n per arm.
EffectValue risk_difference(const Cells2x2& c) {
  const double n1 = c.ai + c.bi;
  const double n2 = c.ci + c.di;
  const double p1 = c.ai / n1;
  const double p2 = c.ci / n2;
  return {p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2};
}

// Arcsine square-root risk difference; variance 1/(4 n_t) + 1/(4 n_c).
EffectValue arcsine_rd(const Cells2x2& c) {
  const double n1 = c.ai + c.bi;
  const double n2 = c.ci + c.di;
  return {std::asin(std::sqrt(c.ai / n1)) - std::asin(std::sqrt(c.ci / n2)),
          1 / (4 * n1) + 1 / (4 * n2)};
}

// Peto's one-step log odds ratio (Yusuf et al. 1985): (O - E) / V with
// E = n_t x / N and V = x y n_t n_c / (N^2 (N - 1)), x/y the total
// events/non-events; variance 1 / V.
EffectValue peto_log_or(const Cells2x2& c) {
  const double n1 = c.ai + c.bi;
  const double n2 = c.ci + c.di;
  const double n = n1 + n2;
  const double x = c.ai + c.ci;
  const double y = c.bi + c.di;
  const double expected = n1 * x / n;
  const double v = x * y * (n1 / n) * (n2 / n) / (n - 1);
  return {(c.ai - expected) / v, 1 / v};
}

}  // namespace metapool::effects
