// Distribution functions and root finding (src/stats). Expected values:
// R 4.2.2 pnorm/qnorm/pt/qt/pchisq/qchisq printed with digits = 17.
#include <cmath>

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
