// Rendering of `metapool reproduce` results in every output format. Pure
// functions: result structs in, text out.
#pragma once

#include <string>
#include <vector>

#include "render/output.hpp"
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

}  // namespace metapool
