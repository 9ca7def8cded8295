// REML/ML/EB whose Fisher scoring oscillates: metafor 3.8's rma stops with an
// error at tight settings; metapool solves the estimating equation by
// bracketing, says so in a warning, and agrees with metafor run with
// control = list(stepadj = 0.5) (scripts/golden_oscillation.R). Also a
// meta-regression whose scoring stalls at round-off, which must stop there.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "io/csv_table.hpp"
#include "io/number.hpp"
#include "models/metareg.hpp"
#include "models/pool.hpp"
#include "support/golden.hpp"
#include "support/tolerance.hpp"

using metapool::test::as_double;

TEST_CASE("models: oscillating Fisher scoring is solved by bracketing, as metafor with stepadj 0.5", "[models][edge]") {
  const auto golden = metapool::test::load_golden("edge/oscillating_fisher_scoring.json");
  REQUIRE(golden["metafor_default_scoring_fails"].get<bool>());
  metapool::EffectData data;
  for (const auto& y : golden["yi"]) data.yi.push_back(y.get<double>());
  for (const auto& v : golden["vi"]) data.vi.push_back(v.get<double>());
  REQUIRE(golden["fits"].size() == 6);
  for (const auto& fit : golden["fits"]) {
    const std::string method = fit["method"].get<std::string>();
    const std::string test = fit["test"].get<std::string>();
    DYNAMIC_SECTION(method << " " << test) {
      metapool::PoolOptions o;
      o.method = *metapool::parse_method(method);
      o.test = *metapool::parse_test(test);
      const auto r = metapool::fit_uni(data, o);
      REQUIRE(r.converged);
      CHECK(r.method == o.method);
      METAPOOL_CHECK_NEAR("tau2", r.tau2.value_or(-1), as_double(fit["tau2"]), metapool::test::kTolModel);
      METAPOOL_CHECK_NEAR("estimate", r.estimate, as_double(fit["estimate"]), metapool::test::kTolModel);
      METAPOOL_CHECK_NEAR("se", r.se, as_double(fit["se"]), metapool::test::kTolModel);
      METAPOOL_CHECK_NEAR("ci_lb", r.ci_lb, as_double(fit["ci_lb"]), metapool::test::kTolModel);
      METAPOOL_CHECK_NEAR("ci_ub", r.ci_ub, as_double(fit["ci_ub"]), metapool::test::kTolModel);
      if (as_double(fit["tau2"]) > 0) {
        bool warned = false;
        for (const auto& w : r.warnings) warned = warned || w.find("found by bracketing") != std::string::npos;
        CHECK(warned);
      }
    }
  }
}

TEST_CASE("metareg: oscillating Fisher scoring in a meta-regression is solved by bracketing, as metafor with stepadj 0.5",
          "[metareg][edge]") {
  // tests/golden/edge/oscillating_metareg.csv: rma(yi, vi, mods = ~ a + lev)
  // whose REML scoring oscillates (metafor's default rma stops with an error).
  const auto golden = metapool::test::load_golden("edge/oscillating_metareg.json");
  REQUIRE(golden["fits"].size() == 3);
  bool some_fit_fails_in_metafor = false;
  for (const auto& fit : golden["fits"]) {
    const std::string method = fit["method"].get<std::string>();
    const bool fails = fit["metafor_default_scoring_fails"].get<bool>();
    some_fit_fails_in_metafor = some_fit_fails_in_metafor || fails;
    DYNAMIC_SECTION(method) {
      const auto out = metapool::test::run_json_case("pool tests/golden/edge/oscillating_metareg.csv --mods a,lev "
                                                     "--method " + method + " --format json");
      METAPOOL_CHECK_NEAR("tau2", as_double(out["tau2"]), as_double(fit["tau2"]), metapool::test::kTolModel);
      METAPOOL_CHECK_NEAR("QM", as_double(out["QM"]), as_double(fit["QM"]), metapool::test::kTolModel);
      METAPOOL_CHECK_NEAR("QE", as_double(out["Q"]), as_double(fit["QE"]), metapool::test::kTolModel);
      REQUIRE(out["coefficients"].size() == fit["estimate"].size());
      for (std::size_t j = 0; j < fit["estimate"].size(); ++j) {
        CHECK(out["coefficients"][j]["name"] == fit["names"][j]);
        METAPOOL_CHECK_NEAR("estimate", as_double(out["coefficients"][j]["estimate"]), as_double(fit["estimate"][j]),
                            metapool::test::kTolModel);
        METAPOOL_CHECK_NEAR("se", as_double(out["coefficients"][j]["se"]), as_double(fit["se"][j]),
                            metapool::test::kTolModel);
      }
      bool bracketed = false;
      for (const auto& w : out["warnings"]) bracketed = bracketed || w.get<std::string>().find("found by bracketing") != std::string::npos;
      // Where metafor's own scoring fails, metapool's does too and says how it solved it.
      if (fails) CHECK(bracketed);
    }
  }
  CHECK(some_fit_fails_in_metafor);
}

