// Everything `metapool report` shows, computed in one place: the pooled
// analysis (pipeline), the same model under every other pooling method and
// with the Hartung-Knapp-Sidik-Jonkman adjustment, Baujat's diagnostics, and
// absolute effects for a summary-of-findings table. The report and plot code
// only lay these values out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/bias.hpp"
#include "analysis/pipeline.hpp"
#include "analysis/sensitivity.hpp"

namespace metapool {

// The pooled model refitted with another method/test on the same studies.
struct MethodFit {
  Method method = Method::REML;
  TestType test = TestType::Z;
  bool chosen = false;  // the analysis the user asked for
  PoolResult pool;
  std::optional<Transformed> transformed;
};

// Baujat et al. (2002), as metafor 3.8 `baujat.rma`: for study i (index into
// StudyData) `contribution` = (y_i - b)^2 / (tau^2 + v_i), its squared
// Pearson residual (its share of Q for EE), and `influence` =
// (b_(-i) - b)^2 / Var(b_(-i)), the squared standardised change of the pooled
// estimate when the study is left out (same method and test; NaN when the
// refit fails).
struct BaujatValue {
  std::size_t study = 0;
  double contribution = kNaN;
  double influence = kNaN;
};

// Absolute effects at the median control-group risk (GRADE summary of
// findings; Guyatt et al. 2011/2013), for two-arm binary data pooled as RR,
// OR/PETO or RD. Risks are proportions (the report prints them per 1,000).
//  RR: risk_t = ACR * RR;  OR: risk_t = OR * ACR / (1 - ACR + OR * ACR);
//  RD: risk_t = ACR + RD. difference = risk_t - ACR, each bound from the
//  pooled CI bound (monotone maps). NNT = 1 / |difference| (Altman 1998).
struct AbsoluteEffects {
  Measure measure = Measure::RR;
  std::size_t studies = 0;
  double participants = 0;
  double events_t = 0, n_t = 0, events_c = 0, n_c = 0;
  double control_risk = kNaN;  // median over studies of events_c / n_c (ACR)
  double relative = kNaN, relative_lb = kNaN, relative_ub = kNaN;  // RR/OR natural scale, or RD
  double risk_t = kNaN, risk_t_lb = kNaN, risk_t_ub = kNaN;
  double difference = kNaN, difference_lb = kNaN, difference_ub = kNaN;
};

struct ReportData {
  PoolAnalysis analysis;
  std::vector<MethodFit> methods;     // chosen first, then EE, the tau^2 estimators, MH, Peto
  std::vector<BaujatValue> baujat;    // one per study in the model (empty for k < 2)
  std::optional<AbsoluteEffects> absolute;
  double z_crit = kNaN;               // normal quantile of the CI level (funnel region)
  std::vector<double> contour_levels{0.90, 0.95, 0.99};
  std::vector<double> contour_z;      // two-sided normal quantiles of contour_levels
  // Leave-one-out and influence (analysis/sensitivity) and small-study tests
  // (analysis/bias) of the model without --subgroup/--mods; nullopt when they
  // could not run (`warnings` says why).
  std::optional<SensitivityAnalysis> sensitivity;
  std::optional<BiasAnalysis> bias;
  std::vector<std::string> warnings;
};

// Runs analyse_pool with `options`, then the comparisons above.
Expected<ReportData> analyse_report(CsvTable table, const AnalysisOptions& options);

// Helpers, exposed for tests.
std::optional<AbsoluteEffects> absolute_effects(const PoolAnalysis& analysis);
std::vector<BaujatValue> baujat_values(const PoolAnalysis& analysis, const AnalysisOptions& options);

}  // namespace metapool
