#include "render/number_format.hpp"

#include <cmath>

#include <fmt/format.h>

namespace metapool {

std::string format_exact(double value) {
  if (std::isnan(value)) return "NA";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string format_fixed(double value, int digits) {
  if (std::isnan(value)) return "NA";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  std::string out = fmt::format("{:.{}f}", value, digits);
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

std::string format_fixed(const std::optional<double>& value, int digits) {
  return value ? format_fixed(*value, digits) : std::string("NA");
}

std::string format_pvalue(double pval) {
  if (std::isnan(pval)) return "NA";
  if (pval < 1e-4) return "<.0001";
  return format_fixed(pval, 4);
}

std::string format_log10_pvalue(double log10_pval) {
  if (std::isnan(log10_pval)) return "NA";
  if (std::isinf(log10_pval)) return log10_pval < 0 ? "0" : "Inf";
  return "10^" + format_fixed(log10_pval, 1);
}

}  // namespace metapool
