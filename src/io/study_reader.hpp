// From a CsvTable to StudyData: infer the data shape from the column names,
// convert the numbers and check what every measure of that shape needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "core/study_data.hpp"
#include "io/csv_table.hpp"

namespace metapool {

// `measure`, when given, picks the shape if the file has the columns of more
// than one; it must fit the shape found (else an error). Checks: missing or
// ambiguous columns, non-numeric, non-finite, missing values, negative or
// non-integer counts, events > n, n = 0, sd <= 0, r outside (-1, 1),
// vi <= 0, sei <= 0. Measure-specific checks (n too small, ...) are made by
// compute_effects.
Expected<StudyData> read_studies(CsvTable table, std::optional<Measure> measure);

// The same into `data`, an empty (default-constructed) StudyData (the pipeline reads
// into the analysis it returns instead of moving a StudyData into it);
// nullopt or the error (`data` is then unspecified).
std::optional<Diagnostic> read_studies_into(CsvTable table, std::optional<Measure> measure, StudyData& data);

// A two-arm binary study whose counts were read from its line directly
// (the batch's common rows, batch/group_reader.hpp), without a table: the
// counts are whole numbers (as parse_small_whole reads them), each total
// >= 1 and >= its events; the label is the study column's cell, as an
// offset and size in a text that holds the lines (size 0 when the cell is
// empty or there is no study column).
struct TwoArmRow {
  double events_t = 0, n_t = 0, events_c = 0, n_c = 0;
  std::uint32_t label_offset = 0, label_size = 0;
};

// `data` (empty) as read_studies_into gives it for the table of `rows`
// (their labels in `label_text`, their physical lines in `lines`), where
// `layout` is what read_studies_into gave for the same header with no rows
// and the same measure, and is two-arm binary: the same values, labels,
// lines and columns, but `raw` holds the header only, not the rows (its
// rows are needed for subgroups, moderators and reports, which the batch
// reads through the table instead).
void fill_two_arm_binary(const StudyData& layout, const std::vector<TwoArmRow>& rows, std::string_view label_text,
                         const std::vector<int>& lines, StudyData& data);

}  // namespace metapool
