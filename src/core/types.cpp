#include "core/types.hpp"

#include <array>
#include <utility>

namespace metapool {
namespace {

constexpr std::array<std::pair<Measure, std::string_view>, 16> kMeasures{{
    {Measure::OR, "OR"},   {Measure::RR, "RR"},   {Measure::RD, "RD"},     {Measure::AS, "AS"},
    {Measure::PETO, "PETO"}, {Measure::PR, "PR"}, {Measure::PLO, "PLO"},   {Measure::PAS, "PAS"},
    {Measure::PFT, "PFT"}, {Measure::PLN, "PLN"}, {Measure::MD, "MD"},     {Measure::SMD, "SMD"},
    {Measure::ROM, "ROM"}, {Measure::COR, "COR"}, {Measure::ZCOR, "ZCOR"}, {Measure::GEN, "GEN"},
}};

constexpr std::array<std::pair<Method, std::string_view>, 14> kMethods{{
    {Method::EE, "EE"},   {Method::MH, "MH"},     {Method::PETO, "PETO"}, {Method::DL, "DL"},
    {Method::HE, "HE"},   {Method::HS, "HS"},     {Method::HSk, "HSk"},   {Method::SJ, "SJ"},
    {Method::ML, "ML"},   {Method::REML, "REML"}, {Method::EB, "EB"},     {Method::PM, "PM"},
    {Method::PMM, "PMM"}, {Method::GENQ, "GENQ"},
}};

template <class Table, class Enum>
std::string_view lookup_name(const Table& table, Enum value) {
  for (const auto& [code, name] : table) {
    if (code == value) return name;
  }
  return "?";
}

template <class Table>
std::string join_names(const Table& table) {
  std::string out;
  for (const auto& entry : table) {
    if (!out.empty()) out += ' ';
    out += entry.second;
  }
  return out;
}

}  // namespace

std::string_view to_string(Measure measure) { return lookup_name(kMeasures, measure); }
std::string_view to_string(Method method) { return lookup_name(kMethods, method); }

std::string_view to_string(DataShape shape) {
  switch (shape) {
    case DataShape::TwoArmBinary: return "binary";
    case DataShape::Proportion: return "proportion";
    case DataShape::TwoArmContinuous: return "continuous";
    case DataShape::Correlation: return "correlation";
    case DataShape::Generic: return "generic";
  }
  return "?";
}

std::string_view describe(DataShape shape) {
  switch (shape) {
    case DataShape::TwoArmBinary: return "two-arm binary (events_t, n_t, events_c, n_c)";
    case DataShape::Proportion: return "single-arm proportion (events, n)";
    case DataShape::TwoArmContinuous:
      return "two-arm continuous (mean_t, sd_t, n_t, mean_c, sd_c, n_c)";
    case DataShape::Correlation: return "correlation (r, n)";
    case DataShape::Generic: return "generic (yi with vi or sei)";
  }
  return "?";
}

std::string_view to_string(TestType test) {
  switch (test) {
    case TestType::Z: return "z";
    case TestType::T: return "t";
    case TestType::KNHA: return "knha";
  }
  return "?";
}

std::string_view to_string(CcTo cc_to) {
  switch (cc_to) {
    case CcTo::Only0: return "only0";
    case CcTo::All: return "all";
    case CcTo::If0All: return "if0all";
    case CcTo::None: return "none";
  }
  return "?";
}

std::optional<Measure> parse_measure(std::string_view text) {
  for (const auto& [code, name] : kMeasures) {
    if (name == text) return code;
  }
  return std::nullopt;
}

std::optional<Method> parse_method(std::string_view text) {
  if (text == "FE") return Method::EE;
  for (const auto& [code, name] : kMethods) {
    if (name == text) return code;
  }
  return std::nullopt;
}

std::optional<TestType> parse_test(std::string_view text) {
  if (text == "z" || text == "Z") return TestType::Z;
  if (text == "t" || text == "T") return TestType::T;
  if (text == "knha" || text == "KNHA" || text == "hksj" || text == "HKSJ") return TestType::KNHA;
  return std::nullopt;
}

std::optional<CcTo> parse_cc_to(std::string_view text) {
  for (CcTo value : {CcTo::Only0, CcTo::All, CcTo::If0All, CcTo::None}) {
    if (to_string(value) == text) return value;
  }
  return std::nullopt;
}

std::string measure_codes() { return join_names(kMeasures); }
std::string method_codes() { return join_names(kMethods) + " (FE = EE)"; }

DataShape shape_of(Measure measure) {
  switch (measure) {
    case Measure::OR: case Measure::RR: case Measure::RD: case Measure::AS: case Measure::PETO:
      return DataShape::TwoArmBinary;
    case Measure::PR: case Measure::PLO: case Measure::PAS: case Measure::PFT: case Measure::PLN:
      return DataShape::Proportion;
    case Measure::MD: case Measure::SMD: case Measure::ROM:
      return DataShape::TwoArmContinuous;
    case Measure::COR: case Measure::ZCOR:
      return DataShape::Correlation;
    case Measure::GEN:
      return DataShape::Generic;
  }
  return DataShape::Generic;
}

Measure default_measure(DataShape shape) {
  switch (shape) {
    case DataShape::TwoArmBinary: return Measure::RR;
    case DataShape::Proportion: return Measure::PLO;
    case DataShape::TwoArmContinuous: return Measure::SMD;
    case DataShape::Correlation: return Measure::ZCOR;
    case DataShape::Generic: return Measure::GEN;
  }
  return Measure::GEN;
}

bool is_random_effects(Method method) {
  return method != Method::EE && method != Method::MH && method != Method::PETO;
}

}  // namespace metapool
