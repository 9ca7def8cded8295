// plots/forest and plots/funnel: the SVG structure the report and the browser
// test rely on (row classes, titles, arrows, height growing with k, escaping).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "plots/forest.hpp"
#include "plots/funnel.hpp"

using namespace metapool::plots;

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

double svg_height(const std::string& svg) {
  const std::size_t pos = svg.find("height=\"");
  return std::stod(svg.substr(pos + 8));
}

ForestPlot make_forest(int k) {
  ForestPlot plot;
  plot.title = "test";
  plot.data_columns = {"Treatment events/N", "Control events/N"};
  plot.log_axis = true;
  plot.null_value = 1.0;
  plot.axis_label = "Risk ratio (log scale)";
  plot.effect_column = "RR [95% CI]";
  ForestGroup group;
  for (int i = 0; i < k; ++i) {
    const double est = std::exp(-0.5 + 0.01 * i);
    group.studies.push_back({fmt::format("Study {}", i + 1), {"1/10", "2/10"}, est, est / 2, est * 2, 100.0 / k, ""});
  }
  plot.groups.push_back(group);
  plot.overall = ForestSummary{"RE model", 0.6, 0.5, 0.7, std::make_pair(0.3, 1.2), "100%", ""};
  plot.footer = {"Heterogeneity: I\u00B2 = 0%"};
  return plot;
}

}  // namespace

TEST_CASE("plots forest: one forest-row per study for k = 2 and k = 150, height grows with k") {
  const std::string two = render_forest_svg(make_forest(2), true);
  const std::string many = render_forest_svg(make_forest(150), true);
  CHECK(count(two, "class=\"forest-row\"") == 2);
  CHECK(count(many, "class=\"forest-row\"") == 150);
  CHECK(count(many, "class=\"forest-overall\"") == 1);
  CHECK(count(many, "class=\"forest-pi\"") == 1);
  CHECK(svg_height(many) > svg_height(two) + 148 * 19);
  CHECK(svg_height(two) < 400);
}

TEST_CASE("plots forest: long labels are truncated with an ellipsis and kept whole in a title") {
  ForestPlot plot = make_forest(2);
  const std::string label = "A very long study label that goes on and on, " + std::string(80, 'z') + " END";
  plot.groups[0].studies[0].label = label;
  const std::string svg = render_forest_svg(plot, true);
  CHECK(svg.find("<title>" + label + "</title>") != std::string::npos);
  CHECK(svg.find(">" + label + "</text>") == std::string::npos);
  CHECK(svg.find("\u2026</text>") != std::string::npos);
}

TEST_CASE("plots forest: CIs beyond the axis become arrows, not clipped lines") {
  ForestPlot plot = make_forest(3);
  const std::string base = render_forest_svg(plot, true);
  plot.groups[0].studies[1].lb = 1e-6;  // far left
  plot.groups[0].studies[1].ub = 1e6;   // far right
  const std::string svg = render_forest_svg(plot, true);
  // two more polygons (the arrowheads) than without the wide CI
  CHECK(count(svg, "<polygon") == count(base, "<polygon") + 2);
}

TEST_CASE("plots forest: labels and cells are escaped") {
  ForestPlot plot = make_forest(3);
  plot.groups[0].studies[0].label = "<script>alert(1)</script>";
  plot.groups[0].studies[1].label = "M\u00fcller & \u674e \"\u03a9mega\"";
  plot.groups[0].studies[2].cells = {"<b>", "'x'"};
  plot.data_columns[0] = "<i>arm</i>";
  const std::string svg = render_forest_svg(plot, true);
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(svg.find("M\u00fcller &amp; \u674e &quot;\u03a9mega&quot;") != std::string::npos);
  CHECK(svg.find("<b>") == std::string::npos);
  CHECK(svg.find("<i>") == std::string::npos);
}

TEST_CASE("plots forest: subgroup blocks have headers and diamonds, missing estimates a note") {
  ForestPlot plot = make_forest(4);
  ForestGroup second = plot.groups[0];
  second.name = "alloc = random";
  second.summary = ForestSummary{"Subtotal (k = 4)", 0.6, 0.4, 0.9, std::nullopt, "50%", "I\u00B2 = 10%"};
  second.studies[0].est = std::nan("");
  second.studies[0].note = "not estimable";
  plot.groups[0].name = "alloc = systematic";
  plot.groups[0].summary = second.summary;
  plot.groups.push_back(second);
  const std::string svg = render_forest_svg(plot, true);
  CHECK(count(svg, "class=\"forest-row\"") == 8);
  CHECK(count(svg, "class=\"forest-subgroup\"") == 2);
  CHECK(count(svg, "class=\"forest-group-header\"") == 2);
  CHECK(svg.find("not estimable") != std::string::npos);
}

TEST_CASE("plots forest: the output is deterministic") {
  CHECK(render_forest_svg(make_forest(13), true) == render_forest_svg(make_forest(13), true));
}

TEST_CASE("plots funnel: points, pseudo-confidence lines, contours and filled studies") {
  FunnelPlot plot;
  plot.title = "funnel";
  plot.estimate = -0.7;
  plot.z_crit = 1.96;
  plot.x_label = "Log risk ratio";
  plot.points = {{"A", -0.9, 0.3}, {"B", -0.2, 0.1}, {"<C>", 0.1, 0.5}, {"filled", -1.5, 0.4, true}};
  const std::string plain = render_funnel_svg(plot, true);
  CHECK(count(plain, "class=\"funnel-point\"") == 3);
  CHECK(count(plain, "class=\"funnel-point funnel-filled\"") == 1);
  CHECK(plain.find("trim-and-fill") != std::string::npos);
  CHECK(plain.find("&lt;C&gt;") != std::string::npos);
  CHECK(count(plain, "<polygon") == 0);
  plot.contours = {{1.645, "0.10", "#8c8c8c"}, {1.96, "0.05", "#b4b4b4"}, {2.576, "0.01", "#dcdcdc"}};
  const std::string contoured = render_funnel_svg(plot, true);
  CHECK(count(contoured, "<polygon") == 3);
  CHECK(contoured.find("p &lt; 0.01") != std::string::npos);
}

TEST_CASE("plots baujat: one labelled point per study, NaN points skipped") {
  BaujatPlot plot;
  plot.title = "baujat";
  plot.points = {{"1", "A & B", 0.5, 0.1}, {"2", "C", 1.5, 0.2}, {"3", "D", std::nan(""), 0.1}};
  const std::string svg = render_baujat_svg(plot, true);
  CHECK(count(svg, "class=\"baujat-point\"") == 2);
  CHECK(svg.find("<title>A &amp; B</title>") != std::string::npos);
}
