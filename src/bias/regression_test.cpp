#include "bias/regression_test.hpp"

#include <cmath>

#include <fmt/format.h>

#include "models/metareg.hpp"
#include "stats/distributions.hpp"

namespace metapool {

std::string_view to_string(RegtestModel model) { return model == RegtestModel::Rma ? "rma" : "lm"; }
std::string_view to_string(RegtestPredictor predictor) { return predictor == RegtestPredictor::Sei ? "sei" : "vi"; }

RegtestResult regtest(const EffectData& data, RegtestModel model, RegtestPredictor predictor, Method method,
                      TestType test, double ci_level) {
  RegtestResult r;
  r.model = model;
  r.predictor = predictor;
  r.k = data.k();
  // lm(): weighted least squares with w = 1/vi and the residual variance
  // estimated = the EE meta-regression with the Knapp-Hartung factor
  // s2w = RSS_W / (k - p) and t(k - p) (no truncation at 1).
  r.method = model == RegtestModel::Lm ? Method::EE : method;
  r.test = model == RegtestModel::Lm ? TestType::T : test;
  if (r.k < 3) {
    r.message = fmt::format("regression test ({}, predictor {}) needs k >= 3 studies (got {})", to_string(model),
                            to_string(predictor), r.k);
    return r;
  }
  DesignMatrix x = intercept_only(r.k);
  std::vector<double> col(r.k);
  for (std::size_t i = 0; i < r.k; ++i) col[i] = predictor == RegtestPredictor::Sei ? std::sqrt(data.vi[i]) : data.vi[i];
  x.names.push_back(std::string(to_string(predictor)));
  x.columns.push_back(std::move(col));
  MetaregOptions o;
  o.method = r.method;
  o.test = model == RegtestModel::Lm ? TestType::KNHA : test;
  o.ci_level = ci_level;
  o.compute_r2 = false;
  o.compute_tau2_ci = false;
  auto fit = fit_metareg(data, x, o);
  if (!fit) {
    r.message = "regression test: " + fit.error().message;
    return r;
  }
  if (!fit->converged) {
    r.message = "regression test: the meta-regression did not converge";
    for (const auto& w : fit->warnings) r.message += "; " + w;
    return r;
  }
  const Coefficient& b0 = fit->coefficients[0];
  const Coefficient& b1 = fit->coefficients[1];
  r.ok = true;
  r.statistic = b1.statistic;
  r.pval = b1.pval;
  r.df = fit->df;
  r.slope = b1.estimate;
  r.slope_se = b1.se;
  r.est = b0.estimate;
  r.est_se = b0.se;
  r.est_statistic = b0.statistic;
  r.est_pval = b0.pval;
  r.ci_lb = b0.ci_lb;
  r.ci_ub = b0.ci_ub;
  if (is_random_effects(r.method)) r.tau2 = fit->tau2;
  return r;
}

PetPeeseResult pet_peese(const EffectData& data, double ci_level, double alpha) {
  PetPeeseResult r;
  r.alpha = alpha;
  r.pet = regtest(data, RegtestModel::Lm, RegtestPredictor::Sei, Method::EE, TestType::T, ci_level);
  r.peese = regtest(data, RegtestModel::Lm, RegtestPredictor::Vi, Method::EE, TestType::T, ci_level);
  if (!r.pet.ok) return r;
  r.use_peese = r.pet.est_pval < alpha && r.peese.ok;
  const RegtestResult& chosen = r.use_peese ? r.peese : r.pet;
  r.estimate = chosen.est;
  r.ci_lb = chosen.ci_lb;
  r.ci_ub = chosen.ci_ub;
  return r;
}

}  // namespace metapool
