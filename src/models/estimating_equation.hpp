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

struct SecantFinish {
  bool solved = false;
  bool over_budget = false;  // declined: scoring would need more than its remaining iterations
  double tau2 = 0.0;
  int iterations = 0;  // secant steps taken
};

// Scoring iterations a contraction by `rate` (|rate| < 1) per step takes to
// shrink a step of size |step| to at most `stop`.
inline double scoring_iterations_needed(double rate, double step, double stop) {
  if (std::fabs(step) <= stop) return 0.0;
  return std::ceil(std::log(stop / std::fabs(step)) / std::log(std::fabs(rate)));
}

// Finishes a Fisher scoring run that contracts in the interior of [0, inf):
// scoring converges linearly to the root of its step function step(t), and
// secant steps on step(t) reach the same root superlinearly. Near the root
// step(t) ~ (rate - 1)(t - root), where rate = 1 + step'(root) is scoring's
// contraction factor: a contraction by 0.9, or an oscillation that shrinks
// by 0.92 a step (a few in a hundred of the benchmark's k = 10 REML fits),
// costs scoring hundreds of iterations at tol 1e-12 and the secant a handful.
// Starts from the last two scoring points (t0, a0 = step(t0)) and
// (t1, a1 = step(t1)). Solved when a step at t is at most tol * max(1, t),
// scoring's own stop; the result is then t + step(t), the iterate scoring
// stops at. Not solved (the caller goes on scoring, as if this had not been
// tried) unless scoring itself would converge there, within `budget` more
// iterations: the contraction factor estimated over (t0, t1) and over the
// last two secant points must be below 0.99 in magnitude, and the
// iterations scoring needs at the larger of the two, from a1 down to the
// stop, at most `budget` (then `over_budget` is set: scoring would run out
// first, and its bracketing fallback and warning stay); each secant step
// must stay in (0, inf) and halve the step; and the root must lie where a
// linear contraction from (t1, a1) puts it, within twice that distance of
// t1 + a1 (and never less than 2 |a1|). So a fit that scoring cannot finish
// keeps its fallback and its warning.
template <class Step>
SecantFinish secant_finish(const Step& step, double t0, double a0, double t1, double a1, double tol, int budget) {
  constexpr double kMaxRate = 0.99;
  SecantFinish out;
  if (!(t1 != t0)) return out;
  const double rate = 1.0 + (a1 - a0) / (t1 - t0);
  if (!(std::fabs(rate) < kMaxRate)) return out;
  const double first_step = a1;
  const double target = t1 + a1;
  const double radius = 2.0 * std::fabs(a1) * std::max(1.0, std::fabs(rate) / (1.0 - rate));
  for (int i = 1; i <= 20; ++i) {
    if (a1 == a0) return out;
    const double t2 = t1 - a1 * (t1 - t0) / (a1 - a0);
    if (!(t2 > 0.0) || !std::isfinite(t2)) return out;
    const double a2 = step(t2);
    if (!std::isfinite(a2) || std::fabs(a2) > 0.5 * std::fabs(a1)) return out;
    out.iterations = i;
    if (std::fabs(a2) <= tol * std::max(1.0, t2)) {
      const double root = t2 + a2;
      if (!(root > 0.0) || !(std::fabs(root - target) <= radius)) return out;
      const double rate_at_root = t2 != t1 ? 1.0 + (a2 - a1) / (t2 - t1) : rate;
      const double slowest = std::max(std::fabs(rate), std::fabs(rate_at_root));
      if (!(slowest < kMaxRate)) return out;
      if (scoring_iterations_needed(slowest, first_step, tol * std::max(1.0, root)) > budget) {
        out.over_budget = true;
        return out;
      }
      out.solved = true;
      out.tau2 = root;
      return out;
    }
    t0 = t1;
    a0 = a1;
    t1 = t2;
    a1 = a2;
  }
  return out;
}

}  // namespace metapool::detail
