// Trim and fill (Duval & Tweedie 2000a, 2000b; Duval 2005) as metafor 3.8-1
// `trimfill.rma.uni`:
//  1. Side: where the missing studies are imputed; given, or estimated as
//     metafor does from the slope of rma(yi, vi, mods = ~ sei) with the
//     model's method: slope < 0 -> "right", else "left".
//  2. With the data mirrored so that the missing studies lie on the left,
//     sorted by yi: starting from k0 = 0, fit the model without the k0
//     largest yi, centre all yi at that estimate b, rank |yi - b|, and update
//     k0 from the estimator until it no longer changes (at most max_iter):
//       L0 = (4 S_r - k (k + 1)) / (2k - 1), k0 = max(0, round(L0)),
//            S_r = sum of the ranks of the positive deviations;
//       R0 = gamma* - 1, k0 = max(0, R0), gamma* = length of the run of
//            positive deviations among the largest |yi - b|.
//  3. Fill: the k0 largest (mirrored) yi are reflected about b:
//     y_fill = 2 b - y with the same vi; the model is refitted on k + k0 studies
//     with the same method and, as metafor 3.8-1 does, z tests (a knha / t
//     test of the original model is not carried over; a warning says so).
// se(k0) (Duval & Tweedie 2000b): R0: sqrt(2 k0 + 2), with the p-value
// 0.5^(k0 + 1) of H0: no missing studies; L0: sqrt(16 var(T_n)) / (2n - 1),
// var(T_n) = (n(n+1)(2n+1) + 10 L^3 + 27 L^2 + 17 L - 18 n L^2 - 18 n L +
// 6 n^2 L) / 24 with L the unrounded L0 of the last iteration (as metafor).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/model_types.hpp"

namespace metapool {

enum class TrimFillEstimator { L0, R0 };
enum class FunnelSide { Left, Right };

std::string_view to_string(TrimFillEstimator estimator);
std::string_view to_string(FunnelSide side);

struct TrimFillOptions {
  TrimFillEstimator estimator = TrimFillEstimator::L0;
  std::optional<FunnelSide> side;  // nullopt: estimated (see above)
  int max_iter = 100;              // metafor's default
};

struct TrimFillResult {
  bool ok = false;
  std::string message;  // why it could not run (ok = false)
  TrimFillEstimator estimator = TrimFillEstimator::L0;
  FunnelSide side = FunnelSide::Left;
  bool side_estimated = true;
  int k0 = 0;
  double se_k0 = kNaN;
  std::optional<double> p_k0;  // R0 only
  int iterations = 0;
  bool converged = true;
  std::vector<double> filled_yi, filled_vi;  // the imputed studies
  PoolResult pooled;                         // the model on the k + k0 studies
  std::vector<std::string> warnings;
};

// Needs k >= 3 and an inverse-variance method (EE or a tau^2 estimator).
TrimFillResult trim_fill(const EffectData& data, const PoolOptions& options, const TrimFillOptions& tf);

}  // namespace metapool
