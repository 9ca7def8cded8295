// Unit tests of the named conventions (core/conventions.hpp): the codes,
// the Higgins-Thompson I^2 and its test-based CI, the prediction-interval
// critical value, the unhalved Freeman-Tukey transform and its inversion,
// the SMD sampling variances, and the MH continuity correction.
// Reference values: Higgins & Thompson (2002) appendix evaluated in R as
// meta's calcH (see scripts/golden_conventions.R, `higgins`); the other
// expected values are identities between conventions, stated where used.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "analysis/transform.hpp"
#include "core/conventions.hpp"
#include "effects/formulas.hpp"
#include "models/conventions_stats.hpp"
#include "models/pool.hpp"
#include "stats/distributions.hpp"
#include "support/tolerance.hpp"

using namespace metapool;
using metapool::test::kTolClosedForm;

TEST_CASE("conventions: every code round-trips and unknown codes are rejected", "[conventions]") {
  for (I2Definition v : {I2Definition::Metafor, I2Definition::Higgins}) {
    CHECK(parse_i2_definition(to_string(v)) == v);
  }
  for (PiDf v : {PiDf::Auto, PiDf::Z, PiDf::KMinus1, PiDf::KMinus2}) CHECK(parse_pi_df(to_string(v)) == v);
  for (PftScale v : {PftScale::Half, PftScale::Full}) CHECK(parse_pft_scale(to_string(v)) == v);
  for (SmdVtype v : {SmdVtype::LS, SmdVtype::UB, SmdVtype::LS2, SmdVtype::AV}) {
    CHECK(parse_smd_vtype(to_string(v)) == v);
  }
  CHECK(to_string(PiDf::KMinus2) == "k-2");
  CHECK_FALSE(parse_i2_definition("Higgins"));
  CHECK_FALSE(parse_pi_df("k-3"));
  CHECK_FALSE(parse_pft_scale(""));
  CHECK_FALSE(parse_smd_vtype("ls"));
  CHECK_FALSE(parse_smd_vtype("HO"));
}

TEST_CASE("conventions: Higgins-Thompson I2, H2 and test-based CI match meta's calcH", "[conventions]") {
  SECTION("Q > k") {
    const HigginsI2 h = higgins_i2(30, 9, 0.95);
    METAPOOL_CHECK_NEAR("I2", h.I2, 70.0, kTolClosedForm);
    METAPOOL_CHECK_NEAR("H2", h.H2, 3.3333333333333335, kTolClosedForm);
    REQUIRE(h.I2_ci);
    METAPOOL_CHECK_NEAR("I2 lb", h.I2_ci->lb, 42.4562580314814184, kTolClosedForm);
    METAPOOL_CHECK_NEAR("I2 ub", h.I2_ci->ub, 84.3597241122696175, kTolClosedForm);
    METAPOOL_CHECK_NEAR("H2 lb", h.H2_ci->lb, 1.7378084319700426, kTolClosedForm);
    METAPOOL_CHECK_NEAR("H2 ub", h.H2_ci->ub, 6.3937491076131758, kTolClosedForm);
  }
  SECTION("the level changes the CI") {
    const HigginsI2 h = higgins_i2(30, 9, 0.90);
    METAPOOL_CHECK_NEAR("I2 lb", h.I2_ci->lb, 48.1774252409084482, kTolClosedForm);
    METAPOOL_CHECK_NEAR("H2 ub", h.H2_ci->ub, 5.7580638621212836, kTolClosedForm);
  }
  SECTION("Q <= k: I2 truncated at 0, lower bounds at 0 and 1") {
    const HigginsI2 h = higgins_i2(5, 9, 0.95);
    CHECK(h.I2 == 0.0);
    METAPOOL_CHECK_NEAR("H2", h.H2, 5.0 / 9.0, kTolClosedForm);
    CHECK(h.I2_ci->lb == 0.0);
    CHECK(h.H2_ci->lb == 1.0);
    METAPOOL_CHECK_NEAR("I2 ub", h.I2_ci->ub, 32.26993135713336613, kTolClosedForm);
    METAPOOL_CHECK_NEAR("H2 ub", h.H2_ci->ub, 1.47644911637826981, kTolClosedForm);
  }
  SECTION("k = 2: a CI when Q > 2, none when Q <= 2 (SE(ln H) undefined)") {
    const HigginsI2 big = higgins_i2(3, 1, 0.95);
    REQUIRE(big.I2_ci);
    METAPOOL_CHECK_NEAR("I2 ub", big.I2_ci->ub, 92.453818447587011, kTolClosedForm);
    METAPOOL_CHECK_NEAR("H2 ub", big.H2_ci->ub, 13.251735239264649, kTolClosedForm);
    const HigginsI2 small = higgins_i2(1.5, 1, 0.95);
    METAPOOL_CHECK_NEAR("I2", small.I2, 100.0 / 3.0, kTolClosedForm);
    CHECK_FALSE(small.I2_ci);
    CHECK_FALSE(small.H2_ci);
  }
  SECTION("df < 1 and NaN give NaN and no CI") {
    CHECK(std::isnan(higgins_i2(0, 0, 0.95).I2));
    const HigginsI2 nan = higgins_i2(std::nan(""), 5, 0.95);
    CHECK(std::isnan(nan.I2));
    CHECK_FALSE(nan.I2_ci);
  }
}

