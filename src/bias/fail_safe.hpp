// Fail-safe N (file drawer analysis), as metafor 3.8-1 `fsn`:
//  - Rosenthal (1979): studies averaging z = 0 needed to raise Stouffer's
//    one-sided p = 1 - Phi(|sum z_i| / sqrt(k)), z_i = y_i / sqrt(v_i), to
//    alpha: N = ceiling((sum z_i)^2 / z_(1-alpha)^2 - k), 0 when p >= alpha.
//  - Orwin (1983): studies averaging 0 needed to bring the unweighted mean
//    outcome ybar to `target` (default ybar / 2; a target of the opposite sign
//    is flipped): N = ceiling(k (ybar - target) / target), 0 when |ybar| <= |target|.
//  - Rosenberg (2005): studies with effect 0 and the average weight needed to
//    raise the two-sided p of the equal-effects estimate to alpha:
//    N = ceiling(k (sum(w y)^2 / z_(1-alpha/2)^2 - sum w) / sum w), 0 when p >= alpha.
#pragma once

#include <optional>
#include <string>

#include "models/model_types.hpp"

namespace metapool {

struct FailSafeResult {
  std::string type;  // "Rosenthal", "Orwin", "Rosenberg"
  double fsnum = kNaN;
  double alpha = kNaN;   // Rosenthal, Rosenberg
  double pval = kNaN;    // Rosenthal, Rosenberg
  double meanes = kNaN;  // Orwin (unweighted mean), Rosenberg (EE estimate)
  double target = kNaN;  // Orwin
};

FailSafeResult fsn_rosenthal(const EffectData& data, double alpha = 0.05);
FailSafeResult fsn_orwin(const EffectData& data, std::optional<double> target = std::nullopt);
FailSafeResult fsn_rosenberg(const EffectData& data, double alpha = 0.05);

}  // namespace metapool
