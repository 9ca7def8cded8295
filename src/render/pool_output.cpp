#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "render/conventions_output.hpp"
#include "render/json_value.hpp"
#include "render/metareg_output.hpp"
#include "render/number_format.hpp"
#include "render/output.hpp"
#include "render/table.hpp"
#include "stats/distributions.hpp"

namespace metapool {
namespace {

using Json = nlohmann::ordered_json;

Json interval_json(const std::optional<Interval>& interval) {
  if (!interval) return nullptr;
  return Json::array({json_number(interval->lb), json_number(interval->ub)});
}

// log10 of the two-sided p-value: log10(pval) while pval is a normal double,
// else from the z or t tail of the statistic (stats::log10_pval_two_sided_*),
// so that a p-value that underflows to 0 still has a finite log10.
double log10_pval_of(double pval, double statistic, const std::optional<double>& df) {
  if (std::isnan(pval)) return kNaN;
  if (pval >= 1e-300) return std::log10(pval);
  return df ? stats::log10_pval_two_sided_t(statistic, *df) : stats::log10_pval_two_sided_z(statistic);
}

std::string model_title(const PoolResult& p) {
  switch (p.method) {
    case Method::EE: return fmt::format("Equal-Effects Model (k = {})", p.k);
    case Method::MH: return fmt::format("Equal-Effects Model, Mantel-Haenszel method (k = {})", p.k);
    case Method::PETO: return fmt::format("Equal-Effects Model, Peto's method (k = {})", p.k);
    default:
      return fmt::format("Random-Effects Model (k = {}; tau^2 estimator: {})", p.k, to_string(p.method));
  }
}

// The one-row summary (pooled estimate and heterogeneity) as a table.
Table summary_table(const PoolAnalysis& analysis, bool exact) {
  const PoolResult& p = analysis.pool;
  const auto num = [&](double v) { return exact ? format_exact(v) : format_fixed(v, 4); };
  const auto opt = [&](const std::optional<double>& v) { return v ? num(*v) : std::string("NA"); };
  Table table;
  std::vector<std::string> row;
  const auto add = [&](const char* name, std::string value) {
    table.add_column(name);
    row.push_back(std::move(value));
  };
  add("measure", std::string(to_string(p.measure)));
  add("method", std::string(to_string(p.method)));
  add("test", std::string(to_string(p.test)));
  add("k", std::to_string(p.k));
  add("estimate", num(p.estimate));
  add("se", num(p.se));
  add("statistic", num(p.statistic));
  add("pval", exact ? format_exact(p.pval) : format_pvalue(p.pval));
  add("ci_lb", num(p.ci_lb));
  add("ci_ub", num(p.ci_ub));
  add("df", opt(p.df));
  add("tau2", opt(p.tau2));
  add("I2", opt(p.I2));
  add("Q", num(p.Q));
  add("Q_df", std::to_string(p.Q_df));
  add("Q_pval", exact ? format_exact(p.Q_pval) : format_pvalue(p.Q_pval));
  add("pi_lb", p.pi ? num(p.pi->lb) : "NA");
  add("pi_ub", p.pi ? num(p.pi->ub) : "NA");
  if (analysis.transformed) {
    const Transformed& t = *analysis.transformed;
    add("scale", t.scale);
    add("estimate_natural", num(t.estimate));
    add("ci_lb_natural", num(t.ci_lb));
    add("ci_ub_natural", num(t.ci_ub));
  }
  table.rows.push_back(std::move(row));
  return table;
}

Table studies_table(const PoolAnalysis& analysis, bool exact) {
  const auto num = [&](double v) { return exact ? format_exact(v) : format_fixed(v, 4); };
  Table table;
  table.add_column("study", Align::Left);
  for (const char* name : {"yi", "vi", "ci_lb", "ci_ub", "weight"}) table.add_column(name);
  const PoolResult& p = analysis.pool;
  for (std::size_t j = 0; j < p.studies.size() && j < analysis.used.size(); ++j) {
    const StudyFit& s = p.studies[j];
    table.rows.push_back({analysis.input.data.study[analysis.used[j]], num(s.yi), num(s.vi),
                          num(s.ci_lb), num(s.ci_ub),
                          exact ? format_exact(s.weight) : format_fixed(s.weight, 2) + "%"});
  }
  return table;
}

std::string interval_text(const std::optional<Interval>& interval, int digits = 4) {
  if (!interval) return "";
  return fmt::format("[{}, {}]", format_fixed(interval->lb, digits), format_fixed(interval->ub, digits));
}

std::string render_text_summary(const PoolAnalysis& analysis) {
  const PoolResult& p = analysis.pool;
  std::string out = model_title(p) + "\n\n";
  if (p.tau2) {
    out += fmt::format("tau^2 (estimated amount of total heterogeneity): {}{}  CI {}\n",
                       format_fixed(p.tau2, 4),
                       p.se_tau2 ? fmt::format(" (SE = {})", format_fixed(p.se_tau2, 4)) : "",
                       interval_text(p.tau2_ci));
    out += fmt::format("tau (square root of estimated tau^2 value):      {}  CI {}\n",
                       format_fixed(p.tau, 4), interval_text(p.tau_ci));
  }
  if (p.I2) {
    out += fmt::format("I^2 (total heterogeneity / total variability):   {}%  CI {}\n",
                       format_fixed(p.I2, 2), interval_text(p.I2_ci, 2));
  }
  if (p.H2) {
    out += fmt::format("H^2 (total variability / sampling variability):  {}  CI {}\n",
                       format_fixed(p.H2, 2), interval_text(p.H2_ci, 2));
  }
  out += fmt::format("\nTest for Heterogeneity:\nQ(df = {}) = {}, p-val {}\n\n", p.Q_df,
                     format_fixed(p.Q, 4),
                     p.Q_pval < 1e-4 ? "< .0001" : "= " + format_pvalue(p.Q_pval));
  const bool t_test = p.df.has_value();
  out += "Model Results";
  out += p.test == TestType::KNHA ? " (Knapp-Hartung adjusted, t-distribution):\n\n"
                                  : (t_test ? " (t-distribution):\n\n" : ":\n\n");
  Table model;
  for (const char* name : {"estimate", "se", t_test ? "tval" : "zval"}) model.add_column(name);
  if (t_test) model.add_column("df");
  for (const char* name : {"pval", "ci.lb", "ci.ub"}) model.add_column(name);
  std::vector<std::string> row{format_fixed(p.estimate), format_fixed(p.se), format_fixed(p.statistic)};
  if (t_test) row.push_back(format_exact(*p.df));
  row.push_back(format_pvalue(p.pval));
  row.push_back(format_fixed(p.ci_lb));
  row.push_back(format_fixed(p.ci_ub));
  model.rows.push_back(std::move(row));
  out += render_text(model);
  if (p.pval < 1e-300) {
    // Below what a double holds (metafor prints 0 / <.0001): the exponent.
    out += fmt::format("(two-sided p = {}, below 1e-300)\n",
                       format_log10_pvalue(log10_pval_of(p.pval, p.statistic, p.df)));
  }
  if (p.pi) {
    out += fmt::format("\nPrediction interval: [{}, {}]\n", format_fixed(p.pi->lb), format_fixed(p.pi->ub));
  }
  if (analysis.transformed) {
    const Transformed& t = *analysis.transformed;
    out += fmt::format("\nOn the {} scale: {} ({}% CI {} to {}", t.scale, format_fixed(t.estimate),
                       format_exact(p.ci_level * 100), format_fixed(t.ci_lb), format_fixed(t.ci_ub));
    out += p.pi ? fmt::format("; prediction interval {} to {})\n", format_fixed(t.pi_lb), format_fixed(t.pi_ub))
                : ")\n";
  }
  out += "\n" + conventions_text(analysis.conventions);
  out += "\nStudies:\n";
  out += render_text(studies_table(analysis, false));
  for (const auto& warning : p.warnings) out += "\nWarning: " + warning + "\n";
  return out;
}

// Text, CSV, Markdown and LaTeX of a pool run with --mods or --subgroup.
std::string render_extension(const PoolAnalysis& analysis, OutputFormat format) {
  if (analysis.metareg) {
    const MetaregResult& f = analysis.metareg->fit;
    const std::string tests = fmt::format(
        "QE(df = {}) = {}, p = {}; {}(df = {}) = {}, p = {}\n", f.QE_df, format_fixed(f.QE),
        format_pvalue(f.QE_pval), f.QM_df2 ? "F" : "QM",
        f.QM_df2 ? fmt::format("{}, {}", f.QM_df, *f.QM_df2) : std::to_string(f.QM_df), format_fixed(f.QM),
        format_pvalue(f.QM_pval));
    switch (format) {
      case OutputFormat::Csv: return render_csv(coefficients_table(*analysis.metareg, true));
      case OutputFormat::Markdown:
        return fmt::format("## Meta-regression (k = {}; method {})\n\n", f.k, to_string(f.method)) + tests + "\n" +
               render_markdown(coefficients_table(*analysis.metareg, false));
      case OutputFormat::Latex: return render_latex(coefficients_table(*analysis.metareg, false));
      default: return render_metareg_text(analysis);
    }
  }
  const SubgroupAnalysis& sg = *analysis.subgroups;
  const std::string test =
      sg.groups.size() >= 2
          ? fmt::format("Test for subgroup differences: Q(df = {}) = {}, p = {}\n", sg.test.df,
                        format_fixed(sg.test.Q), format_pvalue(sg.test.pval))
          : std::string();
  switch (format) {
    case OutputFormat::Csv: return render_csv(subgroups_table(sg, true));
    case OutputFormat::Markdown:
      return "## " + model_title(analysis.pool) + "\n\n" + render_markdown(summary_table(analysis, false)) +
             "\n### Subgroups by " + sg.column + "\n\n" + render_markdown(subgroups_table(sg, false)) + "\n" +
             test;
    case OutputFormat::Latex:
      return render_latex(summary_table(analysis, false)) + "\n" + render_latex(subgroups_table(sg, false));
    default: return render_text_summary(analysis) + render_subgroups_text(analysis);
  }
}

}  // namespace

Json pool_fields_json(const PoolResult& p, const std::optional<Transformed>& transformed,
                      const std::vector<std::string>& study_names) {
  Json out;
  out["estimate"] = json_number(p.estimate);
  out["se"] = json_number(p.se);
  out["statistic"] = json_number(p.statistic);
  out["pval"] = json_number(p.pval);
  out["log10_pval"] = json_number(log10_pval_of(p.pval, p.statistic, p.df));
  out["ci_lb"] = json_number(p.ci_lb);
  out["ci_ub"] = json_number(p.ci_ub);
  out["df"] = json_number(p.df);
  out["tau2"] = json_number(p.tau2);
  out["se_tau2"] = json_number(p.se_tau2);
  out["tau"] = json_number(p.tau);
  out["I2"] = json_number(p.I2);
  out["H2"] = json_number(p.H2);
  out["Q"] = json_number(p.Q);
  out["Q_df"] = p.Q_df;
  out["Q_pval"] = json_number(p.Q_pval);
  out["pi_lb"] = p.pi ? json_number(p.pi->lb) : Json(nullptr);
  out["pi_ub"] = p.pi ? json_number(p.pi->ub) : Json(nullptr);
  out["tau2_ci"] = interval_json(p.tau2_ci);
  out["tau_ci"] = interval_json(p.tau_ci);
  out["I2_ci"] = interval_json(p.I2_ci);
  out["H2_ci"] = interval_json(p.H2_ci);
  if (transformed) {
    const Transformed& t = *transformed;
    out["transformed"] = Json{{"scale", t.scale},
                              {"estimate", json_number(t.estimate)},
                              {"ci_lb", json_number(t.ci_lb)},
                              {"ci_ub", json_number(t.ci_ub)},
                              {"pi_lb", json_number(t.pi_lb)},
                              {"pi_ub", json_number(t.pi_ub)}};
  }
  auto studies = Json::array();
  for (std::size_t j = 0; j < p.studies.size() && j < study_names.size(); ++j) {
    const StudyFit& s = p.studies[j];
    studies.push_back(Json{{"study", study_names[j]},
                           {"yi", json_number(s.yi)},
                           {"vi", json_number(s.vi)},
                           {"ci_lb", json_number(s.ci_lb)},
                           {"ci_ub", json_number(s.ci_ub)},
                           {"weight", json_number(s.weight)}});
  }
  out["studies"] = std::move(studies);
  out["warnings"] = p.warnings;
  return out;
}

std::string render_pool(const PoolAnalysis& analysis, OutputFormat format) {
  // With --mods the heterogeneity fields describe the meta-regression (Q is QE).
  const PoolResult p = analysis.metareg ? metareg_as_pool(analysis) : analysis.pool;
  std::vector<std::string> names;
  for (std::size_t i : analysis.metareg ? analysis.metareg->design.studies : analysis.used) {
    names.push_back(analysis.input.data.study[i]);
  }
  if (format != OutputFormat::Json && (analysis.metareg || analysis.subgroups)) {
    return render_extension(analysis, format);
  }
  switch (format) {
    case OutputFormat::Csv: return render_csv(summary_table(analysis, true));
    case OutputFormat::Markdown:
      return "## " + model_title(p) + "\n\n" + render_markdown(summary_table(analysis, false)) + "\n" +
             conventions_text(analysis.conventions) + "\n### Studies\n\n" +
             render_markdown(studies_table(analysis, false));
    case OutputFormat::Latex: return render_latex(summary_table(analysis, false)) + "\n" +
                                     render_latex(studies_table(analysis, false));
    case OutputFormat::Text: return render_text_summary(analysis);
    case OutputFormat::Json: break;
  }
  Json out;
  out["version"] = version_string();
  out["model"] = Json{{"measure", std::string(to_string(p.measure))},
                      {"method", std::string(to_string(p.method))},
                      {"test", std::string(to_string(p.test))},
                      {"level", json_level(p.ci_level)},
                      {"k", p.k}};
  if (p.requested != p.method) out["model"]["requested_method"] = std::string(to_string(p.requested));
  out["conventions"] = conventions_json(analysis.conventions, true);
  out.update(pool_fields_json(p, analysis.transformed, names));
  add_extension_json(out, analysis);
  return json_text(out);
}

}  // namespace metapool
