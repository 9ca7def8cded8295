// plots/svg: escaping, text measurement and truncation, ticks, coordinates.
#include <catch2/catch.hpp>

#include <string>

#include "plots/svg.hpp"

using namespace metapool::plots;

TEST_CASE("plots svg: xml_escape escapes markup, quotes and ampersands") {
  CHECK(xml_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(xml_escape("Ferguson & Simes") == "Ferguson &amp; Simes");
  CHECK(xml_escape("say \"hi\" 'x'") == "say &quot;hi&quot; &#39;x&#39;");
  CHECK(xml_escape("&amp;") == "&amp;amp;");
}

TEST_CASE("plots svg: xml_escape keeps non-Latin text and repairs bytes XML forbids") {
  CHECK(xml_escape("M\u00fcller \u674e \u03a9mega") == "M\u00fcller \u674e \u03a9mega");
  CHECK(xml_escape(std::string("a\x01" "b\x7f" "c")) == "abc");         // control characters dropped
  CHECK(xml_escape("tab\tnew\nline") == "tab new line");
  CHECK(xml_escape(std::string("bad\xff" "byte")) == "bad\xEF\xBF\xBD" "byte");  // U+FFFD
  CHECK(xml_escape(std::string("\xC3")) == "\xEF\xBF\xBD");                   // truncated sequence
  CHECK(xml_escape(std::string("\xED\xA0\x80")) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  CHECK(xml_escape("") == "");
}

TEST_CASE("plots svg: text_width counts code points and wide characters") {
  CHECK(text_width("", 12) == 0);
  CHECK(text_width("0000", 10) == Approx(4 * 0.64 * 10));
  CHECK(text_width("\u674e", 12) == Approx(12));                   // CJK: one em
  CHECK(text_width("\u00fc", 12) < text_width("\u674e", 12));      // Latin-1: narrower
  CHECK(text_width("Mmmm", 12) > text_width("iiii", 12));
}

TEST_CASE("plots svg: truncate_to_width ends with an ellipsis and never splits a character") {
  const std::string long_label(200, 'x');
  const std::string cut = truncate_to_width(long_label, 12, 100);
  CHECK(cut.size() < long_label.size());
  CHECK(cut.substr(cut.size() - 3) == "\u2026");
  CHECK(text_width(cut, 12) <= 100);
  CHECK(truncate_to_width("short", 12, 100) == "short");

  std::string cjk;
  for (int i = 0; i < 50; ++i) cjk += "\u674e";
  const std::string cut_cjk = truncate_to_width(cjk, 12, 61);
  CHECK(cut_cjk == "\u674e\u674e\u674e\u674e\u2026");
  CHECK(xml_escape(cut_cjk) == cut_cjk);  // still valid UTF-8
}

TEST_CASE("plots svg: coord prints at most two decimals") {
  CHECK(coord(12.5) == "12.5");
  CHECK(coord(3.0) == "3");
  CHECK(coord(1.23456) == "1.23");
  CHECK(coord(-0.001) == "0");
  CHECK(coord(std::nan("")) == "0");
}

TEST_CASE("plots svg: ticks are nice values inside the range") {
  const auto unit = linear_ticks(0, 1);
  REQUIRE(unit.size() == 6);
  CHECK(unit[3] == Approx(0.6));
  CHECK(unit.back() == Approx(1));
  const auto ticks = linear_ticks(-1.07, 0.36);
  REQUIRE_FALSE(ticks.empty());
  CHECK(ticks.front() >= -1.07);
  CHECK(ticks.back() <= 0.36);
  CHECK(log_ticks(0.05, 8) == std::vector<double>{0.05, 0.1, 0.2, 0.5, 1, 2, 5});
  CHECK(log_ticks(0.9, 1.3).size() >= 2);   // narrower than a decade: linear steps
  CHECK(log_ticks(1e-6, 1e6).size() == 13);  // wide: decades only
  CHECK(log_ticks(-1, 2).empty());
  CHECK(tick_label(0.5) == "0.5");
  CHECK(tick_label(10) == "10");
  CHECK(tick_label(0.25) == "0.25");
}

TEST_CASE("plots svg: text elements escape content and tooltips") {
  Svg svg(100, 50, "t<i>tle", "x");
  svg.text(1, 2, "<b>&", {}, "\"tip\"");
  const std::string out = svg.str(true);
  CHECK(out.rfind("<?xml", 0) == 0);
  CHECK(out.find("<title>t&lt;i&gt;tle</title>") != std::string::npos);
  CHECK(out.find("<title>&quot;tip&quot;</title>&lt;b&gt;&amp;</text>") != std::string::npos);
  CHECK(out.find("<b>") == std::string::npos);
  CHECK(svg.str(false).rfind("<svg", 0) == 0);
}
