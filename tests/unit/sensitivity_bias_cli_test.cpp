// sensitivity and bias at their limits: too few studies, MH/Peto, bad
// arguments (exit 2 with one message), every output format and --out.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "bias/rank_test.hpp"
#include "diagnostics/subset_fits.hpp"
#include "models/pool.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using nlohmann::json;
using metapool::test::run_cli;
using metapool::test::TempDir;

namespace {

const char* kTwoStudies = "study,yi,vi\nA,0.1,0.04\nB,0.5,0.09\n";
const char* kOneStudy = "study,yi,vi\nA,0.1,0.04\n";

}  // namespace

TEST_CASE("bias with k = 2 reports which methods cannot run", "[cli][bias]") {
  TempDir dir;
  const auto file = dir.write("two.csv", kTwoStudies);
  const auto run = run_cli("bias '" + file.string() + "' --format json");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const json out = json::parse(run.out);
  CHECK(out["regtest"]["message"].get<std::string>().find("k >= 3") != std::string::npos);
  CHECK(out["regtest_lm"]["statistic"].is_null());
  CHECK(out["trimfill"]["L0"]["message"].get<std::string>().find("k >= 3") != std::string::npos);
  // ranktest runs for k = 2 as metafor's (tau = +-1, p = 1)
  CHECK(out["ranktest"]["pval"].get<double>() == Approx(1.0));
  CHECK(out["fsn"]["rosenthal"]["fsnum"].is_number());
  CHECK(out["warnings"].size() >= 3);
}

TEST_CASE("sensitivity with k = 1 gives one cumulative row and no leave-one-out", "[cli][sensitivity]") {
  TempDir dir;
  const auto file = dir.write("one.csv", kOneStudy);
  const auto run = run_cli("sensitivity '" + file.string() + "' --format json");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const json out = json::parse(run.out);
  CHECK(out["leave1out"].empty());
  REQUIRE(out["cumul"]["rows"].size() == 1);
  CHECK(out["cumul"]["rows"][0]["estimate"].get<double>() == Approx(0.1));
  CHECK(out["influence_note"].get<std::string>().find("k >= 2") != std::string::npos);
}

TEST_CASE("sensitivity with MH says influence is not available", "[cli][sensitivity]") {
  const auto run = run_cli("sensitivity datasets/bcg.csv --method MH --format json", "", METAPOOL_SOURCE_DIR);
  REQUIRE(run.status == 0);
  const json out = json::parse(run.out);
  CHECK(out["influence"].is_null());
  CHECK(out["influence_note"].get<std::string>().find("not available") != std::string::npos);
  CHECK(out["leave1out"].size() == 13);
  CHECK(out["leave1out"][0]["tau2"].is_null());
}

TEST_CASE("sensitivity and bias reject bad arguments with exit 2", "[cli][sensitivity][bias]") {
  const std::string dir = METAPOOL_SOURCE_DIR;
  auto run = run_cli("sensitivity datasets/bcg.csv --order nosuchcolumn", "", dir);
  CHECK(run.status == 2);
  CHECK(run.err.find("--order: no column \"nosuchcolumn\"") != std::string::npos);
  run = run_cli("bias datasets/bcg.csv --side up", "", dir);
  CHECK(run.status == 2);
  CHECK(run.err.find("unknown --side") != std::string::npos);
  run = run_cli("bias datasets/bcg.csv --fsn-alpha 1.5", "", dir);
  CHECK(run.status == 2);
  CHECK(run.err.find("--fsn-alpha") != std::string::npos);
  run = run_cli("bias datasets/bcg.csv --method MH --measure SMD", "", dir);
  CHECK(run.status == 2);
  TempDir tmp;
  const auto missing = tmp.write("missing_year.csv", "study,year,yi,vi\nA,2001,0.1,0.04\nB,,0.5,0.09\n");
  run = run_cli("sensitivity '" + missing.string() + "' --order year");
  CHECK(run.status == 2);
  CHECK(run.err.find("has no value") != std::string::npos);
}

