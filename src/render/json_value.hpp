// JSON helpers shared by the renderers: non-finite numbers and absent
// optionals become null (the contract's "does not apply").
#pragma once

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

namespace metapool {

inline nlohmann::ordered_json json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

inline nlohmann::ordered_json json_number(const std::optional<double>& value) {
  if (!value) return nullptr;
  return json_number(*value);
}

// A confidence level as the contract writes it: 95, or 97.5 when not whole.
inline nlohmann::ordered_json json_level(double ci_level) {
  const double percent = ci_level * 100;
  const double rounded = std::round(percent);
  if (std::fabs(percent - rounded) < 1e-9) return static_cast<int>(rounded);
  return percent;
}

}  // namespace metapool
