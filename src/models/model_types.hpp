// Value types shared by every pooling model: the inputs (yi/vi, or 2x2
// counts for Mantel-Haenszel and Peto), the options, and the result.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/conventions.hpp"
#include "core/types.hpp"

namespace metapool {

namespace stats {
class QuantileMemo;
}

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Effect sizes on the analysis scale with their sampling variances.
struct EffectData {
  std::vector<double> yi;
  std::vector<double> vi;
  std::size_t k() const { return yi.size(); }
};

// 2x2 tables for MH / Peto: ai/n1i events/total treatment, ci/n2i control.
struct BinaryCounts {
  std::vector<double> ai, n1i, ci, n2i;
  std::size_t k() const { return ai.size(); }
};

struct PoolOptions {
  Measure measure = Measure::GEN;
  Method method = Method::REML;
  TestType test = TestType::Z;
  double ci_level = 0.95;
  // Fallback chain tried in order when `method` does not converge
  // (e.g. REML then DL); empty = no fallback (the result reports failure).
  std::vector<Method> fallback;
  // Iterative estimators (ML/REML/EB/PM/PMM/GENQ/SJ..) and interval roots.
  double tol = 1e-12;
  int max_iter = 1000;
  // Mantel-Haenszel: continuity correction used only for the per-study
  // yi/vi shown in `studies` (not for the MH estimate), as metafor rma.mh.
  double cc = 0.5;
  CcTo cc_to = CcTo::Only0;
  // Conventions on which tools disagree (core/conventions.hpp); defaults are
  // metafor's. mh_cc: continuity correction of the counts entering the MH
  // estimate itself (rma.mh's second `add`/`to`), none by default.
  I2Definition i2 = I2Definition::Metafor;
  PiDf pi_df = PiDf::Auto;
  MhCorrection mh_cc;
  // Optional memo of the t, chi-square and normal quantiles (stats/
  // distributions.hpp), owned by the caller and used by one thread at a
  // time: batch workers fit thousands of models with the same k and level.
  // Results are identical with or without it.
  stats::QuantileMemo* quantiles = nullptr;
};

// A closed interval; both NaN when it does not apply.
struct Interval {
  double lb = kNaN;
  double ub = kNaN;
};

// Per-study row of a fitted model (input order).
struct StudyFit {
  double yi = kNaN, vi = kNaN, ci_lb = kNaN, ci_ub = kNaN;
  double weight = kNaN;  // percent of the total weight
};

struct PoolResult {
  // provenance
  Measure measure = Measure::GEN;
  Method method = Method::REML;       // the method that produced the numbers
  Method requested = Method::REML;    // the method asked for (differs after a fallback)
  TestType test = TestType::Z;
  double ci_level = 0.95;
  std::size_t k = 0;

  // pooled estimate (analysis scale)
  double estimate = kNaN, se = kNaN, statistic = kNaN, pval = kNaN, ci_lb = kNaN, ci_ub = kNaN;
  std::optional<double> df;  // t / knha only

  // heterogeneity; optional = null in the contract
  std::optional<double> tau2, se_tau2, tau, I2, H2;
  double Q = kNaN, Q_pval = kNaN;
  int Q_df = 0;
  std::optional<Interval> pi;          // prediction interval
  std::optional<Interval> tau2_ci, tau_ci, I2_ci, H2_ci;

  std::vector<StudyFit> studies;
  std::vector<std::string> warnings;
  bool converged = true;

  // conventions used (core/conventions.hpp): the I^2/H^2 definition and the
  // reference distribution of the prediction interval (never Auto here).
  I2Definition i2_definition = I2Definition::Metafor;
  PiDf pi_df = PiDf::Z;
};

}  // namespace metapool
