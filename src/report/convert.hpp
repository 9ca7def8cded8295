// SVG to PNG and PDF with rsvg-convert (librsvg, Debian librsvg2-bin), run as
// a subprocess (argv, no shell). SOURCE_DATE_EPOCH is set so that cairo's PDF
// CreationDate is fixed and the files are byte-identical across runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace metapool::report {

// The converter's path: `override_path` when non-empty (METAPOOL_RSVG_CONVERT),
// else `rsvg-convert` looked up in PATH; nullopt when not found/executable.
std::optional<std::string> find_rsvg_convert(const std::string& override_path);

struct Converted {};

// Converts `svg_path` to `out_path`; `format` is "png" or "pdf". `epoch` is
// written as SOURCE_DATE_EPOCH (the PDF creation date). Errors: the program
// could not be started or exited non-zero (its stderr is not captured; the
// message names the file).
Expected<Converted> rsvg_convert(const std::string& program, const std::string& svg_path,
                                 const std::string& out_path, const std::string& format, long long epoch);

// Converts every `svgs` file (names inside `dir`) to PNG and PDF next to it,
// stopping at the first failure: the `finish` step of a report directory
// (report/output_dir.hpp). Nothing to do without a converter.
std::optional<Diagnostic> convert_svgs(const std::optional<std::string>& converter, const std::string& dir,
                                       const std::vector<std::string>& svgs, long long epoch);

}  // namespace metapool::report
