#include "render/output.hpp"

namespace metapool {

std::string version_string() { return std::string("metapool ") + METAPOOL_VERSION; }

std::optional<OutputFormat> parse_format(std::string_view text) {
  if (text == "text") return OutputFormat::Text;
  if (text == "json") return OutputFormat::Json;
  if (text == "csv") return OutputFormat::Csv;
  if (text == "md" || text == "markdown") return OutputFormat::Markdown;
  if (text == "latex" || text == "tex") return OutputFormat::Latex;
  return std::nullopt;
}

std::string_view measure_label(Measure measure) {
  switch (measure) {
    case Measure::OR: return "log odds ratio";
    case Measure::RR: return "log risk ratio";
    case Measure::RD: return "risk difference";
    case Measure::AS: return "arcsine square root transformed risk difference";
    case Measure::PETO: return "log odds ratio (Peto's method)";
    case Measure::PR: return "raw proportion";
    case Measure::PLO: return "logit transformed proportion";
    case Measure::PAS: return "arcsine square root transformed proportion";
    case Measure::PFT: return "Freeman-Tukey double arcsine transformed proportion";
    case Measure::PLN: return "log transformed proportion";
    case Measure::MD: return "mean difference";
    case Measure::SMD: return "standardized mean difference (Hedges' g)";
    case Measure::ROM: return "log ratio of means";
    case Measure::COR: return "raw correlation coefficient";
    case Measure::ZCOR: return "Fisher's r-to-z transformed correlation coefficient";
    case Measure::GEN: return "generic outcome";
  }
  return "?";
}

}  // namespace metapool
