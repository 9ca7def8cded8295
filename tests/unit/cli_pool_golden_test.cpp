// End to end: `metapool pool ... --format json` on the bundled datasets
// against metafor 3.8's rma / rma.mh / rma.peto, confint and predict
// (golden values written by scripts/golden_cli.R).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/golden.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using nlohmann::json;

namespace {

void compare_field(const std::string& what, const json& actual, const json& expected) {
  metapool::test::check_json_near(what, actual, expected, metapool::test::kTolModel);
}

}  // namespace

TEST_CASE("pool --format json matches metafor on the bundled datasets", "[cli][pool][golden]") {
  const json golden = metapool::test::load_golden("cli/pool_cases.json");
  REQUIRE(golden["cases"].size() >= 10);
  for (const auto& c : golden["cases"]) {
    const std::string args = c["args"].get<std::string>();
    DYNAMIC_SECTION(args) {
      const json out = metapool::test::run_json_case(args);
      CHECK(out["model"]["k"] == c["k"]);
      for (const char* field : {"estimate", "se", "statistic", "pval", "ci_lb", "ci_ub", "df", "Q", "Q_pval", "I2",
                                "H2", "tau2", "se_tau2", "tau", "tau2_ci", "tau_ci", "I2_ci", "H2_ci", "pi_lb",
                                "pi_ub"}) {
        if (!c.contains(field)) {
          // metafor has no such quantity for this model: the contract says null
          CHECK(out[field].is_null());
          continue;
        }
        compare_field(field, out[field], c[field]);
      }
      if (c.contains("transformed")) {
        REQUIRE(out.contains("transformed"));
        CHECK(out["transformed"]["scale"] == c["transformed"]["scale"]);
        for (const char* field : {"estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub"}) {
          compare_field(std::string("transformed.") + field, out["transformed"][field], c["transformed"][field]);
        }
      } else {
        CHECK_FALSE(out.contains("transformed"));
      }
    }
  }
}
