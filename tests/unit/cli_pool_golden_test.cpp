// End to end: `metapool pool ... --format json` on the bundled datasets
// against metafor 3.8's rma / rma.mh / rma.peto, confint and predict
// (golden values written by scripts/golden_cli.R).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using nlohmann::json;

namespace {

double as_double(const json& value) {
  return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

void compare_field(const std::string& what, const json& actual, const json& expected) {
  if (expected.is_array()) {
    REQUIRE(actual.is_array());
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      METAPOOL_CHECK_NEAR(what + "[" + std::to_string(i) + "]", as_double(actual[i]), as_double(expected[i]),
                          metapool::test::kTolModel);
    }
    return;
  }
  METAPOOL_CHECK_NEAR(what, as_double(actual), as_double(expected), metapool::test::kTolModel);
}

}  // namespace

TEST_CASE("pool --format json matches metafor on the bundled datasets", "[cli][pool][golden]") {
  const json golden = json::parse(metapool::test::slurp(std::string(METAPOOL_TEST_DIR) + "/golden/cli/pool_cases.json"));
  REQUIRE(golden["cases"].size() >= 10);
  for (const auto& c : golden["cases"]) {
    const std::string args = c["args"].get<std::string>();
    DYNAMIC_SECTION(args) {
      const auto run = metapool::test::run_cli(args, "", METAPOOL_SOURCE_DIR);
      INFO("stderr: " << run.err);
      REQUIRE(run.status == 0);
      const json out = json::parse(run.out);
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
