#include "analysis/pipeline.hpp"

#include <array>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "io/study_reader.hpp"
#include "models/pool.hpp"

namespace metapool {

namespace {

// A convention given explicitly for an analysis it cannot apply to.
std::optional<Diagnostic> validate_conventions(const AnalysisOptions& o, Measure measure) {
  if (o.mh_cc && o.method != Method::MH) {
    return make_error(fmt::format("--mh-cc {} corrects the counts of the Mantel-Haenszel estimate; it needs --method MH "
                                  "(got {})",
                                  to_string(*o.mh_cc), to_string(o.method)));
  }
  if (o.mh_cc_add) {
    if (!(std::isfinite(*o.mh_cc_add) && *o.mh_cc_add >= 0)) {
      return make_error(fmt::format("--mh-cc-add {} is invalid; expected a finite number >= 0", *o.mh_cc_add));
    }
    if (!o.mh_cc || *o.mh_cc == CcTo::None) {
      return make_error("--mh-cc-add needs --mh-cc only0, all or if0all (the MH estimate is uncorrected by default)");
    }
  }
  if (o.pft_scale && measure != Measure::PFT) {
    return make_error(fmt::format("--pft-scale applies to --measure PFT (got {})", to_string(measure)));
  }
  if (o.pft_scale == PftScale::Full && o.subgroup) {
    return make_error("--pft-scale full cannot be combined with --subgroup (subgroup back-transformations assume "
                      "metafor's halved PFT)");
  }
  if (o.smd_vtype && measure != Measure::SMD) {
    return make_error(fmt::format("--smd-vtype applies to --measure SMD (got {})", to_string(measure)));
  }
  if (!o.mods.empty() && (o.i2 == I2Definition::Higgins || o.pi_df)) {
    return make_error(fmt::format("--{} cannot be combined with --mods (a meta-regression reports metafor's residual "
                                  "I^2 and no prediction interval)",
                                  o.pi_df ? "pi-df" : "i2 higgins"));
  }
  if (o.subgroup && o.subgroup_tau2 == SubgroupTau2::Common && (o.i2 == I2Definition::Higgins || o.pi_df)) {
    return make_error(fmt::format("--{} cannot be combined with --subgroup-tau2 common (its subgroup models use "
                                  "metafor's I^2 and prediction interval)",
                                  o.pi_df ? "pi-df" : "i2 higgins"));
  }
  return std::nullopt;
}

ConventionsUsed effect_conventions(const EffectSizes& es, DataShape shape) {
  ConventionsUsed used;
  if (shape == DataShape::TwoArmBinary || shape == DataShape::Proportion) {
    used.cc = es.cc;
    used.cc_to = es.cc_to;
  }
  if (es.measure == Measure::PFT) used.pft_scale = es.pft_scale;
  if (es.measure == Measure::SMD) used.smd_vtype = es.smd_vtype;
  return used;
}

}  // namespace

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
  return validate_conventions(options, measure);
}

PoolOptions pool_options_from(const AnalysisOptions& options, Measure measure) {
  PoolOptions pool_options;
  pool_options.measure = measure;
  pool_options.method = options.method;
  pool_options.test = options.test;
  pool_options.ci_level = options.ci_level;
  pool_options.fallback = options.fallback;
  pool_options.cc = options.cc.value_or(default_cc(measure));
  pool_options.cc_to = options.cc_to;
  pool_options.i2 = options.i2.value_or(I2Definition::Metafor);
  pool_options.pi_df = options.pi_df.value_or(PiDf::Auto);
  if (options.mh_cc) pool_options.mh_cc.to = *options.mh_cc;
  if (options.mh_cc_add) pool_options.mh_cc.add = *options.mh_cc_add;
  pool_options.quantiles = options.quantiles;
  return pool_options;
}

