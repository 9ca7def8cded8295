// Per-measure formulas of metafor 3.8's `escalc` (vtype = "LS"), one function
// per measure, each named after the scale of the value it returns. Internal to
// src/effects: escalc.cpp validates the data, applies the continuity
// correction and calls these. Every function is total: it returns whatever
// IEEE arithmetic gives (NaN/inf when the effect is undefined for the counts);
// the caller turns a non-finite result into a reported, uncomputed study.
#pragma once

namespace metapool::effects {

struct EffectValue {
  double yi;  // effect on the analysis scale
  double vi;  // sampling variance
};

// Two-arm binary cells: ai/bi events/non-events in the treatment arm, ci/di in
// the control arm (continuity correction already added).
struct Cells2x2 {
  double ai, bi, ci, di;
};

EffectValue log_or(const Cells2x2& c);           // OR
EffectValue log_rr(const Cells2x2& c);           // RR
EffectValue risk_difference(const Cells2x2& c);  // RD
EffectValue arcsine_rd(const Cells2x2& c);       // AS
EffectValue peto_log_or(const Cells2x2& c);      // PETO

// Single-arm proportion: xi events out of ni (correction already added).
EffectValue raw_proportion(double xi, double ni);         // PR
EffectValue logit_proportion(double xi, double ni);       // PLO
EffectValue arcsine_proportion(double xi, double ni);     // PAS
EffectValue freeman_tukey_half(double xi, double ni);     // PFT (metafor)
EffectValue freeman_tukey_full(double xi, double ni);     // PFT, --pft-scale full
EffectValue log_proportion(double xi, double ni);         // PLN

// Two-arm continuous: means, standard deviations and sizes of both arms.
struct ArmSummaries {
  double mean_t, sd_t, n_t, mean_c, sd_c, n_c;
};

EffectValue mean_difference(const ArmSummaries& a);       // MD
EffectValue smd_hedges_g(const ArmSummaries& a);          // SMD (vtype LS)
// Hedges' g with the other sampling variances of metafor's escalc `vtype`
// (core/conventions.hpp SmdVtype): UB, LS2, and AV given `mean_g`, the
// (n_t + n_c)-weighted mean of g over the studies (ignored otherwise).
EffectValue smd_hedges_g_ub(const ArmSummaries& a);
EffectValue smd_hedges_g_ls2(const ArmSummaries& a);
EffectValue smd_hedges_g_av(const ArmSummaries& a, double mean_g);
EffectValue log_ratio_of_means(const ArmSummaries& a);    // ROM
// Hedges' exact small-sample correction c(m) = Gamma(m/2) /
// (sqrt(m/2) Gamma((m-1)/2)), computed with lgamma (finite for any m > 1).
double hedges_correction(double m);

// Correlation r from a sample of n.
EffectValue raw_correlation(double r, double n);          // COR
EffectValue fisher_z(double r, double n);                 // ZCOR


}  // namespace metapool::effects
