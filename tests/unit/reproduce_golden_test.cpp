// metapool reproduce against R (tests/golden/reproduce/*.json, written by
// scripts/golden_reproduce.R with R 4.2.2 and metafor 3.8-1):
//   proportions.json  binom.test / prop.test(correct = FALSE) conf.int, and
//                     the Agresti-Coull and Jeffreys formulas in R
//   two_arm.json      escalc RR/OR/RD yi, vi, ci.lb, ci.ub; fisher.test and
//                     chisq.test (correct = FALSE and TRUE) p-values
// Closed forms and exact quantiles: all compared at kTolClosedForm (1e-9
// relative, absolute floor 1e-12). The largest relative error per quantity
// is printed (run with -s to see it) so regressions show before they fail.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reproduce/intervals.hpp"
#include "reproduce/two_by_two.hpp"
#include "support/tolerance.hpp"

namespace {

namespace fs = std::filesystem;
using metapool::test::kTolClosedForm;
using namespace metapool::reproduce;

nlohmann::json load(const char* name) {
  std::ifstream in(fs::path(METAPOOL_TEST_DIR) / "golden" / "reproduce" / name);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

// R's NaN is written as null.
double number(const nlohmann::json& value) {
  return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

double rel_error(double actual, double expected) {
  if (std::isnan(expected) && std::isnan(actual)) return 0.0;
  const double diff = std::fabs(actual - expected);
  return expected == 0 ? diff : diff / std::fabs(expected);
}

// Largest relative error seen per quantity, printed at the end of a test.
class ErrorLog {
 public:
  void check(const std::string& what, const std::string& where, double actual, double expected) {
    double& worst = m_max[what];
    worst = std::max(worst, rel_error(actual, expected));
    METAPOOL_CHECK_NEAR(what + " " + where, actual, expected, kTolClosedForm);
  }
  ~ErrorLog() {
    std::string text = "max rel. error vs R:";
    for (const auto& [what, value] : m_max) text += fmt::format(" {} {:.2g};", what, value);
    WARN(text);
  }

 private:
  std::map<std::string, double> m_max;
};

}  // namespace

TEST_CASE("proportion intervals match R binom.test, prop.test and the AC/Jeffreys formulas",
          "[reproduce][golden]") {
  const auto cases = load("proportions.json");
  REQUIRE(cases.size() > 50);
  ErrorLog log;
  for (const auto& c : cases) {
    const Count x = c["x"].get<Count>();
    const Count n = c["n"].get<Count>();
    const double level = c["level"].get<double>() / 100;
    const std::string where = fmt::format("x = {}, n = {}, level = {}", x, n, level);
    const ProportionIntervals p = proportion_intervals(x, n, level);
    log.check("estimate", where, p.proportion, number(c["estimate"]));
    const std::pair<const char*, const Interval*> methods[] = {{"clopper_pearson", &p.clopper_pearson},
                                                               {"wilson", &p.wilson},
                                                               {"agresti_coull", &p.agresti_coull},
                                                               {"jeffreys", &p.jeffreys}};
    for (const auto& [name, ci] : methods) {
      log.check(std::string(name) + ".lower", where, ci->lower, number(c[name][0]));
      log.check(std::string(name) + ".upper", where, ci->upper, number(c[name][1]));
    }
  }
}

TEST_CASE("two-arm effects and tests match metafor escalc, fisher.test and chisq.test",
          "[reproduce][golden]") {
  const auto cases = load("two_arm.json");
  REQUIRE(cases.size() > 30);
  ErrorLog log;
  for (const auto& c : cases) {
    const TwoByTwo t{c["events_t"].get<Count>(), c["n_t"].get<Count>(), c["events_c"].get<Count>(),
                     c["n_c"].get<Count>()};
    const double level = c["level"].get<double>() / 100;
    const std::string where =
        fmt::format("{}/{} vs {}/{}, level = {}", t.events_t, t.n_t, t.events_c, t.n_c, level);
    const Comparison cmp = compare_arms(t, level, EventsAre::Beneficial);
    const std::pair<const char*, const WaldEffect*> effects[] = {
        {"RR", &cmp.log_rr}, {"OR", &cmp.log_or}, {"RD", &cmp.rd}};
    for (const auto& [name, e] : effects) {
      const auto& ref = c[name];
      log.check(std::string(name) + ".yi", where, e->yi, number(ref["yi"]));
      log.check(std::string(name) + ".vi", where, e->vi, number(ref["vi"]));
      log.check(std::string(name) + ".ci_lb", where, e->ci_lb, number(ref["ci_lb"]));
      log.check(std::string(name) + ".ci_ub", where, e->ci_ub, number(ref["ci_ub"]));
    }
    log.check("fisher_p", where, cmp.fisher_p, number(c["fisher_p"]));
    log.check("chisq", where, cmp.chisq.statistic, number(c["chisq"]));
    log.check("chisq_p", where, cmp.chisq.pval, number(c["chisq_p"]));
    log.check("chisq_yates", where, cmp.chisq_yates.statistic, number(c["chisq_yates"]));
    log.check("chisq_yates_p", where, cmp.chisq_yates.pval, number(c["chisq_yates_p"]));
  }
}