TEST_CASE("bias with MH runs the tests on the per-study values and skips trim and fill", "[cli][bias]") {
  const auto run = run_cli("bias datasets/bcg.csv --method MH --format json", "", METAPOOL_SOURCE_DIR);
  REQUIRE(run.status == 0);
  const json out = json::parse(run.out);
  CHECK(out["regtest"]["method"] == "EE");
  CHECK(out["trimfill"]["L0"]["message"].get<std::string>().find("inverse-variance") != std::string::npos);
}

TEST_CASE("sensitivity and bias write every format and --out", "[cli][sensitivity][bias]") {
  TempDir tmp;
  for (const char* command : {"sensitivity", "bias"}) {
    for (const char* format : {"text", "json", "csv", "md", "latex"}) {
      DYNAMIC_SECTION(command << " " << format) {
        const auto out_path = tmp.path() / (std::string(command) + "." + format);
        const auto run = run_cli(std::string(command) + " datasets/bcg.csv --order year --format " + format +
                                     " --out '" + out_path.string() + "'",
                                 "", METAPOOL_SOURCE_DIR);
        // --order is a sensitivity option; bias rejects it as unknown (exit 2)
        if (std::string(command) == "bias") {
          CHECK(run.status == 2);
          continue;
        }
        REQUIRE(run.status == 0);
        CHECK(run.out.empty());
        const std::string text = metapool::test::slurp(out_path);
        CHECK(text.find("Aronson, 1948") != std::string::npos);
      }
    }
    for (const char* format : {"text", "json", "csv", "md", "latex"}) {
      const auto run = run_cli(std::string(command) + " datasets/bcg.csv --format " + format, "", METAPOOL_SOURCE_DIR);
      INFO(command << " " << format << ": " << run.err);
      CHECK(run.status == 0);
      CHECK(!run.out.empty());
    }
  }
}

TEST_CASE("leave-one-out rows equal fit_uni on each subset", "[sensitivity][unit]") {
  metapool::EffectData d{{0.1, -0.3, 0.8, 0.25, 1.4, -0.05}, {0.04, 0.09, 0.02, 0.05, 0.3, 0.01}};
  for (auto method : {metapool::Method::EE, metapool::Method::DL, metapool::Method::HE, metapool::Method::HS,
                      metapool::Method::HSk, metapool::Method::REML, metapool::Method::PM, metapool::Method::SJ,
                      metapool::Method::GENQ}) {
    for (auto test : {metapool::TestType::Z, metapool::TestType::KNHA}) {
      metapool::PoolOptions o;
      o.method = method;
      o.test = test;
      const auto rows = metapool::leave_one_out(d, o);
      REQUIRE(rows.size() == d.k());
      for (std::size_t i = 0; i < d.k(); ++i) {
        metapool::EffectData sub;
        for (std::size_t j = 0; j < d.k(); ++j) {
          if (j == i) continue;
          sub.yi.push_back(d.yi[j]);
          sub.vi.push_back(d.vi[j]);
        }
        const auto full = metapool::fit_uni(sub, o);
        INFO(std::string(metapool::to_string(method)) << " " << metapool::to_string(test) << " without " << i);
        METAPOOL_CHECK_NEAR("estimate", rows[i].estimate, full.estimate, 1e-9);
        METAPOOL_CHECK_NEAR("se", rows[i].se, full.se, 1e-9);
        METAPOOL_CHECK_NEAR("Q", rows[i].Q, full.Q, 1e-9);
        METAPOOL_CHECK_NEAR("I2", rows[i].I2, full.I2.value_or(0), 1e-9);
        if (full.tau2) METAPOOL_CHECK_NEAR("tau2", rows[i].tau2.value_or(-1), *full.tau2, 1e-8);
      }
    }
  }
}

TEST_CASE("Kendall exact p equals R cor.test on a small sample", "[bias][unit]") {
  // R 4.2: cor.test(c(1,3,2,5,4,7,6), c(2,1,4,3,6,5,7), method = "kendall") -> tau 0.428571428571, p 0.238888888889
  const auto r = metapool::kendall_test({1, 3, 2, 5, 4, 7, 6}, {2, 1, 4, 3, 6, 5, 7});
  CHECK(r.exact);
  CHECK(r.tau == Approx(0.428571428571).epsilon(1e-10));
  CHECK(r.pval == Approx(0.238888888889).epsilon(1e-10));
}
