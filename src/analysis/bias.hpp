// `metapool bias`: funnel-plot asymmetry and small-study effects on top of
// analyse_pool: Egger's regression test (metafor regtest, both the
// mixed-effects meta-regression and the classical weighted regression),
// Begg & Mazumdar's rank correlation (ranktest), trim and fill (trimfill, L0
// and R0), fail-safe N (fsn: Rosenthal, Orwin, Rosenberg) and PET-PEESE.
// Library code: no printing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/pipeline.hpp"
#include "bias/fail_safe.hpp"
#include "bias/rank_test.hpp"
#include "bias/regression_test.hpp"
#include "bias/trim_fill.hpp"

namespace metapool {

struct BiasOptions {
  std::optional<FunnelSide> side;     // trim and fill side (default: estimated)
  std::optional<double> fsn_target;   // Orwin's target (default: mean / 2)
  double fsn_alpha = 0.05;            // Rosenthal / Rosenberg
  double pet_alpha = 0.05;            // PET-PEESE: two-sided level of PET's intercept test
};

struct BiasAnalysis {
  PoolAnalysis pool;
  std::vector<std::string> studies;  // studies entering the tests
  EffectData data;                   // their yi / vi (MH / Peto: the per-study values of the model)
  Method regtest_method = Method::EE;  // method of the rma regression test
  RegtestResult egger;               // regtest(model = "rma")
  RegtestResult egger_lm;            // regtest(model = "lm")
  RankTestResult rank;
  TrimFillResult trimfill_l0, trimfill_r0;
  FailSafeResult fsn_rosenthal, fsn_orwin, fsn_rosenberg;
  PetPeeseResult pet_peese;
  std::vector<std::string> warnings;
};

// Errors (exit 2): those of analyse_pool; --mods / --subgroup; a bad
// --fsn-alpha / --pet-alpha (not in (0, 1)). Methods that cannot run (too few
// studies, trim and fill with MH / Peto) are reported in `warnings` and in
// their result's message.
Expected<BiasAnalysis> analyse_bias(CsvTable table, const AnalysisOptions& options, const BiasOptions& bias);

}  // namespace metapool
