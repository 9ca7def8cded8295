// The configurations of a batch run: `--analyses SPEC` parsed against the
// options given on the command line (which every configuration inherits).
//
// SPEC  := CONFIG { ';' CONFIG }          one configuration per ';'
// CONFIG := KEY '=' VALUE { ',' KEY '=' VALUE }
// KEY   := measure | method | test | level | cc | cc_to | label
//
// `method` may name a fallback chain with '/', e.g. method=REML/DL (pool's
// --method REML,DL). `label` names the configuration in the output (default:
// the configuration's text, e.g. "method=REML,test=knha"). Keys are
// case-insensitive, spaces around tokens are ignored, a key may appear once
// per configuration, and an empty configuration ("") means "the command-line
// options unchanged".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/pipeline.hpp"
#include "core/expected.hpp"

namespace metapool::batch {

struct AnalysisConfig {
  std::string label;
  AnalysisOptions options;
};

// An empty `spec` gives one configuration: `base`, labelled "default".
Expected<std::vector<AnalysisConfig>> parse_analyses(std::string_view spec, const AnalysisOptions& base);

}  // namespace metapool::batch
