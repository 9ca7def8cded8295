// Two-arm continuous measures. Formulas: metafor 3.8 `?escalc`, "Measures for
// Quantitative Variables" (vtype = "LS").
#include <cmath>

#include "effects/formulas.hpp"

namespace metapool::effects {

// Raw mean difference; variance sd_t^2/n_t + sd_c^2/n_c (no equal-variance
// assumption, metafor's vtype = "LS").
EffectValue mean_difference(const ArmSummaries& a) {
  return {a.mean_t - a.mean_c, a.sd_t * a.sd_t / a.n_t + a.sd_c * a.sd_c / a.n_c};
}

// Hedges (1981) exact bias correction; Gamma ratio evaluated on the log scale
// so that large m does not overflow (Gamma(172) already does). For m >= 100
// the difference of two lgamma values (each ~ m log m / 2) loses digits to
// cancellation -- metafor's .cmicalc, which uses it, is off by 1.3e-9
// relative at n = 10^6 per arm and by 3e-5 at 10^10 -- so there, with
// x = (m - 1) / 2, log c = (x - 1/2) log1p(1/(2x)) - 1/2 + S(x + 1/2) - S(x),
// S the Stirling series of lgamma (DLMF 5.11.1) to z^-7 (next term < 1e-18
// at x >= 49.5).
double hedges_correction(double m) {
  if (!(m >= 100)) return std::exp(std::lgamma(m / 2) - 0.5 * std::log(m / 2) - std::lgamma((m - 1) / 2));
  const auto stirling = [](double z) {
    const double z2 = 1 / (z * z);
    return (1.0 / 12 - z2 * (1.0 / 360 - z2 * (1.0 / 1260 - z2 / 1680))) / z;
  };
  const double x = (m - 1) / 2;
  return std::exp((x - 0.5) * std::log1p(1 / (2 * x)) - 0.5 + (stirling(x + 0.5) - stirling(x)));
}

// Hedges' g: c(m) (mean_t - mean_c) / s_pooled with m = n_t + n_c - 2;
// variance 1/n_t + 1/n_c + g^2 / (2 (n_t + n_c)) (metafor 3.8 "LS").
EffectValue smd_hedges_g(const ArmSummaries& a) {
  const double m = a.n_t + a.n_c - 2;
  const double sd_pooled =
      std::sqrt(((a.n_t - 1) * a.sd_t * a.sd_t + (a.n_c - 1) * a.sd_c * a.sd_c) / m);
  const double g = hedges_correction(m) * (a.mean_t - a.mean_c) / sd_pooled;
  return {g, 1 / a.n_t + 1 / a.n_c + g * g / (2 * (a.n_t + a.n_c))};
}

// Unbiased estimate of the variance of g (Hedges 1983, eq. 9; metafor 3.8
// vtype = "UB"): 1/n_t + 1/n_c + (1 - (m - 2)/(m c(m)^2)) g^2.
EffectValue smd_hedges_g_ub(const ArmSummaries& a) {
  const double m = a.n_t + a.n_c - 2;
  const double c = hedges_correction(m);
  const double g = smd_hedges_g(a).yi;
  return {g, 1 / a.n_t + 1 / a.n_c + (1 - (m - 2) / (m * c * c)) * g * g};
}

// Borenstein (2009, eq. 12.17; metafor 3.8 vtype = "LS2"): the large-sample
// variance of the uncorrected d = g / c(m), times c(m)^2.
EffectValue smd_hedges_g_ls2(const ArmSummaries& a) {
  const double m = a.n_t + a.n_c - 2;
  const double c = hedges_correction(m);
  const double g = smd_hedges_g(a).yi;
  const double d = g / c;
  return {g, c * c * (1 / a.n_t + 1 / a.n_c + d * d / (2 * (a.n_t + a.n_c)))};
}

// metafor 3.8 vtype = "AV": the large-sample variance with g replaced by
// `mean_g`, the (n_t + n_c)-weighted mean of g over all studies.
EffectValue smd_hedges_g_av(const ArmSummaries& a, double mean_g) {
  const double g = smd_hedges_g(a).yi;
  return {g, 1 / a.n_t + 1 / a.n_c + mean_g * mean_g / (2 * (a.n_t + a.n_c))};
}

// Log ratio of means log(mean_t / mean_c) (Hedges, Gurevitch & Curtis 1999);
// variance sd_t^2/(n_t mean_t^2) + sd_c^2/(n_c mean_c^2).
EffectValue log_ratio_of_means(const ArmSummaries& a) {
  return {std::log(a.mean_t / a.mean_c),
          a.sd_t * a.sd_t / (a.n_t * a.mean_t * a.mean_t) +
              a.sd_c * a.sd_c / (a.n_c * a.mean_c * a.mean_c)};
}

}  // namespace metapool::effects
