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

}  // namespace metapool
