// Distribution functions and root finding (src/stats). Expected values:
// R 4.2.2 pnorm/qnorm/pt/qt/pchisq/qchisq printed with digits = 17.
#include <cmath>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "stats/distributions.hpp"
#include "stats/roots.hpp"
#include "support/tolerance.hpp"

namespace st = metapool::stats;
using metapool::test::kTolClosedForm;

TEST_CASE("Normal, t and chi-square match R", "[stats]") {
  // qnorm(0.975); pnorm(-10); pnorm(1.96, lower.tail=FALSE)
  METAPOOL_CHECK_NEAR("qnorm(.975)", st::qnorm(0.975), 1.9599639845400536, kTolClosedForm);
  METAPOOL_CHECK_NEAR("pnorm(-10)", st::pnorm(-10.0), 7.6198530241605269e-24, kTolClosedForm);
  METAPOOL_CHECK_NEAR("pnorm_upper(10)", st::pnorm_upper(10.0), 7.6198530241605269e-24, kTolClosedForm);
  // qt(0.975, 12); pt(2.5, 12, lower.tail=FALSE)
  METAPOOL_CHECK_NEAR("qt(.975,12)", st::qt(0.975, 12.0), 2.1788128296672284, kTolClosedForm);
  METAPOOL_CHECK_NEAR("pt_upper(2.5,12)", st::pt_upper(2.5, 12.0), 0.013957699785662607, kTolClosedForm);
  // qchisq(0.025, 12); pchisq(152.2330080823733, 12, lower.tail=FALSE)
  METAPOOL_CHECK_NEAR("qchisq(.025,12)", st::qchisq(0.025, 12.0), 4.4037885069817015, kTolClosedForm);
  METAPOOL_CHECK_NEAR("pchisq_upper", st::pchisq_upper(152.2330080823733, 12.0), 1.9967645908459738e-26,
                      kTolClosedForm);
}

// Whole df up to 100 take closed forms (A&S 26.7.3-4 for t, 26.4.4-5 for
// chi-square) instead of Boost; odd and even df, both tails, the closed
// forms' edge (t tails near 1e-6, chi-square near 1e-300). R 4.2.2:
// pt(t, df, lower.tail=FALSE), pchisq(x, df, lower.tail=FALSE).
TEST_CASE("t and chi-square tails with whole df match R", "[stats]") {
  struct Case {
    double x, df, expected;
  };
  const Case t_cases[] = {
      {0.5, 1, 0.35241638234956679},      {3, 1, 0.10241638234956672},
      {2.2000000000000002, 2, 0.079404487903970075}, {7, 2, 0.0099019705901965682},
      {1.3, 3, 0.14223375436394847},      {-1.3, 3, 0.85776624563605153},
      {2.8999999999999999, 9, 0.0087976867543158675}, {4.5, 9, 0.00074447470770586533},
      {0.01, 10, 0.49610898749548571},    {6, 10, 6.6054430177392841e-05},
      {2, 99, 0.024119846686316483},      {4.7999999999999998, 100, 2.7824450042919757e-06},
      {-2, 100, 0.97589391063443309},
  };
  for (const auto& c : t_cases) {
    METAPOOL_CHECK_NEAR("pt_upper(" + std::to_string(c.x) + ", " + std::to_string(c.df) + ")", st::pt_upper(c.x, c.df), c.expected, 1e-12);
  }
  const Case chi_cases[] = {
      {0.29999999999999999, 1, 0.58388242077036523}, {30, 1, 4.3204630578274968e-08},
      {2, 2, 0.36787944117144233},        {60, 2, 9.3576229688401748e-14},
      {5, 3, 0.17179714429673321},        {12.5, 9, 0.18656597485845111},
      {3, 10, 0.98142406377785929},       {41, 10, 1.1284169520978375e-05},
      {120, 99, 0.074243855805966805},    {80, 100, 0.92966493334060507},
      {1300, 1, 1.1303728441492744e-284}, {1300, 100, 6.1832464091282404e-208},
  };
  for (const auto& c : chi_cases) {
    METAPOOL_CHECK_NEAR("pchisq_upper(" + std::to_string(c.x) + ", " + std::to_string(c.df) + ")", st::pchisq_upper(c.x, c.df), c.expected,
                        1e-12);
  }
  // Across the whole range of the closed forms: the two-sided t p-value down
  // to ~1e-6 carries an absolute error of a few ulps of 1 (relative ~1e-9
  // there); below that Boost takes over.
  for (int df = 1; df <= 100; ++df) {
    for (double t = 0.0; t < 60.0; t += 0.37) {
      const double p = st::pval_two_sided_t(t, df);
      CHECK(p >= 0.0);
      CHECK(p <= 1.0);
      if (t > 0.0) CHECK(p < st::pval_two_sided_t(t - 0.37, df));  // strictly decreasing in |t|
    }
  }
}

