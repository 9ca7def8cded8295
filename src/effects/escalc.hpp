// Per-study effect sizes and sampling variances, with metafor 3.8's `escalc`
// definitions. Values are on the analysis scale named by the measure
// (log odds ratio for OR, logit for PLO, Fisher's z for ZCOR, ...).
#pragma once

#include <optional>
#include <cstdint>
#include <string>
#include <vector>

#include "core/conventions.hpp"
#include "core/expected.hpp"
#include "core/study_data.hpp"
#include "core/types.hpp"

namespace metapool::stats {
class QuantileMemo;
}

namespace metapool {

struct EffectOptions {
  Measure measure = Measure::GEN;
  // Continuity correction added to cells/counts (metafor `add`); nullopt
  // means metafor's default for the measure.
  std::optional<double> cc;
  CcTo cc_to = CcTo::Only0;  // metafor `to`
  double ci_level = 0.95;    // per-study Wald CI level (0.95, never 95)
  PftScale pft_scale = PftScale::Half;  // PFT only (core/conventions.hpp)
  SmdVtype smd_vtype = SmdVtype::LS;    // SMD only: metafor escalc `vtype`
  // Where the interval's normal quantile is remembered (a batch worker's
  // memo, see stats::QuantileMemo); computed each time when null. Not an option.
  stats::QuantileMemo* quantiles = nullptr;
};

struct EffectSizes {
  Measure measure = Measure::GEN;
  double ci_level = 0.95;
  // The continuity correction actually used (options.cc, else default_cc)
  // and where it went; recorded for provenance (0/only0 for measures that
  // take none).
  double cc = 0.0;
  CcTo cc_to = CcTo::Only0;
  // The conventions used (recorded for provenance; they matter for PFT and SMD).
  PftScale pft_scale = PftScale::Half;
  SmdVtype smd_vtype = SmdVtype::LS;
  // One entry per study, in input order. yi/vi/sei/ci are NaN for a study
  // that cannot be computed; `note` then says why (e.g. "double-zero study:
  // log odds ratio undefined without continuity correction").
  std::vector<double> yi, vi, sei, ci_lb, ci_ub;
  // 1 where the continuity correction was added (bytes, not vector<bool>:
  // escalc reads and writes it per study).
  std::vector<std::uint8_t> cc_applied;
  std::vector<std::string> note;  // "" when computed

  std::size_t k() const { return yi.size(); }
  bool computed(std::size_t i) const { return note[i].empty(); }
};

// The continuity correction metafor uses by default for `measure`.
double default_cc(Measure measure);

// Errors (with file/line/column): the measure does not fit the data shape,
// n too small for the measure (e.g. ZCOR needs n > 3), non-positive means
// for ROM, a proportion measure whose transform is undefined, ...
Expected<EffectSizes> compute_effects(const StudyData& data, const EffectOptions& options);

// The same into `out`, a default-constructed EffectSizes (see
// read_studies_into); nullopt or the error.
std::optional<Diagnostic> compute_effects_into(const StudyData& data, const EffectOptions& options, EffectSizes& out);

}  // namespace metapool
