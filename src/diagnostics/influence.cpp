#include "diagnostics/influence.hpp"

#include <cmath>

#include "stats/distributions.hpp"

namespace metapool {

std::vector<InfluenceRow> influence(const EffectData& data, const PoolResult& full,
                                    const std::vector<SubsetFit>& loo) {
  const std::size_t k = data.k();
  std::vector<InfluenceRow> rows;
  if (k < 2 || loo.size() != k || !full.converged || full.studies.size() != k) return rows;
  const double kd = static_cast<double>(k);
  const double p = 1.0;
  const double b = full.estimate;
  const double vb = full.se * full.se;
  rows.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    InfluenceRow& r = rows[i];
    const SubsetFit& d = loo[i];
    r.weight = full.studies[i].weight;
    r.hat = r.weight / 100.0;
    if (!d.converged) continue;
    const double t2 = d.tau2.value_or(0.0);
    const double vi = data.vi[i];
    const double diff = b - d.estimate;
    r.rstudent = (data.yi[i] - d.estimate) / std::sqrt(d.s2w * (vi + t2) + d.se * d.se);
    r.dffits = diff / std::sqrt(d.s2w * r.hat * (vi + t2));
    r.cook_d = diff * diff / vb;
    r.cov_r = d.se * d.se / vb;
    r.tau2_del = t2;
    r.QE_del = d.Q;
    double sw = 0;
    for (std::size_t j = 0; j < k; ++j) sw += 1.0 / (data.vi[j] + t2);
    r.dfbetas = diff / std::sqrt(d.s2w / sw);
    r.inf = std::fabs(r.dffits) > 3.0 * std::sqrt(p / (kd - p)) ||
            1.0 - stats::pchisq_upper(r.cook_d, p) > 0.5 || r.hat > 3.0 * p / kd || std::fabs(r.dfbetas) > 1.0;
  }
  return rows;
}

}  // namespace metapool
