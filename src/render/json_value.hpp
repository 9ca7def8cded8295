// JSON helpers shared by the renderers: non-finite numbers and absent
// optionals become null (the contract's "does not apply").
#pragma once

#include <cmath>
#include <optional>
#include <string>

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

// The one way JSON is written: 2-space indent, a final newline, and invalid
// UTF-8 replaced by U+FFFD instead of throwing (input is validated as UTF-8
// when read; this is the last line of defence).
inline std::string json_text(const nlohmann::ordered_json& value) {
  return value.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// A confidence level as the contract writes it: 95, or 97.5 when not whole.
inline nlohmann::ordered_json json_level(double ci_level) {
  const double percent = ci_level * 100;
  const double rounded = std::round(percent);
  if (std::fabs(percent - rounded) < 1e-9) return static_cast<int>(rounded);
  return percent;
}

}  // namespace metapool
