// The one analysis pipeline that the CLI, batch and report call: a CSV table
// and options in, validated studies, effect sizes and the pooled model out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/moderators.hpp"
#include "analysis/subgroups.hpp"
#include "analysis/transform.hpp"
#include "core/conventions.hpp"
#include "core/expected.hpp"
#include "core/study_data.hpp"
#include "effects/escalc.hpp"
#include "io/csv_table.hpp"
#include "io/study_reader.hpp"
#include "models/model_types.hpp"

namespace metapool {

struct AnalysisOptions {
  std::optional<Measure> measure;  // default: the shape's default measure
  std::optional<double> cc;        // default: metafor's for the measure
  CcTo cc_to = CcTo::Only0;
  double ci_level = 0.95;
  Method method = Method::REML;
  std::vector<Method> fallback;  // tried in order if `method` fails to converge
  TestType test = TestType::Z;
  // pool --subgroup COL [--subgroup-tau2 separate|common] (analysis/subgroups.hpp)
  std::optional<std::string> subgroup;
  SubgroupTau2 subgroup_tau2 = SubgroupTau2::Separate;
  // pool --mods a,b [--permutations N --seed S] (analysis/moderators.hpp)
  std::vector<std::string> mods;
  std::optional<PermutationOptions> permutation;
  // Conventions on which tools disagree (core/conventions.hpp). nullopt =
  // not given: metafor's default. A value given for an analysis it cannot
  // apply to (e.g. --smd-vtype with --measure MD) is an error.
  std::optional<I2Definition> i2;
  std::optional<PiDf> pi_df;
  std::optional<CcTo> mh_cc;        // --mh-cc (MH only)
  std::optional<double> mh_cc_add;  // --mh-cc-add (needs --mh-cc other than none)
  std::optional<PftScale> pft_scale;
  std::optional<SmdVtype> smd_vtype;
  // Passed on to PoolOptions::quantiles (a batch worker's memo); not an option.
  stats::QuantileMemo* quantiles = nullptr;
};

// The model options the user's analysis options imply for `measure`
// (method, test, level, fallback chain, continuity corrections and the
// named conventions). Every refit (leave-one-out, bias, report tables)
// starts from this so that it honours the same conventions as `pool`.
PoolOptions pool_options_from(const AnalysisOptions& options, Measure measure);

// Checks the options against each other (e.g. MH needs OR, RR or RD).
std::optional<Diagnostic> validate(const AnalysisOptions& options, Measure measure);

struct EffectsAnalysis {
  StudyData data;
  EffectSizes effects;
  ConventionsUsed conventions;  // the per-study ones (cc, cc_to, pft_scale, smd_vtype)
};

struct PoolAnalysis {
  EffectsAnalysis input;
  std::vector<std::size_t> used;  // studies in the model (input order)
  PoolResult pool;
  std::optional<Transformed> transformed;
  std::optional<SubgroupAnalysis> subgroups;  // with options.subgroup
  std::optional<MetaregAnalysis> metareg;     // with options.mods
  ConventionsUsed conventions;                // all that apply to this analysis
};

Expected<EffectsAnalysis> analyse_effects(CsvTable table, const AnalysisOptions& options);
Expected<PoolAnalysis> analyse_pool(CsvTable table, const AnalysisOptions& options);

// analyse_pool for a caller that runs analyses one after another (a batch
// worker): `result` holds the previous one's analysis or error and gets
// this one's, which equals analyse_pool(table, options). The storage of the
// previous analysis's per-study vectors is reused, so a warm worker
// allocates none of them.
void analyse_pool_reusing(CsvTable table, const AnalysisOptions& options, Expected<PoolAnalysis>& result);

// The same for two-arm binary studies read without a table (the batch's
// common rows; fill_two_arm_binary in io/study_reader.hpp): equal to
// analyse_pool_reusing of the table of `rows` under `layout`'s header,
// except that data.raw holds the header only. For options without
// subgroups or moderators, which read the raw rows.
void analyse_pool_reusing(const StudyData& layout, const std::vector<TwoArmRow>& rows, std::string_view label_text,
                          const std::vector<int>& lines, const AnalysisOptions& options,
                          Expected<PoolAnalysis>& result);

}  // namespace metapool
