// `metapool sensitivity`: the pooled model of analyse_pool plus leave-one-out
// (metafor leave1out), cumulative meta-analysis (cumul, ordered by a column)
// and, for inverse-variance models, influence diagnostics
// (influence.rma.uni). Library code: no printing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/pipeline.hpp"
#include "diagnostics/influence.hpp"
#include "diagnostics/subset_fits.hpp"

namespace metapool {

struct SensitivityOptions {
  // Column whose values order the cumulative analysis (ascending; numbers
  // numerically when every cell is a number, else text in byte order; ties
  // keep input order). nullopt: input order, as metafor's cumul.
  std::optional<std::string> order;
};

struct SensitivityAnalysis {
  PoolAnalysis pool;                  // the model on all studies
  std::vector<std::string> studies;   // labels of the studies in the model (input order)
  std::vector<SubsetFit> leave_one_out;   // row i: without studies[i]; empty when k < 2
  std::optional<std::string> order_column;  // as written in the header
  std::vector<std::size_t> order;     // cumulative order, indices into `studies`
  std::vector<std::string> order_values;  // the order column's cell of each study (input order)
  std::vector<SubsetFit> cumulative;  // row j: studies[order[0..j]]
  // Influence diagnostics (one per study); nullopt for MH / Peto, where
  // metafor has no influence method (influence_note says so).
  std::optional<std::vector<InfluenceRow>> influence;
  std::string influence_note;
  std::vector<std::string> warnings;
};

// Errors (exit 2 at the CLI): those of analyse_pool; --mods / --subgroup
// (leave1out and cumul need a model without moderators); an unknown --order
// column (the message lists the columns); a missing value in it.
Expected<SensitivityAnalysis> analyse_sensitivity(CsvTable table, const AnalysisOptions& options,
                                                  const SensitivityOptions& sensitivity);

}  // namespace metapool
