#include "models/conventions_stats.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stats/distributions.hpp"

namespace metapool {

HigginsI2 higgins_i2(double q, int df, double ci_level) {
  HigginsI2 out;
  if (df < 1 || !std::isfinite(q)) return out;
  const double dfd = static_cast<double>(df);
  const double k = dfd + 1.0;
  out.I2 = q > dfd ? 100.0 * (q - dfd) / q : 0.0;
  out.H2 = q / dfd;
  // SE(ln H), Higgins & Thompson (2002), appendix (meta calcH):
  //   Q > k:  (ln Q - ln(k-1)) / (2 (sqrt(2Q) - sqrt(2k - 3)))
  //   Q <= k: sqrt(1/(2(k-2)) (1 - 1/(3 (k-2)^2))), undefined for k = 2.
  double se_log_h = kNaN;
  if (q > k) {
    se_log_h = 0.5 * (std::log(q) - std::log(k - 1.0)) / (std::sqrt(2.0 * q) - std::sqrt(2.0 * k - 3.0));
  } else if (k > 2.0) {
    se_log_h = std::sqrt(1.0 / (2.0 * (k - 2.0)) * (1.0 - 1.0 / (3.0 * (k - 2.0) * (k - 2.0))));
  }
  if (!std::isfinite(se_log_h)) return out;
  const double z = stats::qnorm(1.0 - (1.0 - ci_level) / 2.0);
  const double log_h = 0.5 * std::log(out.H2);
  const double h_lb = std::max(std::exp(log_h - z * se_log_h), 1.0);
  const double h_ub = std::max(std::exp(log_h + z * se_log_h), 1.0);
  const auto i2 = [](double h) { return 100.0 * (h * h - 1.0) / (h * h); };
  out.I2_ci = Interval{i2(h_lb), i2(h_ub)};
  out.H2_ci = Interval{h_lb * h_lb, h_ub * h_ub};
  return out;
}

PiDf resolve_pi_df(PiDf requested, TestType test) {
  if (requested != PiDf::Auto) return requested;
  return test == TestType::Z ? PiDf::Z : PiDf::KMinus1;
}

std::optional<double> pi_critical(PiDf resolved, std::size_t k, double ci_level,
                                  stats::QuantileMemo* quantiles) {
  const double upper = 1.0 - (1.0 - ci_level) / 2.0;
  const double kd = static_cast<double>(k);
  switch (resolved) {
    case PiDf::KMinus1:
      if (kd - 1.0 < 1.0) return std::nullopt;
      return stats::qt(upper, kd - 1.0, quantiles);
    case PiDf::KMinus2:
      if (kd - 2.0 < 1.0) return std::nullopt;
      return stats::qt(upper, kd - 2.0, quantiles);
    case PiDf::Z:
    case PiDf::Auto:
      break;
  }
  return stats::qnorm(upper, quantiles);
}

void set_prediction_interval(PoolResult& r, PiDf requested, TestType test, double tau2,
                             stats::QuantileMemo* quantiles) {
  r.pi_df = resolve_pi_df(requested, test);
  r.pi.reset();
  const auto crit = pi_critical(r.pi_df, r.k, r.ci_level, quantiles);
  if (!crit) {
    r.warnings.push_back(fmt::format("prediction interval: --pi-df {} needs k > {} (k = {}); no interval",
                                     to_string(r.pi_df), r.pi_df == PiDf::KMinus2 ? 2 : 1, r.k));
    return;
  }
  const double half = *crit * std::sqrt(r.se * r.se + tau2);
  r.pi = Interval{r.estimate - half, r.estimate + half};
}

void apply_i2_definition(PoolResult& r, I2Definition definition) {
  r.i2_definition = definition;
  if (definition != I2Definition::Higgins || r.Q_df < 1) return;
  const HigginsI2 h = higgins_i2(r.Q, r.Q_df, r.ci_level);
  r.I2 = h.I2;
  r.H2 = h.H2;
  r.I2_ci = h.I2_ci;
  r.H2_ci = h.H2_ci;
}

}  // namespace metapool