TEST_CASE("metareg: REML scoring that stalls at round-off stops there, as metafor at its tightest converging threshold",
          "[metareg][edge]") {
  // tests/golden/edge/stalled_metareg.csv: nearly collinear moderators of
  // size ~1e11; scoring cycles at ~1e-11 (metafor fails from threshold 1e-8
  // on). metapool stops at the round-off floor: few iterations, no fallback.
  const auto golden = metapool::test::load_golden("edge/stalled_metareg.json");
  REQUIRE(golden["metafor_threshold_1e8_fails"].get<bool>());
  const auto out = metapool::test::run_json_case("pool tests/golden/edge/stalled_metareg.csv --mods a,b --format json");
  CHECK(out["warnings"].empty());
  METAPOOL_CHECK_NEAR("tau2", as_double(out["tau2"]), as_double(golden["tau2"]), metapool::test::kTolModel);
  METAPOOL_CHECK_NEAR("QE", as_double(out["Q"]), as_double(golden["QE_qr"]), metapool::test::kTolModel);
  REQUIRE(out["coefficients"].size() == golden["estimate"].size());
  for (std::size_t j = 0; j < golden["estimate"].size(); ++j) {
    METAPOOL_CHECK_NEAR("estimate", as_double(out["coefficients"][j]["estimate"]), as_double(golden["estimate"][j]),
                        metapool::test::kTolModel);
    METAPOOL_CHECK_NEAR("se", as_double(out["coefficients"][j]["se"]), as_double(golden["se"][j]),
                        metapool::test::kTolModel);
  }
}

TEST_CASE("metareg: a stalled REML fit takes a handful of iterations, not the cap", "[metareg][edge]") {
  // The same data through the library: the iteration count is not in the CLI output.
  const auto table = metapool::read_csv_file(std::string(METAPOOL_TEST_DIR) + "/golden/edge/stalled_metareg.csv");
  REQUIRE(table);
  const auto column = [&](const char* name) {
    const auto index = table->find_column(name);
    REQUIRE(index);
    std::vector<double> values;
    for (std::size_t row = 0; row < table->row_count(); ++row) {
      const auto parsed = metapool::parse_number(table->cell(row, *index));
      REQUIRE(parsed.status == metapool::NumberStatus::Ok);
      values.push_back(parsed.value);
    }
    return values;
  };
  metapool::EffectData data{column("yi"), column("vi")};
  metapool::DesignMatrix x;
  x.names = {"intrcpt", "a", "b"};
  x.columns = {std::vector<double>(data.k(), 1.0), column("a"), column("b")};
  REQUIRE(data.k() == 27);
  const auto fit = metapool::fit_metareg(data, x, metapool::MetaregOptions{});
  REQUIRE(fit);
  CHECK(fit->converged);
  CHECK(fit->iterations < 50);
  CHECK(fit->warnings.empty());
}
