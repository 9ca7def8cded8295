// Regression tests for funnel plot asymmetry (Egger et al. 1997; Sterne &
// Egger 2005) and the PET-PEESE limit estimates (Stanley & Doucouliagos
// 2014), as metafor 3.8-1 `regtest`:
//  - model Rma (metafor's default): the meta-regression yi = b0 + b1 x_i + u_i
//    + e_i fitted with the model's method and test (rma(yi, vi, mods = ~ x));
//  - model Lm: the weighted regression lm(yi ~ x, weights = 1/vi) with a
//    multiplicative dispersion term (the classical Egger test), t with k - 2 df.
// The test is the one of b1 (z, or t with k - 2 df); the limit estimate is b0
// (the effect as x -> 0) with its CI. x is sei (Egger, PET) or vi (PEESE).
#pragma once

#include <optional>
#include <string>

#include "core/types.hpp"
#include "models/model_types.hpp"

namespace metapool {

enum class RegtestModel { Rma, Lm };
enum class RegtestPredictor { Sei, Vi };

struct RegtestResult {
  RegtestModel model = RegtestModel::Rma;
  RegtestPredictor predictor = RegtestPredictor::Sei;
  Method method = Method::EE;  // of the Rma model
  TestType test = TestType::Z;
  std::size_t k = 0;
  bool ok = false;
  std::string message;  // why the test could not run (ok = false)

  // test of the predictor's slope (metafor zval/pval/dfs)
  double statistic = kNaN, pval = kNaN;
  std::optional<double> df;
  double slope = kNaN, slope_se = kNaN;
  // limit estimate: the intercept (metafor est, ci.lb, ci.ub), with its test
  double est = kNaN, est_se = kNaN, est_statistic = kNaN, est_pval = kNaN, ci_lb = kNaN, ci_ub = kNaN;
  std::optional<double> tau2;  // residual tau^2 of the Rma model with a random-effects method
};

// Needs k >= 3 (metafor: an error for a random-effects model with k = 2; the
// weighted regression has no residual df). `method` must be EE or a tau^2
// estimator (MH/Peto: the caller passes EE on the per-study yi/vi, as
// metafor's regtest does for rma.mh / rma.peto objects).
RegtestResult regtest(const EffectData& data, RegtestModel model, RegtestPredictor predictor, Method method,
                      TestType test, double ci_level);

// PET-PEESE: PET = regtest(Lm, Sei), PEESE = regtest(Lm, Vi). The
// conditional estimate is PEESE's intercept when PET's intercept differs
// from 0 at two-sided level `alpha` (default 0.05: Stanley & Doucouliagos
// 2014, H0: b0 = 0 rejected), else PET's intercept.
struct PetPeeseResult {
  RegtestResult pet, peese;
  double alpha = 0.05;
  bool use_peese = false;
  double estimate = kNaN, ci_lb = kNaN, ci_ub = kNaN;
};
PetPeeseResult pet_peese(const EffectData& data, double ci_level, double alpha = 0.05);

std::string_view to_string(RegtestModel model);
std::string_view to_string(RegtestPredictor predictor);

}  // namespace metapool