TEST_CASE("conventions: prediction interval critical values", "[conventions]") {
  CHECK(resolve_pi_df(PiDf::Auto, TestType::Z) == PiDf::Z);
  CHECK(resolve_pi_df(PiDf::Auto, TestType::KNHA) == PiDf::KMinus1);
  CHECK(resolve_pi_df(PiDf::Auto, TestType::T) == PiDf::KMinus1);
  CHECK(resolve_pi_df(PiDf::KMinus2, TestType::Z) == PiDf::KMinus2);
  METAPOOL_CHECK_NEAR("z", *pi_critical(PiDf::Z, 1, 0.95), stats::qnorm(0.975), kTolClosedForm);
  METAPOOL_CHECK_NEAR("t(11)", *pi_critical(PiDf::KMinus2, 13, 0.95), stats::qt(0.975, 11), kTolClosedForm);
  METAPOOL_CHECK_NEAR("t(12)", *pi_critical(PiDf::KMinus1, 13, 0.90), stats::qt(0.95, 12), kTolClosedForm);
  // t needs df >= 1
  CHECK_FALSE(pi_critical(PiDf::KMinus2, 2, 0.95));
  CHECK_FALSE(pi_critical(PiDf::KMinus1, 1, 0.95));
  CHECK(pi_critical(PiDf::KMinus2, 3, 0.95));
}

TEST_CASE("conventions: fit_uni under --i2 higgins and --pi-df k-2", "[conventions]") {
  // dat.bcg log risk ratios (escalc("RR"), metafor 3.8-1).
  const EffectData bcg{{-0.88931133, -1.58538866, -1.34807315, -1.44155119, -0.21754732, -0.78611559, -1.62089822,
                        0.01195233, -0.46941765, -1.37134480, -0.33935883, 0.44591340, -0.01731395},
                       {0.32558476, 0.19458112, 0.41536797, 0.02001003, 0.05121017, 0.00690562, 0.22301725,
                        0.00396209, 0.05643326, 0.07302238, 0.01241139, 0.53213086, 0.07140466}};
  PoolOptions o;
  o.method = Method::REML;
  const PoolResult metafor = fit_uni(bcg, o);
  o.i2 = I2Definition::Higgins;
  o.pi_df = PiDf::KMinus2;
  const PoolResult higgins = fit_uni(bcg, o);
  CHECK(higgins.i2_definition == I2Definition::Higgins);
  CHECK(higgins.pi_df == PiDf::KMinus2);
  // Only I^2/H^2 and the PI change; tau^2 and its CI stay.
  CHECK(higgins.estimate == metafor.estimate);
  CHECK(*higgins.tau2 == *metafor.tau2);
  CHECK(higgins.tau2_ci->ub == metafor.tau2_ci->ub);
  METAPOOL_CHECK_NEAR("I2", *higgins.I2, 100 * (metafor.Q - 12) / metafor.Q, kTolClosedForm);
  METAPOOL_CHECK_NEAR("H2", *higgins.H2, metafor.Q / 12, kTolClosedForm);
  const double half = stats::qt(0.975, 11) * std::sqrt(metafor.se * metafor.se + *metafor.tau2);
  METAPOOL_CHECK_NEAR("pi_ub", higgins.pi->ub, metafor.estimate + half, kTolClosedForm);
  CHECK(higgins.pi->ub > metafor.pi->ub);  // t(11) is wider than z

  SECTION("k = 2 with k-2: no prediction interval, a warning") {
    const EffectData two{{0.1, 0.5}, {0.04, 0.05}};
    const PoolResult r = fit_uni(two, o);
    CHECK_FALSE(r.pi);
    REQUIRE_FALSE(r.warnings.empty());
    CHECK(r.warnings.back().find("k-2") != std::string::npos);
  }
}

