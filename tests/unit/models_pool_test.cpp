// Behaviour of the pooled models beyond the golden cases: boundaries (k = 1,
// k = 2, identical effects, tau^2 = 0), fallback on non-convergence, invalid
// input and NaN, and the estimator table. Reference values: metafor 3.8-1
// (dat.bcg log RR, rma(method="REML") / rma(method="DL")), see golden_pool.R.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "models/pool.hpp"
#include "models/tau2.hpp"
#include "support/tolerance.hpp"

using metapool::EffectData;
using metapool::Method;
using metapool::PoolOptions;
using metapool::test::kTolModel;

namespace {

// dat.bcg, escalc(measure="RR") (metadat).
EffectData bcg() {
  return {{-0.88931133, -1.58538866, -1.34807315, -1.44155119, -0.21754732, -0.78611559, -1.62089822, 0.01195233,
           -0.46941765, -1.37134480, -0.33935883, 0.44591340, -0.01731395},
          {0.325584765, 0.194581121, 0.415367965, 0.020010032, 0.051210172, 0.006905618, 0.223017248, 0.003961579,
           0.056434210, 0.073024794, 0.012412214, 0.532505845, 0.071404660}};
}

bool has_warning(const metapool::PoolResult& r, const std::string& needle) {
  for (const auto& w : r.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("Tau2Reml matches metafor on BCG", "[models]") {
  PoolOptions o;
  const auto r = metapool::fit_uni(bcg(), o);
  REQUIRE(r.converged);
  REQUIRE(r.tau2.has_value());
  // metafor: tau2 0.313243258136486, estimate -0.714532342158140 (8 printed digits in yi: loose to 1e-6)
  METAPOOL_CHECK_NEAR("tau2", *r.tau2, 0.313243258136486, 1e-5);
  METAPOOL_CHECK_NEAR("estimate", r.estimate, -0.714532342158140, 1e-5);
  CHECK(r.method == Method::REML);
}

TEST_CASE("Every random-effects method has an estimator in the table", "[models]") {
  for (Method m : {Method::DL, Method::HE, Method::HS, Method::HSk, Method::SJ, Method::ML, Method::REML, Method::EB,
                   Method::PM, Method::PMM, Method::GENQ}) {
    CHECK(metapool::tau2_estimator(m) != nullptr);
  }
  CHECK(metapool::tau2_estimator(Method::EE) == nullptr);
  CHECK(metapool::tau2_estimator(Method::MH) == nullptr);
}

TEST_CASE("k = 1: tau2 = 0, Q df 0, test forced to z, no tau2 CI (metafor)", "[models]") {
  PoolOptions o;
  o.test = metapool::TestType::KNHA;
  const auto r = metapool::fit_uni(EffectData{{0.3}, {0.04}}, o);
  CHECK(r.converged);
  CHECK(r.test == metapool::TestType::Z);
  CHECK(has_warning(r, "since k=1"));
  CHECK(*r.tau2 == 0.0);
  CHECK_FALSE(r.se_tau2.has_value());
  CHECK(r.Q_df == 0);
  CHECK(r.Q_pval == 1.0);
  CHECK(*r.I2 == 0.0);
  CHECK(*r.H2 == 1.0);
  CHECK_FALSE(r.tau2_ci.has_value());
  METAPOOL_CHECK_NEAR("se", r.se, 0.2, kTolModel);
  METAPOOL_CHECK_NEAR("pi = ci", r.pi->lb, r.ci_lb, kTolModel);
}

TEST_CASE("Identical effects: tau2 = 0 and the tau2 CI is the empty set (0 to 0)", "[models]") {
  PoolOptions o;
  o.method = Method::PM;
  const auto r = metapool::fit_uni(EffectData{{0.2, 0.2, 0.2}, {0.01, 0.02, 0.03}}, o);
  CHECK(*r.tau2 == 0.0);
  CHECK(r.Q == 0.0);
  CHECK(r.tau2_ci->lb == 0.0);
  CHECK(r.tau2_ci->ub == 0.0);
  CHECK(has_warning(r, "null/empty set"));
}

TEST_CASE("Non-convergence is reported and the fallback chain is used", "[models]") {
  PoolOptions o;
  o.method = Method::REML;
  o.max_iter = 1;  // cannot converge in one Fisher scoring step
  auto r = metapool::fit_uni(bcg(), o);
  CHECK_FALSE(r.converged);
  CHECK(has_warning(r, "REML: Fisher scoring did not converge"));
  CHECK(std::isnan(r.estimate));

  o.fallback = {Method::ML, Method::DL};
  r = metapool::fit_uni(bcg(), o);
  CHECK(r.converged);
  CHECK(r.method == Method::DL);
  CHECK(r.requested == Method::REML);
  CHECK(has_warning(r, "using DL after REML did not converge"));
  METAPOOL_CHECK_NEAR("DL tau2", *r.tau2, 0.308760262862376, 1e-5);  // metafor rma(method="DL")
}

TEST_CASE("Invalid input and NaN give a failed result with a message, never a throw", "[models]") {
  PoolOptions o;
  auto r = metapool::fit_uni(EffectData{{0.1, NAN}, {0.01, 0.02}}, o);
  CHECK_FALSE(r.converged);
  CHECK(has_warning(r, "study 2 needs a finite yi and vi > 0"));
  r = metapool::fit_uni(EffectData{{0.1, 0.2}, {0.01, 0.0}}, o);
  CHECK_FALSE(r.converged);
  r = metapool::fit_uni(EffectData{}, o);
  CHECK_FALSE(r.converged);

  const metapool::BinaryCounts bad{{5}, {4}, {1}, {10}};  // 5 events out of 4
  o.measure = metapool::Measure::OR;
  const auto mh = metapool::fit_mh(bad, o);
  CHECK_FALSE(mh.converged);
  CHECK(has_warning(mh, "fit_mh: study 1"));
  o.measure = metapool::Measure::SMD;
  CHECK(has_warning(metapool::fit_mh(metapool::BinaryCounts{{1}, {10}, {2}, {10}}, o), "measure must be OR, RR or RD"));
}

TEST_CASE("MH with no events in one arm anywhere is undefined, and knha falls back to z", "[models]") {
  PoolOptions o;
  o.measure = metapool::Measure::OR;
  o.test = metapool::TestType::KNHA;
  const metapool::BinaryCounts none{{0, 0}, {10, 12}, {2, 3}, {10, 11}};
  const auto r = metapool::fit_mh(none, o);
  CHECK_FALSE(r.converged);
  CHECK(std::isnan(r.estimate));
  CHECK(r.test == metapool::TestType::Z);
  CHECK(has_warning(r, "not available"));
  const auto peto = metapool::fit_peto(metapool::BinaryCounts{{0}, {10}, {0}, {10}}, o);  // double zero only
  CHECK_FALSE(peto.converged);
}

TEST_CASE("tau2 on the boundary: DL truncates at 0 and the CI lower bound is 0", "[models]") {
  PoolOptions o;
  o.method = Method::DL;
  // lowq golden dataset: Q between the 2.5% and 97.5% quantiles.
  const auto r = metapool::fit_uni(
      EffectData{{0.1, 0.5, -0.2, 0.3, 0.0},
                 {0.0898262995, 0.1058185849, 0.1359280045, 0.1862311685, 0.0802522897}},
      o);
  CHECK(*r.tau2 == 0.0);
  CHECK(r.tau2_ci->lb == 0.0);
  CHECK(r.tau2_ci->ub > 0.0);
  CHECK(*r.I2 == 0.0);
}
