#include "plots/funnel.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plots/svg.hpp"

namespace metapool::plots {
namespace {

constexpr double kWidth = 600;
constexpr double kHeight = 440;
constexpr double kLeft = 72;
constexpr double kRight = 24;
constexpr double kTop = 24;
constexpr double kBottom = 64;
constexpr double kPointRadius = 4;
constexpr double kLegendRow = 16;

// Linear map from data to pixels.
struct Scale {
  double lo, hi, p0, p1;
  double operator()(double v) const { return p0 + (v - lo) / (hi - lo) * (p1 - p0); }
};

void x_axis(Svg& svg, const Scale& sx, double y, const std::string& label) {
  svg.line(sx.p0, y, sx.p1, y, "stroke=\"#000\"");
  TextStyle tick;
  tick.anchor = Anchor::Middle;
  tick.size = 11;
  for (double t : linear_ticks(sx.lo, sx.hi)) {
    svg.line(sx(t), y, sx(t), y + 5, "stroke=\"#000\"");
    svg.text(sx(t), y + 18, tick_label(t), tick);
  }
  TextStyle caption;
  caption.anchor = Anchor::Middle;
  svg.text((sx.p0 + sx.p1) / 2, y + 38, label, caption);
}

void y_axis(Svg& svg, const Scale& sy, double x, const std::string& label) {
  svg.line(x, sy.p0, x, sy.p1, "stroke=\"#000\"");
  TextStyle tick;
  tick.anchor = Anchor::End;
  tick.size = 11;
  for (double t : linear_ticks(std::min(sy.lo, sy.hi), std::max(sy.lo, sy.hi))) {
    svg.line(x - 5, sy(t), x, sy(t), "stroke=\"#000\"");
    svg.text(x - 8, sy(t) + 4, tick_label(t), tick);
  }
  TextStyle caption;
  caption.anchor = Anchor::Middle;
  caption.rotate = -90;
  svg.text(18, (sy.p0 + sy.p1) / 2, label, caption);
}

double finite_max(const std::vector<double>& values, double fallback) {
  double out = -HUGE_VAL;
  for (double v : values) {
    if (std::isfinite(v)) out = std::max(out, v);
  }
  return std::isfinite(out) ? out : fallback;
}

}  // namespace

std::string render_funnel_svg(const FunnelPlot& plot, bool standalone) {
  std::vector<double> se;
  for (const auto& p : plot.points) se.push_back(p.sei);
  double se_max = finite_max(se, 1.0);
  if (!(se_max > 0)) se_max = 1.0;
  se_max *= 1.05;

  // Horizontal range: the points, the triangle at the widest SE and the contours.
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  const auto cover = [&](double v) {
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  };
  for (const auto& p : plot.points) cover(p.yi);
  if (std::isfinite(plot.estimate)) {
    cover(plot.estimate - plot.z_crit * se_max);
    cover(plot.estimate + plot.z_crit * se_max);
  }
  if (!plot.contours.empty()) {
    cover(-plot.contours.back().z * se_max);
    cover(plot.contours.back().z * se_max);
  }
  if (!(lo < hi)) lo = -1, hi = 1;
  const double pad = (hi - lo) * 0.04;
  const bool any_filled = std::any_of(plot.points.begin(), plot.points.end(), [](const auto& p) { return p.filled; });
  const std::size_t legend_rows = (plot.contours.empty() ? 1 : plot.contours.size() + 2) + (any_filled ? 1 : 0);
  const double height = kHeight + kLegendRow * static_cast<double>(legend_rows) +
                        kLegendRow * static_cast<double>(plot.footer.size());
  const double plot_bottom = kHeight - kBottom;
  const Scale sx{lo - pad, hi + pad, kLeft, kWidth - kRight};
  const Scale sy{0, se_max, kTop, plot_bottom};

  Svg svg(kWidth, height, plot.title, "funnel-plot");
  if (!plot.contours.empty()) {
    // Regions by significance around 0: the background takes the colour
    // beyond the largest contour, then nested triangles inwards.
    svg.rect(sx.p0, sy.p0, sx.p1 - sx.p0, sy.p1 - sy.p0, fmt::format("fill=\"{}\"", plot.contours.back().fill));
    for (std::size_t j = plot.contours.size(); j-- > 0;) {
      const double half = plot.contours[j].z * se_max;
      const std::string fill = j > 0 ? plot.contours[j - 1].fill : "#fff";
      svg.polygon({{sx(0), sy(0)}, {sx(-half), sy(se_max)}, {sx(half), sy(se_max)}},
                  fmt::format("fill=\"{}\"", fill));
    }
  } else {
    svg.rect(sx.p0, sy.p0, sx.p1 - sx.p0, sy.p1 - sy.p0, "fill=\"#fafafa\"");
  }
  if (std::isfinite(plot.estimate)) {
    const double half = plot.z_crit * se_max;
    const std::string dashed = "stroke=\"#444\" stroke-width=\"1\" stroke-dasharray=\"5,3\" fill=\"none\"";
    svg.line(sx(plot.estimate), sy(0), sx(plot.estimate - half), sy(se_max), dashed);
    svg.line(sx(plot.estimate), sy(0), sx(plot.estimate + half), sy(se_max), dashed);
    svg.line(sx(plot.estimate), sy(0), sx(plot.estimate), sy(se_max), "stroke=\"#444\" stroke-width=\"1\"");
  }
  for (const auto& p : plot.points) {
    if (!std::isfinite(p.yi) || !std::isfinite(p.sei)) continue;
    svg.open_group(p.filled ? "funnel-point funnel-filled" : "funnel-point",
                   p.filled ? p.label + " (imputed by trim-and-fill)" : p.label);
    svg.circle(sx(p.yi), sy(p.sei), kPointRadius,
               p.filled ? "fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.2\"" : "fill=\"#000\"");
    svg.close_group();
  }
  svg.rect(sx.p0, sy.p0, sx.p1 - sx.p0, sy.p1 - sy.p0, "fill=\"none\" stroke=\"#000\"");
  x_axis(svg, sx, plot_bottom, plot.x_label);
  y_axis(svg, sy, kLeft, "Standard error");

  // Legend and footer.
  double y = kHeight + 4;
  TextStyle small;
  small.size = 11;
  svg.line(kLeft, y - 4, kLeft + 24, y - 4, "stroke=\"#444\" stroke-dasharray=\"5,3\"");
  svg.text(kLeft + 30, y, plot.region_label, small);
  y += kLegendRow;
  if (any_filled) {
    svg.circle(kLeft + 12, y - 4, kPointRadius, "fill=\"#fff\" stroke=\"#000\"");
    svg.text(kLeft + 30, y, "study imputed by trim-and-fill", small);
    y += kLegendRow;
  }
  if (!plot.contours.empty()) {
    svg.rect(kLeft, y - 10, 24, 12, "fill=\"#fff\" stroke=\"#888\"");
    svg.text(kLeft + 30, y, fmt::format("p > {} (around 0)", plot.contours.front().label), small);
    y += kLegendRow;
    for (std::size_t j = 0; j < plot.contours.size(); ++j) {
      svg.rect(kLeft, y - 10, 24, 12, fmt::format("fill=\"{}\" stroke=\"#888\"", plot.contours[j].fill));
      const std::string text = j + 1 < plot.contours.size()
                                   ? fmt::format("{} < p < {}", plot.contours[j + 1].label, plot.contours[j].label)
                                   : fmt::format("p < {}", plot.contours[j].label);
      svg.text(kLeft + 30, y, text, small);
      y += kLegendRow;
    }
  }
  for (const auto& line : plot.footer) {
    svg.text(kLeft, y, line, small);
    y += kLegendRow;
  }
  return svg.str(standalone);
}

std::string render_baujat_svg(const BaujatPlot& plot, bool standalone) {
  std::vector<double> xs, ys;
  for (const auto& p : plot.points) xs.push_back(p.x), ys.push_back(p.y);
  double x_max = finite_max(xs, 1.0);
  double y_max = finite_max(ys, 1.0);
  if (!(x_max > 0)) x_max = 1;
  if (!(y_max > 0)) y_max = 1;
  const double width = 560;
  const double height = 440;
  const double bottom = height - kBottom;
  const Scale sx{0, x_max * 1.08, kLeft, width - kRight};
  const Scale sy{y_max * 1.08, 0, kTop, bottom};

  Svg svg(width, height, plot.title, "baujat-plot");
  svg.rect(sx.p0, sy.p0, sx.p1 - sx.p0, sy.p1 - sy.p0, "fill=\"#fafafa\" stroke=\"#000\"");
  TextStyle id_style;
  id_style.size = 11;
  for (const auto& p : plot.points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    svg.open_group("baujat-point", p.label);
    svg.circle(sx(p.x), sy(p.y), 3.5, "fill=\"#1f4e79\"");
    svg.text(sx(p.x) + 6, sy(p.y) - 4, p.id, id_style);
    svg.close_group();
  }
  x_axis(svg, sx, bottom, plot.x_label);
  // y axis: ticks from 0 up.
  svg.line(kLeft, sy.p0, kLeft, sy.p1, "stroke=\"#000\"");
  TextStyle tick;
  tick.anchor = Anchor::End;
  tick.size = 11;
  for (double t : linear_ticks(0, y_max * 1.08)) {
    svg.line(kLeft - 5, sy(t), kLeft, sy(t), "stroke=\"#000\"");
    svg.text(kLeft - 8, sy(t) + 4, tick_label(t), tick);
  }
  TextStyle caption;
  caption.anchor = Anchor::Middle;
  caption.rotate = -90;
  svg.text(18, (sy.p0 + sy.p1) / 2, plot.y_label, caption);
  return svg.str(standalone);
}

}  // namespace metapool::plots
