// `metapool report`: the HTML page (self-contained: inline SVG and CSS, no
// scripts, no network), the Markdown twin, CSV tables and SVG plots, built
// from a ReportData. Pure: results in, file contents out; the CLI writes them
// (report/output_dir.hpp) and converts the SVGs (report/convert.hpp).
#pragma once

#include <string>
#include <vector>

#include "analysis/report_data.hpp"
#include "render/table.hpp"
#include "report/output_dir.hpp"

namespace metapool::report {

struct ReportOptions {
  std::string input_name;    // the input as named on the command line
  std::string input_sha256;  // of the input's bytes
  std::string command_line;  // "metapool report ...", shell-quoted
  bool contours = false;     // contour-enhanced funnel plot
  bool images = true;        // PNG and PDF versions are written next to each SVG
  std::string timestamp;     // shown in the stamp when non-empty (--timestamp)
  std::vector<std::string> warnings;  // from the caller (e.g. rsvg-convert missing)
};

// Names of the SVG plots among the files (to convert to PNG/PDF).
std::vector<std::string> svg_names(const std::vector<OutputFile>& files);

// index.html, report.md, the CSV tables and the SVG plots, in a fixed order.
std::vector<OutputFile> build_report(const ReportData& data, const ReportOptions& options);

// The tables (shared Table type; `exact` = shortest round-trip numbers for
// CSV, else rounded for reading).
Table data_table(const PoolAnalysis& analysis);
Table effects_table(const PoolAnalysis& analysis, bool exact);
Table pool_table(const PoolAnalysis& analysis, bool exact);
Table heterogeneity_table(const PoolResult& pool, bool exact);
Table methods_table(const ReportData& data, bool exact);
Table baujat_table(const ReportData& data, bool exact);
Table summary_of_findings_table(const ReportData& data, bool exact);
Table leave1out_table(const ReportData& data, bool exact);  // needs data.sensitivity
Table influence_table(const ReportData& data, bool exact);  // needs data.sensitivity->influence
Table bias_table(const ReportData& data, bool exact);       // needs data.bias

// HTML <table> of a Table: every cell escaped; right-aligned columns get
// class "num".
std::string render_html(const Table& table, const std::string& css_class = "");

// Number needed to treat from a risk difference and its CI (Altman 1998):
// "21 (15 to 38) for one fewer event", or the two-part interval through
// infinity when the CI includes 0.
std::string nnt_text(double difference, double lb, double ub);

}  // namespace metapool::report
