// Meta-regression: the mixed-effects model yi = x_i'beta + u_i + e_i with
// u_i ~ N(0, tau^2), e_i ~ N(0, vi), and its fixed-effects special case (EE,
// tau^2 = 0), as metafor 3.8-1 `rma.uni(yi, vi, mods = ..., method = ...)`.
// Weighted least squares with Eigen (kept inside metareg.cpp); p is small,
// k x k projections are formed explicitly (O(k^2 p) per evaluation).
//
// Definitions (metafor 3.8-1 rma.uni, read from its source):
//  - tau^2: HS, HSk, HE, DL, SJ, ML, REML, EB, PM, PMM, GENQ (weights 1/vi)
//    with the projection P = W - W X (X'WX)^-1 X'W (Viechtbauer 2005;
//    Viechtbauer et al. 2015); negative estimates truncated at 0; ML/REML/EB
//    by Fisher scoring with step halving from the HE estimate.
//  - beta = (X'WX)^-1 X'Wy, W = diag(1/(vi + tau^2)); vb = (X'WX)^-1, times
//    s2w = RSS_W / (k - p) for knha (Knapp & Hartung 2003).
//  - QM = b[btt]' vb[btt,btt]^-1 b[btt] (chi^2, m df); with t/knha QM/m ~ F(m, k-p).
//  - QE = y'P y with W = diag(1/vi) (chi^2, k-p df); vt = (k-p)/tr(P);
//    I2 = 100 tau^2/(vt + tau^2), H2 = tau^2/vt + 1 (EE: from QE).
//  - R2 = max(0, 100 (tau2_RE - tau2) / tau2_RE) with tau2_RE from the
//    intercept-only model with the same method (0 when tau2_RE == 0); for EE
//    the adjusted R^2 of the weighted regression lm(yi ~ X, weights = 1/vi).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "models/model_types.hpp"

namespace metapool {

// Model matrix: k rows, p columns stored column by column, with names. The
// first column is the intercept ("intrcpt"), as metafor.
struct DesignMatrix {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;  // p columns of k values
  std::size_t cols() const { return columns.size(); }
  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  double at(std::size_t row, std::size_t col) const { return columns[col][row]; }
};

// The intercept-only design for k studies.
DesignMatrix intercept_only(std::size_t k);

struct MetaregOptions {
  Method method = Method::REML;  // EE or a random-effects estimator (not MH/PETO)
  TestType test = TestType::Z;
  double ci_level = 0.95;
  // Fisher scoring stops when |change| <= tol * max(1, tau2), or when a
  // step below 1e-8 * max(1, tau2) stops shrinking (round-off); roots (PM,
  // PMM, Q-profile) are solved to tol relative.
  double tol = 1e-12;
  int max_iter = 1000;
  // rma(tau2 = value): tau^2 held fixed (no estimation, se_tau2 absent).
  std::optional<double> tau2_fixed;
  // Coefficients tested by QM (0-based); empty = all but the intercept
  // (all of them when p = 1), as metafor's default btt.
  std::vector<std::size_t> btt;
  bool compute_r2 = true;       // off inside permutation refits (metafor skipr2)
  bool compute_tau2_ci = true;  // Q-profile CI of tau^2 (confint.rma.uni)
};

struct Coefficient {
  std::string name;
  double estimate = kNaN, se = kNaN, statistic = kNaN, pval = kNaN, ci_lb = kNaN, ci_ub = kNaN;
};

struct MetaregResult {
  Method method = Method::REML;
  TestType test = TestType::Z;
  double ci_level = 0.95;
  std::size_t k = 0, p = 0;
  bool tau2_fixed = false;

  std::vector<Coefficient> coefficients;  // one per column of X
  std::vector<double> vcov;               // p x p, row-major (vb)
  std::optional<double> df;               // k - p for t / knha

  // omnibus test of the coefficients in btt
  double QM = kNaN, QM_pval = kNaN;
  int QM_df = 0;                 // m
  std::optional<int> QM_df2;     // k - p for the F test (t / knha)
  std::vector<std::size_t> btt;

  // residual heterogeneity
  double QE = kNaN, QE_pval = kNaN;
  int QE_df = 0;
  std::optional<double> tau2, se_tau2, tau, I2, H2, R2;
  std::optional<Interval> tau2_ci, tau_ci, I2_ci, H2_ci;
  double s2w = 1.0;  // knha scale factor (1 otherwise)

  std::vector<double> weights;  // percent, 100 w_i / sum(w), w = 1/(vi + tau2)
  std::vector<double> fitted;   // X b

  bool converged = true;
  int iterations = 0;
  std::vector<std::string> warnings;
};

// Fits the model. Errors (Diagnostic, no file position): method MH/PETO,
// size mismatch, vi <= 0 or non-finite data, X not of full rank (eigenvalue
// of X'X <= 1e-7, where metafor's error starts), more coefficients than
// studies (p >= k with tau^2 estimated, p > k otherwise). Non-convergence of
// an iterative estimator is a result with converged = false and a warning.
Expected<MetaregResult> fit_metareg(const EffectData& data, const DesignMatrix& x, const MetaregOptions& options);

// The QE statistic at a given tau^2: sum w (y - X b)^2 with w = 1/(vi + tau2)
// (the generalized Q of Viechtbauer 2007, Stat Med 26:37); decreasing in
// tau2. Used by PM/PMM and the Q-profile.
double generalized_qe(const EffectData& data, const DesignMatrix& x, double tau2);

}  // namespace metapool
