// From the report's results to the plots' plain inputs: back-transformed
// values, labels, weights and the statistics lines printed under a plot.
#pragma once

#include <string>

#include "analysis/report_data.hpp"
#include "plots/forest.hpp"
#include "plots/funnel.hpp"

namespace metapool::report {

plots::ForestPlot forest_plot(const ReportData& data);
plots::FunnelPlot funnel_plot(const ReportData& data, bool contours);
plots::BaujatPlot baujat_plot(const ReportData& data);

// Shared wording, also used by the report text.
std::string p_text(double pval);                         // "p < 0.0001", "p = 0.0123"
std::string model_label(const PoolResult& pool);         // "Random-effects model (REML)"
std::string effect_name(const PoolAnalysis& analysis);   // "Risk ratio", "Proportion", "Mean difference", ...
std::string effect_code(const PoolAnalysis& analysis);   // "RR", "OR", "proportion", "SMD", ...
// The measure whose back-transform applies (PETO for Peto's method).
Measure scale_measure(const PoolAnalysis& analysis);
// Per-study value on the display scale (back-transformed where one exists).
double display_value(const PoolAnalysis& analysis, double value);
// The value of "no effect" on the display scale, if any (none for proportions).
std::optional<double> null_value(const PoolAnalysis& analysis);
// Heterogeneity line: "Heterogeneity: tau^2 = ...; I^2 = ...; Q = ... (df = ..), p ..".
std::string heterogeneity_line(const PoolResult& pool);
// "Test for overall effect: z = -3.97, p < 0.0001".
std::string overall_test_line(const PoolResult& pool);

}  // namespace metapool::report
