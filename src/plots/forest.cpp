#include "plots/forest.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plots/svg.hpp"

namespace metapool::plots {
namespace {

constexpr double kFont = 12;
constexpr double kRow = 20;            // row pitch; fixed so that k = 150 stays legible
constexpr double kMargin = 12;
constexpr double kGap = 16;            // between columns
constexpr double kPlotWidth = 320;     // width of the CI panel
constexpr double kMaxLabelWidth = 230; // longer labels are truncated (full text in <title>)
constexpr double kMaxDataWidth = 150;
constexpr double kMaxSquare = 14;
constexpr double kMinSquare = 3;
constexpr double kDiamondHalfHeight = 7;
constexpr double kArrow = 6;
constexpr double kFooterLine = 16;
constexpr double kBoldFactor = 1.1;    // bold text is wider than regular

enum class RowKind { GroupHeader, Study, Summary, Interval, Stats, Spacer };

struct Row {
  RowKind kind;
  const ForestGroup* group = nullptr;
  const ForestStudy* study = nullptr;
  const ForestSummary* summary = nullptr;
  bool overall = false;
  bool shaded = false;
};

std::string number(double value, int digits) {
  if (std::isnan(value)) return "NA";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  std::string out = fmt::format("{:.{}f}", value, digits);
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

std::string effect_text(double est, double lb, double ub, int digits) {
  return fmt::format("{} [{}, {}]", number(est, digits), number(lb, digits), number(ub, digits));
}

// The horizontal axis: values to positions (log for ratios).
struct Axis {
  bool log = false;
  double lo = 0, hi = 1;  // position space
  double x0 = 0, x1 = 1;  // pixels
  bool usable(double v) const { return std::isfinite(v) && (!log || v > 0); }
  double u(double v) const { return log ? std::log(v) : v; }
  double x(double v) const { return x0 + (u(v) - lo) / (hi - lo) * (x1 - x0); }
  double clamp_x(double v) const { return std::clamp(x(v), x0, x1); }
  bool below(double v) const { return u(v) < lo; }
  bool above(double v) const { return u(v) > hi; }
};

Axis make_axis(const ForestPlot& plot, double x0, double x1) {
  Axis axis;
  axis.log = plot.log_axis;
  axis.x0 = x0;
  axis.x1 = x1;
  std::vector<double> core, full;
  const auto add = [&](std::vector<double>& to, double v) {
    if (axis.usable(v)) to.push_back(axis.u(v));
  };
  const auto add_summary = [&](const ForestSummary& s) {
    for (double v : {s.est, s.lb, s.ub}) add(core, v);
    if (s.pi) add(core, s.pi->first), add(core, s.pi->second);
  };
  for (const auto& group : plot.groups) {
    for (const auto& study : group.studies) {
      add(core, study.est);
      add(full, study.lb);
      add(full, study.ub);
    }
    if (group.summary) add_summary(*group.summary);
  }
  if (plot.overall) add_summary(*plot.overall);
  if (plot.null_value) add(core, *plot.null_value);
  if (core.empty()) core = full;
  if (core.empty()) core = {axis.log ? 0.0 : -1.0, axis.log ? 0.0 : 1.0};
  double lo = *std::min_element(core.begin(), core.end());
  double hi = *std::max_element(core.begin(), core.end());
  double span = hi - lo;
  if (!(span > 0)) span = axis.log ? std::log(2.0) : 1.0;
  // CIs may widen the axis by at most one core span on each side; beyond
  // that they are drawn as arrows (one huge CI must not squash the rest).
  for (double v : full) {
    lo = std::min(lo, std::max(v, lo - span));
    hi = std::max(hi, std::min(v, hi + span));
  }
  if (hi - lo < span * 0.5) {
    lo -= span * 0.25;
    hi += span * 0.25;
  }
  const double pad = (hi - lo) * 0.04;
  axis.lo = lo - pad;
  axis.hi = hi + pad;
  return axis;
}

void arrow(Svg& svg, double x, double y, bool left) {
  const double tip = left ? x - 1 : x + 1;
  const double base = left ? x + kArrow : x - kArrow;
  svg.polygon({{tip, y}, {base, y - kArrow / 2}, {base, y + kArrow / 2}}, "fill=\"#000\"");
}

// A horizontal interval at height y, clipped to the axis with arrows.
void interval_line(Svg& svg, const Axis& axis, double lb, double ub, double y, std::string_view style) {
  if (!axis.usable(lb) || !axis.usable(ub)) return;
  if (axis.above(lb) || axis.below(ub)) {  // entirely off the axis: one arrow on that side
    const bool left = axis.below(ub);
    arrow(svg, left ? axis.x0 : axis.x1, y, left);
    return;
  }
  const double xa = axis.clamp_x(lb);
  const double xb = axis.clamp_x(ub);
  svg.line(xa, y, xb, y, style);
  if (axis.below(lb)) arrow(svg, axis.x0, y, true);
  if (axis.above(ub)) arrow(svg, axis.x1, y, false);
}

}  // namespace

std::string render_forest_svg(const ForestPlot& plot, bool standalone) {
  // Rows, top to bottom.
  std::vector<Row> rows;
  double max_weight = 0;
  for (const auto& group : plot.groups) {
    if (!rows.empty()) rows.push_back({RowKind::Spacer});
    if (!group.name.empty()) rows.push_back({RowKind::GroupHeader, &group});
    bool shade = false;
    for (const auto& study : group.studies) {
      Row row{RowKind::Study, &group, &study};
      row.shaded = shade;
      shade = !shade;
      rows.push_back(row);
      if (std::isfinite(study.weight)) max_weight = std::max(max_weight, study.weight);
    }
    if (group.summary) {
      rows.push_back({RowKind::Summary, &group, nullptr, &*group.summary});
      if (group.summary->pi) rows.push_back({RowKind::Interval, &group, nullptr, &*group.summary});
      if (!group.summary->stats_text.empty()) rows.push_back({RowKind::Stats, &group, nullptr, &*group.summary});
    }
  }
  if (plot.overall) {
    rows.push_back({RowKind::Spacer});
    rows.push_back({RowKind::Summary, nullptr, nullptr, &*plot.overall, true});
    if (plot.overall->pi) rows.push_back({RowKind::Interval, nullptr, nullptr, &*plot.overall, true});
  }

  // Column widths from the text they hold.
  double label_w = text_width("Study", kFont) * kBoldFactor;
  for (const auto& row : rows) {
    if (row.kind == RowKind::Study) label_w = std::max(label_w, text_width(row.study->label, kFont));
    if (row.kind == RowKind::GroupHeader) label_w = std::max(label_w, text_width(row.group->name, kFont) * kBoldFactor);
    if (row.kind == RowKind::Summary) label_w = std::max(label_w, text_width(row.summary->label, kFont) * kBoldFactor);
  }
  label_w = std::min(label_w, kMaxLabelWidth);
  std::vector<double> data_w(plot.data_columns.size());
  for (std::size_t c = 0; c < data_w.size(); ++c) {
    data_w[c] = text_width(plot.data_columns[c], kFont) * kBoldFactor;
    for (const auto& group : plot.groups) {
      for (const auto& study : group.studies) {
        if (c < study.cells.size()) data_w[c] = std::max(data_w[c], text_width(study.cells[c], kFont));
      }
    }
    data_w[c] = std::min(data_w[c], kMaxDataWidth);
  }
  double effect_w = text_width(plot.effect_column, kFont) * kBoldFactor;
  double weight_w = text_width("Weight", kFont) * kBoldFactor;
  for (const auto& row : rows) {
    if (row.kind == RowKind::Study) {
      const ForestStudy& s = *row.study;
      const std::string text = std::isnan(s.est) ? s.note : effect_text(s.est, s.lb, s.ub, plot.digits);
      effect_w = std::max(effect_w, text_width(text, kFont));
    } else if (row.kind == RowKind::Summary || row.kind == RowKind::Interval) {
      const ForestSummary& s = *row.summary;
      const std::string text = row.kind == RowKind::Summary
                                   ? effect_text(s.est, s.lb, s.ub, plot.digits)
                                   : fmt::format("[{}, {}]", number(s.pi->first, plot.digits),
                                                 number(s.pi->second, plot.digits));
      effect_w = std::max(effect_w, text_width(text, kFont) * kBoldFactor);
    }
  }

  double x = kMargin;
  const double label_x = x;
  x += label_w + kGap;
  std::vector<double> data_right(data_w.size());
  for (std::size_t c = 0; c < data_w.size(); ++c) {
    x += data_w[c];
    data_right[c] = x;
    x += kGap;
  }
  const double plot_x0 = x;
  const double plot_x1 = x + kPlotWidth;
  const double effect_right = plot_x1 + kGap + effect_w;
  const double weight_right = effect_right + kGap + weight_w;
  double width = weight_right + kMargin;
  for (const auto& line : plot.footer) width = std::max(width, text_width(line, kFont - 1) + 2 * kMargin);
  const double stats_width = weight_right - label_x;

  const double header_y = kMargin + 14;
  const double rows_top = header_y + 10;
  double rows_height = 0;
  for (const auto& row : rows) rows_height += row.kind == RowKind::Spacer ? kRow / 2 : kRow;
  const double axis_y = rows_top + rows_height + 6;
  const bool favours = !plot.favours_left.empty() || !plot.favours_right.empty();
  const double axis_label_y = axis_y + 34 + (favours ? 14 : 0);
  const double footer_top = axis_label_y + 10;
  const double height = footer_top + kFooterLine * static_cast<double>(plot.footer.size()) + kMargin;

  Svg svg(width, height, plot.title, "forest-plot");
  const Axis axis = make_axis(plot, plot_x0, plot_x1);

  // Header.
  TextStyle bold;
  bold.bold = true;
  TextStyle bold_end = bold;
  bold_end.anchor = Anchor::End;
  svg.text(label_x, header_y, "Study", bold);
  for (std::size_t c = 0; c < data_w.size(); ++c) svg.text(data_right[c], header_y, plot.data_columns[c], bold_end);
  svg.text(effect_right, header_y, plot.effect_column, bold_end);
  svg.text(weight_right, header_y, "Weight", bold_end);
  svg.line(label_x, header_y + 6, weight_right, header_y + 6, "stroke=\"#888\" stroke-width=\"0.8\"");

  // Zebra shading first, so lines and text draw over it.
  double y = rows_top;
  for (const auto& row : rows) {
    if (row.kind == RowKind::Study && row.shaded) svg.rect(label_x - 4, y, weight_right - label_x + 8, kRow, "fill=\"#f3f5f8\"");
    y += row.kind == RowKind::Spacer ? kRow / 2 : kRow;
  }

  // Line of no effect.
  if (plot.null_value && axis.usable(*plot.null_value) && !axis.below(*plot.null_value) &&
      !axis.above(*plot.null_value)) {
    const double xn = axis.x(*plot.null_value);
    svg.line(xn, rows_top, xn, axis_y, "stroke=\"#777\" stroke-width=\"1\"");
  }
  // The pooled estimate as a dotted guide line.
  if (plot.overall && axis.usable(plot.overall->est) && !axis.below(plot.overall->est) &&
      !axis.above(plot.overall->est)) {
    const double xe = axis.x(plot.overall->est);
    svg.line(xe, rows_top, xe, axis_y, "stroke=\"#999\" stroke-width=\"0.8\" stroke-dasharray=\"2,3\"");
  }

  TextStyle right;
  right.anchor = Anchor::End;
  TextStyle muted;
  muted.fill = "#555";
  muted.italic = true;
  muted.size = kFont - 1;
  y = rows_top;
  for (const auto& row : rows) {
    if (row.kind == RowKind::Spacer) {
      y += kRow / 2;
      continue;
    }
    const double baseline = y + 14;
    const double cy = y + kRow / 2;
    switch (row.kind) {
      case RowKind::GroupHeader:
        svg.open_group("forest-group-header", row.group->name);
        svg.text(label_x, baseline, truncate_to_width(row.group->name, kFont * kBoldFactor, label_w), bold);
        svg.close_group();
        break;
      case RowKind::Study: {
        const ForestStudy& s = *row.study;
        svg.open_group("forest-row", s.label);
        svg.text(label_x, baseline, truncate_to_width(s.label, kFont, label_w));
        for (std::size_t c = 0; c < data_w.size() && c < s.cells.size(); ++c) {
          svg.text(data_right[c], baseline, truncate_to_width(s.cells[c], kFont, data_w[c]), right);
        }
        if (std::isnan(s.est)) {
          TextStyle note = muted;
          note.anchor = Anchor::End;
          svg.text(effect_right, baseline, s.note.empty() ? "not estimable" : s.note, note);
        } else {
          interval_line(svg, axis, s.lb, s.ub, cy, "stroke=\"#000\" stroke-width=\"1\"");
          if (axis.usable(s.est) && !axis.below(s.est) && !axis.above(s.est)) {
            const bool weighted = std::isfinite(s.weight) && max_weight > 0;
            const double side =
                weighted ? std::max(kMinSquare, kMaxSquare * std::sqrt(std::max(s.weight, 0.0) / max_weight))
                         : kMinSquare + 2;
            svg.rect(axis.x(s.est) - side / 2, cy - side / 2, side, side,
                     weighted ? "fill=\"#1f4e79\"" : "fill=\"#fff\" stroke=\"#1f4e79\"");
          }
          svg.text(effect_right, baseline, effect_text(s.est, s.lb, s.ub, plot.digits), right);
        }
        svg.text(weight_right, baseline, std::isfinite(s.weight) ? number(s.weight, 1) + "%" : "", right);
        svg.close_group();
        break;
      }
      case RowKind::Summary: {
        const ForestSummary& s = *row.summary;
        svg.open_group(row.overall ? "forest-overall" : "forest-subgroup", s.label);
        svg.text(label_x, baseline, truncate_to_width(s.label, kFont * kBoldFactor, label_w), bold);
        if (axis.usable(s.est) && axis.usable(s.lb) && axis.usable(s.ub)) {
          const double xl = axis.clamp_x(s.lb);
          const double xr = axis.clamp_x(s.ub);
          const double xm = axis.clamp_x(s.est);
          svg.polygon({{xl, cy}, {xm, cy - kDiamondHalfHeight}, {xr, cy}, {xm, cy + kDiamondHalfHeight}},
                      row.overall ? "fill=\"#c0392b\" stroke=\"#7b241c\"" : "fill=\"#e59866\" stroke=\"#a04000\"");
          if (axis.below(s.lb)) arrow(svg, axis.x0, cy, true);
          if (axis.above(s.ub)) arrow(svg, axis.x1, cy, false);
        }
        TextStyle effect = bold_end;
        svg.text(effect_right, baseline, effect_text(s.est, s.lb, s.ub, plot.digits), effect);
        svg.text(weight_right, baseline, s.weight_text, bold_end);
        svg.close_group();
        break;
      }
      case RowKind::Interval: {
        const ForestSummary& s = *row.summary;
        svg.open_group("forest-pi", "prediction interval");
        TextStyle label = muted;
        svg.text(label_x, baseline, "Prediction interval", label);
        interval_line(svg, axis, s.pi->first, s.pi->second, cy,
                      "stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"5,3\"");
        if (axis.usable(s.pi->first) && !axis.below(s.pi->first) && !axis.above(s.pi->first)) {
          const double xa = axis.x(s.pi->first);
          svg.line(xa, cy - 4, xa, cy + 4, "stroke=\"#c0392b\" stroke-width=\"1.5\"");
        }
        if (axis.usable(s.pi->second) && !axis.below(s.pi->second) && !axis.above(s.pi->second)) {
          const double xb = axis.x(s.pi->second);
          svg.line(xb, cy - 4, xb, cy + 4, "stroke=\"#c0392b\" stroke-width=\"1.5\"");
        }
        TextStyle pi_text = muted;
        pi_text.anchor = Anchor::End;
        pi_text.size = kFont;
        svg.text(effect_right, baseline,
                 fmt::format("[{}, {}]", number(s.pi->first, plot.digits), number(s.pi->second, plot.digits)),
                 pi_text);
        svg.close_group();
        break;
      }
      case RowKind::Stats:
        svg.text(label_x, baseline, truncate_to_width(row.summary->stats_text, kFont - 1, stats_width), muted,
                 row.summary->stats_text);
        break;
      case RowKind::Spacer: break;
    }
    y += kRow;
  }

  // Axis with ticks on the natural scale.
  svg.line(plot_x0, axis_y, plot_x1, axis_y, "stroke=\"#000\" stroke-width=\"1\"");
  const std::vector<double> ticks = axis.log ? log_ticks(std::exp(axis.lo), std::exp(axis.hi))
                                             : linear_ticks(axis.lo, axis.hi);
  TextStyle tick_style;
  tick_style.anchor = Anchor::Middle;
  tick_style.size = kFont - 1;
  double last_right = -1e9;
  for (double t : ticks) {
    const double xt = axis.x(t);
    if (xt < plot_x0 - 0.5 || xt > plot_x1 + 0.5) continue;
    svg.line(xt, axis_y, xt, axis_y + 5, "stroke=\"#000\"");
    const std::string label = tick_label(t);
    const double half = text_width(label, kFont - 1) / 2;
    if (xt - half < last_right + 4) continue;  // no overlapping tick labels
    svg.text(xt, axis_y + 18, label, tick_style);
    last_right = xt + half;
  }
  if (favours) {
    TextStyle left_caption = muted;
    left_caption.anchor = Anchor::End;
    const double xn = plot.null_value && axis.usable(*plot.null_value) ? axis.clamp_x(*plot.null_value)
                                                                        : (plot_x0 + plot_x1) / 2;
    svg.text(xn - 6, axis_y + 32, plot.favours_left, left_caption);
    svg.text(xn + 6, axis_y + 32, plot.favours_right, muted);
  }
  TextStyle axis_label;
  axis_label.anchor = Anchor::Middle;
  svg.text((plot_x0 + plot_x1) / 2, axis_label_y, plot.axis_label, axis_label);

  TextStyle footer;
  footer.size = kFont - 1;
  double fy = footer_top + 12;
  for (const auto& line : plot.footer) {
    svg.text(label_x, fy, line, footer);
    fy += kFooterLine;
  }
  return svg.str(standalone);
}

}  // namespace metapool::plots
