// REML/ML/EB whose Fisher scoring oscillates: metafor 3.8's rma stops with an
// error at tight settings; metapool solves the estimating equation by
// bracketing, says so in a warning, and agrees with metafor run with
// control = list(stepadj = 0.5) (scripts/golden_oscillation.R).
#include <catch2/catch.hpp>

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
