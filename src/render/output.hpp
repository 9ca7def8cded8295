// Rendering of analysis results in every output format. Pure functions:
// result structs in, text out (the CLI decides where it goes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analysis/pipeline.hpp"

namespace metapool {

enum class OutputFormat { Text, Json, Csv, Markdown, Latex };

std::optional<OutputFormat> parse_format(std::string_view text);  // text|json|csv|md|latex

// "metapool x.y.z"
std::string version_string();

std::string render_effects(const EffectsAnalysis& analysis, OutputFormat format);
std::string render_pool(const PoolAnalysis& analysis, OutputFormat format);

// Long name of a measure's analysis scale ("log risk ratio", ...).
std::string_view measure_label(Measure measure);

}  // namespace metapool
