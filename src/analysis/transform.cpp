#include "analysis/transform.hpp"

#include <cmath>
#include <limits>

namespace metapool {
namespace {

// Halved Freeman-Tukey transform of x events out of n (metafor's "PFT").
double pft(double events, double n) {
  return 0.5 * (std::asin(std::sqrt(events / (n + 1))) + std::asin(std::sqrt((events + 1) / (n + 1))));
}

// Miller (1978) inverse of the halved Freeman-Tukey transform for sample size n.
double inverse_pft(double value, double n) {
  if (value <= pft(0, n)) return 0.0;
  if (value >= pft(n, n)) return 1.0;
  const double s = std::sin(2 * value);
  const double c = std::cos(2 * value);
  const double inner = s + (s - 1 / s) / n;
  const double sign = c > 0 ? 1.0 : (c < 0 ? -1.0 : 0.0);
  return 0.5 * (1 - sign * std::sqrt(1 - inner * inner));
}

}  // namespace

std::optional<std::string> natural_scale(Measure measure) {
  switch (measure) {
    case Measure::OR: case Measure::PETO: return "OR";
    case Measure::RR: return "RR";
    case Measure::ROM: return "ROM";
    case Measure::PLO: case Measure::PAS: case Measure::PFT: case Measure::PLN:
      return "proportion";
    case Measure::ZCOR: return "r";
    default: return std::nullopt;
  }
}

double back_transform(Measure measure, double value, double harmonic_mean_n, PftScale pft_scale) {
  switch (measure) {
    case Measure::OR: case Measure::PETO: case Measure::RR: case Measure::ROM: case Measure::PLN:
      return std::exp(value);
    case Measure::PLO: return 1 / (1 + std::exp(-value));
    case Measure::PAS: {
      const double clamped = std::fmin(std::fmax(value, 0.0), M_PI / 2);
      return std::sin(clamped) * std::sin(clamped);
    }
    case Measure::PFT:
      return inverse_pft(pft_scale == PftScale::Full ? value / 2 : value, harmonic_mean_n);
    case Measure::ZCOR: return std::tanh(value);
    default: return value;
  }
}

double harmonic_mean(const std::vector<double>& n) {
  if (n.empty()) return std::numeric_limits<double>::quiet_NaN();
  double sum_inv = 0;
  for (double x : n) sum_inv += 1 / x;
  return static_cast<double>(n.size()) / sum_inv;
}

}  // namespace metapool
