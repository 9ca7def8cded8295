// Distribution functions and root finding (src/stats). Expected values:
// R 4.2.2 pnorm/qnorm/pt/qt/pchisq/qchisq printed with digits = 17.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "stats/distributions.hpp"
#include "stats/roots.hpp"
#include "support/golden.hpp"
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

namespace {

// The largest relative difference between f(x, df) and R's value over a
// golden table's rows [x, df, value] (for qnorm: [p, value], df unused);
// `where` gets the row it is at.
double worst_relative(const metapool::test::json& rows, double (*f)(double, double), std::string& where) {
  double worst = 0.0;
  for (const auto& row : rows) {
    const double expected = row.back().get<double>();
    const double got = f(row[0].get<double>(), row.size() > 2 ? row[1].get<double>() : 0.0);
    const double diff = expected == 0.0 ? std::fabs(got) : std::fabs(got - expected) / std::fabs(expected);
    if (!(diff <= worst)) {
      worst = diff;
      where = row.dump() + " got " + std::to_string(got);
    }
  }
  return worst;
}

}  // namespace

// Against R (tests/golden/distributions/, written by
// scripts/golden_distributions.R): every whole df 1-100, where the t and
// chi-square tails take the closed forms of A&S 26.7.3-4 and 26.4.4-5, and
// df beyond them and not whole (Boost), at 17 significant digits. The
// tolerances are the closed forms' error budget: the chi-square tail and
// the quantiles to ~1e-13; the t tail where the two-sided p-value is found
// as 1 - A (A&S 26.7.3-4) loses digits to that subtraction as p falls to
// 1e-6, below which Boost answers: 2e-10 relative at worst on this grid.
TEST_CASE("t and chi-square tails and the quantiles match R over the whole-df range", "[stats]") {
  const auto golden = metapool::test::load_golden("distributions/distributions.json");
  const struct {
    const char* table;
    double (*f)(double, double);
    double tol;
  } checks[] = {
      {"pt_upper", [](double x, double df) { return st::pt_upper(x, df); }, 1e-9},
      {"pval_two_sided_t", [](double x, double df) { return st::pval_two_sided_t(x, df); }, 1e-9},
      {"pchisq_upper", [](double x, double df) { return st::pchisq_upper(x, df); }, 1e-12},
      {"qnorm", [](double p, double) { return st::qnorm(p); }, 1e-13},
      {"qt", [](double p, double df) { return st::qt(p, df); }, 1e-12},
      {"qchisq", [](double p, double df) { return st::qchisq(p, df); }, 1e-12},
  };
  for (const auto& check : checks) {
    std::string where;
    const double worst = worst_relative(golden[check.table], check.f, where);
    INFO(check.table << " worst at " << where);
    CHECK(worst < check.tol);
  }
  // Where the closed forms are exact to rounding (away from the 1 - A
  // subtraction): the two-sided p-value of moderate t, 1e-12.
  double moderate_worst = 0.0;
  for (const auto& r : golden["pval_two_sided_t"]) {
    const double p = r[2].get<double>();
    if (p < 1e-3) continue;
    moderate_worst = std::max(moderate_worst, std::fabs(st::pval_two_sided_t(r[0].get<double>(), r[1].get<double>()) - p) / p);
  }
  CHECK(moderate_worst < 1e-12);
}

TEST_CASE("t p-values decrease over the closed forms' whole range", "[stats]") {
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
