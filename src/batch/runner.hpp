// Runs a batch: streams the groups of a long-format CSV, fits every
// configuration to each group on a pool of worker threads, and hands the
// rendered rows to the caller in file order (a reorder buffer of bounded
// size), so the output is the same for any thread count. Memory is bounded
// by the largest group times a small multiple of the thread count.
// The library prints nothing: output and progress go to callbacks.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "batch/analysis_spec.hpp"
#include "batch/result_row.hpp"
#include "core/expected.hpp"

namespace metapool::batch {

// --shard i/n: group g (0-based, in file order) belongs to shard g mod n.
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
  bool contains(std::size_t group_index) const { return group_index % count == index; }
  // Groups of this shard among `total` groups.
  std::size_t size_of(std::size_t total) const { return total > index ? (total - index + count - 1) / count : 0; }
};
Expected<Shard> parse_shard(std::string_view text);  // "i/n" with 0 <= i < n

// --reports: a full report (as `metapool report`) per analysis x configuration.
struct BatchReports {
  std::string dir;                        // empty: no reports
  std::string input_name;                 // the input file as shown in each report's stamp
  std::string input_sha256;               // of the whole input file
  std::string command_line;               // the batch command line
  std::optional<std::string> converter;   // rsvg-convert: PNG/PDF of the plots (--report-images)
};

struct BatchOptions {
  std::string path;                      // "-" = standard input
  std::vector<std::string> by;           // the id columns of an analysis
  std::vector<AnalysisConfig> configs;   // run in this order on every group
  BatchFormat format = BatchFormat::Csv;
  unsigned threads = 0;                  // 0 = std::thread::hardware_concurrency()
  Shard shard;
  BatchReports reports;
  std::size_t total_groups = 0;          // groups in the file when known (progress), else 0
  std::size_t chunk_rows = 0;            // data rows per hand-off to a worker thread; 0 = the default
  // Analyse two-arm binary groups of common lines from their counts, read
  // without a table of strings (GroupReader::read_counts), where the
  // configurations allow it; false reads every group as a table (the same
  // results: tests compare the two).
  bool read_counts = true;
};

struct BatchProgress {
  std::size_t done = 0;       // groups written
  std::size_t total = 0;      // groups to do (this shard); 0 = unknown
  double elapsed_seconds = 0;
};

struct BatchSummary {
  std::size_t groups = 0;          // groups of this shard processed
  std::size_t rows = 0;            // rows written (groups x configurations)
  std::size_t failed = 0;          // rows with status error
  std::size_t counted = 0;         // groups analysed from their counts (BatchOptions::read_counts)
};

// Receives output text in order; returns false when writing failed.
using OutputSink = std::function<bool(std::string_view)>;
using ProgressSink = std::function<void(const BatchProgress&)>;

unsigned resolve_threads(unsigned requested);

// Errors (the run stops; exit 2): unreadable file, CSV syntax, a --by column
// missing or named like a result column, non-consecutive rows of one
// analysis, a failed write. Per-analysis problems are rows, not errors.
Expected<BatchSummary> run_batch(const BatchOptions& options, const OutputSink& output,
                                 const ProgressSink& progress);

// The directory name of the report of (group, configuration) under --reports:
// "<group index, 6 digits>-<configuration index>_<by values>".
std::string report_dir_name(const Group& group, std::size_t config_index);

}  // namespace metapool::batch
