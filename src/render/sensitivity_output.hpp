// Rendering of `metapool sensitivity` (leave-one-out, cumulative, influence)
// in every output format. Field names: docs/interface-extensions.md.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "analysis/sensitivity.hpp"
#include "render/output.hpp"
#include "render/table.hpp"

namespace metapool {

std::string render_sensitivity(const SensitivityAnalysis& analysis, OutputFormat format);

// The JSON object of the sensitivity command (also for report / batch).
nlohmann::ordered_json sensitivity_json(const SensitivityAnalysis& analysis);

// Tables of the three analyses; `exact` = shortest round-trip numbers.
Table leave_one_out_table(const SensitivityAnalysis& analysis, bool exact);
Table cumulative_table(const SensitivityAnalysis& analysis, bool exact);
Table influence_table(const SensitivityAnalysis& analysis, bool exact);  // no rows for MH / Peto

}  // namespace metapool
