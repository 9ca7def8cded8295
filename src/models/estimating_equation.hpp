// The fallback for a Fisher scoring run that did not converge (ML, REML,
// EB; intercept-only and meta-regression alike).
//
// Scoring can oscillate with growing amplitude around an interior root
// (metafor 3.8's rma then stops with "Fisher scoring algorithm did not
// converge"). The estimating equation g(tau2) = 0 whose root scoring seeks
// is solved instead by bracketing, with `step(t)`, the scoring step at t,
// which has the sign of g (its divisor, the information, is positive):
// g(0) <= 0 puts the maximum on the boundary, tau2 = 0; otherwise the bracket
// [0, hi] is widened until g(hi) <= 0 and the root where g changes from + to
// - (a local maximum of the likelihood) is found. This is the answer metafor
// gives with control = list(stepadj = 0.5).
#pragma once

#include <algorithm>
#include <cmath>

#include "stats/roots.hpp"

namespace metapool::detail {

struct BracketedRoot {
  bool solved = false;
  double tau2 = 0.0;
  int iterations = 0;  // root-finding iterations (0 on the boundary)
};

// `tau2_last`: where scoring stopped (sets the first upper end); `tol`:
// relative tolerance of the root; `max_iter` bounds the root finder.
template <class Step>
BracketedRoot bracket_estimating_equation(const Step& step, double tau2_last, double tol, int max_iter) {
  BracketedRoot out;
  const double at_zero = step(0.0);
  if (!std::isfinite(at_zero)) return out;
  if (at_zero <= 0.0) {
    out.solved = true;
    return out;
  }
  double hi = std::isfinite(tau2_last) ? std::max(1.0, 2.0 * tau2_last) : 1.0;
  double at_hi = step(hi);
  for (int grow = 0; grow < 60 && at_hi > 0.0; ++grow) {
    hi *= 10.0;
    if (!std::isfinite(hi)) return out;
    at_hi = step(hi);
  }
  if (!(at_hi <= 0.0)) return out;
  const auto found = stats::find_root(step, 0.0, hi, tol * 1e-2, 1e-300, max_iter);
  out.solved = found.converged;
  out.tau2 = found.root;
  out.iterations = found.iterations;
  return out;
}

}  // namespace metapool::detail
