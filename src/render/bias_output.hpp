// Rendering of `metapool bias` (regression tests, rank test, trim and fill,
// fail-safe N, PET-PEESE) in every output format. Field names:
// docs/interface-extensions.md.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "analysis/bias.hpp"
#include "render/output.hpp"
#include "render/table.hpp"

namespace metapool {

std::string render_bias(const BiasAnalysis& analysis, OutputFormat format);

// The JSON object of the bias command (also for report / batch).
nlohmann::ordered_json bias_json(const BiasAnalysis& analysis);

// One row per test / method: test, statistic, df, pval, estimate, ci_lb,
// ci_ub, note (CSV, Markdown, LaTeX).
Table bias_summary_table(const BiasAnalysis& analysis, bool exact);

}  // namespace metapool
