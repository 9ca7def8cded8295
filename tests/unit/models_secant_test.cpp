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
// `budget`: the scoring iterations left (metafor's and metapool's default
// maxiter is far above what these need).
template <class Step>
metapool::detail::SecantFinish finish_after_two_steps(const Step& step, double t0, int budget = 1000) {
  const double a0 = step(t0);
  const double t1 = t0 + a0;
  return metapool::detail::secant_finish(step, t0, a0, t1, step(t1), kTol, budget);
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
  CHECK_FALSE(
      metapool::detail::secant_finish(repelling, 0.21, repelling(0.21), 0.205, repelling(0.205), kTol, 1000).solved);
  // Contraction 0.995: scoring converges, but too slowly to say so from the
  // estimated factor (above 0.99).
  const auto crawling = [](double t) { return 0.005 * (0.2 - t); };
  CHECK_FALSE(finish_after_two_steps(crawling, 1.0).solved);
  // Contraction 0.9: from the second step (0.072) scoring needs 237 more
  // to reach 1e-12. With 300 left the finish takes it; with 200 scoring
  // would run out first, and the finish says so.
  const auto slow = [](double t) { return 0.1 * (0.2 - t); };
  const auto slow_out = finish_after_two_steps(slow, 1.0, 300);
  REQUIRE(slow_out.solved);
  CHECK(std::fabs(slow_out.tau2 - 0.2) <= kTol);
  const auto short_budget = finish_after_two_steps(slow, 1.0, 200);
  CHECK_FALSE(short_budget.solved);
  CHECK(short_budget.over_budget);
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

TEST_CASE("secant finish: a slowly oscillating REML fit ends at scoring's root, or in its fallback when scoring "
          "would run out of iterations",
          "[models][tau2]") {
  // One analysis of the benchmark's (outcome000, t78): log risk ratios of
  // its 2x2 counts. Scoring from the HE start oscillates around the root
  // and shrinks by about 0.92 a step: 306 iterations at tol 1e-12.
  const double counts[10][4] = {{6, 62, 31, 325},  {59, 277, 122, 299}, {42, 384, 28, 227}, {36, 329, 35, 245},
                                {29, 107, 11, 32}, {4, 74, 18, 288},    {42, 231, 45, 200}, {30, 370, 31, 288},
                                {80, 362, 13, 35}, {28, 170, 57, 275}};
  metapool::EffectData d;
  for (const auto& c : counts) {
    d.yi.push_back(std::log(c[0] / c[1]) - std::log(c[2] / c[3]));
    d.vi.push_back(1.0 / c[0] - 1.0 / c[1] + 1.0 / c[2] - 1.0 / c[3]);
  }
  const auto step = [&](double t) {
    const auto s = metapool::detail::weighted_sums(d.yi, d.vi, t);
    return (s.ypp - s.tr_p()) / s.tr_pp();
  };
  const auto root = metapool::detail::bracket_estimating_equation(step, 0.1, 1e-13, 1000);
  REQUIRE(root.solved);
  REQUIRE(root.tau2 > 0.01);
  // Plain scoring to 1e-12: 1 - step'(root) is about 1.92 here.
  int plain_iterations = 0;
  for (double t = 0.0; plain_iterations < 1000; ++plain_iterations) {
    const double a = step(t);
    if (plain_iterations > 0 && std::fabs(a) <= kTol * std::max(1.0, t)) break;
    t = std::max(0.0, t + a);
  }
  CHECK(plain_iterations > 200);
  CHECK(plain_iterations < 1000);

  const auto est = metapool::tau2_reml(d, metapool::Tau2Options{});
  REQUIRE(est.converged);
  CHECK(est.message.empty());
  CHECK(std::fabs(est.tau2 - root.tau2) <= 1e-10 * root.tau2);
  CHECK(est.iterations <= 15);  // fails with the finish limited to contractions below 0.75

  // With 100 iterations allowed, scoring cannot get there: the fit keeps
  // its fallback (the same root, by bracketing) and says why.
  metapool::Tau2Options short_run;
  short_run.max_iter = 100;
  const auto capped = metapool::tau2_reml(d, short_run);
  REQUIRE(capped.converged);
  CHECK_FALSE(capped.message.empty());
  CHECK(std::fabs(capped.tau2 - root.tau2) <= 1e-10 * root.tau2);
}
