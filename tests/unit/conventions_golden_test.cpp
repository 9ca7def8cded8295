// End to end: `metapool pool|effects ... --format json` with the named
// conventions (--i2, --pi-df, --mh-cc, --pft-scale, --smd-vtype) against
// metafor 3.8-1 where it has the option (rma.mh add/to, escalc vtype) and
// against the published formulas evaluated in R on metafor's output where it
// has not (Higgins-Thompson I^2 and CI, t(k-2) prediction interval, unhalved
// PFT). Golden values: scripts/golden_conventions.R.
#include <catch2/catch.hpp>

#include <limits>

#include <nlohmann/json.hpp>

#include "support/golden.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using nlohmann::json;

namespace {

using metapool::test::as_double;


void compare_field(const std::string& what, const json& actual, const json& expected, double tol) {
  metapool::test::check_json_near(what, actual, expected, tol);
}

json golden() {
  return metapool::test::load_golden("conventions/cases.json");
}

}  // namespace

TEST_CASE("conventions: pool --format json matches metafor and the R formulas", "[conventions][cli][golden]") {
  const json cases = golden()["pool"];
  REQUIRE(cases.size() >= 20);
  for (const auto& c : cases) {
    const std::string args = c["args"].get<std::string>();
    DYNAMIC_SECTION(args) {
      const json out = metapool::test::run_json_case(args);
      CHECK(out["model"]["k"] == c["k"]);
      for (const char* field : {"estimate", "se", "statistic", "pval", "ci_lb", "ci_ub", "Q", "Q_pval", "I2", "H2",
                                "tau2", "tau2_ci", "I2_ci", "H2_ci", "pi_lb", "pi_ub"}) {
        if (!c.contains(field) || c[field].is_null()) {
          CHECK(out[field].is_null());
          continue;
        }
        compare_field(field, out[field], c[field], metapool::test::kTolModel);
      }
      if (c.contains("transformed")) {
        REQUIRE(out.contains("transformed"));
        for (const char* field : {"estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub"}) {
          compare_field(std::string("transformed.") + field, out["transformed"][field], c["transformed"][field],
                        metapool::test::kTolModel);
        }
      }
      INFO("conventions: " << out["conventions"].dump() << " expected " << c["conventions"].dump());
      CHECK(out["conventions"] == c["conventions"]);
    }
  }
}

TEST_CASE("conventions: effects --format json matches metafor escalc vtype and the unhalved PFT",
          "[conventions][cli][golden]") {
  const json cases = golden()["effects"];
  REQUIRE(cases.size() >= 6);
  for (const auto& c : cases) {
    const std::string args = c["args"].get<std::string>();
    DYNAMIC_SECTION(args) {
      const json out = metapool::test::run_json_case(args);
      REQUIRE(out["studies"].size() == c["yi"].size());
      for (std::size_t i = 0; i < c["yi"].size(); ++i) {
        METAPOOL_CHECK_NEAR("yi[" + std::to_string(i) + "]", as_double(out["studies"][i]["yi"]),
                            as_double(c["yi"][i]), metapool::test::kTolClosedForm);
        METAPOOL_CHECK_NEAR("vi[" + std::to_string(i) + "]", as_double(out["studies"][i]["vi"]),
                            as_double(c["vi"][i]), metapool::test::kTolClosedForm);
      }
      CHECK(out["conventions"]["smd_vtype"] == c["smd_vtype"]);
      CHECK(out["conventions"]["pft_scale"] == c["pft_scale"]);
      CHECK_FALSE(out["conventions"].contains("i2"));
    }
  }
}
