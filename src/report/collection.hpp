// `metapool collection MANIFEST --out DIR`: many analyses of one body of
// evidence under one index page. A manifest (CSV) lists the analyses: each
// `pool` row becomes a full report (report.hpp) in DIR/<id>/, each `single`
// row (one study: its effect, never pooled) an effects table in DIR/<id>/,
// and each `not_pooled` row a stated reason why something is left out. An
// optional table of reported figures is recomputed from its counts
// (reproduce/) and embedded. The index (index.html, index.md, summary.csv,
// reproduce.csv) shows what each analysis is and its headline numbers.
//
// Pure: manifests and results in, file contents out; the CLI reads the
// inputs, runs the analyses and writes the directory atomically.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/report_data.hpp"
#include "core/expected.hpp"
#include "io/csv_table.hpp"
#include "render/reproduce_output.hpp"
#include "report/output_dir.hpp"

namespace metapool::report {

enum class EntryKind { Pool, Single, NotPooled };
std::string_view to_string(EntryKind kind);  // pool | single | not_pooled

// One manifest row. Columns (case-insensitive; only id, kind and title are
// required): id, kind, file, title, comparison, outcome, timepoint, measure,
// method, subgroup, notes.
struct CollectionEntry {
  std::string id;    // the subdirectory: letters, digits, '_' and '-', unique
  EntryKind kind = EntryKind::Pool;
  std::string file;  // the study table, relative to the manifest's directory (empty for not_pooled)
  std::string title;
  std::string comparison, outcome, timepoint;
  std::string measure, method, subgroup;  // options of `report` (empty: defaults)
  std::string notes;
  int line = 0;  // manifest line
};

// Reads and validates a manifest: unknown kind, bad or duplicate id, a
// missing file for pool/single, a file for not_pooled, an unknown measure or
// method are errors located at file:line:column.
Expected<std::vector<CollectionEntry>> read_collection_manifest(const CsvTable& table);

// The analysis options of an entry (measure, method, subgroup).
AnalysisOptions entry_options(const CollectionEntry& entry);

// Counts of the values of a provenance column (`counts_source`: stated /
// inferred ...), in order of first appearance; empty when there is none.
struct ValueCount {
  std::string value;
  std::size_t count = 0;
};
std::vector<ValueCount> tally_column(const CsvTable& table, std::string_view column);

// One analysed entry.
struct CollectionAnalysis {
  CollectionEntry entry;
  std::string input_path;                 // the study table's path as read (manifest directory + file)
  std::string command_line;               // the equivalent metapool command, for the record
  std::string input_sha256;               // of the study table's bytes
  std::optional<ReportData> report;       // kind pool
  std::optional<PoolAnalysis> single;     // kind single: its per-study effects (the model is not shown)
  std::vector<ValueCount> provenance;     // tally of counts_source
};

struct CollectionOptions {
  std::string title = "Evidence collection";
  std::string intro;                      // a paragraph under the title (may be empty)
  std::string manifest_name;              // as given on the command line
  std::string manifest_sha256;
  std::string command_line;
  std::optional<ReproduceReport> reproduce;  // the figures table, when given
  std::string reproduce_name;             // its file name, as given
  CsvTable reproduce_raw;                 // its cells (counts_source, source_article are shown)
  std::vector<std::string> warnings;
};

// The files of the collection's top directory: index.html, index.md,
// summary.csv (one row per analysis: id, kind, k, estimate, CI, PI, I2, tau2,
// Q, subgroup test, provenance) and reproduce.csv (when figures are given).
std::vector<OutputFile> build_collection_index(const std::vector<CollectionAnalysis>& analyses,
                                               const CollectionOptions& options);

// The files of a `single` entry's directory: effects.csv, effects.md, data.csv.
std::vector<OutputFile> build_single_files(const CollectionAnalysis& analysis, const std::string& input_bytes);

}  // namespace metapool::report
