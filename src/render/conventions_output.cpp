#include "render/conventions_output.hpp"

#include <fmt/format.h>

#include "render/json_value.hpp"
#include "render/number_format.hpp"

namespace metapool {
namespace {

template <class Enum>
nlohmann::ordered_json code_or_null(const std::optional<Enum>& value) {
  if (!value) return nullptr;
  return std::string(to_string(*value));
}

}  // namespace

nlohmann::ordered_json conventions_json(const ConventionsUsed& used, bool pooled) {
  nlohmann::ordered_json out;
  if (pooled) {
    out["i2"] = code_or_null(used.i2);
    out["pi_df"] = code_or_null(used.pi_df);
  }
  out["cc"] = json_number(used.cc);
  out["cc_to"] = code_or_null(used.cc_to);
  if (pooled) {
    out["mh_cc"] = code_or_null(used.mh_cc);
    out["mh_cc_add"] = json_number(used.mh_cc_add);
  }
  out["pft_scale"] = code_or_null(used.pft_scale);
  out["smd_vtype"] = code_or_null(used.smd_vtype);
  return out;
}

std::string conventions_text(const ConventionsUsed& used) {
  std::string out = "Conventions:";
  bool first = true;
  const auto item = [&out, &first](const std::string& text) {
    out += (first ? " " : "; ") + text;
    first = false;
  };
  if (used.i2) {
    item(*used.i2 == I2Definition::Higgins ? "I^2 higgins ((Q - df)/Q)" : "I^2 metafor (tau^2/(tau^2 + s^2))");
  }
  if (used.pi_df) {
    item(*used.pi_df == PiDf::Z ? std::string("prediction interval z")
                                : fmt::format("prediction interval t({})", to_string(*used.pi_df)));
  }
  if (used.cc && used.cc_to) item(fmt::format("cc {} to {}", format_exact(*used.cc), to_string(*used.cc_to)));
  if (used.mh_cc) {
    item(used.mh_cc_add ? fmt::format("MH cc {} to {}", format_exact(*used.mh_cc_add), to_string(*used.mh_cc))
                        : std::string("MH cc none"));
  }
  if (used.pft_scale) item(fmt::format("PFT {}", to_string(*used.pft_scale)));
  if (used.smd_vtype) item(fmt::format("SMD vtype {}", to_string(*used.smd_vtype)));
  if (out == "Conventions:") return "";
  return out + "\n";
}

}  // namespace metapool
