// Unit tests of compute_effects: hand-computed values, continuity-correction
// rules, boundaries (zero cells, large n, k = 1), the NaN-with-note path and
// every measure-specific error message.
#include <cmath>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "effects/escalc.hpp"
#include "effects/formulas.hpp"
#include "io/csv_table.hpp"
#include "io/study_reader.hpp"
#include "support/tolerance.hpp"

namespace {

using metapool::CcTo;
using metapool::EffectOptions;
using metapool::Measure;
using metapool::test::kTolClosedForm;

metapool::StudyData studies(const std::string& csv) {
  auto table = metapool::parse_csv_text(csv, "test.csv");
  INFO((table.has_value() ? std::string() : table.error().render()));
  REQUIRE(table.has_value());
  auto data = metapool::read_studies(std::move(*table), std::nullopt);
  INFO((data.has_value() ? std::string() : data.error().render()));
  REQUIRE(data.has_value());
  return std::move(*data);
}

EffectOptions with(Measure measure, std::optional<double> cc = std::nullopt, CcTo cc_to = CcTo::Only0) {
  EffectOptions options;
  options.measure = measure;
  options.cc = cc;
  options.cc_to = cc_to;
  return options;
}

metapool::EffectSizes effects_of(const std::string& csv, const EffectOptions& options) {
  const auto data = studies(csv);
  auto result = metapool::compute_effects(data, options);
  INFO((result.has_value() ? std::string() : result.error().render()));
  REQUIRE(result.has_value());
  return std::move(*result);
}

metapool::Diagnostic error_of(const std::string& csv, const EffectOptions& options) {
  const auto data = studies(csv);
  auto result = metapool::compute_effects(data, options);
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

const char* const kBinary =
    "study,events_t,n_t,events_c,n_c\n"
    "A,10,30,5,30\n"
    "B,0,10,4,10\n";

}  // namespace

TEST_CASE("effects: default_cc follows metafor 3.8 escalc", "[effects]") {
  for (Measure m : {Measure::OR, Measure::RR, Measure::RD, Measure::PETO, Measure::PR, Measure::PLO, Measure::PLN}) {
    CHECK(metapool::default_cc(m) == 0.5);
  }
  for (Measure m : {Measure::AS, Measure::PAS, Measure::PFT, Measure::MD, Measure::SMD, Measure::ROM,
                    Measure::COR, Measure::ZCOR, Measure::GEN}) {
    CHECK(metapool::default_cc(m) == 0.0);
  }
}

TEST_CASE("effects: log odds ratio by hand, with the correction only on the zero-cell study", "[effects]") {
  const auto e = effects_of(kBinary, with(Measure::OR));
  REQUIRE(e.k() == 2);
  METAPOOL_CHECK_NEAR("yi A", e.yi[0], std::log(10.0 * 25 / (20.0 * 5)), kTolClosedForm);
  METAPOOL_CHECK_NEAR("vi A", e.vi[0], 1 / 10.0 + 1 / 20.0 + 1 / 5.0 + 1 / 25.0, kTolClosedForm);
  METAPOOL_CHECK_NEAR("yi B", e.yi[1], std::log(0.5 * 6.5 / (10.5 * 4.5)), kTolClosedForm);
  CHECK_FALSE(e.cc_applied[0]);
  CHECK(e.cc_applied[1]);
  CHECK(e.cc == 0.5);
  CHECK(e.note[0].empty());
  // 95% Wald interval, z = 1.959963984540054.
  METAPOOL_CHECK_NEAR("sei A", e.sei[0], std::sqrt(e.vi[0]), kTolClosedForm);
  METAPOOL_CHECK_NEAR("ci_lb A", e.ci_lb[0], e.yi[0] - 1.959963984540054 * e.sei[0], kTolClosedForm);
  METAPOOL_CHECK_NEAR("ci_ub A", e.ci_ub[0], e.yi[0] + 1.959963984540054 * e.sei[0], kTolClosedForm);
}

TEST_CASE("effects: cc_to if0all corrects every study, all corrects without zeros", "[effects]") {
  const auto if0all = effects_of(kBinary, with(Measure::OR, std::nullopt, CcTo::If0All));
  CHECK(if0all.cc_applied[0]);
  CHECK(if0all.cc_applied[1]);
  METAPOOL_CHECK_NEAR("yi A", if0all.yi[0], std::log(10.5 * 25.5 / (20.5 * 5.5)), kTolClosedForm);

  const auto all = effects_of("events_t,n_t,events_c,n_c\n10,30,5,30\n", with(Measure::RR, 0.25, CcTo::All));
  METAPOOL_CHECK_NEAR("yi", all.yi[0], std::log((10.25 / 30.5) / (5.25 / 30.5)), kTolClosedForm);

  const auto none_needed = effects_of("events_t,n_t,events_c,n_c\n10,30,5,30\n", with(Measure::RR, 0.25, CcTo::If0All));
  CHECK_FALSE(none_needed.cc_applied[0]);
}

TEST_CASE("effects: a study that cannot be computed is reported as NaN with a note", "[effects]") {
  const auto e = effects_of(kBinary, with(Measure::OR, std::nullopt, CcTo::None));
  CHECK(e.note[0].empty());
  CHECK(std::isnan(e.yi[1]));
  CHECK(std::isnan(e.vi[1]));
  CHECK(std::isnan(e.sei[1]));
  CHECK(std::isnan(e.ci_lb[1]));
  CHECK(std::isnan(e.ci_ub[1]));
  CHECK_FALSE(e.computed(1));
  CHECK(e.note[1].find("log odds ratio undefined") != std::string::npos);

  const auto zero_cc = effects_of(kBinary, with(Measure::RR, 0.0));
  CHECK(zero_cc.note[1].find("log risk ratio undefined") != std::string::npos);

  // Peto: no events in either arm is undefined without a correction.
  const auto peto = effects_of("events_t,n_t,events_c,n_c\n0,10,0,12\n", with(Measure::PETO, 0.0));
  CHECK(std::isnan(peto.yi[0]));
  CHECK_FALSE(peto.note[0].empty());

  const auto plo = effects_of("events,n\n0,10\n10,10\n3,10\n", with(Measure::PLO, std::nullopt, CcTo::None));
  CHECK_FALSE(plo.computed(0));
  CHECK_FALSE(plo.computed(1));
  CHECK(plo.computed(2));
  CHECK(plo.note[0].find("logit undefined") != std::string::npos);
}

TEST_CASE("effects: a double-zero risk difference without correction is 0 with variance 0", "[effects]") {
  const auto e = effects_of("events_t,n_t,events_c,n_c\n0,10,0,10\n", with(Measure::RD, 0.0));
  CHECK(e.computed(0));
  CHECK(e.yi[0] == 0.0);
  CHECK(e.vi[0] == 0.0);
  CHECK(e.ci_lb[0] == 0.0);
  CHECK(e.ci_ub[0] == 0.0);
}

TEST_CASE("effects: arcsine measures take no correction by default", "[effects]") {
  const auto as = effects_of("events_t,n_t,events_c,n_c\n0,10,10,10\n", with(Measure::AS));
  CHECK_FALSE(as.cc_applied[0]);
  METAPOOL_CHECK_NEAR("AS yi", as.yi[0], -std::asin(1.0), kTolClosedForm);
  METAPOOL_CHECK_NEAR("AS vi", as.vi[0], 0.05, kTolClosedForm);

  const auto pft = effects_of("events,n\n0,10\n", with(Measure::PFT));
  // metafor's halved Freeman-Tukey: (asin(0) + asin(sqrt(1/11))) / 2.
  METAPOOL_CHECK_NEAR("PFT yi", pft.yi[0], 0.5 * std::asin(std::sqrt(1.0 / 11)), kTolClosedForm);
  METAPOOL_CHECK_NEAR("PFT vi", pft.vi[0], 1.0 / 42, kTolClosedForm);

  const auto pas = effects_of("events,n\n10,10\n", with(Measure::PAS));
  METAPOOL_CHECK_NEAR("PAS yi", pas.yi[0], std::asin(1.0), kTolClosedForm);
}

TEST_CASE("effects: proportions: events = n is a zero cell too", "[effects]") {
  const auto pln = effects_of("events,n\n10,10\n", with(Measure::PLN));
  CHECK(pln.cc_applied[0]);
  METAPOOL_CHECK_NEAR("PLN yi", pln.yi[0], std::log(10.5 / 11), kTolClosedForm);
  METAPOOL_CHECK_NEAR("PLN vi", pln.vi[0], 1 / 10.5 - 1 / 11.0, kTolClosedForm);
  const auto pr = effects_of("events,n\n1,1\n", with(Measure::PR, std::nullopt, CcTo::None));
  CHECK(pr.yi[0] == 1.0);
  CHECK(pr.vi[0] == 0.0);
}

TEST_CASE("effects: SMD uses Hedges' exact correction and stays finite for large n", "[effects]") {
  // c(m) against the Gamma ratio directly where tgamma does not overflow.
  for (double m : {2.0, 3.0, 10.0, 57.0, 150.0}) {
    const double direct = std::tgamma(m / 2) / (std::sqrt(m / 2) * std::tgamma((m - 1) / 2));
    METAPOOL_CHECK_NEAR("c(m)", metapool::effects::hedges_correction(m), direct, kTolClosedForm);
  }
  // Past m = 343 the Gamma ratio overflows; c(m) ~ 1 - 3/(4m - 1) + O(m^-2).
  // From m = 100 a Stirling-series difference avoids the lgamma cancellation
  // (edge_numerics_test.cpp checks it against 40-digit values).
  const double m = 2e6;
  CHECK(std::fabs(metapool::effects::hedges_correction(m) - (1 - 3 / (4 * m - 1))) < 1e-12);

  const auto e = effects_of("mean_t,sd_t,n_t,mean_c,sd_c,n_c\n1,1,1000,0,1,1000\n", with(Measure::SMD));
  REQUIRE(std::isfinite(e.yi[0]));
  REQUIRE(std::isfinite(e.vi[0]));
  // metafor 3.8.1: escalc("SMD", 1, 1, 1000, 0, 1, 1000)
  METAPOOL_CHECK_NEAR("yi", e.yi[0], 0.99962456981964631, kTolClosedForm);
  METAPOOL_CHECK_NEAR("vi", e.vi[0], 0.0022498123201467784, kTolClosedForm);

  // metafor 3.8.1: escalc("SMD", 1, 1, 1e6, 0, 2, 1e6). Looser than a closed
  // form: metafor's c(m) = exp(lgamma - lgamma) is itself 1.25e-9 low here
  // (cancellation), which metapool no longer reproduces.
  const auto huge = effects_of("mean_t,sd_t,n_t,mean_c,sd_c,n_c\n1,1,1000000,0,2,1000000\n", with(Measure::SMD));
  METAPOOL_CHECK_NEAR("yi", huge.yi[0], 0.63245529406959444, 1e-8);
  METAPOOL_CHECK_NEAR("vi", huge.vi[0], 2.0999999247491642e-06, 1e-8);
}

TEST_CASE("effects: MD, ROM, COR, ZCOR and GEN by hand", "[effects]") {
  const std::string cont = "mean_t,sd_t,n_t,mean_c,sd_c,n_c\n5,2,10,4,1,20\n";
  const auto md = effects_of(cont, with(Measure::MD));
  CHECK(md.yi[0] == 1.0);
  METAPOOL_CHECK_NEAR("MD vi", md.vi[0], 4.0 / 10 + 1.0 / 20, kTolClosedForm);
  const auto rom = effects_of(cont, with(Measure::ROM));
  METAPOOL_CHECK_NEAR("ROM yi", rom.yi[0], std::log(1.25), kTolClosedForm);
  METAPOOL_CHECK_NEAR("ROM vi", rom.vi[0], 4.0 / (10 * 25) + 1.0 / (20 * 16), kTolClosedForm);

  const auto z = effects_of("r,n\n0.5,28\n", with(Measure::ZCOR));
  METAPOOL_CHECK_NEAR("ZCOR yi", z.yi[0], std::atanh(0.5), kTolClosedForm);
  METAPOOL_CHECK_NEAR("ZCOR vi", z.vi[0], 1.0 / 25, kTolClosedForm);
  const auto cor = effects_of("r,n\n0.5,4\n", with(Measure::COR));
  METAPOOL_CHECK_NEAR("COR vi", cor.vi[0], 0.1875, kTolClosedForm);

  const auto gen = effects_of("yi,sei\n0.3,0.2\n", with(Measure::GEN));
  CHECK(gen.yi[0] == 0.3);
  METAPOOL_CHECK_NEAR("GEN vi", gen.vi[0], 0.04, kTolClosedForm);
  METAPOOL_CHECK_NEAR("GEN sei", gen.sei[0], 0.2, kTolClosedForm);
}

TEST_CASE("effects: the CI level is a proportion", "[effects]") {
  auto options = with(Measure::OR);
  options.ci_level = 0.90;
  const auto e = effects_of(kBinary, options);
  METAPOOL_CHECK_NEAR("ci_ub", e.ci_ub[0], e.yi[0] + 1.6448536269514722 * e.sei[0], kTolClosedForm);

  options.ci_level = 95;
  CHECK(error_of(kBinary, options).message ==
        "confidence level 95 is out of range; expected a value in (0, 1)");
}

TEST_CASE("effects: compute_effects errors name the value and where it is", "[effects]") {
  SECTION("measure does not fit the data shape") {
    const auto d = error_of(kBinary, with(Measure::SMD));
    CHECK(d.message ==
          "measure SMD does not fit two-arm binary data (events_t, n_t, events_c, n_c); "
          "expected one of OR RR RD AS PETO");
    CHECK(d.file == "test.csv");
    CHECK(error_of("r,n\n0.3,20\n", with(Measure::PLO)).message ==
          "measure PLO does not fit correlation data (r, n); expected one of COR ZCOR");
  }
  SECTION("ZCOR needs n > 3") {
    const auto d = error_of("study,r,n\nA,0.2,40\nB,0.5,3\n", with(Measure::ZCOR));
    CHECK(d.message == "n = 3 is too small for ZCOR (needs n > 3)");
    CHECK(d.file == "test.csv");
    CHECK(d.line == 3);
    CHECK(d.column == 3);
  }
  SECTION("COR needs n > 3 (metafor gives no variance below)") {
    const auto d = error_of("r,n\n0.5,2\n", with(Measure::COR));
    CHECK(d.message == "n = 2 is too small for COR (needs n > 3)");
    CHECK(d.line == 2);
    CHECK(d.column == 2);
  }
  SECTION("SMD needs n_t + n_c > 3") {
    const std::string csv = "mean_t,sd_t,n_t,mean_c,sd_c,n_c\n1,1,10,0,1,10\n1,1,1,0,1,2\n";
    const auto d = error_of(csv, with(Measure::SMD));
    CHECK(d.message == "n_t + n_c = 3 is too small for SMD (needs n_t + n_c > 3)");
    CHECK(d.line == 3);
    CHECK(d.column == 3);
    CHECK(error_of("mean_t,sd_t,n_t,mean_c,sd_c,n_c\n1,1,1,0,1,1\n", with(Measure::SMD)).message ==
          "n_t + n_c = 2 is too small for SMD (needs n_t + n_c > 3)");
    // MD has no such limit.
    CHECK(effects_of(csv, with(Measure::MD)).computed(1));
  }
  SECTION("ROM needs positive means") {
    const auto d = error_of("mean_t,sd_t,n_t,mean_c,sd_c,n_c\n-1.2,1,10,3,1,10\n", with(Measure::ROM));
    CHECK(d.message == "mean_t = -1.2: ROM needs positive means");
    CHECK(d.line == 2);
    CHECK(d.column == 1);
    const auto c = error_of("mean_t,sd_t,n_t,mean_c,sd_c,n_c\n1.2,1,10,0,1,10\n", with(Measure::ROM));
    CHECK(c.message == "mean_c = 0: ROM needs positive means");
    CHECK(c.column == 4);
  }
  SECTION("negative continuity correction") {
    CHECK(error_of(kBinary, with(Measure::OR, -0.5)).message ==
          "continuity correction cc = -0.5 is invalid; expected a finite number >= 0");
  }
}
