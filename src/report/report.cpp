#include "report/report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "plots/forest.hpp"
#include "plots/funnel.hpp"
#include "plots/svg.hpp"
#include "render/metareg_output.hpp"
#include "render/number_format.hpp"
#include "render/output.hpp"
#include "report/plot_data.hpp"

namespace metapool::report {
namespace {

using plots::xml_escape;

std::string h(std::string_view text) { return xml_escape(text); }

std::string num(double value, bool exact, int digits = 4) {
  return exact ? format_exact(value) : format_fixed(value, digits);
}
std::string num(const std::optional<double>& value, bool exact, int digits = 4) {
  return value ? num(*value, exact, digits) : std::string("NA");
}
std::string pval(double value, bool exact) { return exact ? format_exact(value) : format_pvalue(value); }
std::string level_text(double ci_level) { return format_exact(ci_level * 100) + "%"; }

// One report section, in both output languages.
struct Section {
  std::string id;
  std::string title;
  std::string html;
  std::string markdown;
};

// Markdown text from user data: HTML-escaped so that a label cannot inject
// markup where the Markdown is rendered.
std::string md(std::string_view text) {
  std::string out = xml_escape(text);  // quotes need no escaping in Markdown text: put them back
  for (const auto& [entity, plain] : {std::pair<std::string, std::string>{"&quot;", "\""}, {"&#39;", "'"}}) {
    for (std::size_t pos = out.find(entity); pos != std::string::npos; pos = out.find(entity, pos + 1)) {
      out.replace(pos, entity.size(), plain);
    }
  }
  return out;
}

Table md_table(Table table) {
  for (auto& name : table.columns) name = md(name);
  for (auto& row : table.rows) {
    for (auto& cell : row) cell = md(cell);
  }
  return table;
}

std::string html_paragraph(std::string_view text) { return "<p>" + h(text) + "</p>\n"; }

std::string html_table_block(const Table& table, const std::string& caption, const std::string& csv) {
  std::string out = "<div class=\"table-wrap\">\n" + render_html(table);
  out += "</div>\n";
  if (!caption.empty() || !csv.empty()) {
    out += "<p class=\"note\">" + h(caption);
    if (!csv.empty()) out += " <a class=\"download\" href=\"" + h(csv) + "\">" + h(csv) + "</a>";
    out += "</p>\n";
  }
  return out;
}

std::string md_table_block(const Table& table, const std::string& csv) {
  std::string out = render_markdown(md_table(table));
  if (!csv.empty()) out += "\nCSV: [" + csv + "](" + csv + ")\n";
  return out + "\n";
}

std::string figure_html(const std::string& svg_inline, const std::string& stem, const std::string& caption,
                        bool images, const std::string& css_class) {
  std::string out = "<figure class=\"" + css_class + "\">\n" + svg_inline + "<figcaption>" + h(caption);
  out += " <span class=\"downloads\">Files: <a href=\"" + stem + ".svg\">SVG</a>";
  if (images) out += ", <a href=\"" + stem + ".png\">PNG</a>, <a href=\"" + stem + ".pdf\">PDF</a>";
  out += "</span></figcaption>\n</figure>\n";
  return out;
}

std::string figure_md(const std::string& stem, const std::string& caption, bool images) {
  std::string out = "![" + caption + "](" + stem + ".svg)\n\n" + caption + " Files: [SVG](" + stem + ".svg)";
  if (images) out += ", [PNG](" + stem + ".png), [PDF](" + stem + ".pdf)";
  return out + "\n\n";
}

bool has_null(const PoolAnalysis& a) { return null_value(a).has_value(); }

// Does the CI exclude "no effect" (0 on the analysis scale)?
std::optional<bool> excludes_null(const PoolAnalysis& a, const PoolResult& p) {
  if (!has_null(a) || !std::isfinite(p.ci_lb) || !std::isfinite(p.ci_ub)) return std::nullopt;
  return p.ci_lb > 0 || p.ci_ub < 0;
}

std::string method_description(Method method) {
  switch (method) {
    case Method::EE: return "inverse-variance common-effect (equal-effects) model";
    case Method::MH: return "Mantel-Haenszel method (Mantel & Haenszel 1959)";
    case Method::PETO: return "Peto's one-step method (Yusuf et al. 1985)";
    case Method::DL: return "random-effects model with the DerSimonian-Laird estimator of \u03C4\u00B2 (DerSimonian & Laird 1986)";
    case Method::HE: return "random-effects model with the Hedges estimator of \u03C4\u00B2";
    case Method::HS: return "random-effects model with the Hunter-Schmidt estimator of \u03C4\u00B2";
    case Method::HSk: return "random-effects model with the Hunter-Schmidt estimator of \u03C4\u00B2 with small-sample correction";
    case Method::SJ: return "random-effects model with the Sidik-Jonkman estimator of \u03C4\u00B2";
    case Method::ML: return "random-effects model with the maximum-likelihood estimator of \u03C4\u00B2";
    case Method::REML:
      return "random-effects model with the restricted maximum-likelihood (REML) estimator of \u03C4\u00B2 (Viechtbauer 2005)";
    case Method::EB: return "random-effects model with the empirical Bayes estimator of \u03C4\u00B2";
    case Method::PM: return "random-effects model with the Paule-Mandel estimator of \u03C4\u00B2 (Paule & Mandel 1982)";
    case Method::PMM: return "random-effects model with the median-unbiased Paule-Mandel estimator of \u03C4\u00B2";
    case Method::GENQ: return "random-effects model with the generalised Q-statistic estimator of \u03C4\u00B2";
  }
  return "";
}

std::string test_description(TestType test) {
  switch (test) {
    case TestType::Z: return "Wald-type z test and confidence interval (standard normal)";
    case TestType::T: return "t test and confidence interval with k - 1 degrees of freedom";
    case TestType::KNHA:
      return "Hartung-Knapp-Sidik-Jonkman adjusted standard error with a t distribution on k - 1 degrees of freedom "
             "(Hartung & Knapp 2001; Sidik & Jonkman 2002)";
  }
  return "";
}

const std::vector<std::string>& references() {
  static const std::vector<std::string> kReferences{
      "Altman DG. Confidence intervals for the number needed to treat. BMJ 1998;317(7168):1309-1312.",
      "Baujat B, Mah\u00e9 C, Pignon JP, Hill C. A graphical method for exploring heterogeneity in meta-analyses: "
      "application to a meta-analysis of 65 trials. Statistics in Medicine 2002;21(18):2641-2652.",
      "Begg CB, Mazumdar M. Operating characteristics of a rank correlation test for publication bias. Biometrics "
      "1994;50(4):1088-1101.",
      "DerSimonian R, Laird N. Meta-analysis in clinical trials. Controlled Clinical Trials 1986;7(3):177-188.",
      "Duval S, Tweedie R. Trim and fill: a simple funnel-plot-based method of testing and adjusting for "
      "publication bias in meta-analysis. Biometrics 2000;56(2):455-463.",
      "Egger M, Davey Smith G, Schneider M, Minder C. Bias in meta-analysis detected by a simple, graphical test. "
      "BMJ 1997;315(7109):629-634.",
      "Guyatt GH, Oxman AD, Santesso N, et al. GRADE guidelines: 12. Preparing summary of findings tables - binary "
      "outcomes. Journal of Clinical Epidemiology 2013;66(2):158-172.",
      "Hartung J, Knapp G. A refined method for the meta-analysis of controlled clinical trials with binary "
      "outcome. Statistics in Medicine 2001;20(24):3875-3889.",
      "Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Statistics in Medicine "
      "2002;21(11):1539-1558.",
      "Mantel N, Haenszel W. Statistical aspects of the analysis of data from retrospective studies of disease. "
      "Journal of the National Cancer Institute 1959;22(4):719-748.",
      "Orwin RG. A fail-safe N for effect size in meta-analysis. Journal of Educational Statistics "
      "1983;8(2):157-159.",
      "Paule RC, Mandel J. Consensus values and weighting factors. Journal of Research of the National Bureau of "
      "Standards 1982;87(5):377-385.",
      "Peters JL, Sutton AJ, Jones DR, Abrams KR, Rushton L. Contour-enhanced meta-analysis funnel plots help "
      "distinguish publication bias from other causes of asymmetry. Journal of Clinical Epidemiology "
      "2008;61(10):991-996.",
      "Riley RD, Higgins JPT, Deeks JJ. Interpretation of random effects meta-analyses. BMJ 2011;342:d549.",
      "Rosenberg MS. The file-drawer problem revisited: a general weighted method for calculating fail-safe "
      "numbers in meta-analysis. Evolution 2005;59(2):464-468.",
      "Rosenthal R. The file drawer problem and tolerance for null results. Psychological Bulletin "
      "1979;86(3):638-641.",
      "Sidik K, Jonkman JN. A simple confidence interval for meta-analysis. Statistics in Medicine "
      "2002;21(21):3153-3159.",
      "Stanley TD, Doucouliagos H. Meta-regression approximations to reduce publication selection bias. Research "
      "Synthesis Methods 2014;5(1):60-78.",
      "Sterne JAC, Sutton AJ, Ioannidis JPA, et al. Recommendations for examining and interpreting funnel plot "
      "asymmetry in meta-analyses of randomised controlled trials. BMJ 2011;343:d4002.",
      "Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the random-effects model. "
      "Journal of Educational and Behavioral Statistics 2005;30(3):261-293.",
      "Viechtbauer W. Confidence intervals for the amount of heterogeneity in meta-analysis. Statistics in "
      "Medicine 2007;26(1):37-52.",
      "Viechtbauer W. Conducting meta-analyses in R with the metafor package. Journal of Statistical Software "
      "2010;36(3):1-48.",
      "Viechtbauer W, Cheung MWL. Outlier and influence diagnostics for meta-analysis. Research Synthesis Methods "
      "2010;1(2):112-125.",
      "Yusuf S, Peto R, Lewis J, Collins R, Sleight P. Beta blockade during and after myocardial infarction: an "
      "overview of the randomized trials. Progress in Cardiovascular Diseases 1985;27(5):335-371.",
  };
  return kReferences;
}

// "0.49 (95% CI 0.34 to 0.70)" on the display scale.
std::string estimate_sentence(const PoolAnalysis& a, const PoolResult& p, const std::optional<Transformed>& t) {
  const double est = t ? t->estimate : p.estimate;
  const double lb = t ? t->ci_lb : p.ci_lb;
  const double ub = t ? t->ci_ub : p.ci_ub;
  (void)a;
  return fmt::format("{} ({} CI {} to {})", format_fixed(est, 2), level_text(p.ci_level), format_fixed(lb, 2),
                     format_fixed(ub, 2));
}

std::string lower_first(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

std::string per_1000(double risk) {
  if (!std::isfinite(risk)) return "NA";
  return fmt::format("{:.0f}", risk * 1000);
}

std::string signed_per_1000(double difference) {
  if (!std::isfinite(difference)) return "NA";
  const long long value = std::llround(difference * 1000);
  if (value == 0) return "0";
  return value < 0 ? fmt::format("{} fewer", -value) : fmt::format("{} more", value);
}

// The conclusion-by-method summary: how many of the analyses exclude no effect.
std::string methods_agreement(const ReportData& data) {
  const PoolAnalysis& a = data.analysis;
  if (!has_null(a)) return {};
  std::size_t total = 0, excluding = 0;
  std::vector<std::string> differing;
  const auto chosen = excludes_null(a, a.pool);
  for (const MethodFit& fit : data.methods) {
    const auto verdict = excludes_null(a, fit.pool);
    if (!verdict) continue;
    ++total;
    if (*verdict) ++excluding;
    if (chosen && *verdict != *chosen) {
      differing.push_back(fmt::format("{} with {}", to_string(fit.method), fit.test == TestType::KNHA ? "Knapp-Hartung" : std::string(to_string(fit.test))));
    }
  }
  const std::string null_text = fmt::format("{} = {}", effect_code(a), format_exact(*null_value(a)));
  std::string out = fmt::format("The {} confidence interval excludes no effect ({}) in {} of {} analyses", level_text(a.pool.ci_level),
                                null_text, excluding, total);
  if (differing.empty()) {
    out += ": the conclusion does not depend on the pooling method or on the Knapp-Hartung adjustment.";
  } else {
    out += fmt::format("; the conclusion depends on the method: it differs from the main analysis under {}.",
                       fmt::join(differing, ", "));
  }
  return out;
}

std::string css() {
  return R"(body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.45}
main{max-width:1120px;margin:0 auto;padding:1.5rem 2rem 3rem}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.25rem;border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2.2rem}
h3{font-size:1.05rem;margin-top:1.4rem}
.subtitle{color:#444;margin-top:0}
.lead{font-size:1.05rem;background:#eef3f8;border-left:4px solid #1f4e79;padding:.8rem 1rem}
nav ol{columns:2;font-size:.95rem}
table{border-collapse:collapse;margin:.6rem 0 .4rem;font-size:.85rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{background:#f0f3f7;border-bottom:2px solid #999}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.table-wrap{overflow-x:auto}
figure{margin:1rem 0;overflow-x:auto}
figure svg{max-width:100%;height:auto}
figcaption,.note{font-size:.85rem;color:#444}
.warning{background:#fff4e5;border-left:4px solid #e67e22;padding:.5rem 1rem}
.stamp dt{font-weight:bold}
.stamp dd{margin:0 0 .4rem 0;font-family:"DejaVu Sans Mono",monospace;font-size:.85rem;word-break:break-all}
ol.references li{margin-bottom:.3rem;font-size:.9rem}
@media print{nav,.downloads,a.download{display:none}main{max-width:none;padding:0}body{font-size:10pt}
h2{break-after:avoid}table,figure.small{break-inside:avoid}.table-wrap,figure{overflow:visible}
a{color:inherit;text-decoration:none}.lead{border:1px solid #999}}
)";
}

}  // namespace

std::string render_html(const Table& table, const std::string& css_class) {
  const auto right = [&](std::size_t c) { return c >= table.align.size() || table.align[c] == Align::Right; };
  std::string out = css_class.empty() ? "<table>\n" : "<table class=\"" + h(css_class) + "\">\n";
  out += "<thead><tr>";
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    out += right(c) ? "<th class=\"num\">" : "<th>";
    out += h(table.columns[c]) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      out += right(c) ? "<td class=\"num\">" : "<td>";
      out += h(row[c]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string nnt_text(double d, double lb, double ub) {
  if (!std::isfinite(d) || !std::isfinite(lb) || !std::isfinite(ub)) return "NA";
  const auto nnt = [](double x) {
    if (x == 0) return std::string("\u221E");
    return fmt::format("{:.0f}", std::ceil(1 / std::fabs(x)));
  };
  const std::string direction = d < 0 ? "NNTB" : "NNTH";
  if (lb > ub) std::swap(lb, ub);
  if (lb > 0 || ub < 0) {
    const double near = std::min(std::fabs(lb), std::fabs(ub));
    const double far = std::max(std::fabs(lb), std::fabs(ub));
    return fmt::format("{} {} ({} to {})", direction, nnt(d), nnt(far), nnt(near));
  }
  // The CI of the risk difference includes 0: NNTB a to infinity to NNTH b.
  return fmt::format("{} {} (NNTB {} to \u221E to NNTH {})", direction, nnt(d), nnt(lb), nnt(ub));
}

Table data_table(const PoolAnalysis& a) {
  const CsvTable& raw = a.input.data.raw;
  Table table;
  for (const auto& name : raw.header) table.add_column(name, Align::Left);
  for (std::size_t r = 0; r < raw.row_count(); ++r) table.rows.push_back(raw.row_cells(r));
  return table;
}

Table effects_table(const PoolAnalysis& a, bool exact) {
  const EffectSizes& es = a.input.effects;
  const StudyData& d = a.input.data;
  const PoolResult& p = a.pool;
  const bool natural = natural_scale(scale_measure(a)).has_value();
  const std::string code = effect_code(a);
  Table table;
  table.add_column("study", Align::Left);
  for (const char* name : {"yi", "vi", "sei", "ci_lb", "ci_ub"}) table.add_column(name);
  if (natural) {
    table.add_column(code);
    table.add_column(code + "_ci_lb");
    table.add_column(code + "_ci_ub");
  }
  table.add_column("weight");
  table.add_column("note", Align::Left);
  std::vector<std::ptrdiff_t> position(d.k(), -1);
  for (std::size_t j = 0; j < a.used.size(); ++j) position[a.used[j]] = static_cast<std::ptrdiff_t>(j);
  for (std::size_t i = 0; i < d.k(); ++i) {
    double yi = es.yi[i], vi = es.vi[i], lb = es.ci_lb[i], ub = es.ci_ub[i], weight = kNaN;
    if (position[i] >= 0 && static_cast<std::size_t>(position[i]) < p.studies.size()) {
      const StudyFit& f = p.studies[static_cast<std::size_t>(position[i])];
      if (std::isfinite(f.yi)) yi = f.yi, vi = f.vi, lb = f.ci_lb, ub = f.ci_ub;
      weight = f.weight;
    }
    std::vector<std::string> row{d.study[i], num(yi, exact), num(vi, exact), num(std::sqrt(vi), exact),
                                 num(lb, exact), num(ub, exact)};
    if (natural) {
      row.push_back(num(display_value(a, yi), exact));
      row.push_back(num(display_value(a, lb), exact));
      row.push_back(num(display_value(a, ub), exact));
    }
    row.push_back(exact ? format_exact(weight) : (std::isfinite(weight) ? format_fixed(weight, 2) + "%" : ""));
    std::string note = es.note[i];
    if (position[i] < 0 && note.empty()) note = "not in the model";
    if (es.cc_applied[i]) note += std::string(note.empty() ? "" : "; ") + "continuity correction added";
    row.push_back(note);
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table pool_table(const PoolAnalysis& a, bool exact) {
  const PoolResult& p = a.pool;
  Table table;
  table.add_column("quantity", Align::Left);
  table.add_column("value");
  const auto add = [&](std::string name, std::string value) { table.rows.push_back({std::move(name), std::move(value)}); };
  add("measure", std::string(to_string(p.measure)));
  add("method", std::string(to_string(p.method)));
  if (p.requested != p.method) add("requested_method", std::string(to_string(p.requested)));
  add("test", std::string(to_string(p.test)));
  add("level", format_exact(p.ci_level * 100));
  add("k", std::to_string(p.k));
  add("estimate", num(p.estimate, exact));
  add("se", num(p.se, exact));
  add("statistic", num(p.statistic, exact));
  add("df", num(p.df, exact));
  add("pval", pval(p.pval, exact));
  add("ci_lb", num(p.ci_lb, exact));
  add("ci_ub", num(p.ci_ub, exact));
  add("pi_lb", p.pi ? num(p.pi->lb, exact) : "NA");
  add("pi_ub", p.pi ? num(p.pi->ub, exact) : "NA");
  if (a.transformed) {
    const Transformed& t = *a.transformed;
    add("scale", t.scale);
    add(t.scale + " estimate", num(t.estimate, exact));
    add(t.scale + " ci_lb", num(t.ci_lb, exact));
    add(t.scale + " ci_ub", num(t.ci_ub, exact));
    if (p.pi) {
      add(t.scale + " pi_lb", num(t.pi_lb, exact));
      add(t.scale + " pi_ub", num(t.pi_ub, exact));
    }
  }
  return table;
}

Table heterogeneity_table(const PoolResult& p, bool exact) {
  Table table;
  table.add_column("parameter", Align::Left);
  for (const char* name : {"estimate", "ci_lb", "ci_ub"}) table.add_column(name);
  const auto add = [&](const char* name, const std::optional<double>& value, const std::optional<Interval>& ci,
                       int digits) {
    if (!value) return;
    table.rows.push_back({name, num(*value, exact, digits), ci ? num(ci->lb, exact, digits) : "",
                          ci ? num(ci->ub, exact, digits) : ""});
  };
  add("tau^2", p.tau2, p.tau2_ci, 4);
  add("tau", p.tau, p.tau_ci, 4);
  add("I^2 (%)", p.I2, p.I2_ci, 2);
  add("H^2", p.H2, p.H2_ci, 2);
  table.rows.push_back({"Q", num(p.Q, exact), "", ""});
  table.rows.push_back({"Q df", std::to_string(p.Q_df), "", ""});
  table.rows.push_back({"Q p-value", pval(p.Q_pval, exact), "", ""});
  return table;
}

Table methods_table(const ReportData& data, bool exact) {
  const PoolAnalysis& a = data.analysis;
  const bool natural = natural_scale(scale_measure(a)).has_value();
  const std::string code = effect_code(a);
  Table table;
  table.add_column("analysis", Align::Left);
  table.add_column("method", Align::Left);
  table.add_column("test", Align::Left);
  table.add_column("k");
  // For reading, ratios and proportions only on their natural scale; the CSV has both.
  const bool analysis_scale = exact || !natural;
  if (analysis_scale) {
    for (const char* name : {"estimate", "ci_lb", "ci_ub"}) table.add_column(name);
  }
  if (natural) {
    table.add_column(code);
    table.add_column(code + "_ci_lb");
    table.add_column(code + "_ci_ub");
  }
  for (const char* name : {"pval", "tau2", "I2"}) table.add_column(name);
  if (has_null(a)) table.add_column("excludes_no_effect", Align::Left);
  table.add_column("note", Align::Left);
  for (const MethodFit& fit : data.methods) {
    const PoolResult& p = fit.pool;
    std::vector<std::string> row{fit.chosen ? "main" : "", std::string(to_string(fit.method)),
                                 std::string(to_string(fit.test)), std::to_string(p.k)};
    if (analysis_scale) {
      row.push_back(num(p.estimate, exact));
      row.push_back(num(p.ci_lb, exact));
      row.push_back(num(p.ci_ub, exact));
    }
    if (natural) {
      const bool t = fit.transformed.has_value();
      row.push_back(t ? num(fit.transformed->estimate, exact) : "NA");
      row.push_back(t ? num(fit.transformed->ci_lb, exact) : "NA");
      row.push_back(t ? num(fit.transformed->ci_ub, exact) : "NA");
    }
    row.push_back(pval(p.pval, exact));
    row.push_back(num(p.tau2, exact));
    row.push_back(num(p.I2, exact, 2));
    if (has_null(a)) {
      const auto verdict = excludes_null(a, p);
      row.push_back(verdict ? (*verdict ? "yes" : "no") : "NA");
    }
    std::string note;
    if (fit.method == Method::GENQ) note = "weights 1/vi (metafor: weights = 1/vi)";
    if (!p.converged) note = "did not converge";
    if (fit.chosen && p.requested != p.method) note = fmt::format("fallback from {}", to_string(p.requested));
    row.push_back(note);
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table baujat_table(const ReportData& data, bool exact) {
  Table table;
  table.add_column("id");
  table.add_column("study", Align::Left);
  table.add_column("contribution_to_heterogeneity");
  table.add_column("influence_on_result");
  for (const BaujatValue& v : data.baujat) {
    table.rows.push_back({std::to_string(v.study + 1), data.analysis.input.data.study[v.study],
                          num(v.contribution, exact), num(v.influence, exact)});
  }
  return table;
}

Table summary_of_findings_table(const ReportData& data, bool exact) {
  Table table;
  if (!data.absolute) return table;
  const AbsoluteEffects& e = *data.absolute;
  const PoolAnalysis& a = data.analysis;
  const std::string code = e.measure == Measure::RD ? "RD" : effect_code(a);
  const std::string level = level_text(a.pool.ci_level);
  if (exact) {
    for (const char* name : {"measure", "studies", "participants", "control_risk", "relative", "relative_ci_lb",
                             "relative_ci_ub", "risk_intervention", "risk_intervention_ci_lb",
                             "risk_intervention_ci_ub", "difference", "difference_ci_lb", "difference_ci_ub"}) {
      table.add_column(name);
    }
    table.rows.push_back({code, std::to_string(e.studies), format_exact(e.participants), format_exact(e.control_risk),
                          format_exact(e.relative), format_exact(e.relative_lb), format_exact(e.relative_ub),
                          format_exact(e.risk_t), format_exact(e.risk_t_lb), format_exact(e.risk_t_ub),
                          format_exact(e.difference), format_exact(e.difference_lb), format_exact(e.difference_ub)});
    return table;
  }
  table.add_column("Participants (studies)", Align::Left);
  table.add_column(fmt::format("Relative effect ({} CI)", level), Align::Left);
  table.add_column("Risk with control (median)", Align::Left);
  table.add_column("Risk with intervention", Align::Left);
  table.add_column(fmt::format("Absolute effect ({} CI)", level), Align::Left);
  table.add_column("NNT", Align::Left);
  table.add_column("Certainty", Align::Left);
  table.rows.push_back(
      {fmt::format("{} ({} studies)", format_exact(e.participants), e.studies),
       fmt::format("{} {} ({} to {})", code, format_fixed(e.relative, 2), format_fixed(e.relative_lb, 2),
                   format_fixed(e.relative_ub, 2)),
       fmt::format("{} per 1,000", per_1000(e.control_risk)),
       fmt::format("{} per 1,000 ({} to {})", per_1000(e.risk_t), per_1000(std::min(e.risk_t_lb, e.risk_t_ub)),
                   per_1000(std::max(e.risk_t_lb, e.risk_t_ub))),
       fmt::format("{} per 1,000 ({} to {})", signed_per_1000(e.difference),
                   signed_per_1000(std::min(e.difference_lb, e.difference_ub)),
                   signed_per_1000(std::max(e.difference_lb, e.difference_ub))),
       nnt_text(e.difference, e.difference_lb, e.difference_ub), "not assessed (needs judgement)"});
  return table;
}

Table leave1out_table(const ReportData& data, bool exact) {
  const PoolAnalysis& a = data.analysis;
  const bool natural = natural_scale(scale_measure(a)).has_value();
  const std::string code = effect_code(a);
  Table table;
  table.add_column("omitted", Align::Left);
  table.add_column("k");
  for (const char* name : {"estimate", "ci_lb", "ci_ub"}) table.add_column(name);
  if (natural) {
    table.add_column(code);
    table.add_column(code + "_ci_lb");
    table.add_column(code + "_ci_ub");
  }
  for (const char* name : {"pval", "Q", "Q_pval", "tau2", "I2"}) table.add_column(name);
  table.add_column("note", Align::Left);
  if (!data.sensitivity) return table;
  const SensitivityAnalysis& sa = *data.sensitivity;
  for (std::size_t i = 0; i < sa.leave_one_out.size() && i < sa.studies.size(); ++i) {
    const SubsetFit& f = sa.leave_one_out[i];
    std::vector<std::string> row{sa.studies[i], std::to_string(f.k), num(f.estimate, exact), num(f.ci_lb, exact),
                                 num(f.ci_ub, exact)};
    if (natural) {
      row.push_back(num(display_value(a, f.estimate), exact));
      row.push_back(num(display_value(a, f.ci_lb), exact));
      row.push_back(num(display_value(a, f.ci_ub), exact));
    }
    row.push_back(pval(f.pval, exact));
    row.push_back(num(f.Q, exact));
    row.push_back(pval(f.Q_pval, exact));
    row.push_back(num(f.tau2, exact));
    row.push_back(num(f.I2, exact, 2));
    row.push_back(f.message);
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table influence_table(const ReportData& data, bool exact) {
  Table table;
  table.add_column("study", Align::Left);
  for (const char* name : {"rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "QE_del", "hat", "weight", "dfbetas"}) {
    table.add_column(name);
  }
  table.add_column("influential", Align::Left);
  if (!data.sensitivity || !data.sensitivity->influence) return table;
  const SensitivityAnalysis& sa = *data.sensitivity;
  const auto& rows = *sa.influence;
  for (std::size_t i = 0; i < rows.size() && i < sa.studies.size(); ++i) {
    const InfluenceRow& r = rows[i];
    table.rows.push_back({sa.studies[i], num(r.rstudent, exact), num(r.dffits, exact), num(r.cook_d, exact),
                          num(r.cov_r, exact), num(r.tau2_del, exact), num(r.QE_del, exact), num(r.hat, exact),
                          num(r.weight, exact, 2), num(r.dfbetas, exact), r.inf ? "yes" : ""});
  }
  return table;
}

Table bias_table(const ReportData& data, bool exact) {
  const PoolAnalysis& a = data.analysis;
  const bool natural = natural_scale(scale_measure(a)).has_value();
  const std::string code = effect_code(a);
  Table table;
  table.add_column("method", Align::Left);
  for (const char* name : {"statistic", "df", "pval", "estimate", "ci_lb", "ci_ub"}) table.add_column(name);
  if (natural) {
    table.add_column(code);
    table.add_column(code + "_ci_lb");
    table.add_column(code + "_ci_ub");
  }
  table.add_column("note", Align::Left);
  if (!data.bias) return table;
  const BiasAnalysis& b = *data.bias;
  const auto add = [&](std::string name, double statistic, std::optional<double> df, double p, double est,
                       double lb, double ub, std::string note) {
    std::vector<std::string> row{std::move(name), num(statistic, exact), num(df, exact), pval(p, exact),
                                 num(est, exact), num(lb, exact), num(ub, exact)};
    if (natural) {
      row.push_back(num(display_value(a, est), exact));
      row.push_back(num(display_value(a, lb), exact));
      row.push_back(num(display_value(a, ub), exact));
    }
    row.push_back(std::move(note));
    table.rows.push_back(std::move(row));
  };
  const auto regtest_row = [&](const std::string& name, const RegtestResult& r) {
    add(name, r.statistic, r.df, r.pval, r.est, r.ci_lb, r.ci_ub,
        r.ok ? "estimate: limit effect as SE -> 0 (intercept)" : r.message);
  };
  regtest_row(fmt::format("Egger regression test (meta-regression on SE, {})", to_string(b.regtest_method)), b.egger);
  regtest_row("Egger regression test (weighted linear regression)", b.egger_lm);
  add("Begg rank correlation test", b.rank.tau, std::nullopt, b.rank.pval, kNaN, kNaN, kNaN,
      b.rank.ok ? std::string("statistic: Kendall's tau") + (b.rank.exact ? " (exact p)" : "") : b.rank.message);
  for (const TrimFillResult* tf : {&b.trimfill_l0, &b.trimfill_r0}) {
    const std::string name = fmt::format("Trim and fill ({})", to_string(tf->estimator));
    if (!tf->ok) {
      add(name, kNaN, std::nullopt, kNaN, kNaN, kNaN, kNaN, tf->message);
      continue;
    }
    std::string note = fmt::format("k0 = {} imputed on the {} side (SE {}){}; estimate: adjusted model", tf->k0,
                                   to_string(tf->side), num(tf->se_k0, exact, 2),
                                   tf->p_k0 ? fmt::format(", p(k0 = 0) = {}", pval(*tf->p_k0, exact)) : "");
    add(name, tf->pooled.statistic, tf->pooled.df, tf->pooled.pval, tf->pooled.estimate, tf->pooled.ci_lb,
        tf->pooled.ci_ub, note);
  }
  const PetPeeseResult& pp = b.pet_peese;
  add("PET-PEESE", kNaN, std::nullopt, kNaN, pp.estimate, pp.ci_lb, pp.ci_ub,
      pp.pet.ok ? (pp.use_peese ? "PEESE intercept (PET's intercept differs from 0)" : "PET intercept")
                : pp.pet.message);
  for (const FailSafeResult* f : {&b.fsn_rosenthal, &b.fsn_orwin, &b.fsn_rosenberg}) {
    if (f->type.empty()) continue;
    add(fmt::format("Fail-safe N ({})", f->type), f->fsnum, std::nullopt, f->pval, kNaN, kNaN, kNaN,
        "statistic: number of missing null studies");
  }
  return table;
}

std::vector<std::string> svg_names(const std::vector<OutputFile>& files) {
  std::vector<std::string> out;
  for (const auto& file : files) {
    if (file.name.size() > 4 && file.name.compare(file.name.size() - 4, 4, ".svg") == 0) out.push_back(file.name);
  }
  return out;
}

std::vector<OutputFile> build_report(const ReportData& data, const ReportOptions& options) {
  const PoolAnalysis& a = data.analysis;
  const PoolResult& p = a.pool;
  const StudyData& d = a.input.data;
  const std::string level = level_text(p.ci_level);
  std::vector<OutputFile> files;
  std::vector<Section> sections;

  // Plots.
  const plots::ForestPlot forest = forest_plot(data);
  const plots::FunnelPlot funnel = funnel_plot(data, options.contours);
  const plots::BaujatPlot baujat = baujat_plot(data);
  const bool has_baujat = !data.baujat.empty();

  // Summary.
  {
    Section s{"summary", "Summary", "", ""};
    std::string text = fmt::format("Across k = {} studies ({}), the pooled {} is {}; {}, {}.", p.k,
                                   d.shape == DataShape::TwoArmBinary ? "two-arm binary outcomes"
                                                                      : std::string(describe(d.shape)) + " data",
                                   lower_first(effect_name(a)), estimate_sentence(a, p, a.transformed),
                                   lower_first(model_label(p)), p_text(p.pval));
    if (p.pi && p.tau2) {
      const double lb = a.transformed ? a.transformed->pi_lb : p.pi->lb;
      const double ub = a.transformed ? a.transformed->pi_ub : p.pi->ub;
      text += fmt::format(" The {} prediction interval for the effect in a new study is {} to {}.", level,
                          format_fixed(lb, 2), format_fixed(ub, 2));
    }
    if (p.I2) {
      text += fmt::format(" Heterogeneity: I\u00B2 = {}%", format_fixed(p.I2, 1));
      if (p.I2_ci) text += fmt::format(" ({} CI {}% to {}%)", level, format_fixed(p.I2_ci->lb, 1), format_fixed(p.I2_ci->ub, 1));
      if (p.tau2) text += fmt::format(", \u03C4\u00B2 = {}", format_fixed(p.tau2, 4));
      text += fmt::format(", Q = {} (df = {}, {}).", format_fixed(p.Q, 2), p.Q_df, p_text(p.Q_pval));
    }
    const std::string agreement = methods_agreement(data);
    s.html = "<p class=\"lead\">" + h(text) + "</p>\n";
    s.markdown = md(text) + "\n\n";
    if (!agreement.empty()) {
      s.html += html_paragraph(agreement);
      s.markdown += md(agreement) + "\n\n";
    }
    sections.push_back(std::move(s));
  }

  // Forest plot.
  {
    Section s{"forest", "Forest plot", "", ""};
    const std::string caption = fmt::format(
        "Studies with their {} CIs (squares sized by weight), the pooled estimate (diamond){} and the line of no "
        "effect.",
        level, p.pi && p.tau2 ? " with its prediction interval (dashed bar)" : "");
    s.html = figure_html(plots::render_forest_svg(forest, false), "forest", caption, options.images, "forest");
    s.markdown = figure_md("forest", caption, options.images);
    files.push_back({"forest.svg", plots::render_forest_svg(forest, true)});
    sections.push_back(std::move(s));
  }

  // Pooled result and heterogeneity.
  {
    Section s{"pooled", "Pooled result", "", ""};
    const std::string intro = fmt::format("{}, {} test, {} confidence level. Values on the analysis scale ({}){}.",
                                          model_label(p), to_string(p.test), level, measure_label(p.measure),
                                          a.transformed ? ", then back-transformed to the " + a.transformed->scale + " scale" : "");
    s.html = html_paragraph(intro) + html_table_block(pool_table(a, false), "", "pool.csv");
    s.markdown = md(intro) + "\n\n" + md_table_block(pool_table(a, false), "pool.csv");
    files.push_back({"pool.csv", render_csv(pool_table(a, true))});
    sections.push_back(std::move(s));

    Section het{"heterogeneity", "Heterogeneity", "", ""};
    const std::string text = fmt::format(
        "{} CIs of \u03C4\u00B2, \u03C4, I\u00B2 and H\u00B2 by the Q-profile method; Q is Cochran's test of "
        "homogeneity.",
        level);
    het.html = html_paragraph(text) + html_table_block(heterogeneity_table(p, false), "", "heterogeneity.csv");
    het.markdown = md(text) + "\n\n" + md_table_block(heterogeneity_table(p, false), "heterogeneity.csv");
    files.push_back({"heterogeneity.csv", render_csv(heterogeneity_table(p, true))});
    sections.push_back(std::move(het));
  }

  // Method sensitivity.
  {
    Section s{"methods-comparison", "Does the result depend on the method?", "", ""};
    const std::string text =
        "The same studies pooled under every estimator of \u03C4\u00B2, the common-effect model"
        + std::string(a.input.data.shape == DataShape::TwoArmBinary ? " and the Mantel-Haenszel/Peto methods where they apply" : "") +
        ", each with the z test and with the Knapp-Hartung adjustment. The row marked \"main\" is the analysis above.";
    const std::string agreement = methods_agreement(data);
    s.html = html_paragraph(text) + (agreement.empty() ? "" : html_paragraph(agreement)) +
             html_table_block(methods_table(data, false), "", "methods.csv");
    s.markdown = md(text) + "\n\n" + (agreement.empty() ? "" : md(agreement) + "\n\n") +
                 md_table_block(methods_table(data, false), "methods.csv");
    files.push_back({"methods.csv", render_csv(methods_table(data, true))});
    sections.push_back(std::move(s));
  }

  // Summary of findings (binary).
  if (data.absolute) {
    Section s{"sof", "Summary of findings", "", ""};
    const std::string text = fmt::format(
        "Absolute effects at the median control-group risk of the {} studies ({} per 1,000), from the pooled {} and "
        "its {} CI (GRADE style). NNT: number needed to treat for one fewer event (NNTB) or one more event (NNTH), "
        "rounded up; when the CI of the risk difference includes 0 its CI runs through infinity (Altman 1998). "
        "Whether an event is a benefit or a harm depends on the outcome. The certainty of the evidence needs a "
        "judgement of risk of bias, inconsistency, indirectness, imprecision and publication bias; it is not "
        "assessed here.",
        data.absolute->studies, per_1000(data.absolute->control_risk),
        data.absolute->measure == Measure::RD ? "risk difference" : lower_first(effect_name(a)), level);
    s.html = html_paragraph(text) + html_table_block(summary_of_findings_table(data, false), "", "sof.csv");
    s.markdown = md(text) + "\n\n" + md_table_block(summary_of_findings_table(data, false), "sof.csv");
    files.push_back({"sof.csv", render_csv(summary_of_findings_table(data, true))});
    sections.push_back(std::move(s));
  }

  // Subgroups and meta-regression.
  if (a.subgroups) {
    const SubgroupAnalysis& sg = *a.subgroups;
    Section s{"subgroups", "Subgroups by " + sg.column, "", ""};
    std::string text = fmt::format("One model per value of {} ({} \u03C4\u00B2).", sg.column,
                                   sg.tau2_mode == SubgroupTau2::Common ? "common" : "separate");
    if (sg.groups.size() >= 2) {
      text += fmt::format(" Test for subgroup differences: Q = {} (df = {}), {}.", format_fixed(sg.test.Q, 2),
                          sg.test.df, p_text(sg.test.pval));
    }
    if (sg.mixed) {
      text += fmt::format(" Mixed-effects moderator test: QM = {} (df = {}), {}.", format_fixed(sg.mixed->QM, 2),
                          sg.mixed->QM_df, p_text(sg.mixed->QM_pval));
    }
    s.html = html_paragraph(text) + html_table_block(subgroups_table(sg, false), "", "subgroups.csv");
    s.markdown = md(text) + "\n\n" + md_table_block(subgroups_table(sg, false), "subgroups.csv");
    files.push_back({"subgroups.csv", render_csv(subgroups_table(sg, true))});
    sections.push_back(std::move(s));
  }
  if (a.metareg) {
    const MetaregResult& f = a.metareg->fit;
    Section s{"metareg", "Meta-regression", "", ""};
    std::string mods;
    for (const auto& m : a.metareg->design.moderators) mods += (mods.empty() ? "" : ", ") + m.name;
    std::string text = fmt::format(
        "Mixed-effects meta-regression on {} (k = {}, {}). Test of moderators: {} = {} (df = {}{}), {}. Residual "
        "heterogeneity: QE = {} (df = {}), {}",
        mods, f.k, to_string(f.method), f.QM_df2 ? "F" : "QM", format_fixed(f.QM, 2), f.QM_df,
        f.QM_df2 ? fmt::format(", {}", *f.QM_df2) : "", p_text(f.QM_pval), format_fixed(f.QE, 2), f.QE_df,
        p_text(f.QE_pval));
    if (f.tau2) text += fmt::format("; residual \u03C4\u00B2 = {}", format_fixed(f.tau2, 4));
    if (f.R2) text += fmt::format("; R\u00B2 = {}%", format_fixed(f.R2, 2));
    text += ".";
    s.html = html_paragraph(text) + html_table_block(coefficients_table(*a.metareg, false), "", "metareg.csv");
    s.markdown = md(text) + "\n\n" + md_table_block(coefficients_table(*a.metareg, false), "metareg.csv");
    files.push_back({"metareg.csv", render_csv(coefficients_table(*a.metareg, true))});
    sections.push_back(std::move(s));
  }

  // Leave-one-out and influence.
  if (data.sensitivity && !data.sensitivity->leave_one_out.empty()) {
    const SensitivityAnalysis& sa = *data.sensitivity;
    Section s{"leave1out", "Leave-one-out", "", ""};
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    std::size_t excluding = 0, total = 0;
    for (const SubsetFit& f : sa.leave_one_out) {
      if (!std::isfinite(f.estimate)) continue;
      lo = std::min(lo, f.estimate);
      hi = std::max(hi, f.estimate);
      ++total;
      if (f.ci_lb > 0 || f.ci_ub < 0) ++excluding;
    }
    std::string text = fmt::format(
        "The model refitted {} times, each time without one study (same method and test; metafor's leave1out).",
        sa.leave_one_out.size());
    if (total > 0) {
      text += fmt::format(" The pooled {} ranges from {} to {}", effect_code(a), format_fixed(display_value(a, lo), 2),
                          format_fixed(display_value(a, hi), 2));
      text += has_null(a) ? fmt::format("; its {} CI excludes no effect in {} of {} refits.", level, excluding, total)
                          : ".";
    }
    std::vector<std::string> influential;
    if (sa.influence) {
      for (std::size_t i = 0; i < sa.influence->size() && i < sa.studies.size(); ++i) {
        if ((*sa.influence)[i].inf) influential.push_back(sa.studies[i]);
      }
      text += influential.empty()
                  ? " No study is influential by metafor's criteria (Viechtbauer & Cheung 2010)."
                  : fmt::format(" Influential by metafor's criteria (Viechtbauer & Cheung 2010): {}.",
                                fmt::join(influential, "; "));
    } else if (!sa.influence_note.empty()) {
      text += " " + sa.influence_note;
    }
    s.html = html_paragraph(text) + html_table_block(leave1out_table(data, false), "", "leave1out.csv");
    s.markdown = md(text) + "\n\n" + md_table_block(leave1out_table(data, false), "leave1out.csv");
    files.push_back({"leave1out.csv", render_csv(leave1out_table(data, true))});
    if (sa.influence) {
      s.html += "<h3>Influence diagnostics</h3>\n" +
                html_table_block(influence_table(data, false), "", "influence.csv");
      s.markdown += "### Influence diagnostics\n\n" + md_table_block(influence_table(data, false), "influence.csv");
      files.push_back({"influence.csv", render_csv(influence_table(data, true))});
    }
    sections.push_back(std::move(s));
  }

  // Small-study effects.
  if (data.bias) {
    const BiasAnalysis& b = *data.bias;
    Section s{"small-study", "Small-study effects and publication bias", "", ""};
    std::string text = fmt::format("Tests on the {} studies of the model.", b.data.k());
    if (b.egger.ok) text += fmt::format(" Egger's regression test: {}.", p_text(b.egger.pval));
    if (b.rank.ok) text += fmt::format(" Begg's rank correlation: Kendall's \u03C4 = {}, {}.", format_fixed(b.rank.tau, 3), p_text(b.rank.pval));
    if (b.trimfill_l0.ok) {
      const TrimFillResult& tf = b.trimfill_l0;
      text += fmt::format(" Trim and fill (L0) imputes {} {} on the {} side", tf.k0, tf.k0 == 1 ? "study" : "studies",
                          to_string(tf.side));
      if (tf.k0 > 0) {
        text += fmt::format("; adjusted {} {} ({} CI {} to {}).", effect_code(a),
                            format_fixed(display_value(a, tf.pooled.estimate), 2), level,
                            format_fixed(display_value(a, tf.pooled.ci_lb), 2),
                            format_fixed(display_value(a, tf.pooled.ci_ub), 2));
      } else {
        text += ".";
      }
    }
    if (b.data.k() < 10) {
      text += " With fewer than 10 studies these tests have little power to detect asymmetry (Sterne et al. 2011).";
    }
    text += " Asymmetry can have causes other than publication bias (heterogeneity, chance, artefacts).";
    s.html = html_paragraph(text) + html_table_block(bias_table(data, false), "", "bias.csv");
    s.markdown = md(text) + "\n\n" + md_table_block(bias_table(data, false), "bias.csv");
    files.push_back({"bias.csv", render_csv(bias_table(data, true))});
    sections.push_back(std::move(s));
  }

  // Funnel plot.
  {
    Section s{"funnel", "Funnel plot", "", ""};
    std::string caption = fmt::format(
        "Effects ({}) against their standard errors (0 at the top) with the {} pseudo-confidence region around the "
        "pooled estimate.",
        measure_label(scale_measure(a)), level);
    if (options.contours) caption += " Shaded: contours of statistical significance around 0 (Peters et al. 2008).";
    s.html = figure_html(plots::render_funnel_svg(funnel, false), "funnel", caption, options.images, "small");
    s.markdown = figure_md("funnel", caption, options.images);
    files.push_back({"funnel.svg", plots::render_funnel_svg(funnel, true)});
    sections.push_back(std::move(s));
  }

  // Influence (Baujat).
  if (has_baujat) {
    Section s{"baujat", "Influence: Baujat plot", "", ""};
    const std::string caption =
        "Each study's contribution to the heterogeneity statistic (x) against its influence on the pooled result "
        "(y: squared standardised change of the estimate when it is left out), as metafor's baujat (Baujat et al. "
        "2002). Numbers are study ids (table below).";
    s.html = figure_html(plots::render_baujat_svg(baujat, false), "baujat", caption, options.images, "small") +
             html_table_block(baujat_table(data, false), "", "baujat.csv");
    s.markdown = figure_md("baujat", caption, options.images) + md_table_block(baujat_table(data, false), "baujat.csv");
    files.push_back({"baujat.svg", plots::render_baujat_svg(baujat, true)});
    files.push_back({"baujat.csv", render_csv(baujat_table(data, true))});
    sections.push_back(std::move(s));
  }

  // Per-study effects and the data as read.
  {
    Section s{"effects", "Per-study effects", "", ""};
    const std::string text = fmt::format(
        "Effect sizes on the analysis scale ({}) with sampling variances and {} Wald CIs, as metafor's escalc; "
        "weights in the pooled model.",
        measure_label(a.input.effects.measure), level);
    s.html = html_paragraph(text) + html_table_block(effects_table(a, false), "", "effects.csv");
    s.markdown = md(text) + "\n\n" + md_table_block(effects_table(a, false), "effects.csv");
    files.push_back({"effects.csv", render_csv(effects_table(a, true))});
    sections.push_back(std::move(s));

    Section raw{"data", "Data as read", "", ""};
    const std::string note = fmt::format("{} rows and {} columns of {}, as text.", d.raw.row_count(),
                                         d.raw.header.size(), options.input_name);
    raw.html = html_paragraph(note) + html_table_block(data_table(a), "", "data.csv");
    raw.markdown = md(note) + "\n\n" + md_table_block(data_table(a), "data.csv");
    files.push_back({"data.csv", render_csv(data_table(a))});
    sections.push_back(std::move(raw));
  }

  // Methods.
  {
    Section s{"methods", "Methods", "", ""};
    std::vector<std::string> paragraphs;
    std::string cc;
    if (d.shape == DataShape::TwoArmBinary || d.shape == DataShape::Proportion) {
      cc = a.input.effects.cc_to == CcTo::None
               ? " No continuity correction was applied."
               : fmt::format(" A continuity correction of {} was added to the cells of {}.",
                             format_exact(a.input.effects.cc),
                             a.input.effects.cc_to == CcTo::All ? "every study"
                             : a.input.effects.cc_to == CcTo::If0All ? "every study (because at least one study has a zero cell)"
                                                                      : "studies with a zero cell");
    }
    paragraphs.push_back(fmt::format(
        "Per-study effect sizes were computed as the {} ({}) with their sampling variances, with the definitions of "
        "metafor's escalc (Viechtbauer 2010).{}",
        measure_label(a.input.effects.measure), to_string(a.input.effects.measure), cc));
    std::string pooled = fmt::format("The {} studies in the model were pooled with the {}", p.k,
                                     method_description(p.method));
    if (p.requested != p.method) pooled += fmt::format(" (the requested {} did not converge)", to_string(p.requested));
    pooled += fmt::format(", using the {}; confidence level {}.", test_description(p.test), level);
    paragraphs.push_back(pooled);
    if (p.tau2) {
      paragraphs.push_back(
          "Heterogeneity was quantified with Cochran's Q, \u03C4\u00B2, \u03C4, I\u00B2 and H\u00B2 (Higgins & Thompson "
          "2002); their confidence intervals use the Q-profile method (Viechtbauer 2007). The prediction interval is "
          "estimate \u00B1 crit \u00D7 \u221A(\u03C4\u00B2 + SE\u00B2), with the same reference distribution as the "
          "confidence interval (metafor's predict; Riley et al. 2011).");
    } else {
      paragraphs.push_back(
          "Heterogeneity was quantified with Cochran's Q, I\u00B2 and H\u00B2 (Higgins & Thompson 2002).");
    }
    paragraphs.push_back(
        "To check whether the conclusion depends on the method, the model was refitted on the same studies with "
        "every \u03C4\u00B2 estimator of metafor (DerSimonian-Laird [DerSimonian & Laird 1986], Hedges, Hunter-Schmidt "
        "with and without small-sample correction, Sidik-Jonkman, maximum likelihood, REML [Viechtbauer 2005], "
        "empirical Bayes, Paule-Mandel [Paule & Mandel 1982], median-unbiased Paule-Mandel, generalised Q) and the "
        "common-effect model, each with the z test and with the Hartung-Knapp-Sidik-Jonkman adjustment (Hartung & "
        "Knapp 2001; Sidik & Jonkman 2002)" +
        std::string(d.shape == DataShape::TwoArmBinary ? ", and with the Mantel-Haenszel (Mantel & Haenszel 1959) and "
                                                         "Peto (Yusuf et al. 1985) methods where the measure allows" : "") +
        ".");
    if (a.subgroups) {
      paragraphs.push_back(fmt::format(
          "Subgroups defined by {} were pooled with the same method ({} \u03C4\u00B2) and compared with a Q test of "
          "the subgroup estimates (chi-square with G - 1 df).",
          a.subgroups->column, a.subgroups->tau2_mode == SubgroupTau2::Common ? "common" : "separate"));
    }
    if (a.metareg) {
      paragraphs.push_back(fmt::format(
          "A mixed-effects meta-regression with the same \u03C4\u00B2 estimator and test was fitted (metafor rma with "
          "mods; categorical moderators coded with the first sorted level as reference)."));
    }
    if (has_baujat) {
      paragraphs.push_back(
          "Influence: for the Baujat plot (Baujat et al. 2002) each study was left out in turn and the model refitted "
          "with the same method; x is the study's squared Pearson residual (y\u1D62 - \u03BC\u0302)\u00B2/(v\u1D62 + "
          "\u03C4\u0302\u00B2), y the squared change of the pooled estimate divided by its variance without the study, "
          "as metafor's baujat.");
    }
    if (data.sensitivity && !data.sensitivity->leave_one_out.empty()) {
      paragraphs.push_back(
          "Leave-one-out analysis refitted the model without each study in turn (metafor's leave1out); influence "
          "diagnostics (studentized deleted residuals, DFFITS, Cook's distance, covariance ratios, leave-one-out "
          "\u03C4\u00B2 and Q, hat values, DFBETAS) and the flag for influential studies follow metafor's influence "
          "(Viechtbauer & Cheung 2010).");
    }
    if (data.bias) {
      paragraphs.push_back(
          "Small-study effects were examined with Egger's regression test (Egger et al. 1997), as a meta-regression "
          "on the standard error with the model's method and as the classical weighted linear regression, Begg and "
          "Mazumdar's rank correlation test (Begg & Mazumdar 1994), trim and fill with the L0 and R0 estimators "
          "(Duval & Tweedie 2000), PET-PEESE (Stanley & Doucouliagos 2014) and fail-safe N (Rosenthal 1979; Orwin "
          "1983; Rosenberg 2005), each as in metafor (regtest, ranktest, trimfill, fsn). Their interpretation "
          "follows Sterne et al. (2011).");
    }
    paragraphs.push_back(fmt::format(
        "The funnel plot shows each effect against its standard error with the {} pseudo-confidence region{}.", level,
        options.contours ? " and contours of statistical significance at 10%, 5% and 1% around zero (Peters et al. "
                           "2008)"
                         : ""));
    if (data.absolute) {
      paragraphs.push_back(
          "Absolute effects use the median control-group risk across studies (ACR): for a risk ratio, the risk with "
          "intervention is ACR \u00D7 RR and the difference ACR \u00D7 (RR - 1); for an odds ratio, OR \u00D7 ACR / (1 - "
          "ACR + OR \u00D7 ACR); each expressed per 1,000 with the bounds of the pooled CI (Guyatt et al. 2013). The "
          "number needed to treat is 1 / |risk difference|, rounded up, with its CI from the CI of the risk "
          "difference (Altman 1998).");
    }
    paragraphs.push_back(fmt::format(
        "All computations were done by {}, which implements the estimators of the R package metafor (Viechtbauer "
        "2010) and is checked against metafor 3.8-1.",
        version_string()));
    for (const auto& text : paragraphs) {
      s.html += html_paragraph(text);
      s.markdown += md(text) + "\n\n";
    }
    s.html += "<h3>References</h3>\n<ol class=\"references\">\n";
    s.markdown += "### References\n\n";
    for (const auto& ref : references()) {
      s.html += "<li>" + h(ref) + "</li>\n";
      s.markdown += "- " + md(ref) + "\n";
    }
    s.html += "</ol>\n";
    s.markdown += "\n";
    sections.push_back(std::move(s));
  }

  // Warnings.
  std::vector<std::string> warnings = options.warnings;
  for (const auto& w : data.warnings) warnings.push_back(w);
  if (data.bias) {
    for (const auto& w : data.bias->warnings) warnings.push_back("small-study tests: " + w);
  }
  for (const auto& w : p.warnings) warnings.push_back(w);
  if (a.subgroups) {
    for (const auto& w : a.subgroups->warnings) warnings.push_back(w);
  }
  if (a.metareg) {
    for (const auto& w : a.metareg->design.warnings) warnings.push_back(w);
    for (const auto& w : a.metareg->fit.warnings) warnings.push_back(w);
  }
  if (!warnings.empty()) {
    Section s{"warnings", "Warnings", "", ""};
    s.html = "<div class=\"warning\"><ul>\n";
    for (const auto& w : warnings) {
      s.html += "<li>" + h(w) + "</li>\n";
      s.markdown += "- " + md(w) + "\n";
    }
    s.html += "</ul></div>\n";
    s.markdown += "\n";
    sections.push_back(std::move(s));
  }

  // Reproducibility stamp.
  {
    Section s{"reproducibility", "Reproducibility", "", ""};
    std::vector<std::pair<std::string, std::string>> items{
        {"Program", version_string()},
        {"Input file", options.input_name},
        {"SHA-256 of the input", options.input_sha256},
        {"Command line", options.command_line},
    };
    if (!options.timestamp.empty()) items.emplace_back("Generated", options.timestamp);
    s.html = "<dl class=\"stamp\">\n";
    for (const auto& [key, value] : items) {
      s.html += "<dt>" + h(key) + "</dt><dd>" + h(value) + "</dd>\n";
      s.markdown += "- " + md(key) + ": `" + md(value) + "`\n";
    }
    s.html += "</dl>\n";
    const std::string note = options.timestamp.empty()
                                 ? "No timestamp is recorded, so the same input and command give byte-identical files."
                                 : "";
    if (!note.empty()) {
      s.html += html_paragraph(note);
      s.markdown += "\n" + md(note) + "\n";
    }
    sections.push_back(std::move(s));
  }

  // Assemble the page and the Markdown.
  const std::string title = "Meta-analysis report: " + options.input_name;
  const std::string subtitle = fmt::format("{} studies, {} ({}), {}", d.k(), effect_name(a),
                                           to_string(a.input.effects.measure), lower_first(model_label(p)));
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src 'self' data:\">\n";
  html += "<meta name=\"generator\" content=\"" + h(version_string()) + "\">\n";
  html += "<title>" + h(title) + "</title>\n<style>\n" + css() + "</style>\n</head>\n<body>\n<main>\n";
  html += "<h1>" + h(title) + "</h1>\n<p class=\"subtitle\">" + h(subtitle) + "</p>\n";
  html += "<nav><h2>Contents</h2><ol>\n";
  for (const auto& s : sections) html += "<li><a href=\"#" + s.id + "\">" + h(s.title) + "</a></li>\n";
  html += "</ol></nav>\n";
  std::string markdown = "<!-- " + version_string() + " report -->\n# " + md(title) + "\n\n" + md(subtitle) + "\n\n";
  for (const auto& s : sections) {
    html += "<section id=\"" + s.id + "\">\n<h2>" + h(s.title) + "</h2>\n" + s.html + "</section>\n";
    markdown += "## " + md(s.title) + "\n\n" + s.markdown;
  }
  html += "</main>\n</body>\n</html>\n";

  std::vector<OutputFile> out;
  out.push_back({"index.html", std::move(html)});
  out.push_back({"report.md", std::move(markdown)});
  for (auto& file : files) out.push_back(std::move(file));
  return out;
}

}  // namespace metapool::report
