// Leave-one-out and cumulative meta-analysis: the pooled model refitted on
// subsets of the studies, as metafor 3.8-1 `leave1out` and `cumul` (for
// rma.uni, rma.mh and rma.peto). Each row has metafor's fields: estimate,
// se, zval/tval, pval, ci.lb, ci.ub, Q, Qp, tau2 (random effects only), I2, H2.
//
// Cost (inverse-variance models): the equal-effects sums (sum w, sum w y,
// sum w y^2, sum w^2 with w = 1/vi) are downdated (leave-one-out) or updated
// (cumulative) in O(1) per row, so Q, I2, H2 and the whole EE row cost O(k)
// in total; the closed-form tau^2 estimators (DL, HE, HS, HSk, GENQ) are also
// O(1) per row from those sums. A random-effects estimate then needs one
// O(k) pass over the subset (its weights 1/(vi + tau2) change with tau2), and
// iterative estimators (ML, REML, EB, PM, PMM, SJ) refit the subset, ML/REML/
// EB starting from the previous tau2 (the full-data value for leave-one-out).
// No printing, no global state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/model_types.hpp"

namespace metapool {

// One refit on a subset of the studies.
struct SubsetFit {
  std::size_t k = 0;  // studies in this fit
  double estimate = kNaN, se = kNaN, statistic = kNaN, pval = kNaN, ci_lb = kNaN, ci_ub = kNaN;
  std::optional<double> df;    // t / knha
  double Q = kNaN, Q_pval = kNaN;
  std::optional<double> tau2;  // random-effects models only
  double I2 = kNaN, H2 = kNaN;
  // Knapp-Hartung factor s2w (1 for z / t): se^2 = s2w / sum(w). Used by the
  // influence diagnostics.
  double s2w = 1.0;
  bool converged = true;
  std::string message;  // why the fit failed (NaN numbers), or a fallback note
};

// Leave-one-out: row i is the model without study i (input order).
// Needs k >= 2 (a row with k - 1 = 1 study is the one-study model, as metafor).
std::vector<SubsetFit> leave_one_out(const EffectData& data, const PoolOptions& options);

// Cumulative: row j is the model on studies order[0..j]. `order` is a
// permutation of 0..k-1 (the caller sorts, ties in input order).
std::vector<SubsetFit> cumulative(const EffectData& data, const std::vector<std::size_t>& order,
                                  const PoolOptions& options);

// The same for Mantel-Haenszel and Peto (options.method MH or PETO): each row
// refits fit_mh / fit_peto on the subset of 2x2 tables (O(k) per row).
std::vector<SubsetFit> leave_one_out(const BinaryCounts& counts, const PoolOptions& options);
std::vector<SubsetFit> cumulative(const BinaryCounts& counts, const std::vector<std::size_t>& order,
                                  const PoolOptions& options);

}  // namespace metapool
