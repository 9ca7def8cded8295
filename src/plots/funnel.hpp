// Funnel plot and Baujat plot (SVG) from already computed values.
//
// Funnel (metafor `funnel`): effect on the analysis scale horizontally,
// standard error vertically with 0 at the top; the pseudo-confidence region
// estimate +/- z * SE as a triangle; optionally the contour-enhanced regions
// around 0 (Peters et al. 2008) shaded by significance; studies added by
// trim-and-fill drawn hollow.
//
// Baujat (Baujat et al. 2002; metafor `baujat`): x = a study's contribution
// to Q, y = its influence on the pooled result; points labelled by number.
#pragma once

#include <string>
#include <vector>

namespace metapool::plots {

struct FunnelPoint {
  std::string label;
  double yi, sei;
  bool filled = false;  // imputed by trim-and-fill: drawn hollow
};

// One significance contour: |yi| >= z * sei is significant at `label`.
struct FunnelContour {
  double z;
  std::string label;  // "p < 0.05"
  std::string fill;   // CSS colour of the region beyond this contour
};

struct FunnelPlot {
  std::string title;
  std::vector<FunnelPoint> points;
  double estimate;       // pooled estimate the triangle is centred on
  double z_crit = 1.96;  // half-width of the triangle in SEs (the CI level)
  std::string region_label = "95% pseudo-confidence region";
  std::vector<FunnelContour> contours;  // empty: no contours; ordered by increasing z
  std::string x_label;                  // "log risk ratio"
  std::vector<std::string> footer;
};

std::string render_funnel_svg(const FunnelPlot& plot, bool standalone);

struct BaujatPoint {
  std::string id;     // printed next to the point ("1", "2", ...)
  std::string label;  // study label, in <title>
  double x, y;
};

struct BaujatPlot {
  std::string title;
  std::vector<BaujatPoint> points;
  std::string x_label = "Contribution to overall heterogeneity";
  std::string y_label = "Influence on overall result";
};

std::string render_baujat_svg(const BaujatPlot& plot, bool standalone);

}  // namespace metapool::plots
