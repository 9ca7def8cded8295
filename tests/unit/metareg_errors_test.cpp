// Bad input to --mods / --subgroup / --permutations through the real binary:
// exit status 2, one message (file:line:column where it applies), nothing on
// standard output; and the warnings for dropped studies and for a column
// read as categorical.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/run_cli.hpp"

using metapool::test::run_cli;
using metapool::test::TempDir;

namespace {

constexpr const char* kGeneric =
    "study,yi,vi,dose,arm,site\n"
    "A,0.1,0.02,1,x,north\n"
    "B,0.3,0.03,2,x,south\n"
    "C,0.2,0.01,3,y,north\n"
    "D,0.6,0.05,4,y,south\n"
    "E,0.5,0.04,5,x,north\n";

struct BadInput {
  const char* name;
  const char* csv;
  const char* args;      // after the file name
  const char* location;  // expected substring locating the error
  const char* message;   // expected substring of the message
};

const BadInput kBadInputs[] = {
    {"unknown moderator", kGeneric, "--mods dosage", ":1: error", "no column \"dosage\" in the file; its columns are: study, yi, vi, dose, arm, site"},
    {"unknown subgroup column", kGeneric, "--subgroup region", ":1: error", "--subgroup: no column \"region\""},
    {"moderator with one value",
     "study,yi,vi,arm\nA,0.1,0.02,x\nB,0.3,0.03,x\nC,0.2,0.01,x\n", "--mods arm", ":2:4: error",
     "moderator arm has the single value \"x\" in all 3 studies"},
    {"constant numeric moderator",
     "study,yi,vi,dose\nA,0.1,0.02,5\nB,0.3,0.03,5\nC,0.2,0.01,5\n", "--mods dose", ":2:4: error",
     "singular design"},
    {"more coefficients than studies", kGeneric, "--mods dose,arm,site,yi", "error", "too few studies"},
    {"too few studies after dropping missing values",
     "study,yi,vi,dose\nA,0.1,0.02,1\nB,0.3,0.03,\nC,0.2,0.01,NA\nD,0.5,0.02,2\n", "--mods dose", "error",
     "2 of 4 studies were left out for a missing moderator value"},
    {"collinear moderators",
     "study,yi,vi,a,b\nA,0.1,0.02,1,2\nB,0.3,0.03,2,4\nC,0.2,0.01,3,6\nD,0.5,0.02,4,8\nE,0.4,0.02,5,10\n",
     "--mods a,b", "error", "not of full rank"},
    {"non-finite moderator", "study,yi,vi,dose\nA,0.1,0.02,1\nB,0.3,0.03,inf\nC,0.2,0.01,2\n", "--mods dose",
     ":3:4: error", "moderator dose = \"inf\" is not a finite number"},
    {"mods with MH", "study,events_t,n_t,events_c,n_c,dose\nA,1,10,2,10,1\nB,2,10,3,10,2\nC,3,10,1,10,3\n",
     "--mods dose --method MH --measure OR", "error", "needs --method EE or a tau^2 estimator"},
    {"permutations without mods", kGeneric, "--permutations 100", "error", "--permutations needs a meta-regression"},
    {"too few permutations", kGeneric, "--mods dose --permutations 1", "error", "--permutations 1 is too small"},
    {"bad subgroup tau2", kGeneric, "--subgroup arm --subgroup-tau2 pooled", "error", "unknown --subgroup-tau2"},
    {"common tau2 with EE", kGeneric, "--subgroup arm --subgroup-tau2 common --method EE", "error",
     "--subgroup-tau2 common needs a random-effects method"},
    {"mods and subgroup", kGeneric, "--subgroup arm --mods dose", "error", "cannot be combined"},
};

}  // namespace

