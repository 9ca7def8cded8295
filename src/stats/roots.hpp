// Bracketed root finding for monotone scalar functions (TOMS 748 via
// Boost.Math, kept in roots.cpp). Used for the PM/PMM estimators and the
// Q-profile confidence interval of tau^2.
#pragma once

#include <functional>

namespace metapool::stats {

struct RootResult {
  double root = 0.0;
  bool converged = false;
  int iterations = 0;
};

// Root of f on [lo, hi] where f(lo) and f(hi) have opposite signs (or one is
// zero). Stops when the bracket is narrower than
// max(rel_tol * |root|, abs_tol) or after max_iter evaluations.
// Returns converged = false if [lo, hi] does not bracket a root.
RootResult find_root(const std::function<double(double)>& f, double lo, double hi, double rel_tol,
                     double abs_tol, int max_iter);

}  // namespace metapool::stats
