#include "plots/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace metapool::plots {
namespace {

// Decodes one UTF-8 code point at text[pos]; returns its length in bytes, or
// 0 for an invalid sequence (overlong, surrogate, out of range, truncated).
std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& out) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + len > text.size()) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  out = cp;
  return len;
}

bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) || cp >= 0x20000;
}

// Advance width in em of one code point (DejaVu Sans, rounded up).
double em_width(char32_t cp) {
  if (cp == ' ') return 0.32;
  if (cp >= '0' && cp <= '9') return 0.64;
  if (cp < 0x80) {
    switch (cp) {
      case 'i': case 'j': case 'l': case '.': case ',': case ':': case ';': case '\'': case '|': case '!':
      case '`':
        return 0.3;
      case 'f': case 't': case 'r': case '(': case ')': case '[': case ']': case '-': case '/': case 'I':
        return 0.42;
      case 'm': case 'w': case 'M': case 'W': case '%': case '@':
        return 0.96;
      default:
        break;
    }
    if (cp >= 'A' && cp <= 'Z') return 0.74;
    return 0.62;
  }
  if (is_wide(cp)) return 1.0;
  return 0.7;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp = 0;
    const std::size_t len = decode_utf8(text, pos, cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that is not valid UTF-8
      ++pos;
      continue;
    }
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\t': case '\n': case '\r': out += ' '; break;
      default:
        if (cp < 0x20 || cp == 0x7F || cp == 0xFFFE || cp == 0xFFFF) break;  // not allowed in XML
        out.append(text.substr(pos, len));
    }
    pos += len;
  }
  return out;
}

double text_width(std::string_view text, double font_size) {
  double em = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp = 0xFFFD;
    const std::size_t len = decode_utf8(text, pos, cp);
    em += em_width(len == 0 ? 0xFFFD : cp);
    pos += len == 0 ? 1 : len;
  }
  return em * font_size;
}

std::string truncate_to_width(std::string_view text, double font_size, double max_width) {
  if (text_width(text, font_size) <= max_width) return std::string(text);
  const double budget = max_width - text_width("\u2026", font_size);
  double used = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp = 0xFFFD;
    std::size_t len = decode_utf8(text, pos, cp);
    if (len == 0) len = 1, cp = 0xFFFD;
    const double w = em_width(cp) * font_size;
    if (used + w > budget) break;
    used += w;
    pos += len;
  }
  std::string out(text.substr(0, pos));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "\u2026";
}

std::string coord(double value) {
  if (!std::isfinite(value)) return "0";
  std::string out = fmt::format("{:.2f}", value);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  if (out == "-0") out = "0";
  return out;
}

Svg::Svg(double width, double height, std::string_view title, std::string_view css_class)
    : m_width(width), m_height(height) {
  m_head = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" font-size=\"12\">\n"
      "<title>{}</title>\n<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#fff\"/>\n",
      css_class, coord(width), coord(height), coord(width), coord(height), xml_escape(title), coord(width),
      coord(height));
}

void Svg::line(double x1, double y1, double x2, double y2, std::string_view style) {
  m_body += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" {}/>\n", coord(x1), coord(y1), coord(x2),
                        coord(y2), style);
}

void Svg::rect(double x, double y, double w, double h, std::string_view style) {
  m_body += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}/>\n", coord(x), coord(y), coord(w),
                        coord(h), style);
}

void Svg::circle(double cx, double cy, double r, std::string_view style) {
  m_body += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}/>\n", coord(cx), coord(cy), coord(r), style);
}

void Svg::polygon(const std::vector<std::pair<double, double>>& points, std::string_view style) {
  std::string list;
  for (const auto& [x, y] : points) {
    if (!list.empty()) list += ' ';
    list += coord(x) + "," + coord(y);
  }
  m_body += fmt::format("<polygon points=\"{}\" {}/>\n", list, style);
}

void Svg::text(double x, double y, std::string_view content, const TextStyle& style, std::string_view tooltip) {
  std::string attributes = fmt::format("x=\"{}\" y=\"{}\"", coord(x), coord(y));
  if (style.size != 12) attributes += fmt::format(" font-size=\"{}\"", coord(style.size));
  if (style.anchor == Anchor::Middle) attributes += " text-anchor=\"middle\"";
  if (style.anchor == Anchor::End) attributes += " text-anchor=\"end\"";
  if (style.bold) attributes += " font-weight=\"bold\"";
  if (style.italic) attributes += " font-style=\"italic\"";
  if (style.fill != "#000") attributes += fmt::format(" fill=\"{}\"", xml_escape(style.fill));
  if (style.rotate != 0) {
    attributes += fmt::format(" transform=\"rotate({} {} {})\"", coord(style.rotate), coord(x), coord(y));
  }
  const std::string title = tooltip.empty() ? std::string() : "<title>" + xml_escape(tooltip) + "</title>";
  m_body += fmt::format("<text {}>{}{}</text>\n", attributes, title, xml_escape(content));
}

void Svg::open_group(std::string_view css_class, std::string_view tooltip) {
  m_body += fmt::format("<g class=\"{}\">", xml_escape(css_class));
  if (!tooltip.empty()) m_body += "<title>" + xml_escape(tooltip) + "</title>";
  m_body += '\n';
}

void Svg::close_group() { m_body += "</g>\n"; }

std::string Svg::str(bool standalone) const {
  std::string out = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "";
  return out + m_head + m_body + "</svg>\n";
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(std::isfinite(lo) && std::isfinite(hi)) || hi < lo) return ticks;
  if (hi == lo) return {lo};
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  const double first = std::ceil(lo / step - 1e-9) * step;
  for (double v = first; v <= hi + step * 1e-9; v += step) {
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    if (ticks.size() > 50) break;
  }
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> ticks;
  if (!(lo > 0 && hi > lo && std::isfinite(hi))) return ticks;
  if (hi / lo < 8) {
    for (double v : linear_ticks(lo, hi, 4)) {
      if (v > 0) ticks.push_back(v);
    }
    return ticks;
  }
  const int first = static_cast<int>(std::floor(std::log10(lo)));
  const int last = static_cast<int>(std::ceil(std::log10(hi)));
  const bool decades_only = last - first > 4;
  for (int e = first; e <= last; ++e) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (decades_only && m != 1.0) continue;
      const double v = m * std::pow(10.0, e);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push_back(v);
    }
  }
  return ticks;
}

std::string tick_label(double value) {
  if (value == 0) return "0";
  std::string out = fmt::format("{:.4g}", value);
  if (out.find('e') != std::string::npos) out = fmt::format("{}", value);
  return out;
}

}  // namespace metapool::plots
