#include "bias/fail_safe.hpp"

#include <cmath>

#include "stats/distributions.hpp"

namespace metapool {

FailSafeResult fsn_rosenthal(const EffectData& data, double alpha) {
  FailSafeResult r;
  r.type = "Rosenthal";
  r.alpha = alpha;
  const double k = static_cast<double>(data.k());
  double sum_z = 0;
  for (std::size_t i = 0; i < data.k(); ++i) sum_z += data.yi[i] / std::sqrt(data.vi[i]);
  r.pval = stats::pnorm_upper(std::fabs(sum_z) / std::sqrt(k));
  if (r.pval >= alpha) {
    r.fsnum = 0;
  } else {
    const double za = stats::qnorm(1.0 - alpha);
    r.fsnum = std::max(0.0, std::ceil(sum_z * sum_z / (za * za) - k));
  }
  return r;
}

FailSafeResult fsn_orwin(const EffectData& data, std::optional<double> target) {
  FailSafeResult r;
  r.type = "Orwin";
  const double k = static_cast<double>(data.k());
  double mean = 0;
  for (double y : data.yi) mean += y;
  mean /= k;
  r.meanes = mean;
  double t = target.value_or(mean / 2.0);
  if ((t > 0) != (mean > 0) && t != 0) t = -t;  // a target of the opposite sign is flipped
  r.target = t;
  if (std::fabs(mean) <= std::fabs(t) || t == 0) {
    r.fsnum = std::fabs(mean) <= std::fabs(t) ? 0.0 : kNaN;
  } else {
    r.fsnum = std::max(0.0, std::ceil(k * (mean - t) / t));
  }
  return r;
}

FailSafeResult fsn_rosenberg(const EffectData& data, double alpha) {
  FailSafeResult r;
  r.type = "Rosenberg";
  r.alpha = alpha;
  const double k = static_cast<double>(data.k());
  double sw = 0, swy = 0;
  for (std::size_t i = 0; i < data.k(); ++i) {
    sw += 1.0 / data.vi[i];
    swy += data.yi[i] / data.vi[i];
  }
  r.meanes = swy / sw;
  r.pval = stats::pval_two_sided_z(swy / std::sqrt(sw));
  if (r.pval >= alpha) {
    r.fsnum = 0;
  } else {
    const double za = stats::qnorm(1.0 - alpha / 2.0);
    r.fsnum = std::max(0.0, std::ceil(k * (swy * swy / (za * za) - sw) / sw));
  }
  return r;
}

}  // namespace metapool
