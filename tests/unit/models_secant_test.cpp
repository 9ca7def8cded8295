// The secant finish of Fisher scoring (models/estimating_equation.hpp): it
// must reach the root that scoring converges to, and decline (leaving the
// run to scoring and its bracketing fallback) wherever scoring itself would
// not converge.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "models/estimating_equation.hpp"
#include "models/tau2.hpp"
#include "models/weighted_sums.hpp"

namespace {

constexpr double kTol = 1e-12;

// Two scoring steps of step(t) from t0: the points secant_finish starts from.
template <class Step>
metapool::detail::SecantFinish finish_after_two_steps(const Step& step, double t0) {
  const double a0 = step(t0);
  const double t1 = t0 + a0;
  return metapool::detail::secant_finish(step, t0, a0, t1, step(t1), kTol);
}

// k = 10 log risk ratios and variances of the benchmark's kind.
metapool::EffectData bench_like_data() {
  metapool::EffectData d;
  d.yi = {-0.05, -0.41, 0.12, -0.33, -0.18, 0.27, -0.62, -0.09, 0.03, -0.25};
  d.vi = {0.021, 0.034, 0.018, 0.052, 0.027, 0.045, 0.061, 0.015, 0.038, 0.024};
  return d;
}

}  // namespace

TEST_CASE("secant finish: reaches the root of a contracting scoring step and stops as scoring does",
          "[models][tau2]") {
  // Scoring's map t + step(t) contracts by 0.4 (linear) and by about 0.3
  // near the root 0.2 (curved); the root is exact in one case, to tol in the other.
  const auto linear = [](double t) { return 0.6 * (0.2 - t); };
  const auto linear_out = finish_after_two_steps(linear, 1.0);
  REQUIRE(linear_out.solved);
  CHECK(std::fabs(linear_out.tau2 - 0.2) <= 1e-15);
  const auto curved = [](double t) { return (0.2 - t) * (0.7 + 0.5 * t); };
  const auto curved_out = finish_after_two_steps(curved, 0.5);
  REQUIRE(curved_out.solved);
  CHECK(std::fabs(curved_out.tau2 - 0.2) <= kTol);
  CHECK(std::fabs(curved(curved_out.tau2)) <= kTol);
  CHECK(curved_out.iterations <= 6);
}

TEST_CASE("secant finish: declines where scoring would not converge or converges slowly", "[models][tau2]") {
  // 1 + step'(root) = -1.5: scoring oscillates away from the root (metafor's
  // failure); the secant would find the root, so it must decline.
  const auto repelling = [](double t) { return 2.5 * (0.2 - t); };
  CHECK_FALSE(metapool::detail::secant_finish(repelling, 0.21, repelling(0.21), 0.205, repelling(0.205), kTol).solved);
  // Contraction 0.9 > 0.75: scoring converges, but the finish leaves it to scoring.
  const auto slow = [](double t) { return 0.1 * (0.2 - t); };
  CHECK_FALSE(finish_after_two_steps(slow, 1.0).solved);
  // A secant step that leaves (0, inf) declines.
  const auto boundary = [](double t) { return 0.6 * (-0.5 - t); };
  CHECK_FALSE(finish_after_two_steps(boundary, 0.01).solved);
}

TEST_CASE("secant finish: REML, ML and EB give the root of their estimating equations in fewer iterations",
          "[models][tau2]") {
  const auto d = bench_like_data();
  struct Case {
    const char* name;
    metapool::Tau2Function estimator;
    double (*step)(const metapool::detail::WeightedSums&, double k);
  };
  const Case cases[] = {
      {"REML", &metapool::tau2_reml,
       [](const metapool::detail::WeightedSums& s, double) { return (s.ypp - s.tr_p()) / s.tr_pp(); }},
      {"ML", &metapool::tau2_ml,
       [](const metapool::detail::WeightedSums& s, double) { return (s.ypp - s.sum_w) / s.sum_w2; }},
      {"EB", &metapool::tau2_eb,
       [](const metapool::detail::WeightedSums& s, double k) { return (s.q * k / (k - 1.0) - k) / s.sum_w; }},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const auto est = c.estimator(d, metapool::Tau2Options{});
      REQUIRE(est.converged);
      CHECK(est.message.empty());
      // The root of the same equation, found by bracketing to 1e-15.
      const double k = static_cast<double>(d.k());
      const auto step = [&](double t) { return c.step(metapool::detail::weighted_sums(d.yi, d.vi, t), k); };
      const auto root = metapool::detail::bracket_estimating_equation(step, est.tau2, 1e-13, 1000);
      REQUIRE(root.solved);
      REQUIRE(root.tau2 > 0.0);
      CHECK(std::fabs(est.tau2 - root.tau2) <= 1e-10 * root.tau2);
      // Plain scoring at tol 1e-12 takes more than 10 here (this check fails
      // with the secant finish disabled).
      CHECK(est.iterations <= 10);
    }
  }
}
