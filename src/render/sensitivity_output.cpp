#include "render/sensitivity_output.hpp"

#include <fmt/format.h>

#include "render/json_value.hpp"
#include "render/metareg_output.hpp"
#include "render/number_format.hpp"

namespace metapool {
namespace {

using Json = nlohmann::ordered_json;

bool is_t(const SensitivityAnalysis& a) { return a.pool.pool.test != TestType::Z; }
bool has_tau2(const SensitivityAnalysis& a) { return is_random_effects(a.pool.pool.method); }

Json fit_json(const SubsetFit& r, bool random) {
  Json j;
  j["k"] = r.k;
  j["estimate"] = json_number(r.estimate);
  j["se"] = json_number(r.se);
  j["statistic"] = json_number(r.statistic);
  j["pval"] = json_number(r.pval);
  j["ci_lb"] = json_number(r.ci_lb);
  j["ci_ub"] = json_number(r.ci_ub);
  j["df"] = json_number(r.df);
  j["Q"] = json_number(r.Q);
  j["Q_pval"] = json_number(r.Q_pval);
  j["tau2"] = random ? json_number(r.tau2) : Json(nullptr);
  j["I2"] = json_number(r.I2);
  j["H2"] = json_number(r.H2);
  return j;
}

std::string model_line(const SensitivityAnalysis& a) {
  const PoolResult& p = a.pool.pool;
  std::string kind;
  switch (p.method) {
    case Method::EE: kind = "Equal-Effects Model"; break;
    case Method::MH: kind = "Equal-Effects Model, Mantel-Haenszel method"; break;
    case Method::PETO: kind = "Equal-Effects Model, Peto's method"; break;
    default: kind = fmt::format("Random-Effects Model, tau^2 estimator {}", to_string(p.method));
  }
  return fmt::format("{}; measure {}; test {}; k = {}", kind, to_string(p.measure), to_string(p.test), p.k);
}

void fit_columns(Table& t, const SensitivityAnalysis& a) {
  for (const char* name : {"estimate", "se", is_t(a) ? "tval" : "zval"}) t.add_column(name);
  if (is_t(a)) t.add_column("df");
  for (const char* name : {"pval", "ci.lb", "ci.ub", "Q", "Qp"}) t.add_column(name);
  if (has_tau2(a)) t.add_column("tau2");
  t.add_column("I2");
  t.add_column("H2");
}

void fit_cells(std::vector<std::string>& row, const SubsetFit& r, const SensitivityAnalysis& a, bool exact) {
  const auto num = [&](double v) { return exact ? format_exact(v) : format_fixed(v, 4); };
  const auto pv = [&](double v) { return exact ? format_exact(v) : format_pvalue(v); };
  row.push_back(num(r.estimate));
  row.push_back(num(r.se));
  row.push_back(num(r.statistic));
  if (is_t(a)) row.push_back(r.df ? format_exact(*r.df) : "NA");
  row.push_back(pv(r.pval));
  row.push_back(num(r.ci_lb));
  row.push_back(num(r.ci_ub));
  row.push_back(num(r.Q));
  row.push_back(pv(r.Q_pval));
  if (has_tau2(a)) row.push_back(exact ? format_exact(r.tau2.value_or(kNaN)) : format_fixed(r.tau2, 4));
  row.push_back(exact ? format_exact(r.I2) : format_fixed(r.I2, 2));
  row.push_back(exact ? format_exact(r.H2) : format_fixed(r.H2, 4));
}

}  // namespace

Table leave_one_out_table(const SensitivityAnalysis& a, bool exact) {
  Table t;
  t.add_column("study", Align::Left);
  fit_columns(t, a);
  for (std::size_t i = 0; i < a.leave_one_out.size(); ++i) {
    std::vector<std::string> row{a.studies[i]};
    fit_cells(row, a.leave_one_out[i], a, exact);
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table cumulative_table(const SensitivityAnalysis& a, bool exact) {
  Table t;
  t.add_column("study", Align::Left);
  if (a.order_column) t.add_column(*a.order_column);
  fit_columns(t, a);
  for (std::size_t j = 0; j < a.cumulative.size(); ++j) {
    const std::size_t s = a.order[j];
    std::vector<std::string> row{a.studies[s]};
    if (a.order_column) row.push_back(a.order_values[s]);
    fit_cells(row, a.cumulative[j], a, exact);
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table influence_table(const SensitivityAnalysis& a, bool exact) {
  Table t;
  t.add_column("study", Align::Left);
  for (const char* name : {"rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight", "dfbs", "inf"}) {
    t.add_column(name);
  }
  if (!a.influence) return t;
  const auto num = [&](double v) { return exact ? format_exact(v) : format_fixed(v, 4); };
  for (std::size_t i = 0; i < a.influence->size(); ++i) {
    const InfluenceRow& r = (*a.influence)[i];
    t.rows.push_back({a.studies[i], num(r.rstudent), num(r.dffits), num(r.cook_d), num(r.cov_r), num(r.tau2_del),
                      num(r.QE_del), num(r.hat), exact ? format_exact(r.weight) : format_fixed(r.weight, 2),
                      num(r.dfbetas), exact ? (r.inf ? "true" : "false") : (r.inf ? "*" : "")});
  }
  return t;
}

Json sensitivity_json(const SensitivityAnalysis& a) {
  const PoolResult& p = a.pool.pool;
  const bool random = has_tau2(a);
  Json out;
  out["version"] = version_string();
  out["model"] = Json{{"measure", std::string(to_string(p.measure))},
                      {"method", std::string(to_string(p.method))},
                      {"test", std::string(to_string(p.test))},
                      {"level", json_level(p.ci_level)},
                      {"k", p.k}};
  Json pooled = pool_fields_json(p, a.pool.transformed, a.studies);
  pooled.erase("studies");
  pooled.erase("warnings");
  out["pooled"] = std::move(pooled);
  auto loo = Json::array();
  for (std::size_t i = 0; i < a.leave_one_out.size(); ++i) {
    Json row{{"study", a.studies[i]}};
    row.update(fit_json(a.leave_one_out[i], random));
    loo.push_back(std::move(row));
  }
  out["leave1out"] = std::move(loo);
  auto cum = Json::array();
  for (std::size_t j = 0; j < a.cumulative.size(); ++j) {
    const std::size_t s = a.order[j];
    Json row{{"study", a.studies[s]}};
    if (a.order_column) row["order_value"] = a.order_values[s];
    row.update(fit_json(a.cumulative[j], random));
    cum.push_back(std::move(row));
  }
  out["cumul"] = Json{{"order", a.order_column ? Json(*a.order_column) : Json(nullptr)}, {"rows", std::move(cum)}};
  if (a.influence) {
    auto inf = Json::array();
    for (std::size_t i = 0; i < a.influence->size(); ++i) {
      const InfluenceRow& r = (*a.influence)[i];
      inf.push_back(Json{{"study", a.studies[i]},
                         {"rstudent", json_number(r.rstudent)},
                         {"dffits", json_number(r.dffits)},
                         {"cook_d", json_number(r.cook_d)},
                         {"cov_r", json_number(r.cov_r)},
                         {"tau2_del", json_number(r.tau2_del)},
                         {"QE_del", json_number(r.QE_del)},
                         {"hat", json_number(r.hat)},
                         {"weight", json_number(r.weight)},
                         {"dfbetas", json_number(r.dfbetas)},
                         {"inf", r.inf}});
    }
    out["influence"] = std::move(inf);
  } else {
    out["influence"] = nullptr;
  }
  out["influence_note"] = a.influence_note.empty() ? Json(nullptr) : Json(a.influence_note);
  std::vector<std::string> warnings = p.warnings;
  warnings.insert(warnings.end(), a.warnings.begin(), a.warnings.end());
  out["warnings"] = warnings;
  return out;
}

std::string render_sensitivity(const SensitivityAnalysis& a, OutputFormat format) {
  const std::string cum_title =
      a.order_column ? fmt::format("Cumulative meta-analysis (ordered by {})", *a.order_column)
                     : std::string("Cumulative meta-analysis (input order)");
  switch (format) {
    case OutputFormat::Json: return json_text(sensitivity_json(a));
    case OutputFormat::Csv: {
      // One table: the leave-one-out and cumulative rows (column "analysis"),
      // then the influence rows, full precision.
      Table t;
      t.add_column("analysis", Align::Left);
      t.add_column("study", Align::Left);
      t.add_column("order_value", Align::Left);
      for (const char* name : {"k", "estimate", "se", "statistic", "pval", "ci_lb", "ci_ub", "df", "Q", "Q_pval",
                               "tau2", "I2", "H2", "rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "QE_del",
                               "hat", "weight", "dfbetas", "inf"}) {
        t.add_column(name);
      }
      const auto fit_row = [&](const char* what, const std::string& study, const std::string& ov, const SubsetFit& r) {
        std::vector<std::string> row{what, study, ov, std::to_string(r.k), format_exact(r.estimate),
                                     format_exact(r.se), format_exact(r.statistic), format_exact(r.pval),
                                     format_exact(r.ci_lb), format_exact(r.ci_ub), r.df ? format_exact(*r.df) : "NA",
                                     format_exact(r.Q), format_exact(r.Q_pval),
                                     r.tau2 && has_tau2(a) ? format_exact(*r.tau2) : "NA", format_exact(r.I2),
                                     format_exact(r.H2)};
        row.resize(t.columns.size(), "");
        t.rows.push_back(std::move(row));
      };
      for (std::size_t i = 0; i < a.leave_one_out.size(); ++i) fit_row("leave1out", a.studies[i], "", a.leave_one_out[i]);
      for (std::size_t j = 0; j < a.cumulative.size(); ++j) {
        const std::size_t s = a.order[j];
        fit_row("cumul", a.studies[s], a.order_column ? a.order_values[s] : "", a.cumulative[j]);
      }
      if (a.influence) {
        for (std::size_t i = 0; i < a.influence->size(); ++i) {
          const InfluenceRow& r = (*a.influence)[i];
          std::vector<std::string> row(t.columns.size(), "");
          row[0] = "influence";
          row[1] = a.studies[i];
          const std::size_t base = 16;
          const double values[] = {r.rstudent, r.dffits, r.cook_d, r.cov_r, r.tau2_del, r.QE_del, r.hat, r.weight, r.dfbetas};
          for (std::size_t c = 0; c < 9; ++c) row[base + c] = format_exact(values[c]);
          row[base + 9] = r.inf ? "true" : "false";
          t.rows.push_back(std::move(row));
        }
      }
      return render_csv(t);
    }
    case OutputFormat::Markdown: {
      std::string out = "## Sensitivity analyses\n\n" + model_line(a) + "\n\n### Leave-one-out\n\n" +
                        render_markdown(leave_one_out_table(a, false)) + "\n### " + cum_title + "\n\n" +
                        render_markdown(cumulative_table(a, false));
      out += "\n### Influence diagnostics\n\n";
      out += a.influence && !a.influence->empty() ? render_markdown(influence_table(a, false)) : a.influence_note + "\n";
      for (const auto& w : a.warnings) out += "\nWarning: " + w + "\n";
      return out;
    }
    case OutputFormat::Latex: {
      std::string out = "% " + model_line(a) + "\n% Leave-one-out\n" + render_latex(leave_one_out_table(a, false)) +
                        "\n% " + cum_title + "\n" + render_latex(cumulative_table(a, false));
      if (a.influence && !a.influence->empty()) {
        out += "\n% Influence diagnostics\n" + render_latex(influence_table(a, false));
      } else {
        out += "\n% " + a.influence_note + "\n";
      }
      return out;
    }
    case OutputFormat::Text: break;
  }
  std::string out = model_line(a) + "\n\nLeave-one-out analysis:\n\n" + render_text(leave_one_out_table(a, false)) +
                    "\n" + cum_title + ":\n\n" + render_text(cumulative_table(a, false)) +
                    "\nInfluence diagnostics:\n\n";
  if (a.influence && !a.influence->empty()) {
    out += render_text(influence_table(a, false));
    out += "\n(* = influential: |dffits| > 3 sqrt(p/(k-p)), pchisq(cook.d, p) > 0.5, hat > 3 p/k or |dfbs| > 1; p = 1)\n";
  } else {
    out += a.influence_note + "\n";
  }
  for (const auto& w : a.pool.pool.warnings) out += "\nWarning: " + w + "\n";
  for (const auto& w : a.warnings) out += "\nWarning: " + w + "\n";
  return out;
}

}  // namespace metapool
