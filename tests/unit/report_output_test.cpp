// report/report: page content, escaping of every label and column name, the
// shared Table renderers, determinism, NNT wording.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "analysis/report_data.hpp"
#include "io/csv_table.hpp"
#include "report/report.hpp"

using namespace metapool;

namespace {

// Hostile and non-Latin labels and column names.
const char* kHostileCsv =
    "study,events_t,n_t,events_c,n_c,<b>group</b>,M\u00fcller \u674e\n"
    "<script>alert(1)</script>,4,123,11,139,a,1\n"
    "\"Quote \"\"x\"\" & 'apos'\",6,306,29,303,b,2\n"
    "M\u00fcller 1990,3,231,11,220,a,3\n"
    "\u674e 2001,62,13598,248,12867,b,4\n"
    "\u03a9mega </title><img src=x onerror=alert(1)>,33,5069,47,5808,a,5\n";

ReportData hostile() {
  auto table = parse_csv_text(kHostileCsv, "hostile.csv");
  REQUIRE(table);
  auto data = analyse_report(std::move(table).value(), AnalysisOptions{});
  REQUIRE(data);
  return std::move(data).value();
}

report::ReportOptions options() {
  report::ReportOptions o;
  o.input_name = "hostile<1>.csv";
  o.input_sha256 = std::string(64, 'a');
  o.command_line = "metapool report 'hostile<1>.csv' --out x";
  return o;
}

const std::string& file(const std::vector<report::OutputFile>& files, const std::string& name) {
  const auto it = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.name == name; });
  REQUIRE(it != files.end());
  return it->content;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

TEST_CASE("report output: labels and column names are escaped in HTML, SVG and Markdown") {
  const auto files = report::build_report(hostile(), options());
  for (const char* name : {"index.html", "forest.svg", "funnel.svg", "baujat.svg", "report.md"}) {
    INFO(name);
    const std::string text = lower(file(files, name));
    CHECK(text.find("<script") == std::string::npos);
    CHECK(text.find("<img") == std::string::npos);
    CHECK(text.find("<b>") == std::string::npos);
  }
  const std::string& html = file(files, "index.html");
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("Quote &quot;x&quot; &amp; &#39;apos&#39;") != std::string::npos);
  CHECK(html.find("&lt;b&gt;group&lt;/b&gt;") != std::string::npos);  // column name in the data table
  CHECK(html.find("M\u00fcller \u674e") != std::string::npos);         // non-Latin column name as text
  CHECK(html.find("\u03a9mega &lt;/title&gt;&lt;img") != std::string::npos);
  CHECK(html.find("hostile&lt;1&gt;.csv") != std::string::npos);
  CHECK(file(files, "forest.svg").find("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>") != std::string::npos);
  // CSV keeps the text as it is (RFC 4180 quoting only)
  CHECK(file(files, "effects.csv").find("<script>alert(1)</script>") != std::string::npos);
}

TEST_CASE("report output: the page is self-contained, script-free and printable") {
  const auto files = report::build_report(hostile(), options());
  const std::string& html = file(files, "index.html");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find(report::kGeneratorMarker) != std::string::npos);
  CHECK(html.find("default-src 'none'") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(count(html, "http://") == count(html, "xmlns=\"http://www.w3.org/2000/svg\""));  // only SVG namespaces
  CHECK(html.find("https://") == std::string::npos);
  CHECK(lower(html).find("<script") == std::string::npos);
  CHECK(html.find("class=\"forest-row\"") != std::string::npos);
  for (const char* section : {"id=\"summary\"", "id=\"forest\"", "id=\"pooled\"", "id=\"heterogeneity\"",
                              "id=\"methods-comparison\"", "id=\"sof\"", "id=\"funnel\"", "id=\"baujat\"",
                              "id=\"effects\"", "id=\"data\"", "id=\"methods\"", "id=\"reproducibility\"",
                              "id=\"leave1out\"", "id=\"small-study\""}) {
    CHECK(html.find(section) != std::string::npos);
  }
  for (const char* reference : {"DerSimonian R, Laird N", "Viechtbauer W. Bias and efficiency",
                                "Hartung J, Knapp G", "Sidik K, Jonkman JN", "Higgins JPT, Thompson SG",
                                "Viechtbauer W. Confidence intervals", "2010;36(3)"}) {
    CHECK(html.find(reference) != std::string::npos);
  }
  CHECK(html.find(std::string(64, 'a')) != std::string::npos);
}

TEST_CASE("report output: the files, their order and their bytes are deterministic") {
  const ReportData data = hostile();
  const auto first = report::build_report(data, options());
  const auto second = report::build_report(data, options());
  REQUIRE(first.size() == second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].name == second[i].name);
    CHECK(first[i].content == second[i].content);
  }
  CHECK(first[0].name == "index.html");
  CHECK(first[1].name == "report.md");
  CHECK(report::svg_names(first) == std::vector<std::string>{"forest.svg", "funnel.svg", "baujat.svg"});
}

TEST_CASE("report output: without rsvg-convert the page says so and links SVG only") {
  report::ReportOptions o = options();
  o.images = false;
  o.warnings.push_back("PNG and PDF versions of the plots were not written: rsvg-convert was not found");
  const auto files = report::build_report(hostile(), o);
  const std::string& html = file(files, "index.html");
  CHECK(html.find("rsvg-convert was not found") != std::string::npos);
  CHECK(html.find("forest.png") == std::string::npos);
  CHECK(html.find("forest.svg") != std::string::npos);
}

TEST_CASE("report output: the HTML table renderer escapes cells and marks numeric columns") {
  Table table;
  table.add_column("name & <x>", Align::Left);
  table.add_column("value");
  table.rows.push_back({"<td>", "1.5"});
  const std::string html = report::render_html(table);
  CHECK(html.find("<th>name &amp; &lt;x&gt;</th><th class=\"num\">value</th>") != std::string::npos);
  CHECK(html.find("<td>&lt;td&gt;</td><td class=\"num\">1.5</td>") != std::string::npos);
}

TEST_CASE("report output: NNT with a CI on one side of zero, through infinity, and NA") {
  CHECK(report::nnt_text(-0.0081, -0.0104, -0.0048) == "NNTB 124 (97 to 209)");
  CHECK(report::nnt_text(0.05, 0.02, 0.1) == "NNTH 20 (10 to 50)");
  CHECK(report::nnt_text(-0.05, -0.1, 0.02) == "NNTB 20 (NNTB 10 to \u221E to NNTH 50)");
  CHECK(report::nnt_text(std::nan(""), 0, 1) == "NA");
}
