// End to end: `metapool bias ... --format json` against metafor 3.8-1
// regtest (rma and lm), ranktest, trimfill (L0, R0), fsn and the PET / PEESE
// weighted regressions (golden values written by scripts/golden_bias.R).
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "support/golden.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using nlohmann::json;

namespace {

using metapool::test::as_double;


// jsonlite writes a length-1 vector as a scalar (auto_unbox).
json as_array(const json& value) {
  if (value.is_array()) return value;
  return json::array({value});
}

double g_max_rel = 0;

// metafor 3.8-1's trimfill refits the model with its default control (REML
// threshold 1e-5 on tau^2) whatever the control of the original fit, so with
// an iterative tau^2 estimator the reflected studies 2b - y, and the model
// after filling, carry an error of ~1e-6 relative in metafor itself. Those
// fields are compared at 1e-4 for iterative estimators (tail p-values such
// as Q_pval magnify the ~1e-6 error of the reflected values; closed-form
// estimators stay at kTolModel).
constexpr double kTolTrimfillIterative = 1e-4;

void near(const std::string& what, const json& actual, const json& expected, double tol = metapool::test::kTolModel) {
  const double a = as_double(actual), e = as_double(expected);
  if (std::isfinite(a) && std::isfinite(e) && std::fabs(e) > 1e-7) g_max_rel = std::max(g_max_rel, std::fabs(a - e) / std::fabs(e));
  // tau^2 at the boundary (see sensitivity_golden_test.cpp): |x| < 1e-7 is zero.
  if (std::fabs(a) < 1e-7 && std::fabs(e) < 1e-7) return;
  METAPOOL_CHECK_NEAR(what, a, e, tol);
}

}  // namespace

TEST_CASE("bias json output matches metafor regtest ranktest trimfill and fsn", "[cli][bias][golden]") {
  const json golden = metapool::test::load_golden("bias/cases.json");
  REQUIRE(golden["cases"].size() >= 10);
  for (const auto& c : golden["cases"]) {
    const std::string args = c["args"].get<std::string>();
    DYNAMIC_SECTION(args) {
      const json out = metapool::test::run_json_case(args);
      CHECK(out["model"]["k"] == c["k"]);
      for (const char* test : {"regtest", "regtest_lm"}) {
        for (const char* f : {"statistic", "pval", "df", "est", "ci_lb", "ci_ub", "slope"}) {
          near(std::string(test) + "." + f, out[test][f], c[test][f]);
        }
      }
      near("ranktest.tau", out["ranktest"]["tau"], c["ranktest"]["tau"]);
      near("ranktest.pval", out["ranktest"]["pval"], c["ranktest"]["pval"]);
      if (c.contains("trimfill")) {
        for (const char* est : {"L0", "R0"}) {
          const json& e = c["trimfill"][est];
          const json& a = out["trimfill"][est];
          const std::string w = std::string("trimfill.") + est;
          const bool iterative = args.find("REML") != std::string::npos || args.find(" ML") != std::string::npos;
          const double tol = iterative ? kTolTrimfillIterative : metapool::test::kTolModel;
          CHECK(a["k0"] == e["k0"]);
          CHECK(a["side"] == e["side"]);
          for (const char* f : {"se_k0", "p_k0", "estimate", "se", "statistic", "pval", "ci_lb", "ci_ub", "tau2", "I2",
                                "H2", "Q", "Q_pval"}) {
            near(w + "." + f, a[f], e[f], tol);
          }
          CHECK(a["k"] == e["k"]);
          // the filled studies, compared as sorted sets
          std::vector<double> ay, ey;
          for (const auto& s : a["filled"]) ay.push_back(s["yi"].get<double>());
          for (const auto& v : as_array(e["filled_yi"])) {
            if (!v.is_null()) ey.push_back(v.get<double>());
          }
          std::sort(ay.begin(), ay.end());
          std::sort(ey.begin(), ey.end());
          REQUIRE(ay.size() == ey.size());
          for (std::size_t i = 0; i < ay.size(); ++i) near(w + ".filled_yi", ay[i], ey[i], tol);
        }
      } else {
        CHECK(out["trimfill"]["L0"]["message"].is_string());
      }
      near("fsn.rosenthal.fsnum", out["fsn"]["rosenthal"]["fsnum"], c["fsn"]["rosenthal"]["fsnum"]);
      near("fsn.rosenthal.pval", out["fsn"]["rosenthal"]["pval"], c["fsn"]["rosenthal"]["pval"]);
      for (const char* f : {"fsnum", "meanes", "target"}) near(std::string("fsn.orwin.") + f, out["fsn"]["orwin"][f], c["fsn"]["orwin"][f]);
      for (const char* f : {"fsnum", "pval", "meanes"}) {
        near(std::string("fsn.rosenberg.") + f, out["fsn"]["rosenberg"][f], c["fsn"]["rosenberg"][f]);
      }
      for (const char* which : {"pet", "peese"}) {
        for (const char* f : {"est", "est_se", "est_pval", "ci_lb", "ci_ub", "statistic", "pval"}) {
          near(std::string(which) + "." + f, out["pet_peese"][which][f], c[which][f]);
        }
      }
      const bool use_peese = c["pet"]["est_pval"].get<double>() < 0.05;
      CHECK(out["pet_peese"]["use_peese"] == use_peese);
      near("pet_peese.estimate", out["pet_peese"]["estimate"], c[use_peese ? "peese" : "pet"]["est"]);
    }
  }
  WARN("max relative error vs metafor (bias): " << g_max_rel);
}
