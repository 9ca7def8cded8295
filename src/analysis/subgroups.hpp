// Subgroup analysis (--subgroup COL): one model per subgroup and two tests
// for subgroup differences (docs/interface-extensions.md).
//
//  - Subgroups are the distinct values of COL in order of first appearance;
//    studies with a missing value are left out with a warning.
//  - Separate tau^2 (default): each subgroup is pooled on its own with the
//    chosen method (fit_uni, or fit_mh / fit_peto on the counts).
//  - Common tau^2: tau^2 of the mixed-effects model
//    rma(yi, vi, mods = ~ factor(COL), method) is used for every subgroup,
//    i.e. each subgroup is rma(yi, vi, tau2 = <that value>, subset = group)
//    (no tau^2 CI, se_tau2 or tau^2 estimation per subgroup).
//  - `test` (RevMan / Borenstein): Q = sum w_g (est_g - est_bar)^2, w_g =
//    1/se_g^2 on the separately pooled estimates, chi^2 with G - 1 df.
//  - `mixed`: the omnibus moderator test QM of rma(yi, vi, mods =
//    ~ factor(COL), method, test) (chi^2, or F with t/knha); only for
//    inverse-variance methods (absent for MH and Peto).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/transform.hpp"
#include "core/expected.hpp"
#include "core/study_data.hpp"
#include "effects/escalc.hpp"
#include "models/metareg.hpp"
#include "models/model_types.hpp"

namespace metapool {

enum class SubgroupTau2 { Separate, Common };
std::optional<SubgroupTau2> parse_subgroup_tau2(std::string_view text);  // separate|common
std::string_view to_string(SubgroupTau2 mode);

struct SubgroupFit {
  std::string name;
  std::vector<std::size_t> studies;  // study indices (into StudyData), input order
  PoolResult pool;
  std::optional<Transformed> transformed;
};

struct SubgroupTest {
  double Q = kNaN, pval = kNaN;
  int df = 0;
};

struct SubgroupAnalysis {
  std::string column;  // as written in the header
  SubgroupTau2 tau2_mode = SubgroupTau2::Separate;
  std::vector<SubgroupFit> groups;
  SubgroupTest test;                   // between-subgroups Q (RevMan)
  std::optional<MetaregResult> mixed;  // ~ factor(COL) mixed-effects model
  std::vector<std::string> warnings;
};

// `used`: the studies in the overall model (indices into data), `options`
// the overall model's options. Errors: unknown column (lists the columns),
// common tau^2 with a method that has none, a mixed model that cannot be
// fitted with common tau^2.
Expected<SubgroupAnalysis> analyse_subgroups(const StudyData& data, const EffectSizes& effects,
                                             const std::vector<std::size_t>& used, const std::string& column,
                                             const PoolOptions& options, SubgroupTau2 mode);

// Back-transformed estimate, CI and PI of a pooled result (the pipeline's
// rule: PFT uses the harmonic mean of the studies' n).
std::optional<Transformed> transform_result(const PoolResult& pool, const StudyData& data,
                                            const std::vector<std::size_t>& studies, Measure scale_measure);

}  // namespace metapool
