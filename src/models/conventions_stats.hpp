// Statistics that depend on a convention of core/conventions.hpp: the
// Higgins-Thompson I^2/H^2 with their test-based CIs, and the critical value
// of the prediction interval. Shared by fit_uni, fit_mh and fit_peto.
#pragma once

#include <optional>

#include "models/model_types.hpp"

namespace metapool {

struct HigginsI2 {
  double I2 = kNaN;  // percent: 100 max(0, (Q - df)/Q)
  double H2 = kNaN;  // Q / df
  // Test-based CIs (Higgins & Thompson 2002, appendix, as meta's calcH and
  // isquared): ln H +- z SE(ln H), H bounds truncated at 1, I^2 = 100 (H^2 -
  // 1)/H^2, H^2 = H bound squared. nullopt where SE(ln H) is undefined
  // (k = 2 with Q <= k, or k < 2).
  std::optional<Interval> I2_ci, H2_ci;
};

// Q with df = k - 1 >= 1.
HigginsI2 higgins_i2(double q, int df, double ci_level);

// The --pi-df convention resolved for a model fitted with `test`: Auto is
// metafor's (predict.rma): Z for test z, KMinus1 for t/knha.
PiDf resolve_pi_df(PiDf requested, TestType test);

// Half-width factor of the prediction interval for k studies; nullopt when
// the t distribution would have df < 1 (k-1 with k = 1, k-2 with k < 3).
// `quantiles`: optional memo (PoolOptions::quantiles).
std::optional<double> pi_critical(PiDf resolved, std::size_t k, double ci_level,
                                  stats::QuantileMemo* quantiles = nullptr);

// Sets r.pi = estimate +- crit sqrt(se^2 + tau2) with the resolved --pi-df
// (r.estimate, r.se, r.k, r.ci_level filled), records r.pi_df, and warns and
// leaves r.pi empty when the interval is undefined.
void set_prediction_interval(PoolResult& r, PiDf requested, TestType test, double tau2,
                             stats::QuantileMemo* quantiles = nullptr);

// Under I2Definition::Higgins: replaces r.I2/H2 (and their CIs) by the
// Higgins-Thompson ones from r.Q and r.Q_df (nothing when Q_df < 1).
// Records the definition in r.i2_definition either way.
void apply_i2_definition(PoolResult& r, I2Definition definition);

}  // namespace metapool
