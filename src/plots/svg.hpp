// A small SVG writer for the plots: escaped text, approximate text widths
// (DejaVu Sans metrics, no font files), fixed-precision coordinates so the
// output is byte-identical across runs and platforms. No statistics here.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metapool::plots {

// Text for XML/HTML content and attribute values: & < > " ' escaped, control
// characters other than tab/LF/CR dropped (XML 1.0 forbids them), invalid
// UTF-8 bytes replaced by U+FFFD, so any CSV label gives a well-formed file.
std::string xml_escape(std::string_view text);

// Approximate advance width in px of `text` set in DejaVu Sans at
// `font_size` px (per-class widths; East Asian wide characters count 1 em).
// Errs on the wide side so that columns never overlap.
double text_width(std::string_view text, double font_size);

// `text` cut at a code-point boundary and ended with an ellipsis so that it
// fits `max_width` px; unchanged when it already fits.
std::string truncate_to_width(std::string_view text, double font_size, double max_width);

// A coordinate with at most two decimals and no trailing zeros ("12.5", "3").
std::string coord(double value);

enum class Anchor { Start, Middle, End };

struct TextStyle {
  double size = 12;
  Anchor anchor = Anchor::Start;
  bool bold = false;
  bool italic = false;
  std::string fill = "#000";
  double rotate = 0;  // degrees about (x, y); -90 for a vertical axis label
};

// Builds one <svg> document. Attribute strings passed as `style` are the
// plot code's own constants (never user text); user text goes through text().
class Svg {
 public:
  Svg(double width, double height, std::string_view title, std::string_view css_class);

  double width() const { return m_width; }
  double height() const { return m_height; }

  void line(double x1, double y1, double x2, double y2, std::string_view style = "stroke=\"#000\"");
  void rect(double x, double y, double w, double h, std::string_view style);
  void circle(double cx, double cy, double r, std::string_view style);
  void polygon(const std::vector<std::pair<double, double>>& points, std::string_view style);
  // Text at (x, y) baseline; `tooltip` non-empty adds a <title> child.
  void text(double x, double y, std::string_view content, const TextStyle& style = {},
            std::string_view tooltip = {});
  // <g class="..."> with an optional <title> (escaped).
  void open_group(std::string_view css_class, std::string_view tooltip = {});
  void close_group();

  // The complete document (with the XML declaration when `standalone`,
  // for .svg files; without it for inline use in HTML).
  std::string str(bool standalone) const;

 private:
  double m_width, m_height;
  std::string m_head;
  std::string m_body;
};

// Axis ticks: "nice" values covering [lo, hi] (1, 2, 5 x 10^n steps).
std::vector<double> linear_ticks(double lo, double hi, int target = 5);
// Ticks for a log axis given the natural-scale range [lo, hi] (lo > 0):
// 1-2-5 decades, or linear ticks when the range is narrower than a decade.
std::vector<double> log_ticks(double lo, double hi);
// A tick label: the shortest of up to 4 significant digits ("0.5", "10", "0.25").
std::string tick_label(double value);

}  // namespace metapool::plots
