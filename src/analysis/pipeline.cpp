#include "analysis/pipeline.hpp"

#include <cmath>

#include <fmt/format.h>

#include "io/study_reader.hpp"
#include "models/pool.hpp"

namespace metapool {

std::optional<Diagnostic> validate(const AnalysisOptions& options, Measure measure) {
  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    return make_error(fmt::format("--level {} is outside (0, 100); expected a confidence level "
                                  "such as 95",
                                  options.ci_level * 100));
  }
  if (options.cc && !(*options.cc >= 0 && std::isfinite(*options.cc))) {
    return make_error(fmt::format("--cc {} is invalid; expected a continuity correction >= 0",
                                  *options.cc));
  }
  if (options.method == Method::MH && measure != Measure::OR && measure != Measure::RR &&
      measure != Measure::RD) {
    return make_error(fmt::format("--method MH needs --measure OR, RR or RD (got {})",
                                  to_string(measure)));
  }
  if (options.method == Method::PETO && measure != Measure::OR && measure != Measure::PETO) {
    return make_error(fmt::format("--method PETO pools Peto's log odds ratio; it needs --measure "
                                  "PETO or OR (got {})",
                                  to_string(measure)));
  }
  if (!options.mods.empty() && (options.method == Method::MH || options.method == Method::PETO)) {
    return make_error(fmt::format("--mods fits a meta-regression by inverse-variance weighting; it needs --method "
                                  "EE or a tau^2 estimator (got {})",
                                  to_string(options.method)));
  }
  if (!options.mods.empty() && options.subgroup) {
    return make_error("--mods and --subgroup cannot be combined; for a subgroup moderator use --mods COL");
  }
  if (options.permutation && options.mods.empty()) {
    return make_error("--permutations needs a meta-regression (--mods)");
  }
  for (Method fallback : options.fallback) {
    if (!is_random_effects(fallback) && fallback != Method::EE) {
      return make_error(fmt::format("--method fallback {} is not an inverse-variance method",
                                    to_string(fallback)));
    }
  }
  return std::nullopt;
}

Expected<EffectsAnalysis> analyse_effects(CsvTable table, const AnalysisOptions& options) {
  auto data = read_studies(std::move(table), options.measure);
  if (!data) return data.error();
  EffectOptions effect_options;
  effect_options.measure = options.measure.value_or(default_measure(data->shape));
  effect_options.cc = options.cc;
  effect_options.cc_to = options.cc_to;
  effect_options.ci_level = options.ci_level;
  if (auto problem = validate(options, effect_options.measure)) return *problem;
  auto effects = compute_effects(*data, effect_options);
  if (!effects) return effects.error();
  return EffectsAnalysis{std::move(data).value(), std::move(effects).value()};
}

Expected<PoolAnalysis> analyse_pool(CsvTable table, const AnalysisOptions& options) {
  auto effects = analyse_effects(std::move(table), options);
  if (!effects) return effects.error();
  PoolAnalysis analysis;
  analysis.input = std::move(effects).value();
  const StudyData& data = analysis.input.data;
  const EffectSizes& es = analysis.input.effects;

  PoolOptions pool_options;
  pool_options.measure = es.measure;
  pool_options.method = options.method;
  pool_options.test = options.test;
  pool_options.ci_level = options.ci_level;
  pool_options.fallback = options.fallback;
  pool_options.cc = options.cc.value_or(default_cc(es.measure));
  pool_options.cc_to = options.cc_to;

  std::vector<std::string> dropped;
  const bool counts_model = options.method == Method::MH || options.method == Method::PETO;
  for (std::size_t i = 0; i < es.k(); ++i) {
    if (counts_model || es.computed(i)) {
      analysis.used.push_back(i);
    } else {
      dropped.push_back(fmt::format("{} ({})", data.study[i], es.note[i]));
    }
  }
  if (analysis.used.empty()) {
    return make_error(fmt::format("no study has a computable effect size for measure {}",
                                  to_string(es.measure)));
  }

  if (counts_model) {
    BinaryCounts counts;
    for (std::size_t i : analysis.used) {
      counts.ai.push_back(data[Role::EventsT][i]);
      counts.n1i.push_back(data[Role::NT][i]);
      counts.ci.push_back(data[Role::EventsC][i]);
      counts.n2i.push_back(data[Role::NC][i]);
    }
    analysis.pool = options.method == Method::MH ? fit_mh(counts, pool_options)
                                                 : fit_peto(counts, pool_options);
  } else {
    EffectData effect_data;
    for (std::size_t i : analysis.used) {
      effect_data.yi.push_back(es.yi[i]);
      effect_data.vi.push_back(es.vi[i]);
    }
    analysis.pool = fit_uni(effect_data, pool_options);
  }
  for (const auto& entry : dropped) {
    analysis.pool.warnings.insert(analysis.pool.warnings.begin(),
                                  fmt::format("study left out of the model: {}", entry));
  }

  const Measure scale_measure = options.method == Method::PETO ? Measure::PETO : es.measure;
  if (auto scale = natural_scale(scale_measure)) {
    double hm_n = std::nan("");
    if (scale_measure == Measure::PFT) {
      std::vector<double> n;
      for (std::size_t i : analysis.used) n.push_back(data[Role::N][i]);
      hm_n = harmonic_mean(n);
    }
    const PoolResult& p = analysis.pool;
    const double pi_lb = p.pi ? p.pi->lb : p.ci_lb;
    const double pi_ub = p.pi ? p.pi->ub : p.ci_ub;
    const auto bt = [&](double v) { return back_transform(scale_measure, v, hm_n); };
    analysis.transformed =
        Transformed{*scale, bt(p.estimate), bt(p.ci_lb), bt(p.ci_ub), bt(pi_lb), bt(pi_ub)};
  }
  if (options.subgroup) {
    auto subgroups = analyse_subgroups(data, es, analysis.used, *options.subgroup, pool_options,
                                       options.subgroup_tau2);
    if (!subgroups) return subgroups.error();
    analysis.subgroups = std::move(subgroups).value();
  }
  if (!options.mods.empty()) {
    MetaregOptions metareg_options;
    metareg_options.method = options.method;
    metareg_options.test = options.test;
    metareg_options.ci_level = options.ci_level;
    metareg_options.tol = pool_options.tol;
    auto metareg = analyse_metareg(data, es, analysis.used, options.mods, metareg_options, options.permutation);
    if (!metareg) return metareg.error();
    analysis.metareg = std::move(metareg).value();
  }
  return analysis;
}

}  // namespace metapool
