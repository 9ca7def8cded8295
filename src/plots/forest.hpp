// Forest plot (SVG) drawn from plain values on the display scale: a row per
// study (label, data columns, CI line and a square sized by weight, effect
// text, weight), optional subgroup blocks with their diamonds, the pooled
// diamond with the prediction interval as a dashed bar under it, a vertical
// line at no effect and free-text statistics under the axis. Everything
// numeric here is already computed (report/plot_data.cpp fills it from a
// PoolAnalysis); this file only lays it out.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace metapool::plots {

struct ForestStudy {
  std::string label;
  std::vector<std::string> cells;  // one per ForestPlot::data_columns
  // Display scale (RR, not log RR). NaN est: no marker, `note` shown instead.
  double est, lb, ub;
  double weight;     // percent of the total weight; NaN when not in the model
  std::string note;  // e.g. "not estimable"
};

// A diamond row: pooled estimate and CI, optionally the prediction interval.
struct ForestSummary {
  std::string label;  // "RE model (REML)"
  double est, lb, ub;
  std::optional<std::pair<double, double>> pi;  // drawn as a dashed bar in the row below
  std::string weight_text;                      // "100%", or the subgroup's share
  std::string stats_text;                       // one line of heterogeneity text under the diamond (subgroups)
};

struct ForestGroup {
  std::string name;  // empty: no header row (the plot without subgroups)
  std::vector<ForestStudy> studies;
  std::optional<ForestSummary> summary;
};

struct ForestPlot {
  std::string title;                      // <title> of the SVG
  std::vector<std::string> data_columns;  // e.g. "Treatment", "Control"
  std::vector<ForestGroup> groups;
  std::optional<ForestSummary> overall;
  std::optional<double> null_value;  // vertical line at no effect (1 on a log axis, 0 otherwise)
  bool log_axis = false;             // positions are log(value); ticks on the natural scale
  std::string axis_label;            // "Risk ratio (log scale)"
  std::string effect_column;         // "RR [95% CI]"
  std::string favours_left, favours_right;  // optional captions under the axis
  std::vector<std::string> footer;   // heterogeneity and tests, one line each
  int digits = 2;
};

// The SVG document; `standalone` adds the XML declaration (file) or not (inline
// in HTML). Study rows are <g class="forest-row">, subgroup diamonds
// <g class="forest-subgroup">, the pooled diamond <g class="forest-overall">.
std::string render_forest_svg(const ForestPlot& plot, bool standalone);

}  // namespace metapool::plots
