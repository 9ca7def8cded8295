// The "conventions" object of the JSON outputs and the "Conventions:" line
// of the text ones (core/conventions.hpp; docs/interface-extensions.md).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/conventions.hpp"

namespace metapool {

// Every key always present; null where the convention does not apply.
// With `pooled` false (effects) the pooling keys are left out.
nlohmann::ordered_json conventions_json(const ConventionsUsed& used, bool pooled);

// "Conventions: I^2 metafor (tau^2/(tau^2 + s^2)); ..." with the ones that
// apply, ending in a newline; "" when none applies.
std::string conventions_text(const ConventionsUsed& used);

}  // namespace metapool
