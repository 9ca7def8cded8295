// Estimators of the between-study variance tau^2 for the intercept-only
// random-effects model, one function per estimator with one signature,
// selected through tau2_estimator(Method) (style.md 3.2). All are O(k): no
// k x k matrices; traces of the projection P = W - w w'/sum(w) are written as
// sums (see weighted_sums.hpp).
//
// Definitions follow metafor 3.8-1 `rma.uni` (Viechtbauer 2005, 2010):
// negative closed-form estimates are truncated at 0, ML/REML/EB use Fisher
// scoring with step halving from the HE estimate (finished by secant steps
// once it contracts, to the same root: estimating_equation.hpp), PM/PMM solve the
// generalized Q equation on [0, inf). se_tau2 is metafor's `se.tau2`.
#pragma once

#include <optional>
#include <string>

#include "core/types.hpp"
#include "models/model_types.hpp"

namespace metapool {

struct Tau2Options {
  // Convergence: Fisher scoring stops when |change| <= tol * max(1, tau2);
  // roots are solved to tol relative.
  double tol = 1e-12;
  int max_iter = 1000;
  // Starting value for ML/REML/EB (default: HE estimate truncated at 0) and
  // the a-priori value of SJ (default: the mean squared deviation of yi).
  std::optional<double> tau2_init;
};

struct Tau2Estimate {
  double tau2 = kNaN;
  std::optional<double> se_tau2;  // nullopt where metafor reports NA
  bool converged = true;
  int iterations = 0;
  std::string message;  // why it did not converge; "" otherwise
};

using Tau2Function = Tau2Estimate (*)(const EffectData&, const Tau2Options&);

// Each needs k >= 2 and vi > 0 (checked by fit_uni before calling).
Tau2Estimate tau2_dl(const EffectData& data, const Tau2Options& options);    // DerSimonian-Laird
Tau2Estimate tau2_he(const EffectData& data, const Tau2Options& options);    // Hedges (unweighted moments)
Tau2Estimate tau2_hs(const EffectData& data, const Tau2Options& options);    // Hunter-Schmidt
Tau2Estimate tau2_hsk(const EffectData& data, const Tau2Options& options);   // Hunter-Schmidt, k-corrected
Tau2Estimate tau2_sj(const EffectData& data, const Tau2Options& options);    // Sidik-Jonkman
Tau2Estimate tau2_ml(const EffectData& data, const Tau2Options& options);    // maximum likelihood
Tau2Estimate tau2_reml(const EffectData& data, const Tau2Options& options);  // restricted ML
Tau2Estimate tau2_eb(const EffectData& data, const Tau2Options& options);    // empirical Bayes (Morris)
Tau2Estimate tau2_pm(const EffectData& data, const Tau2Options& options);    // Paule-Mandel
Tau2Estimate tau2_pmm(const EffectData& data, const Tau2Options& options);   // median-unbiased PM
Tau2Estimate tau2_genq(const EffectData& data, const Tau2Options& options);  // generalized Q, weights 1/vi

// The estimator of a random-effects method; nullptr for EE/MH/PETO.
Tau2Function tau2_estimator(Method method);

// The generalized Q statistic sum (yi - mu(tau2))^2 / (vi + tau2), with
// mu(tau2) the inverse-variance weighted mean: decreasing in tau2. Used by
// PM/PMM and by the Q-profile CI.
double generalized_q(const EffectData& data, double tau2);

}  // namespace metapool
