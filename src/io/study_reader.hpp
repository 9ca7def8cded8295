// From a CsvTable to StudyData: infer the data shape from the column names,
// convert the numbers and check what every measure of that shape needs.
#pragma once

#include <optional>

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

}  // namespace metapool
