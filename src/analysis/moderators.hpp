// Moderators named at run time (--mods a,b): from the raw CSV columns to the
// model matrix of a meta-regression, then the fit (models/metareg) and the
// optional permutation test (models/permutation).
//
// Column rules (docs/interface-extensions.md):
//  - a column whose non-missing cells all read as numbers is continuous;
//  - any other column is categorical, coded as R's factor(): the levels in
//    sorted (byte, i.e. C-locale) order, the first one the reference level,
//    one 0/1 column per other level named <column><level> ("allocrandom");
//    a column that mixes numbers and text is categorical, with a warning;
//  - a study with a missing moderator value ("" or NA) is left out with a
//    warning naming it (metafor drops such rows the same way).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "core/study_data.hpp"
#include "effects/escalc.hpp"
#include "models/metareg.hpp"
#include "models/permutation.hpp"

namespace metapool {

struct Moderator {
  std::string name;  // as written in the header
  bool categorical = false;
  std::vector<std::string> levels;  // categorical: sorted, levels[0] = reference
};

struct ModeratorDesign {
  DesignMatrix x;                    // intercept first
  std::vector<std::size_t> studies;  // study indices (into StudyData) of the rows of x
  std::vector<Moderator> moderators;
  std::vector<std::string> warnings;
};

// The design for the studies in `candidates` (indices into `data`).
// Errors (file:line:column where it applies): unknown column (lists the
// columns), a moderator with a single value, a non-finite number.
Expected<ModeratorDesign> build_design(const StudyData& data, const std::vector<std::size_t>& candidates,
                                       const std::vector<std::string>& mods);

struct MetaregAnalysis {
  ModeratorDesign design;
  MetaregResult fit;
  std::optional<PermutationResult> permutation;
};

// Builds the design for the studies in `used` that have every moderator,
// fits the model on their yi/vi and, when `permutation` is given, runs the
// permutation test. Errors: those of build_design and fit_metareg (too few
// studies, singular design), with the dropped studies named.
Expected<MetaregAnalysis> analyse_metareg(const StudyData& data, const EffectSizes& effects,
                                          const std::vector<std::size_t>& used,
                                          const std::vector<std::string>& mods, const MetaregOptions& options,
                                          const std::optional<PermutationOptions>& permutation);

// "a, b, c" list of the columns of the file, for messages.
std::string column_list(const CsvTable& raw);

}  // namespace metapool
