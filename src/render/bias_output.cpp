#include "render/bias_output.hpp"

#include <fmt/format.h>

#include "render/json_value.hpp"
#include "render/number_format.hpp"

namespace metapool {
namespace {

using Json = nlohmann::ordered_json;

Json regtest_json(const RegtestResult& r) {
  Json j;
  j["model"] = std::string(to_string(r.model));
  j["predictor"] = std::string(to_string(r.predictor));
  j["method"] = r.model == RegtestModel::Lm ? Json(nullptr) : Json(std::string(to_string(r.method)));
  j["k"] = r.k;
  j["statistic"] = json_number(r.statistic);
  j["pval"] = json_number(r.pval);
  j["df"] = json_number(r.df);
  j["slope"] = json_number(r.slope);
  j["slope_se"] = json_number(r.slope_se);
  j["est"] = json_number(r.est);
  j["est_se"] = json_number(r.est_se);
  j["est_pval"] = json_number(r.est_pval);
  j["ci_lb"] = json_number(r.ci_lb);
  j["ci_ub"] = json_number(r.ci_ub);
  j["tau2"] = json_number(r.tau2);
  j["message"] = r.ok ? Json(nullptr) : Json(r.message);
  return j;
}

Json trimfill_json(const TrimFillResult& r) {
  Json j;
  j["estimator"] = std::string(to_string(r.estimator));
  if (!r.ok && r.message.size()) {
    j["message"] = r.message;
    return j;
  }
  j["side"] = std::string(to_string(r.side));
  j["side_estimated"] = r.side_estimated;
  j["k0"] = r.k0;
  j["se_k0"] = json_number(r.se_k0);
  j["p_k0"] = json_number(r.p_k0);
  auto filled = Json::array();
  for (std::size_t i = 0; i < r.filled_yi.size(); ++i) {
    filled.push_back(Json{{"yi", json_number(r.filled_yi[i])}, {"vi", json_number(r.filled_vi[i])}});
  }
  j["filled"] = std::move(filled);
  const PoolResult& p = r.pooled;
  j["k"] = p.k;
  j["estimate"] = json_number(p.estimate);
  j["se"] = json_number(p.se);
  j["statistic"] = json_number(p.statistic);
  j["pval"] = json_number(p.pval);
  j["ci_lb"] = json_number(p.ci_lb);
  j["ci_ub"] = json_number(p.ci_ub);
  j["df"] = json_number(p.df);
  j["tau2"] = json_number(p.tau2);
  j["I2"] = json_number(p.I2);
  j["H2"] = json_number(p.H2);
  j["Q"] = json_number(p.Q);
  j["Q_pval"] = json_number(p.Q_pval);
  j["iterations"] = r.iterations;
  j["converged"] = r.converged;
  j["message"] = nullptr;
  return j;
}

std::string p_text(double p) { return p < 1e-4 ? "p < .0001" : "p = " + format_pvalue(p); }

std::string regtest_text(const RegtestResult& r, const char* title) {
  if (!r.ok) return fmt::format("{}: {}\n", title, r.message);
  const std::string stat = r.df ? fmt::format("t = {}, df = {}", format_fixed(r.statistic), format_exact(*r.df))
                                : fmt::format("z = {}", format_fixed(r.statistic));
  return fmt::format("{}\n  Test for Funnel Plot Asymmetry: {}, {}\n  Limit Estimate (as {} -> 0):   b = {} (CI: {}, {})\n",
                     title, stat, p_text(r.pval), to_string(r.predictor), format_fixed(r.est), format_fixed(r.ci_lb),
                     format_fixed(r.ci_ub));
}

std::string trimfill_text(const TrimFillResult& r) {
  const std::string head = fmt::format("Trim and fill (estimator {}):", to_string(r.estimator));
  if (!r.ok) return head + " " + r.message + "\n";
  std::string out = fmt::format("{}\n  Estimated number of missing studies on the {} side: {} (SE = {}{})\n", head,
                                to_string(r.side), r.k0, format_fixed(r.se_k0),
                                r.p_k0 ? ", p = " + format_pvalue(*r.p_k0) : std::string());
  const PoolResult& p = r.pooled;
  out += fmt::format("  After filling (k = {}): estimate = {}, se = {}, {} = {}, {}, CI [{}, {}]", p.k,
                     format_fixed(p.estimate), format_fixed(p.se), p.df ? "t" : "z", format_fixed(p.statistic),
                     p_text(p.pval), format_fixed(p.ci_lb), format_fixed(p.ci_ub));
  if (p.tau2) out += fmt::format(", tau^2 = {}", format_fixed(*p.tau2));
  out += "\n";
  if (!r.filled_yi.empty()) {
    out += "  Filled studies (yi, vi):";
    for (std::size_t i = 0; i < r.filled_yi.size(); ++i) {
      out += fmt::format(" ({}, {})", format_fixed(r.filled_yi[i]), format_fixed(r.filled_vi[i]));
    }
    out += "\n";
  }
  return out;
}

std::string model_line(const BiasAnalysis& a) {
  const PoolResult& p = a.pool.pool;
  return fmt::format("Small-study effects and publication bias (measure {}; method {}; test {}; k = {})",
                     to_string(p.measure), to_string(p.method), to_string(p.test), a.data.k());
}

}  // namespace

Table bias_summary_table(const BiasAnalysis& a, bool exact) {
  const auto num = [&](double v) { return exact ? format_exact(v) : format_fixed(v, 4); };
  const auto pv = [&](double v) { return exact ? format_exact(v) : format_pvalue(v); };
  Table t;
  t.add_column("test", Align::Left);
  for (const char* name : {"statistic", "df", "pval", "estimate", "ci_lb", "ci_ub"}) t.add_column(name);
  t.add_column("note", Align::Left);
  const auto reg = [&](const char* name, const RegtestResult& r) {
    if (!r.ok) {
      t.rows.push_back({name, "NA", "NA", "NA", "NA", "NA", "NA", r.message});
      return;
    }
    t.rows.push_back({name, num(r.statistic), r.df ? format_exact(*r.df) : "NA", pv(r.pval), num(r.est),
                      num(r.ci_lb), num(r.ci_ub), "estimate = limit estimate (intercept)"});
  };
  reg("egger_rma", a.egger);
  reg("egger_lm", a.egger_lm);
  if (a.rank.ok) {
    t.rows.push_back({"ranktest", num(a.rank.tau), "NA", pv(a.rank.pval), "NA", "NA", "NA",
                      a.rank.exact ? "Kendall's tau (exact p)" : "Kendall's tau (normal approximation)"});
  } else {
    t.rows.push_back({"ranktest", "NA", "NA", "NA", "NA", "NA", "NA", a.rank.message});
  }
  for (const TrimFillResult* r : {&a.trimfill_l0, &a.trimfill_r0}) {
    const std::string name = fmt::format("trimfill_{}", to_string(r->estimator));
    if (!r->ok) {
      t.rows.push_back({name, "NA", "NA", "NA", "NA", "NA", "NA", r->message});
      continue;
    }
    const PoolResult& p = r->pooled;
    t.rows.push_back({name, num(p.statistic), p.df ? format_exact(*p.df) : "NA", pv(p.pval), num(p.estimate),
                      num(p.ci_lb), num(p.ci_ub),
                      fmt::format("k0 = {} ({} side), se_k0 = {}", r->k0, to_string(r->side), num(r->se_k0))});
  }
  for (const FailSafeResult* f : {&a.fsn_rosenthal, &a.fsn_orwin, &a.fsn_rosenberg}) {
    std::string note = fmt::format("fail-safe N = {}", format_exact(f->fsnum));
    if (f->type == "Orwin") note += fmt::format(" (target {})", num(f->target));
    t.rows.push_back({"fsn_" + f->type, "NA", "NA", f->type == "Orwin" ? "NA" : pv(f->pval),
                      std::isnan(f->meanes) ? "NA" : num(f->meanes), "NA", "NA", note});
  }
  const PetPeeseResult& pp = a.pet_peese;
  if (pp.pet.ok) {
    t.rows.push_back({"pet", num(pp.pet.est_statistic), format_exact(pp.pet.df.value_or(kNaN)), pv(pp.pet.est_pval),
                      num(pp.pet.est), num(pp.pet.ci_lb), num(pp.pet.ci_ub), "intercept of lm(yi ~ sei, 1/vi)"});
  }
  if (pp.peese.ok) {
    t.rows.push_back({"peese", num(pp.peese.est_statistic), format_exact(pp.peese.df.value_or(kNaN)),
                      pv(pp.peese.est_pval), num(pp.peese.est), num(pp.peese.ci_lb), num(pp.peese.ci_ub),
                      "intercept of lm(yi ~ vi, 1/vi)"});
  }
  if (pp.pet.ok) {
    t.rows.push_back({"pet_peese", "NA", "NA", "NA", num(pp.estimate), num(pp.ci_lb), num(pp.ci_ub),
                      pp.use_peese ? "PEESE (PET intercept significant)" : "PET (PET intercept not significant)"});
  }
  return t;
}

Json bias_json(const BiasAnalysis& a) {
  const PoolResult& p = a.pool.pool;
  Json out;
  out["version"] = version_string();
  out["model"] = Json{{"measure", std::string(to_string(p.measure))},
                      {"method", std::string(to_string(p.method))},
                      {"test", std::string(to_string(p.test))},
                      {"level", json_level(p.ci_level)},
                      {"k", a.data.k()}};
  out["regtest"] = regtest_json(a.egger);
  out["regtest_lm"] = regtest_json(a.egger_lm);
  Json rank;
  rank["k"] = a.rank.k;
  rank["tau"] = json_number(a.rank.tau);
  rank["pval"] = json_number(a.rank.pval);
  rank["exact"] = a.rank.exact;
  rank["message"] = a.rank.ok ? Json(nullptr) : Json(a.rank.message);
  out["ranktest"] = std::move(rank);
  out["trimfill"] = Json{{"L0", trimfill_json(a.trimfill_l0)}, {"R0", trimfill_json(a.trimfill_r0)}};
  Json fsn;
  fsn["rosenthal"] = Json{{"fsnum", json_number(a.fsn_rosenthal.fsnum)},
                          {"alpha", json_number(a.fsn_rosenthal.alpha)},
                          {"pval", json_number(a.fsn_rosenthal.pval)}};
  fsn["orwin"] = Json{{"fsnum", json_number(a.fsn_orwin.fsnum)},
                      {"meanes", json_number(a.fsn_orwin.meanes)},
                      {"target", json_number(a.fsn_orwin.target)}};
  fsn["rosenberg"] = Json{{"fsnum", json_number(a.fsn_rosenberg.fsnum)},
                          {"alpha", json_number(a.fsn_rosenberg.alpha)},
                          {"pval", json_number(a.fsn_rosenberg.pval)},
                          {"meanes", json_number(a.fsn_rosenberg.meanes)}};
  out["fsn"] = std::move(fsn);
  const PetPeeseResult& pp = a.pet_peese;
  out["pet_peese"] = Json{{"pet", regtest_json(pp.pet)},
                          {"peese", regtest_json(pp.peese)},
                          {"alpha", pp.alpha},
                          {"use_peese", pp.use_peese},
                          {"estimate", json_number(pp.estimate)},
                          {"ci_lb", json_number(pp.ci_lb)},
                          {"ci_ub", json_number(pp.ci_ub)}};
  std::vector<std::string> warnings = p.warnings;
  warnings.insert(warnings.end(), a.warnings.begin(), a.warnings.end());
  out["warnings"] = warnings;
  return out;
}

std::string render_bias(const BiasAnalysis& a, OutputFormat format) {
  switch (format) {
    case OutputFormat::Json: return json_text(bias_json(a));
    case OutputFormat::Csv: return render_csv(bias_summary_table(a, true));
    case OutputFormat::Markdown: {
      std::string out = "## " + model_line(a) + "\n\n" + render_markdown(bias_summary_table(a, false));
      for (const TrimFillResult* r : {&a.trimfill_l0, &a.trimfill_r0}) {
        if (r->ok && !r->filled_yi.empty()) {
          out += fmt::format("\nTrim and fill ({}): filled studies (yi, vi):", to_string(r->estimator));
          for (std::size_t i = 0; i < r->filled_yi.size(); ++i) {
            out += fmt::format(" ({}, {})", format_fixed(r->filled_yi[i]), format_fixed(r->filled_vi[i]));
          }
          out += "\n";
        }
      }
      return out;
    }
    case OutputFormat::Latex: return "% " + model_line(a) + "\n" + render_latex(bias_summary_table(a, false));
    case OutputFormat::Text: break;
  }
  std::string out = model_line(a) + "\n\n";
  out += regtest_text(a.egger, fmt::format("Regression Test for Funnel Plot Asymmetry ({} meta-regression model, "
                                           "method {}; predictor: standard error)",
                                           is_random_effects(a.egger.method) ? "mixed-effects" : "fixed-effects",
                                           to_string(a.egger.method))
                                   .c_str());
  out += "\n" + regtest_text(a.egger_lm, "Classical Egger test (weighted regression with multiplicative dispersion; "
                                         "predictor: standard error)");
  out += "\nRank Correlation Test for Funnel Plot Asymmetry\n";
  out += a.rank.ok ? fmt::format("  Kendall's tau = {}, {}{}\n", format_fixed(a.rank.tau), p_text(a.rank.pval),
                                 a.rank.exact ? " (exact)" : " (normal approximation)")
                   : "  " + a.rank.message + "\n";
  out += "\n" + trimfill_text(a.trimfill_l0) + "\n" + trimfill_text(a.trimfill_r0);
  out += "\nFail-safe N Calculation\n";
  out += fmt::format("  Rosenthal Approach: {} (observed significance level {}, target {})\n",
                     format_exact(a.fsn_rosenthal.fsnum), format_pvalue(a.fsn_rosenthal.pval),
                     format_exact(a.fsn_rosenthal.alpha));
  out += fmt::format("  Orwin Approach:     {} (average effect {}, target {})\n", format_exact(a.fsn_orwin.fsnum),
                     format_fixed(a.fsn_orwin.meanes), format_fixed(a.fsn_orwin.target));
  out += fmt::format("  Rosenberg Approach: {} (average effect {}, observed significance level {}, target {})\n",
                     format_exact(a.fsn_rosenberg.fsnum), format_fixed(a.fsn_rosenberg.meanes),
                     format_pvalue(a.fsn_rosenberg.pval), format_exact(a.fsn_rosenberg.alpha));
  const PetPeeseResult& pp = a.pet_peese;
  out += "\nPET-PEESE (Stanley & Doucouliagos 2014)\n";
  if (pp.pet.ok) {
    out += fmt::format("  PET   (yi ~ sei): intercept = {} (CI: {}, {}), {}\n", format_fixed(pp.pet.est),
                       format_fixed(pp.pet.ci_lb), format_fixed(pp.pet.ci_ub), p_text(pp.pet.est_pval));
    if (pp.peese.ok) {
      out += fmt::format("  PEESE (yi ~ vi):  intercept = {} (CI: {}, {}), {}\n", format_fixed(pp.peese.est),
                         format_fixed(pp.peese.ci_lb), format_fixed(pp.peese.ci_ub), p_text(pp.peese.est_pval));
    }
    out += fmt::format("  Conditional estimate: {} (CI: {}, {}) from {} (PET intercept {} at two-sided alpha = {})\n",
                       format_fixed(pp.estimate), format_fixed(pp.ci_lb), format_fixed(pp.ci_ub),
                       pp.use_peese ? "PEESE" : "PET", pp.use_peese ? "significant" : "not significant",
                       format_exact(pp.alpha));
  } else {
    out += "  " + pp.pet.message + "\n";
  }
  for (const auto& w : a.pool.pool.warnings) out += "\nWarning: " + w + "\n";
  for (const auto& w : a.warnings) out += "\nWarning: " + w + "\n";
  return out;
}

}  // namespace metapool
