#include "analysis/bias.hpp"

#include <cmath>

#include <fmt/format.h>

namespace metapool {

Expected<BiasAnalysis> analyse_bias(CsvTable table, const AnalysisOptions& options, const BiasOptions& bias) {
  if (!options.mods.empty() || options.subgroup) {
    return make_error("bias: the tests need a model without moderators (drop --mods / --subgroup)");
  }
  if (!(bias.fsn_alpha > 0 && bias.fsn_alpha < 1)) {
    return make_error(fmt::format("--fsn-alpha {} is outside (0, 1)", bias.fsn_alpha));
  }
  if (!(bias.pet_alpha > 0 && bias.pet_alpha < 1)) {
    return make_error(fmt::format("--pet-alpha {} is outside (0, 1)", bias.pet_alpha));
  }
  if (bias.fsn_target && !std::isfinite(*bias.fsn_target)) {
    return make_error("--fsn-target must be a finite number");
  }
  auto pooled = analyse_pool(std::move(table), options);
  if (!pooled) return pooled.error();
  BiasAnalysis out;
  out.pool = std::move(pooled).value();
  const PoolAnalysis& pa = out.pool;
  const bool counts_model = options.method == Method::MH || options.method == Method::PETO;
  // The yi/vi the tests use: the studies of the model (for MH/Peto the
  // per-study escalc values of the model, without those it cannot compute).
  for (std::size_t j = 0; j < pa.used.size() && j < pa.pool.studies.size(); ++j) {
    const StudyFit& s = pa.pool.studies[j];
    if (!std::isfinite(s.yi) || !std::isfinite(s.vi) || !(s.vi > 0)) continue;
    out.studies.push_back(pa.input.data.study[pa.used[j]]);
    out.data.yi.push_back(s.yi);
    out.data.vi.push_back(s.vi);
  }
  // metafor's regtest on rma.mh / rma.peto objects: an equal-effects meta-regression.
  out.regtest_method = counts_model ? Method::EE : pa.pool.method;
  const TestType test = counts_model ? TestType::Z : pa.pool.test;
  const double level = options.ci_level;

  out.egger = regtest(out.data, RegtestModel::Rma, RegtestPredictor::Sei, out.regtest_method, test, level);
  out.egger_lm = regtest(out.data, RegtestModel::Lm, RegtestPredictor::Sei, Method::EE, TestType::T, level);
  out.rank = ranktest(out.data);

  PoolOptions po = pool_options_from(options, pa.input.effects.measure);
  po.method = pa.pool.method;  // after a fallback, the method that was used
  po.test = pa.pool.test;
  TrimFillOptions tf;
  tf.side = bias.side;
  tf.estimator = TrimFillEstimator::L0;
  out.trimfill_l0 = trim_fill(out.data, po, tf);
  tf.estimator = TrimFillEstimator::R0;
  out.trimfill_r0 = trim_fill(out.data, po, tf);

  if (out.data.k() >= 1) {
    out.fsn_rosenthal = fsn_rosenthal(out.data, bias.fsn_alpha);
    out.fsn_orwin = fsn_orwin(out.data, bias.fsn_target);
    out.fsn_rosenberg = fsn_rosenberg(out.data, bias.fsn_alpha);
  }
  out.pet_peese = pet_peese(out.data, level, bias.pet_alpha);

  for (const RegtestResult* r : {&out.egger, &out.egger_lm}) {
    if (!r->ok) out.warnings.push_back(r->message);
  }
  if (!out.rank.ok) out.warnings.push_back(out.rank.message);
  if (!out.trimfill_l0.ok) out.warnings.push_back(out.trimfill_l0.message);
  for (const auto& w : out.trimfill_l0.warnings) out.warnings.push_back("trim and fill (L0): " + w);
  for (const auto& w : out.trimfill_r0.warnings) out.warnings.push_back("trim and fill (R0): " + w);
  if (!out.pet_peese.pet.ok) out.warnings.push_back("PET-PEESE: " + out.pet_peese.pet.message);
  return out;
}

}  // namespace metapool