TEST_CASE("metareg errors: bad --mods / --subgroup input exits 2 with one located message", "[metareg][cli][errors]") {
  for (const auto& bad : kBadInputs) {
    DYNAMIC_SECTION(bad.name) {
      TempDir dir;
      const auto file = dir.write("data.csv", bad.csv);
      const auto run = run_cli("pool '" + file.string() + "' " + bad.args);
      INFO("stderr: " << run.err);
      CHECK(run.status == 2);
      CHECK(run.out.empty());
      CHECK(run.err.find(bad.location) != std::string::npos);
      CHECK(run.err.find(bad.message) != std::string::npos);
      CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
    }
  }
}

TEST_CASE("metareg warnings: dropped studies are named and mixed columns become categorical", "[metareg][cli]") {
  TempDir dir;
  const auto file = dir.write("data.csv",
                              "study,yi,vi,dose,arm\n"
                              "A,0.1,0.02,1,x\n"
                              "B,0.3,0.03,,x\n"
                              "C,0.2,0.01,3,y\n"
                              "D,0.6,0.05,4,y\n"
                              "E,0.5,0.04,5,3\n"
                              "F,0.4,0.02,6,x\n");
  const auto run = run_cli("pool '" + file.string() + "' --mods dose,arm --format json");
  INFO("stderr: " << run.err);
  REQUIRE(run.status == 0);
  const auto out = nlohmann::json::parse(run.out);
  CHECK(out["model"]["k"] == 5);
  std::string warnings;
  for (const auto& w : out["warnings"]) warnings += w.get<std::string>() + "\n";
  CHECK(warnings.find("1 study left out of the meta-regression for a missing moderator value: B (line 3: dose)") !=
        std::string::npos);
  CHECK(warnings.find("moderator arm is treated as categorical: \"x\" is not a number") != std::string::npos);
  // levels sorted as R's factor() in the C locale: "3" < "x" < "y"; "3" is the reference
  REQUIRE(out["coefficients"].size() == 4);
  CHECK(out["coefficients"][2]["name"] == "armx");
  CHECK(out["coefficients"][3]["name"] == "army");
  CHECK(out["moderators"][1]["reference"] == "3");
}

TEST_CASE("subgroup: a study without a subgroup value is left out with a warning", "[subgroup][cli]") {
  TempDir dir;
  const auto file = dir.write("data.csv",
                              "study,yi,vi,grp\nA,0.1,0.02,a\nB,0.3,0.03,\nC,0.2,0.01,b\nD,0.6,0.05,a\nE,0.5,0.04,b\n");
  const auto run = run_cli("pool '" + file.string() + "' --subgroup grp --format json");
  REQUIRE(run.status == 0);
  const auto out = nlohmann::json::parse(run.out);
  REQUIRE(out["subgroups"].size() == 2);
  CHECK(out["subgroups"][0]["name"] == "a");
  CHECK(out["subgroups"][0]["model"]["k"] == 2);
  std::string warnings;
  for (const auto& w : out["warnings"]) warnings += w.get<std::string>() + "\n";
  CHECK(warnings.find("1 study left out of the subgroup analysis for a missing grp value: B (line 3)") !=
        std::string::npos);
}

TEST_CASE("metareg text output reads like metafor's print.rma.uni", "[metareg][cli]") {
  const auto run = run_cli("pool datasets/bcg.csv --mods ablat,alloc", "", METAPOOL_SOURCE_DIR);
  REQUIRE(run.status == 0);
  for (const char* line : {"Mixed-Effects Model (k = 13; tau^2 estimator: REML)",
                           "tau^2 (estimated amount of residual heterogeneity):     0.1446 (SE = 0.1124)",
                           "R^2 (amount of heterogeneity accounted for):            53.84%",
                           "QE(df = 9) = 26.2034, p-val = 0.0019", "Test of Moderators (coefficients 2:4):",
                           "ablat             -0.0273  0.0092  -2.9650  0.0030  -0.0453  -0.0092  **",
                           "Signif. codes:"}) {
    INFO(run.out);
    CHECK(run.out.find(line) != std::string::npos);
  }
}
