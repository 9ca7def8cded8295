// Rendering of the subgroup analysis and of the meta-regression (the parts of
// `pool` added by --subgroup and --mods). render_pool (pool_output.cpp)
// calls these; the JSON fields are described in docs/interface-extensions.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/pipeline.hpp"
#include "render/table.hpp"

namespace metapool {

// The contract's pool fields from "estimate" to "warnings" for one pooled
// result (defined in pool_output.cpp, shared with the subgroups).
nlohmann::ordered_json pool_fields_json(const PoolResult& pool, const std::optional<Transformed>& transformed,
                                        const std::vector<std::string>& study_names);

// The heterogeneity part of a meta-regression in the shape of a pooled
// result (tau2, I2, H2, Q = QE, tau^2 CI, per-study weights); the pooled
// estimate fields are NaN (null: a meta-regression has coefficients instead).
PoolResult metareg_as_pool(const PoolAnalysis& analysis);

// Adds "subgroups", "subgroup_test", "subgroup_test_mixed", "subgroup_tau2"
// (with --subgroup) or "coefficients", "QM", "QM_df", "QM_df2", "QM_pval",
// "R2", "permutation" (with --mods) to a pool JSON object.
void add_extension_json(nlohmann::ordered_json& out, const PoolAnalysis& analysis);

// metafor print.rma.uni style text of a meta-regression.
std::string render_metareg_text(const PoolAnalysis& analysis);
// The subgroup section appended to the pooled model's text.
std::string render_subgroups_text(const PoolAnalysis& analysis);

// One row per coefficient / per subgroup (CSV, Markdown, LaTeX).
Table coefficients_table(const MetaregAnalysis& metareg, bool exact);
Table subgroups_table(const SubgroupAnalysis& subgroups, bool exact);

}  // namespace metapool
