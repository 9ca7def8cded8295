// Rendering of `metapool reproduce` results in every output format. Pure
// functions: result structs in, text out.
#pragma once

#include <string>
#include <vector>

#include "render/output.hpp"
#include "render/table.hpp"
#include "reproduce/figure.hpp"

namespace metapool {

struct ReproduceReport {
  std::vector<reproduce::FigureResult> figures;
  reproduce::ReproduceOptions options;
  std::string source;  // the --file name; empty for a figure given on the command line
};

// text: a readable account (per figure for the command line, a table for a
// file); json: every number at full precision; csv: one wide row per figure
// with round-trip numbers; md/latex: the text's tables.
std::string render_reproduce(const ReproduceReport& report, OutputFormat format);

// The table of a file of figures (one row per figure: counts, percentage as
// computed and as printed, consistency check, exact CI; with two arms RR, OR,
// RD, NNT and Fisher's p; a note) as the md/text formats show it, and the
// legend under it; for embedding in other documents (cells are plain text,
// the caller escapes them).
Table reproduce_file_table(const ReproduceReport& report, bool with_study);
std::string reproduce_file_legend(const ReproduceReport& report);

}  // namespace metapool