namespace {

// analyse_effects into `out` (default-constructed): the studies and their
// effect sizes are made where the caller keeps them, not moved there.
// The effect sizes of out.data, read already (read_studies_into or
// fill_two_arm_binary).
std::optional<Diagnostic> effects_of_studies(const AnalysisOptions& options, EffectsAnalysis& out) {
  const StudyData& data = out.data;
  EffectOptions effect_options;
  effect_options.measure = options.measure.value_or(default_measure(data.shape));
  effect_options.cc = options.cc;
  effect_options.cc_to = options.cc_to;
  effect_options.ci_level = options.ci_level;
  effect_options.pft_scale = options.pft_scale.value_or(PftScale::Half);
  effect_options.smd_vtype = options.smd_vtype.value_or(SmdVtype::LS);
  effect_options.quantiles = options.quantiles;
  if (auto problem = validate(options, effect_options.measure)) return problem;
  if (auto problem = compute_effects_into(data, effect_options, out.effects)) return problem;
  out.conventions = effect_conventions(out.effects, data.shape);
  return std::nullopt;
}

std::optional<Diagnostic> effects_into(CsvTable table, const AnalysisOptions& options, EffectsAnalysis& out) {
  if (auto problem = read_studies_into(std::move(table), options.measure, out.data)) return problem;
  return effects_of_studies(options, out);
}

// The pooled analysis of analysis.input.data, read already.
std::optional<Diagnostic> pool_of_studies(const AnalysisOptions& options, PoolAnalysis& analysis) {
  if (auto problem = effects_of_studies(options, analysis.input)) return problem;
  const StudyData& data = analysis.input.data;
  const EffectSizes& es = analysis.input.effects;

  const PoolOptions pool_options = pool_options_from(options, es.measure);

  std::vector<std::string> dropped;
  const bool counts_model = options.method == Method::MH || options.method == Method::PETO;
  analysis.used.reserve(es.k());
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
    EffectSizes& own = analysis.input.effects;
    // With every study in the model (the common case) the model's data are
    // the effect sizes themselves: lent to the fit and given back, not
    // copied (two vectors per analysis of a batch).
    const bool all_used = analysis.used.size() == es.k();
    if (all_used) {
      effect_data.yi.swap(own.yi);
      effect_data.vi.swap(own.vi);
    } else {
      effect_data.yi.reserve(analysis.used.size());
      effect_data.vi.reserve(analysis.used.size());
      for (std::size_t i : analysis.used) {
        effect_data.yi.push_back(es.yi[i]);
        effect_data.vi.push_back(es.vi[i]);
      }
    }
    analysis.pool = fit_uni(effect_data, pool_options);
    if (all_used) {
      own.yi.swap(effect_data.yi);
      own.vi.swap(effect_data.vi);
    }
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
    const auto bt = [&](double v) { return back_transform(scale_measure, v, hm_n, es.pft_scale); };
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

  ConventionsUsed& used = analysis.conventions;
  used = analysis.input.conventions;
  used.i2 = pool_options.i2;
  if (!analysis.metareg) used.pi_df = analysis.pool.pi_df;
  if (options.method == Method::MH) {
    used.mh_cc = pool_options.mh_cc.to;
    if (pool_options.mh_cc.to != CcTo::None) used.mh_cc_add = pool_options.mh_cc.add;
  }
  return std::nullopt;
}

std::optional<Diagnostic> pool_into(CsvTable table, const AnalysisOptions& options, PoolAnalysis& analysis) {
  if (auto problem = read_studies_into(std::move(table), options.measure, analysis.input.data)) return problem;
  return pool_of_studies(options, analysis);
}

}  // namespace

Expected<EffectsAnalysis> analyse_effects(CsvTable table, const AnalysisOptions& options) {
  Expected<EffectsAnalysis> out(std::in_place);  // returned as it is: no move of the analysis
  if (auto problem = effects_into(std::move(table), options, *out)) out = std::move(*problem);
  return out;
}

Expected<PoolAnalysis> analyse_pool(CsvTable table, const AnalysisOptions& options) {
  Expected<PoolAnalysis> out(std::in_place);  // returned as it is: no move of the analysis
  if (auto problem = pool_into(std::move(table), options, *out)) out = std::move(*problem);
  return out;
}

namespace {

// The vectors (and strings) that every analysis fills per study, held
// aside while an analysis is replaced by a fresh one.
struct PerStudyStorage {
  std::string source;
  std::vector<std::string> study;
  std::vector<int> line;
  std::vector<std::string> header;
  std::string raw_source;
  std::array<std::vector<double>, kRoleCount> values;
  std::vector<double> yi, vi, sei, ci_lb, ci_ub;
  std::vector<std::uint8_t> cc_applied;
  std::vector<std::string> note;
  std::vector<std::size_t> used;
};

// f(member of `analysis`, the same member of `storage`) for each of them:
// the one list of what is kept.
template <class F>
void for_each_kept(PoolAnalysis& analysis, PerStudyStorage& storage, F f) {
  StudyData& data = analysis.input.data;
  f(data.source, storage.source);
  f(data.study, storage.study);
  f(data.line, storage.line);
  f(data.raw.header, storage.header);
  f(data.raw.source, storage.raw_source);
  for (std::size_t r = 0; r < data.values.size(); ++r) f(data.values[r], storage.values[r]);
  EffectSizes& es = analysis.input.effects;
  f(es.yi, storage.yi);
  f(es.vi, storage.vi);
  f(es.sei, storage.sei);
  f(es.ci_lb, storage.ci_lb);
  f(es.ci_ub, storage.ci_ub);
  f(es.cc_applied, storage.cc_applied);
  f(es.note, storage.note);
  f(analysis.used, storage.used);
}

// `result` as a default-constructed PoolAnalysis, except that the per-study
// vectors keep their capacity (emptied): everything else is made afresh, so
// nothing of the previous analysis can leak into the next one.
void reset_keeping_storage(Expected<PoolAnalysis>& result) {
  PerStudyStorage storage;
  for_each_kept(*result, storage, [](auto& member, auto& kept) {
    member.swap(kept);
    kept.clear();
  });
  result.emplace();
  for_each_kept(*result, storage, [](auto& member, auto& kept) { member.swap(kept); });
}

}  // namespace

void analyse_pool_reusing(CsvTable table, const AnalysisOptions& options, Expected<PoolAnalysis>& result) {
  if (result) {
    reset_keeping_storage(result);
  } else {
    result.emplace();
  }
  if (auto problem = pool_into(std::move(table), options, *result)) result = std::move(*problem);
}

void analyse_pool_reusing(const StudyData& layout, const std::vector<TwoArmRow>& rows, std::string_view label_text,
                          const std::vector<int>& lines, const AnalysisOptions& options,
                          Expected<PoolAnalysis>& result) {
  if (result) {
    reset_keeping_storage(result);
  } else {
    result.emplace();
  }
  fill_two_arm_binary(layout, rows, label_text, lines, result->input.data);
  if (auto problem = pool_of_studies(options, *result)) result = std::move(*problem);
}

}  // namespace metapool
