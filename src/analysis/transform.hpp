// Back-transformation of pooled results to the natural scale (metafor's
// transf.exp.int, transf.ilogit, transf.iarcsin, transf.ipft.hm, transf.ztor).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/conventions.hpp"
#include "core/types.hpp"

namespace metapool {

struct Transformed {
  std::string scale;  // "RR", "OR", "ROM", "proportion", "r"
  double estimate, ci_lb, ci_ub, pi_lb, pi_ub;
};

// The natural scale a measure back-transforms to; nullopt when the analysis
// scale is already natural (RD, MD, SMD, PR, COR, GEN) or has none (AS).
std::optional<std::string> natural_scale(Measure measure);

// Back-transforms one value. For PFT, `harmonic_mean_n` is the harmonic mean
// of the studies' n (Miller 1978 inversion of the Freeman-Tukey transform,
// clamped to [0, 1] as metafor's transf.ipft.hm).
// `pft_scale` says whether a PFT value is metafor's halved transform or the
// full (unhalved) one of --pft-scale full, which is halved before inversion.
double back_transform(Measure measure, double value, double harmonic_mean_n,
                      PftScale pft_scale = PftScale::Half);

// Harmonic mean of the sample sizes (for PFT).
double harmonic_mean(const std::vector<double>& n);

}  // namespace metapool
