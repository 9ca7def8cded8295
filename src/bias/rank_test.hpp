// Begg & Mazumdar (1994) rank correlation test, as metafor 3.8-1 `ranktest`:
// Kendall's tau between the standardized effects
// y*_i = (y_i - b) / sqrt(v_i - vb) (b, vb: equal-effects estimate and its
// variance) and the variances v_i, with R's cor.test(method = "kendall"):
// tau_b; the exact two-sided p-value (permutation distribution of the number
// of concordant pairs, Kendall 1970) when k < 50 and there are no ties,
// otherwise the normal approximation of S with the tie-corrected variance
// (no continuity correction).
#pragma once

#include <string>
#include <vector>

#include "models/model_types.hpp"

namespace metapool {

struct RankTestResult {
  std::size_t k = 0;
  bool ok = false;
  std::string message;
  double tau = kNaN, pval = kNaN;
  bool exact = false;
  double statistic = kNaN;  // z of the normal approximation; S (= concordant - discordant) when exact
};

// Needs k >= 2 (metafor accepts k = 2: tau = +-1, p = 1).
RankTestResult ranktest(const EffectData& data);

// Kendall's tau_b of x and y with the p-value of cor.test(method="kendall")
// (exact = auto). Exposed for tests.
RankTestResult kendall_test(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace metapool
