// Case diagnostics of the intercept-only model (EE or random effects), as
// metafor 3.8-1 `influence.rma.uni` (Viechtbauer & Cheung 2010; Belsley, Kuh
// & Welsch 1980), computed from the full fit and the leave-one-out refits:
//
//   rstudent_i = (y_i - b_(-i)) / sqrt(s2w_(-i) (v_i + tau2_(-i)) + se_(-i)^2)
//   dffits_i   = (b - b_(-i)) / sqrt(s2w_(-i) h_i (v_i + tau2_(-i)))
//   cook_d_i   = (b - b_(-i))^2 / se^2
//   cov_r_i    = se_(-i)^2 / se^2
//   dfbetas_i  = (b - b_(-i)) / sqrt(s2w_(-i) / sum_j 1/(v_j + tau2_(-i)))  (sum over all k)
//   tau2_del_i = tau2_(-i), QE_del_i = Q_(-i), hat_i = weight_i / 100
//
// (s2w = Knapp-Hartung factor of the refit, 1 with z/t; se includes it.)
// A study is influential (metafor's `inf`, p = 1 coefficient) when
// |dffits| > 3 sqrt(p/(k-p)), or pchisq(cook_d, p) > 0.5, or hat > 3 p/k, or
// |dfbetas| > 1. Mantel-Haenszel and Peto have no such diagnostics in
// metafor (no influence method for rma.mh / rma.peto).
#pragma once

#include <vector>

#include "diagnostics/subset_fits.hpp"
#include "models/model_types.hpp"

namespace metapool {

struct InfluenceRow {
  double rstudent = kNaN, dffits = kNaN, cook_d = kNaN, cov_r = kNaN;
  double tau2_del = kNaN, QE_del = kNaN, hat = kNaN, weight = kNaN, dfbetas = kNaN;
  bool inf = false;
};

// `full` is fit_uni on `data`, `loo` is leave_one_out(data, options).
// Rows whose refit failed are NaN (and not flagged). Empty when k < 2 or the
// full model did not converge.
std::vector<InfluenceRow> influence(const EffectData& data, const PoolResult& full,
                                    const std::vector<SubsetFit>& loo);

}  // namespace metapool
