#include "analysis/subgroups.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/moderators.hpp"
#include "io/number.hpp"
#include "models/pool.hpp"
#include "stats/distributions.hpp"

namespace metapool {
namespace {

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// An intercept-only model with tau^2 held fixed, in the shape of a pooled
// result (rma(yi, vi, tau2 = value) with predict for the PI).
PoolResult pool_with_fixed_tau2(const EffectData& d, const PoolOptions& o, double tau2) {
  PoolResult r;
  r.measure = o.measure;
  r.method = o.method;
  r.requested = o.method;
  r.test = d.k() == 1 ? TestType::Z : o.test;
  r.ci_level = o.ci_level;
  r.k = d.k();
  MetaregOptions mo;
  mo.method = o.method;
  mo.test = r.test;
  mo.ci_level = o.ci_level;
  mo.tol = o.tol;
  mo.tau2_fixed = tau2;
  mo.compute_r2 = false;
  mo.compute_tau2_ci = false;
  auto fit = fit_metareg(d, intercept_only(d.k()), mo);
  if (!fit || !fit->converged) {
    r.converged = false;
    r.warnings.push_back(fit ? "the subgroup model with common tau^2 could not be fitted" : fit.error().message);
    return r;
  }
  const Coefficient& c = fit->coefficients.front();
  r.estimate = c.estimate;
  r.se = c.se;
  r.statistic = c.statistic;
  r.pval = c.pval;
  r.ci_lb = c.ci_lb;
  r.ci_ub = c.ci_ub;
  r.df = fit->df;
  r.tau2 = tau2;
  r.tau = std::sqrt(tau2);
  r.I2 = fit->I2;
  r.H2 = fit->H2;
  r.Q = fit->QE;
  r.Q_df = fit->QE_df;
  r.Q_pval = fit->QE_pval;
  const double upper = 1.0 - (1.0 - o.ci_level) / 2.0;
  const double crit = r.df ? stats::qt(upper, *r.df) : stats::qnorm(upper);
  const double half = crit * std::sqrt(r.se * r.se + tau2);
  r.pi = Interval{r.estimate - half, r.estimate + half};
  const double z = stats::qnorm(upper);
  r.studies.resize(d.k());
  for (std::size_t i = 0; i < d.k(); ++i) {
    StudyFit& s = r.studies[i];
    s.yi = d.yi[i];
    s.vi = d.vi[i];
    s.ci_lb = d.yi[i] - z * std::sqrt(d.vi[i]);
    s.ci_ub = d.yi[i] + z * std::sqrt(d.vi[i]);
    s.weight = fit->weights[i];
  }
  r.warnings = fit->warnings;
  return r;
}

}  // namespace

std::optional<SubgroupTau2> parse_subgroup_tau2(std::string_view text) {
  if (text == "separate") return SubgroupTau2::Separate;
  if (text == "common") return SubgroupTau2::Common;
  return std::nullopt;
}

std::string_view to_string(SubgroupTau2 mode) { return mode == SubgroupTau2::Common ? "common" : "separate"; }

std::optional<Transformed> transform_result(const PoolResult& p, const StudyData& data,
                                            const std::vector<std::size_t>& studies, Measure scale_measure) {
  const auto scale = natural_scale(scale_measure);
  if (!scale) return std::nullopt;
  double hm_n = std::nan("");
  if (scale_measure == Measure::PFT) {
    std::vector<double> n;
    for (std::size_t i : studies) n.push_back(data[Role::N][i]);
    hm_n = harmonic_mean(n);
  }
  const double pi_lb = p.pi ? p.pi->lb : p.ci_lb;
  const double pi_ub = p.pi ? p.pi->ub : p.ci_ub;
  const auto bt = [&](double v) { return back_transform(scale_measure, v, hm_n); };
  return Transformed{*scale, bt(p.estimate), bt(p.ci_lb), bt(p.ci_ub), bt(pi_lb), bt(pi_ub)};
}

Expected<SubgroupAnalysis> analyse_subgroups(const StudyData& data, const EffectSizes& effects,
                                             const std::vector<std::size_t>& used, const std::string& column,
                                             const PoolOptions& options, SubgroupTau2 mode) {
  const CsvTable& raw = data.raw;
  const auto col = raw.find_column(column);
  if (!col) {
    Diagnostic d;
    d.file = data.source;
    d.line = raw.header_line;
    d.message = fmt::format("--subgroup: no column \"{}\" in the file; its columns are: {}", column, column_list(raw));
    return d;
  }
  const bool counts_model = options.method == Method::MH || options.method == Method::PETO;
  if (mode == SubgroupTau2::Common && !is_random_effects(options.method)) {
    return make_error(fmt::format("--subgroup-tau2 common needs a random-effects method (got --method {})",
                                  to_string(options.method)));
  }
  SubgroupAnalysis out;
  out.column = raw.header[*col];
  out.tau2_mode = mode;

  // ---- groups in order of first appearance ----
  std::vector<std::string> dropped;
  std::vector<std::size_t> in_model;  // studies with a subgroup value
  for (std::size_t study : used) {
    const std::string_view value = raw.cell(study, *col);
    if (is_missing_text(value)) {
      dropped.push_back(fmt::format("{} (line {})", data.study[study], data.line[study]));
      continue;
    }
    in_model.push_back(study);
    auto it = std::find_if(out.groups.begin(), out.groups.end(), [&](const SubgroupFit& g) { return g.name == value; });
    if (it == out.groups.end()) {
      out.groups.push_back(SubgroupFit{std::string(value), {}, {}, std::nullopt});
      it = out.groups.end() - 1;
    }
    it->studies.push_back(study);
  }
  if (!dropped.empty()) {
    out.warnings.push_back(fmt::format("{} {} left out of the subgroup analysis for a missing {} value: {}",
                                       dropped.size(), dropped.size() == 1 ? "study" : "studies", out.column,
                                       join(dropped, "; ")));
  }
  if (out.groups.empty()) {
    return make_error(fmt::format("--subgroup {}: no study has a value in this column", out.column));
  }

  // ---- mixed-effects model ~ factor(COL) ----
  if (!counts_model && out.groups.size() >= 2) {
    auto design = build_design(data, in_model, {out.column});
    MetaregOptions mo;
    mo.method = options.method;
    mo.test = options.test;
    mo.ci_level = options.ci_level;
    mo.tol = options.tol;
    mo.compute_r2 = true;
    mo.compute_tau2_ci = false;
    if (design) {
      // factor(COL): the column is categorical even when its values are numbers
      Moderator& m = design->moderators.front();
      if (!m.categorical) {
        std::vector<std::string> levels;
        for (std::size_t s : design->studies) levels.emplace_back(raw.cell(s, *col));
        std::sort(levels.begin(), levels.end());
        levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
        design->x = intercept_only(design->studies.size());
        for (std::size_t l = 1; l < levels.size(); ++l) {
          std::vector<double> dummy;
          for (std::size_t s : design->studies) dummy.push_back(raw.cell(s, *col) == levels[l] ? 1.0 : 0.0);
          design->x.names.push_back(out.column + levels[l]);
          design->x.columns.push_back(std::move(dummy));
        }
      }
      EffectData d;
      for (std::size_t s : design->studies) {
        d.yi.push_back(effects.yi[s]);
        d.vi.push_back(effects.vi[s]);
      }
      auto fit = fit_metareg(d, design->x, mo);
      if (fit && fit->converged) {
        out.mixed = std::move(fit).value();
      } else {
        out.warnings.push_back(fmt::format("the mixed-effects model ~ factor({}) could not be fitted: {}", out.column,
                                           fit ? join(fit->warnings, "; ") : fit.error().message));
      }
    } else {
      out.warnings.push_back(design.error().message);
    }
    if (mode == SubgroupTau2::Common && (!out.mixed || !out.mixed->tau2)) {
      return make_error(fmt::format("--subgroup-tau2 common: the model ~ factor({}) could not be fitted, so there "
                                    "is no common tau^2",
                                    out.column));
    }
  } else if (mode == SubgroupTau2::Common) {
    return make_error("--subgroup-tau2 common needs at least two subgroups");
  }

  // ---- one model per subgroup ----
  const Measure scale_measure = options.method == Method::PETO ? Measure::PETO : effects.measure;
  for (SubgroupFit& g : out.groups) {
    if (counts_model) {
      BinaryCounts counts;
      for (std::size_t s : g.studies) {
        counts.ai.push_back(data[Role::EventsT][s]);
        counts.n1i.push_back(data[Role::NT][s]);
        counts.ci.push_back(data[Role::EventsC][s]);
        counts.n2i.push_back(data[Role::NC][s]);
      }
      g.pool = options.method == Method::MH ? fit_mh(counts, options) : fit_peto(counts, options);
    } else {
      EffectData d;
      for (std::size_t s : g.studies) {
        d.yi.push_back(effects.yi[s]);
        d.vi.push_back(effects.vi[s]);
      }
      g.pool = mode == SubgroupTau2::Common ? pool_with_fixed_tau2(d, options, *out.mixed->tau2) : fit_uni(d, options);
    }
    g.transformed = transform_result(g.pool, data, g.studies, scale_measure);
  }

  // ---- between-subgroups Q on the subgroup estimates ----
  if (out.groups.size() >= 2) {
    double sw = 0, swy = 0;
    for (const SubgroupFit& g : out.groups) {
      const double w = 1.0 / (g.pool.se * g.pool.se);
      sw += w;
      swy += w * g.pool.estimate;
    }
    const double mean = swy / sw;
    double q = 0;
    for (const SubgroupFit& g : out.groups) q += (g.pool.estimate - mean) * (g.pool.estimate - mean) / (g.pool.se * g.pool.se);
    out.test.Q = q;
    out.test.df = static_cast<int>(out.groups.size()) - 1;
    out.test.pval = stats::pchisq_upper(q, out.test.df);
  } else {
    out.warnings.push_back(fmt::format("--subgroup {}: every study is in one subgroup (\"{}\"); there is no test for "
                                       "subgroup differences",
                                       out.column, out.groups.front().name));
  }
  return out;
}

}  // namespace metapool