TEST_CASE("Distribution boundaries and bad arguments give limits or NaN", "[stats]") {
  CHECK(st::pchisq_upper(0.0, 3.0) == 1.0);
  CHECK(st::qchisq(0.0, 3.0) == 0.0);
  CHECK(std::isinf(st::qnorm(1.0)));
  CHECK(st::pval_two_sided_z(INFINITY) == 0.0);
  CHECK(std::isnan(st::qnorm(1.5)));
  CHECK(std::isnan(st::qt(0.5, 0.0)));
  CHECK(std::isnan(st::pchisq_upper(1.0, -1.0)));
  CHECK(std::isnan(st::pnorm(NAN)));
  CHECK(std::isnan(st::pval_two_sided_t(NAN, 3.0)));
}

TEST_CASE("find_root brackets and reports failure", "[stats]") {
  const auto f = [](double x) { return x * x - 2.0; };
  const auto r = st::find_root(f, 0.0, 2.0, 1e-15, 1e-300, 200);
  CHECK(r.converged);
  METAPOOL_CHECK_NEAR("sqrt(2)", r.root, std::sqrt(2.0), 1e-14);
  CHECK_FALSE(st::find_root(f, 2.0, 3.0, 1e-12, 1e-300, 200).converged);  // not bracketed
  CHECK(st::find_root([](double x) { return x; }, 0.0, 1.0, 1e-12, 1e-300, 200).root == 0.0);  // root at an end
}

TEST_CASE("find_root_newton converges, respects the range and reports failure", "[stats]") {
  const auto f = [](double x) { return std::pair<double, double>{x * x - 2.0, 2.0 * x}; };
  const auto r = st::find_root_newton(f, 1.9, 0.0, 2.0, 1e-14, 100);
  CHECK(r.converged);
  CHECK(r.iterations < 10);
  METAPOOL_CHECK_NEAR("sqrt(2)", r.root, std::sqrt(2.0), 1e-14);
  // A decreasing function started far right of its root (a Q-profile shape).
  const auto q = [](double t) { return std::pair<double, double>{10.0 / (1.0 + t) - 2.0, -10.0 / ((1.0 + t) * (1.0 + t))}; };
  const auto from_right = st::find_root_newton(q, 90.0, 0.0, 100.0, 1e-14, 100);
  CHECK(from_right.converged);
  METAPOOL_CHECK_NEAR("10/(1+t)=2", from_right.root, 4.0, 1e-13);
  CHECK_FALSE(st::find_root_newton(f, 2.5, 2.0, 3.0, 1e-12, 100).converged);  // no root in the range
  CHECK_FALSE(st::find_root_newton(f, 1.0, 0.0, 2.0, 1e-14, 2).converged);     // too few iterations
}

TEST_CASE("QuantileMemo returns exactly the computed quantiles, also after evicting entries", "[stats]") {
  st::QuantileMemo memo;
  for (int round = 0; round < 3; ++round) {
    for (int df = 1; df <= 40; ++df) {  // more keys than the memo holds
      CHECK(memo.qt(0.975, df) == st::qt(0.975, df));
      CHECK(memo.qchisq(0.025, df) == st::qchisq(0.025, df));
      CHECK(memo.qt(0.975, df) == st::qt(0.975, df));  // a hit
    }
  }
  CHECK(memo.qnorm(0.975) == st::qnorm(0.975));
  CHECK(memo.qnorm(0.95) == st::qnorm(0.95));
  CHECK(memo.qt(0.95, 12.0) != memo.qchisq(0.95, 12.0));  // distributions are kept apart
  CHECK(std::isnan(memo.qt(0.5, 0.0)));
  CHECK(std::isnan(memo.qt(NAN, 3.0)));
  CHECK(st::qt(0.975, 9.0, &memo) == st::qt(0.975, 9.0));
  CHECK(st::qt(0.975, 9.0, nullptr) == st::qt(0.975, 9.0));
  CHECK(st::qchisq(0.5, 9.0, &memo) == st::qchisq(0.5, 9.0, nullptr));
  CHECK(st::qnorm(0.9, &memo) == st::qnorm(0.9, nullptr));
}