TEST_CASE("conventions: the unhalved Freeman-Tukey transform and its inversion", "[conventions]") {
  for (double x : {0.0, 3.0, 10.0}) {
    const effects::EffectValue half = effects::freeman_tukey_half(x, 10);
    const effects::EffectValue full = effects::freeman_tukey_full(x, 10);
    METAPOOL_CHECK_NEAR("yi full = 2 half", full.yi, 2 * half.yi, kTolClosedForm);
    METAPOOL_CHECK_NEAR("vi full = 1/(n + 1/2)", full.vi, 1 / 10.5, kTolClosedForm);
    METAPOOL_CHECK_NEAR("vi full = 4 vi half", full.vi, 4 * half.vi, kTolClosedForm);
  }
  // Miller's inversion of the transform of 3/10 at n = 10 gives back 0.3.
  const double yi = effects::freeman_tukey_full(3, 10).yi;
  METAPOOL_CHECK_NEAR("inverse", back_transform(Measure::PFT, yi, 10, PftScale::Full), 0.3, 1e-12);
  CHECK(back_transform(Measure::PFT, yi, 10, PftScale::Full) == back_transform(Measure::PFT, yi / 2, 10));
  CHECK(back_transform(Measure::PFT, -1.0, 10, PftScale::Full) == 0.0);
  CHECK(std::isnan(effects::freeman_tukey_full(std::nan(""), 10).yi));
}

TEST_CASE("conventions: SMD sampling variances by vtype", "[conventions]") {
  const effects::ArmSummaries a{10.0, 2.0, 12.0, 8.5, 2.5, 14.0};
  const effects::EffectValue ls = effects::smd_hedges_g(a);
  const double m = 24, c = effects::hedges_correction(m), g = ls.yi, d = g / c;
  // The effect is the same; only the variance differs.
  CHECK(effects::smd_hedges_g_ub(a).yi == g);
  METAPOOL_CHECK_NEAR("UB", effects::smd_hedges_g_ub(a).vi,
                      1.0 / 12 + 1.0 / 14 + (1 - (m - 2) / (m * c * c)) * g * g, kTolClosedForm);
  METAPOOL_CHECK_NEAR("LS2", effects::smd_hedges_g_ls2(a).vi, c * c * (1.0 / 12 + 1.0 / 14 + d * d / 52),
                      kTolClosedForm);
  // AV with the study's own g as the mean is LS.
  METAPOOL_CHECK_NEAR("AV(g) = LS", effects::smd_hedges_g_av(a, g).vi, ls.vi, kTolClosedForm);
  METAPOOL_CHECK_NEAR("AV(0)", effects::smd_hedges_g_av(a, 0.0).vi, 1.0 / 12 + 1.0 / 14, kTolClosedForm);
  CHECK(std::isnan(effects::smd_hedges_g_av(a, std::nan("")).vi));
}

TEST_CASE("conventions: MH continuity correction of the estimate", "[conventions]") {
  // Two tables without a zero cell and one with: only0 corrects the third only.
  BinaryCounts counts{{4, 6, 0}, {20, 30, 15}, {8, 9, 3}, {21, 29, 16}};
  PoolOptions o;
  o.method = Method::MH;
  o.measure = Measure::OR;
  const PoolResult none = fit_mh(counts, o);
  CHECK(none.pi_df == PiDf::Z);
  METAPOOL_CHECK_NEAR("pi = ci", none.pi->ub, none.ci_ub, kTolClosedForm);
  o.mh_cc = MhCorrection{CcTo::Only0, 0.5};
  const PoolResult only0 = fit_mh(counts, o);
  CHECK(only0.estimate != none.estimate);
  // Hand value: R = sum a d / n, S = sum b c / n with the third table +0.5.
  const double r = 4.0 * 13 / 41 + 6.0 * 20 / 59 + 0.5 * 13.5 / 33;
  const double s = 16.0 * 8 / 41 + 24.0 * 9 / 59 + 15.5 * 3.5 / 33;
  METAPOOL_CHECK_NEAR("log OR", only0.estimate, std::log(r / s), kTolClosedForm);
  // The per-study yi keep escalc's correction (--cc); only the estimate moves.
  CHECK(only0.studies[2].yi == none.studies[2].yi);
  // add = 0 is no correction.
  o.mh_cc = MhCorrection{CcTo::All, 0.0};
  CHECK(fit_mh(counts, o).estimate == none.estimate);
  // A zero-free data set: only0 changes nothing.
  const BinaryCounts clean{{4, 6}, {20, 30}, {8, 9}, {21, 29}};
  o.mh_cc = MhCorrection{CcTo::Only0, 0.5};
  const double with = fit_mh(clean, o).estimate;
  o.mh_cc = MhCorrection{};
  CHECK(fit_mh(clean, o).estimate == with);
}
