// One results-table row per analysis x configuration, rendered as CSV or as
// one JSON object per line (JSONL). Pure functions: results in, text out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/pipeline.hpp"
#include "batch/analysis_spec.hpp"
#include "batch/group_reader.hpp"

namespace metapool::batch {

enum class BatchFormat { Csv, Jsonl };
std::optional<BatchFormat> parse_batch_format(std::string_view text);  // csv | jsonl

// The table's columns: group_index, config_index, the --by columns (as named
// in the header), then the fixed result columns (result_column_names()).
std::vector<std::string> result_columns(const std::vector<std::string>& key_names);
const std::vector<std::string>& result_column_names();

// The CSV header line ("" for JSONL).
std::string render_header(const std::vector<std::string>& key_names, BatchFormat format);

// Row status: "ok", or "error": bad data or a model that cannot be fitted
// (numbers NA), or a fit that did not converge (numbers as pool reports
// them); `error` says why.
enum class RowStatus { Ok, Error };
std::string_view to_string(RowStatus status);
RowStatus row_status(const Expected<PoolAnalysis>& result);

// Appends one row (with its line end) for `result` of configuration
// `config_index` on `group`; `columns` = result_columns(key names).
void append_row(std::string& out, BatchFormat format, const Group& group,
                const std::vector<std::string>& columns, std::size_t config_index,
                const AnalysisConfig& config, const Expected<PoolAnalysis>& result);

}  // namespace metapool::batch
