#include "render/metareg_output.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "render/json_value.hpp"
#include "render/number_format.hpp"

namespace metapool {
namespace {

using Json = nlohmann::ordered_json;

// metafor's "p-val = 0.0019" / "p-val < .0001".
std::string pval_phrase(double p) {
  if (std::isnan(p)) return "p-val = NA";
  return p < 1e-4 ? "p-val < .0001" : "p-val = " + format_pvalue(p);
}

const char* signif(double p) {
  if (!(p >= 0)) return "";
  if (p < 0.001) return "***";
  if (p < 0.01) return "**";
  if (p < 0.05) return "*";
  if (p < 0.1) return ".";
  return "";
}

// "coefficients 2:4" / "coefficient 2" / "coefficients 2,4" (1-based, as metafor).
std::string btt_text(const std::vector<std::size_t>& btt) {
  if (btt.size() == 1) return fmt::format("coefficient {}", btt.front() + 1);
  bool contiguous = true;
  for (std::size_t i = 1; i < btt.size(); ++i) contiguous = contiguous && btt[i] == btt[i - 1] + 1;
  if (contiguous && !btt.empty()) return fmt::format("coefficients {}:{}", btt.front() + 1, btt.back() + 1);
  std::string list;
  for (std::size_t j : btt) list += (list.empty() ? "" : ",") + std::to_string(j + 1);
  return "coefficients " + list;
}

std::vector<std::string> study_names(const StudyData& data, const std::vector<std::size_t>& studies) {
  std::vector<std::string> names;
  for (std::size_t s : studies) names.push_back(data.study[s]);
  return names;
}

Json test_json(const MetaregResult& fit) {
  Json out{{"QM", json_number(fit.QM)}, {"df", fit.QM_df}};
  out["df2"] = fit.QM_df2 ? Json(*fit.QM_df2) : Json(nullptr);
  out["pval"] = json_number(fit.QM_pval);
  out["distribution"] = fit.QM_df2 ? "F" : "chisq";
  return out;
}

}  // namespace

PoolResult metareg_as_pool(const PoolAnalysis& analysis) {
  const MetaregAnalysis& metareg = *analysis.metareg;
  const PoolResult& overall = analysis.pool;
  const MetaregResult& f = metareg.fit;
  PoolResult r;
  r.measure = overall.measure;
  r.method = f.method;
  r.requested = f.method;
  r.test = f.test;
  r.ci_level = f.ci_level;
  r.k = f.k;
  r.df = f.df;
  r.tau2 = f.tau2;
  r.se_tau2 = f.se_tau2;
  r.tau = f.tau;
  r.I2 = f.I2;
  r.H2 = f.H2;
  r.Q = f.QE;
  r.Q_df = f.QE_df;
  r.Q_pval = f.QE_pval;
  r.tau2_ci = f.tau2_ci;
  r.tau_ci = f.tau_ci;
  r.I2_ci = f.I2_ci;
  r.H2_ci = f.H2_ci;
  r.converged = f.converged;
  // per-study rows: the overall model's yi/vi/CI of the same studies
  // (metareg.design.studies is a subset of them), weights of this model
  for (std::size_t i = 0; i < f.weights.size() && i < metareg.design.studies.size(); ++i) {
    StudyFit s;
    for (std::size_t j = 0; j < analysis.used.size() && j < overall.studies.size(); ++j) {
      if (analysis.used[j] == metareg.design.studies[i]) s = overall.studies[j];
    }
    s.weight = f.weights[i];
    r.studies.push_back(s);
  }
  r.warnings = overall.warnings;
  for (const auto* list : {&metareg.design.warnings, &f.warnings}) {
    for (const auto& w : *list) {
      if (std::find(r.warnings.begin(), r.warnings.end(), w) == r.warnings.end()) r.warnings.push_back(w);
    }
  }
  return r;
}

void add_extension_json(Json& out, const PoolAnalysis& analysis) {
  if (analysis.subgroups) {
    const SubgroupAnalysis& sg = *analysis.subgroups;
    out["subgroup_column"] = sg.column;
    out["subgroup_tau2"] = std::string(to_string(sg.tau2_mode));
    auto groups = Json::array();
    for (const SubgroupFit& g : sg.groups) {
      Json entry{{"name", g.name}};
      entry["model"] = Json{{"method", std::string(to_string(g.pool.method))},
                            {"test", std::string(to_string(g.pool.test))},
                            {"k", g.pool.k}};
      entry.update(pool_fields_json(g.pool, g.transformed, study_names(analysis.input.data, g.studies)));
      groups.push_back(std::move(entry));
    }
    out["subgroups"] = std::move(groups);
    if (sg.groups.size() >= 2) {
      out["subgroup_test"] = Json{{"Q", json_number(sg.test.Q)}, {"df", sg.test.df}, {"pval", json_number(sg.test.pval)}};
    } else {
      out["subgroup_test"] = nullptr;
    }
    out["subgroup_test_mixed"] = sg.mixed ? test_json(*sg.mixed) : Json(nullptr);
    if (sg.mixed) {
      out["subgroup_test_mixed"]["tau2"] = json_number(sg.mixed->tau2);
      out["subgroup_test_mixed"]["QE"] = json_number(sg.mixed->QE);
      out["subgroup_test_mixed"]["QE_df"] = sg.mixed->QE_df;
      out["subgroup_test_mixed"]["QE_pval"] = json_number(sg.mixed->QE_pval);
    }
    for (const auto& w : sg.warnings) out["warnings"].push_back(w);
  }
  if (analysis.metareg) {
    const MetaregAnalysis& mr = *analysis.metareg;
    const MetaregResult& f = mr.fit;
    auto coefficients = Json::array();
    for (std::size_t j = 0; j < f.coefficients.size(); ++j) {
      const Coefficient& c = f.coefficients[j];
      Json entry{{"name", c.name},
                 {"estimate", json_number(c.estimate)},
                 {"se", json_number(c.se)},
                 {"statistic", json_number(c.statistic)},
                 {"pval", json_number(c.pval)},
                 {"ci_lb", json_number(c.ci_lb)},
                 {"ci_ub", json_number(c.ci_ub)}};
      if (mr.permutation) entry["pval_perm"] = json_number(mr.permutation->pval[j]);
      coefficients.push_back(std::move(entry));
    }
    out["coefficients"] = std::move(coefficients);
    out["QM"] = json_number(f.QM);
    out["QM_df"] = f.QM_df;
    out["QM_df2"] = f.QM_df2 ? Json(*f.QM_df2) : Json(nullptr);
    out["QM_pval"] = json_number(f.QM_pval);
    out["QM_coefficients"] = Json::array();
    for (std::size_t j : f.btt) out["QM_coefficients"].push_back(j + 1);
    out["R2"] = json_number(f.R2);
    auto moderators = Json::array();
    for (const Moderator& m : mr.design.moderators) {
      Json entry{{"name", m.name}, {"type", m.categorical ? "categorical" : "continuous"}};
      if (m.categorical) {
        entry["levels"] = m.levels;
        entry["reference"] = m.levels.front();
      }
      moderators.push_back(std::move(entry));
    }
    out["moderators"] = std::move(moderators);
    if (mr.permutation) {
      const PermutationResult& p = *mr.permutation;
      out["permutation"] = Json{{"exact", p.exact},
                                {"iterations", p.iterations},
                                {"seed", p.exact ? Json(nullptr) : Json(p.seed)},
                                {"QM_pval", json_number(p.QM_pval)},
                                {"pval", Json::array()},
                                {"failed", p.failed}};
      for (double v : p.pval) out["permutation"]["pval"].push_back(json_number(v));
    }
  }
}

Table coefficients_table(const MetaregAnalysis& metareg, bool exact) {
  const MetaregResult& f = metareg.fit;
  const auto num = [&](double v) { return exact ? format_exact(v) : format_fixed(v, 4); };
  const auto pv = [&](double v) { return exact ? format_exact(v) : format_pvalue(v); };
  Table table;
  table.add_column("name", Align::Left);
  for (const char* name : {"estimate", "se", "statistic", "df", "pval", "ci_lb", "ci_ub"}) table.add_column(name);
  if (metareg.permutation) table.add_column("pval_perm");
  for (std::size_t j = 0; j < f.coefficients.size(); ++j) {
    const Coefficient& c = f.coefficients[j];
    std::vector<std::string> row{c.name,          num(c.estimate), num(c.se),    num(c.statistic),
                                 f.df ? format_exact(*f.df) : "NA", pv(c.pval), num(c.ci_lb), num(c.ci_ub)};
    if (metareg.permutation) row.push_back(pv(metareg.permutation->pval[j]));
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table subgroups_table(const SubgroupAnalysis& sg, bool exact) {
  const auto num = [&](double v) { return exact ? format_exact(v) : format_fixed(v, 4); };
  const auto opt = [&](const std::optional<double>& v) { return v ? num(*v) : std::string("NA"); };
  const auto pv = [&](double v) { return exact ? format_exact(v) : format_pvalue(v); };
  Table table;
  table.add_column("subgroup", Align::Left);
  for (const char* name :
       {"k", "estimate", "se", "statistic", "pval", "ci_lb", "ci_ub", "tau2", "I2", "Q", "Q_df", "Q_pval"}) {
    table.add_column(name);
  }
  for (const SubgroupFit& g : sg.groups) {
    const PoolResult& p = g.pool;
    table.rows.push_back({g.name, std::to_string(p.k), num(p.estimate), num(p.se), num(p.statistic), pv(p.pval),
                          num(p.ci_lb), num(p.ci_ub), opt(p.tau2), opt(p.I2), num(p.Q), std::to_string(p.Q_df),
                          pv(p.Q_pval)});
  }
  return table;
}

std::string render_subgroups_text(const PoolAnalysis& analysis) {
  const SubgroupAnalysis& sg = *analysis.subgroups;
  std::string out = fmt::format("\nSubgroups by {} ({} tau^2):\n\n", sg.column,
                                sg.tau2_mode == SubgroupTau2::Common ? "common" : "separate");
  out += render_text(subgroups_table(sg, false));
  for (const SubgroupFit& g : sg.groups) {
    if (g.transformed) {
      out += fmt::format("  {}: {} {} ({}% CI {} to {})\n", g.name, g.transformed->scale,
                         format_fixed(g.transformed->estimate), format_exact(g.pool.ci_level * 100),
                         format_fixed(g.transformed->ci_lb), format_fixed(g.transformed->ci_ub));
    }
  }
  out += "\nTest for Subgroup Differences (between-subgroups Q on the subgroup estimates):\n";
  if (sg.groups.size() >= 2) {
    out += fmt::format("Q(df = {}) = {}, {}\n", sg.test.df, format_fixed(sg.test.Q), pval_phrase(sg.test.pval));
  } else {
    out += "not applicable (one subgroup)\n";
  }
  if (sg.mixed) {
    const MetaregResult& m = *sg.mixed;
    out += fmt::format("\nTest of Moderators in the mixed-effects model ~ factor({}){}:\n", sg.column,
                       m.tau2 ? fmt::format(" (tau^2 = {})", format_fixed(m.tau2)) : "");
    out += m.QM_df2 ? fmt::format("F(df1 = {}, df2 = {}) = {}, {}\n", m.QM_df, *m.QM_df2, format_fixed(m.QM),
                                  pval_phrase(m.QM_pval))
                    : fmt::format("QM(df = {}) = {}, {}\n", m.QM_df, format_fixed(m.QM), pval_phrase(m.QM_pval));
  }
  for (const auto& warning : sg.warnings) out += "\nWarning: " + warning + "\n";
  for (const SubgroupFit& g : sg.groups) {
    for (const auto& warning : g.pool.warnings) out += fmt::format("\nWarning ({}): {}\n", g.name, warning);
  }
  return out;
}

std::string render_metareg_text(const PoolAnalysis& analysis) {
  const MetaregAnalysis& mr = *analysis.metareg;
  const MetaregResult& f = mr.fit;
  const bool random = is_random_effects(f.method);
  std::string out = random ? fmt::format("Mixed-Effects Model (k = {}; tau^2 estimator: {})\n\n", f.k,
                                         to_string(f.method))
                           : fmt::format("Fixed-Effects with Moderators Model (k = {})\n\n", f.k);
  if (random) {
    out += fmt::format("tau^2 (estimated amount of residual heterogeneity):     {}{}\n", format_fixed(f.tau2),
                       f.se_tau2 ? fmt::format(" (SE = {})", format_fixed(f.se_tau2)) : "");
    out += fmt::format("tau (square root of estimated tau^2 value):             {}\n", format_fixed(f.tau));
  }
  out += fmt::format("I^2 (residual heterogeneity / unaccounted variability): {}%\n", format_fixed(f.I2, 2));
  out += fmt::format("H^2 (unaccounted variability / sampling variability):   {}\n", format_fixed(f.H2, 2));
  if (f.R2) {
    out += fmt::format("R^2 (amount of heterogeneity accounted for):            {}%\n", format_fixed(f.R2, 2));
  }
  out += fmt::format("\nTest for Residual Heterogeneity:\nQE(df = {}) = {}, {}\n", f.QE_df, format_fixed(f.QE),
                     pval_phrase(f.QE_pval));
  out += fmt::format("\nTest of Moderators ({}):\n", btt_text(f.btt));
  out += f.QM_df2 ? fmt::format("F(df1 = {}, df2 = {}) = {}, {}\n", f.QM_df, *f.QM_df2, format_fixed(f.QM),
                                pval_phrase(f.QM_pval))
                  : fmt::format("QM(df = {}) = {}, {}\n", f.QM_df, format_fixed(f.QM), pval_phrase(f.QM_pval));
  if (mr.permutation) {
    const PermutationResult& p = *mr.permutation;
    out += fmt::format("Permutation test ({}): p-val = {}\n",
                       p.exact ? fmt::format("exact, {} permutations", p.iterations)
                               : fmt::format("{} iterations, seed {}", p.iterations, p.seed),
                       format_pvalue(p.QM_pval));
  }
  const bool t_dist = f.df.has_value();
  out += f.test == TestType::KNHA ? "\nModel Results (Knapp-Hartung adjusted, t-distribution):\n\n"
                                  : (t_dist ? "\nModel Results (t-distribution):\n\n" : "\nModel Results:\n\n");
  Table table;
  table.add_column("", Align::Left);
  for (const char* name : {"estimate", "se", t_dist ? "tval" : "zval"}) table.add_column(name);
  if (t_dist) table.add_column("df");
  table.add_column("pval");
  if (mr.permutation) table.add_column("pval.perm");
  table.add_column("ci.lb");
  table.add_column("ci.ub");
  table.add_column("", Align::Left);
  for (std::size_t j = 0; j < f.coefficients.size(); ++j) {
    const Coefficient& c = f.coefficients[j];
    std::vector<std::string> row{c.name, format_fixed(c.estimate), format_fixed(c.se), format_fixed(c.statistic)};
    if (t_dist) row.push_back(format_exact(*f.df));
    row.push_back(format_pvalue(c.pval));
    const double p_signif = mr.permutation ? mr.permutation->pval[j] : c.pval;
    if (mr.permutation) row.push_back(format_pvalue(mr.permutation->pval[j]));
    row.push_back(format_fixed(c.ci_lb));
    row.push_back(format_fixed(c.ci_ub));
    row.push_back(signif(p_signif));
    table.rows.push_back(std::move(row));
  }
  out += render_text(table);
  out += "\n---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n";
  for (const Moderator& m : mr.design.moderators) {
    if (m.categorical) {
      out += fmt::format("\n{}: categorical with {} levels; reference level \"{}\"", m.name, m.levels.size(),
                         m.levels.front());
    }
  }
  if (!mr.design.moderators.empty()) out += "\n";
  for (const auto& warning : metareg_as_pool(analysis).warnings) out += "\nWarning: " + warning + "\n";
  return out;
}

}  // namespace metapool
