// Bracketed root finding for monotone scalar functions (TOMS 748 via
// Boost.Math, kept in roots.cpp). Used for the PM/PMM estimators and the
// Q-profile confidence interval of tau^2.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>

#include <boost/math/tools/roots.hpp>

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

// Root of f on [lo, hi] by Newton-Raphson with Boost.Math's safeguards
// (boost::math::tools::newton_raphson_iterate: a step that leaves the range
// or stops shrinking becomes a bisection), starting from `guess`.
// f_and_derivative(x) returns std::pair{f(x), f'(x)}. For a smooth monotone
// f with a cheap derivative it needs a handful of evaluations where the
// bracketing find_root needs a few dozen. Stops when a step is below
// rel_tol * |x|; converged = false after max_iter evaluations or when
// f(lo) and f(hi) have the same sign (two extra evaluations).
// This form takes f(lo) and f(hi) when the caller has them already.
template <class F>
RootResult find_root_newton(F f_and_derivative, double guess, double lo, double hi, double f_lo, double f_hi,
                            double rel_tol, int max_iter) {
  RootResult out;
  // Without a sign change Boost's iterates creep towards an end of the range.
  if (f_lo == 0.0) return {lo, true, 1};
  if (f_hi == 0.0) return {hi, true, 1};
  if (std::isnan(f_lo) || std::isnan(f_hi) || (f_lo > 0) == (f_hi > 0)) return out;
  const int digits = std::clamp(1 - std::ilogb(rel_tol), 8, 52);
  const auto limit = static_cast<std::uintmax_t>(std::max(max_iter, 1));
  std::uintmax_t iterations = limit;
  try {
    out.root = boost::math::tools::newton_raphson_iterate(f_and_derivative, guess, lo, hi, digits, iterations);
  } catch (const std::exception&) {
    return out;  // Boost's evaluation_error: no sign change found in [lo, hi]
  }
  out.iterations = static_cast<int>(iterations);
  out.converged = iterations < limit && std::isfinite(out.root);
  return out;
}

template <class F>
RootResult find_root_newton(F f_and_derivative, double guess, double lo, double hi, double rel_tol, int max_iter) {
  return find_root_newton(f_and_derivative, guess, lo, hi, f_and_derivative(lo).first, f_and_derivative(hi).first,
                          rel_tol, max_iter);
}

}  // namespace metapool::stats
