#include "core/conventions.hpp"

namespace metapool {

std::string_view to_string(I2Definition value) {
  return value == I2Definition::Higgins ? "higgins" : "metafor";
}

std::string_view to_string(PiDf value) {
  switch (value) {
    case PiDf::Auto: return "auto";
    case PiDf::Z: return "z";
    case PiDf::KMinus1: return "k-1";
    case PiDf::KMinus2: return "k-2";
  }
  return "?";
}

std::string_view to_string(PftScale value) { return value == PftScale::Full ? "full" : "half"; }

std::string_view to_string(SmdVtype value) {
  switch (value) {
    case SmdVtype::LS: return "LS";
    case SmdVtype::UB: return "UB";
    case SmdVtype::LS2: return "LS2";
    case SmdVtype::AV: return "AV";
  }
  return "?";
}

std::optional<I2Definition> parse_i2_definition(std::string_view text) {
  if (text == "metafor") return I2Definition::Metafor;
  if (text == "higgins") return I2Definition::Higgins;
  return std::nullopt;
}

std::optional<PiDf> parse_pi_df(std::string_view text) {
  for (PiDf v : {PiDf::Auto, PiDf::Z, PiDf::KMinus1, PiDf::KMinus2}) {
    if (text == to_string(v)) return v;
  }
  return std::nullopt;
}

std::optional<PftScale> parse_pft_scale(std::string_view text) {
  if (text == "half") return PftScale::Half;
  if (text == "full") return PftScale::Full;
  return std::nullopt;
}

std::optional<SmdVtype> parse_smd_vtype(std::string_view text) {
  for (SmdVtype v : {SmdVtype::LS, SmdVtype::UB, SmdVtype::LS2, SmdVtype::AV}) {
    if (text == to_string(v)) return v;
  }
  return std::nullopt;
}

}  // namespace metapool
