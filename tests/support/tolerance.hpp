// Named tolerances (style.md 3.14) and a relative comparison with an
// absolute floor that prints the observed error when it fails.
#pragma once

#include <cmath>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

namespace metapool::test {

// Closed forms (escalc) against full-precision metafor output.
inline constexpr double kTolClosedForm = 1e-9;
// Pooled models: the brief's bar is 1e-6 relative; iterative estimators are
// solved to 1e-12 here and metafor is run with tight control settings, so
// agreement is far better in practice.
inline constexpr double kTolModel = 1e-6;
// Absolute floor under which numbers count as zero (tau^2 on the boundary,
// p-values that underflow differently).
inline constexpr double kAbsFloor = 1e-12;

// True when |actual - expected| <= tol * max(|expected|, floor), or both
// are NaN, or both are the same infinity.
inline bool near_rel(double actual, double expected, double tol, double floor = kAbsFloor) {
  if (std::isnan(expected)) return std::isnan(actual);
  if (std::isinf(expected)) return actual == expected;
  const double diff = std::fabs(actual - expected);
  return diff <= tol * std::fabs(expected) || diff <= floor;
}

inline std::string describe_mismatch(const std::string& what, double actual, double expected) {
  const double rel = expected != 0 ? std::fabs(actual - expected) / std::fabs(expected) : std::fabs(actual);
  return fmt::format("{}: got {:.17g}, expected {:.17g} (rel. error {:.3g})", what, actual, expected, rel);
}

}  // namespace metapool::test

// CHECK that `actual` matches `expected` to `tol` relative, naming `what`.
#define METAPOOL_CHECK_NEAR(what, actual, expected, tol)                                   \
  do {                                                                                     \
    const double mp_actual_ = (actual);                                                    \
    const double mp_expected_ = (expected);                                                \
    INFO(::metapool::test::describe_mismatch((what), mp_actual_, mp_expected_));           \
    CHECK(::metapool::test::near_rel(mp_actual_, mp_expected_, (tol)));                    \
  } while (false)
