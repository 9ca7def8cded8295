// Meta-regression and subgroup analysis against metafor 3.8-1 (goldens
// written by scripts/golden_metareg.R with control threshold/tol 1e-12):
// end to end through `metapool pool ... --format json`, and at the library
// level through analyse_pool.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "analysis/pipeline.hpp"
#include "io/csv_table.hpp"
#include "support/golden.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using nlohmann::json;

namespace {

using metapool::test::as_double;


// tau = sqrt(tau2): a tau2 on the boundary (~1e-13, where Fisher scoring
// stops at the 1e-12 threshold) has kAbsFloor uncertainty, i.e. sqrt of it
// on tau.
constexpr double kTauFloor = 1e-6;

void compare(const std::string& what, const json& actual, const json& expected, double floor = metapool::test::kAbsFloor) {
  if (expected.is_array()) {
    REQUIRE(actual.is_array());
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      compare(what + "[" + std::to_string(i) + "]", actual[i], expected[i], floor);
    }
    return;
  }
  const double a = as_double(actual);
  const double e = as_double(expected);
  INFO(metapool::test::describe_mismatch(what, a, e));
  CHECK(metapool::test::near_rel(a, e, metapool::test::kTolModel, floor));
}

json load(const std::string& name) {
  return metapool::test::load_golden("metareg/" + name);
}

void check_metareg(const json& out, const json& c) {
  CHECK(out["model"]["k"] == c["k"]);
  REQUIRE(out["coefficients"].size() == c["coefficients"].size());
  for (std::size_t j = 0; j < c["coefficients"].size(); ++j) {
    const json& e = c["coefficients"][j];
    const json& a = out["coefficients"][j];
    CHECK(a["name"] == e["name"]);
    for (const char* f : {"estimate", "se", "statistic", "pval", "ci_lb", "ci_ub"}) {
      compare(e["name"].get<std::string>() + "." + f, a[f], e[f]);
    }
  }
  CHECK(out["QM_df"] == c["QM_df"]);
  CHECK(out["Q_df"] == c["Q_df"]);
  for (const char* f : {"QM", "QM_df2", "QM_pval", "Q", "Q_pval", "I2", "H2", "R2", "df", "tau2", "se_tau2",
                        "tau2_ci", "I2_ci", "H2_ci"}) {
    if (c.contains(f)) {
      compare(f, out[f], c[f]);
    } else {
      CHECK(out[f].is_null());  // EE: no tau^2
    }
  }
  if (c.contains("tau")) {
    compare("tau", out["tau"], c["tau"], kTauFloor);
    compare("tau_ci", out["tau_ci"], c["tau_ci"], kTauFloor);
  }
  json weights = json::array();
  for (const auto& s : out["studies"]) weights.push_back(s["weight"]);
  compare("weights", weights, c["weights"]);
}

void check_subgroups(const json& out, const json& c) {
  REQUIRE(out["subgroups"].size() == c["subgroups"].size());
  for (std::size_t g = 0; g < c["subgroups"].size(); ++g) {
    const json& e = c["subgroups"][g];
    const json& a = out["subgroups"][g];
    CHECK(a["name"] == e["name"]);
    CHECK(a["model"]["k"] == e["k"]);
    for (const auto& [field, value] : e.items()) {
      if (field == "name" || field == "k") continue;
      compare(e["name"].get<std::string>() + "." + field, a[field], value, field == "tau" ? kTauFloor : metapool::test::kAbsFloor);
    }
  }
  CHECK(out["subgroup_test"]["df"] == c["subgroup_test"]["df"]);
  compare("subgroup_test.Q", out["subgroup_test"]["Q"], c["subgroup_test"]["Q"]);
  compare("subgroup_test.pval", out["subgroup_test"]["pval"], c["subgroup_test"]["pval"]);
  if (c.contains("subgroup_test_mixed")) {
    const json& e = c["subgroup_test_mixed"];
    const json& a = out["subgroup_test_mixed"];
    CHECK(a["df"] == e["df"]);
    for (const char* f : {"QM", "df2", "pval", "tau2", "QE"}) compare(std::string("subgroup_test_mixed.") + f, a[f], e[f]);
  } else {
    CHECK(out["subgroup_test_mixed"].is_null());  // MH / Peto
  }
}

}  // namespace

TEST_CASE("metareg: pool --mods --format json matches metafor rma.uni with moderators", "[metareg][cli][golden]") {
  const json golden = load("metareg_cases.json");
  REQUIRE(golden["cases"].size() >= 60);
  for (const auto& c : golden["cases"]) {
    const std::string args = c["args"].get<std::string>();
    DYNAMIC_SECTION(args) {
      check_metareg(metapool::test::run_json_case(args), c);
    }
  }
}

TEST_CASE("subgroup: pool --subgroup --format json matches metafor per-subgroup fits and QM", "[subgroup][cli][golden]") {
  const json golden = load("subgroup_cases.json");
  REQUIRE(golden["cases"].size() >= 60);
  for (const auto& c : golden["cases"]) {
    const std::string args = c["args"].get<std::string>();
    DYNAMIC_SECTION(args) {
      check_subgroups(metapool::test::run_json_case(args), c);
    }
  }
}

TEST_CASE("metareg: analyse_pool fits the same models at the library level", "[metareg][golden]") {
  const json golden = load("metareg_cases.json");
  for (const auto& c : golden["cases"]) {
    const std::string file = c["file"].get<std::string>();
    DYNAMIC_SECTION(c["args"].get<std::string>()) {
      auto table = metapool::read_csv_file(metapool::test::source_path(file));
      REQUIRE(table);
      metapool::AnalysisOptions options;
      options.measure = metapool::parse_measure(c["measure"].get<std::string>());
      options.method = *metapool::parse_method(c["method"].get<std::string>());
      options.test = *metapool::parse_test(c["test"].get<std::string>());
      if (c["mods"].is_array()) {
        for (const auto& m : c["mods"]) options.mods.push_back(m.get<std::string>());
      } else {
        options.mods.push_back(c["mods"].get<std::string>());
      }
      auto analysis = metapool::analyse_pool(std::move(table).value(), options);
      REQUIRE(analysis);
      REQUIRE(analysis->metareg);
      const metapool::MetaregResult& fit = analysis->metareg->fit;
      REQUIRE(fit.coefficients.size() == c["coefficients"].size());
      for (std::size_t j = 0; j < fit.coefficients.size(); ++j) {
        const json& e = c["coefficients"][j];
        CHECK(fit.coefficients[j].name == e["name"].get<std::string>());
        METAPOOL_CHECK_NEAR("estimate", fit.coefficients[j].estimate, as_double(e["estimate"]), metapool::test::kTolModel);
        METAPOOL_CHECK_NEAR("se", fit.coefficients[j].se, as_double(e["se"]), metapool::test::kTolModel);
      }
      METAPOOL_CHECK_NEAR("QM", fit.QM, as_double(c["QM"]), metapool::test::kTolModel);
      METAPOOL_CHECK_NEAR("QE", fit.QE, as_double(c["Q"]), metapool::test::kTolModel);
      if (c.contains("tau2")) {
        METAPOOL_CHECK_NEAR("tau2", fit.tau2.value_or(-1), as_double(c["tau2"]), metapool::test::kTolModel);
      }
    }
  }
}
