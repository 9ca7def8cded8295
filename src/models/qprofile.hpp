// Q-profile confidence interval for tau^2 (Viechtbauer 2007, Stat Med
// 26:37), as metafor 3.8-1 confint.rma.uni: bounds solve
// generalized_q(tau2) = qchisq(1 - alpha/2, k-1) (lower) and
// qchisq(alpha/2, k-1) (upper) on [0, max(100, 10 tau2_hat)].
#pragma once

#include <string>
#include <vector>

#include "models/model_types.hpp"

namespace metapool {

struct Tau2Interval {
  Interval tau2;
  bool lb_below_range = false;  // lower bound truncated at 0 (metafor prints "<" when both are)
  bool ub_beyond_range = false; // upper bound beyond the search range (metafor prints ">")
  bool empty = false;           // both bounds below 0: the null/empty set, reported as [0, 0]
  bool converged = true;
  std::vector<std::string> warnings;
};

// Needs k >= 2.
// `quantiles`: optional memo (PoolOptions::quantiles).
Tau2Interval qprofile_tau2_ci(const EffectData& data, double tau2_hat, double ci_level, double tol, int max_iter,
                              stats::QuantileMemo* quantiles = nullptr);

}  // namespace metapool
