// The conventions through the real binary: recorded in the JSON and text
// outputs of pool and effects, metafor's by default; bad or inapplicable
// values exit 2 with one message and no output.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/run_cli.hpp"

using metapool::test::CliRun;
using metapool::test::run_cli;
using nlohmann::json;

namespace {

CliRun run_in_source(const std::string& args) { return run_cli(args, "", METAPOOL_SOURCE_DIR); }

struct BadConvention {
  const char* args;
  const char* message;  // expected substring of the message
};

const BadConvention kBad[] = {
    {"pool datasets/bcg.csv --i2 revman", "unknown --i2 \"revman\"; expected metafor or higgins"},
    {"pool datasets/bcg.csv --pi-df k-3", "unknown --pi-df \"k-3\""},
    {"pool datasets/bcg.csv --method MH --mh-cc some", "unknown --mh-cc \"some\""},
    {"pool datasets/proportion_example.csv --measure PFT --pft-scale double", "unknown --pft-scale \"double\""},
    {"effects datasets/continuous_example.csv --smd-vtype HO", "unknown --smd-vtype \"HO\"; expected LS, UB, LS2 or AV"},
    {"pool datasets/bcg.csv --mh-cc only0", "--mh-cc only0 corrects the counts of the Mantel-Haenszel estimate"},
    {"pool datasets/bcg.csv --method MH --mh-cc-add 1", "--mh-cc-add needs --mh-cc only0, all or if0all"},
    {"pool datasets/bcg.csv --method MH --mh-cc all --mh-cc-add -1", "--mh-cc-add -1 is invalid"},
    {"pool datasets/bcg.csv --pft-scale full", "--pft-scale applies to --measure PFT (got RR)"},
    {"effects datasets/proportion_example.csv --measure PLO --pft-scale half", "--pft-scale applies to --measure PFT"},
    {"effects datasets/continuous_example.csv --measure MD --smd-vtype UB", "--smd-vtype applies to --measure SMD (got MD)"},
    {"pool datasets/bcg.csv --mods ablat --i2 higgins", "--i2 higgins cannot be combined with --mods"},
    {"pool datasets/bcg.csv --mods ablat --pi-df k-2", "--pi-df cannot be combined with --mods"},
    {"pool datasets/bcg.csv --subgroup alloc --subgroup-tau2 common --i2 higgins",
     "cannot be combined with --subgroup-tau2 common"},
    {"pool datasets/proportion_example.csv --measure PFT --pft-scale full --subgroup study",
     "--pft-scale full cannot be combined with --subgroup"},
};

}  // namespace

TEST_CASE("conventions: bad or inapplicable values exit 2 with one message", "[conventions][cli]") {
  for (const auto& bad : kBad) {
    DYNAMIC_SECTION(bad.args) {
      const CliRun run = run_in_source(std::string(bad.args) + " --format json");
      INFO("stderr: " << run.err);
      CHECK(run.status == 2);
      CHECK(run.out.empty());
      CHECK(run.err.find(bad.message) != std::string::npos);
      CHECK(run.err.find('\n') == run.err.size() - 1);  // one line
    }
  }
  SECTION("--i2 and --pi-df are pool options, not effects ones") {
    CHECK(run_in_source("effects datasets/bcg.csv --i2 higgins").status == 2);
    CHECK(run_in_source("effects datasets/bcg.csv --mh-cc only0").status == 2);
  }
}

TEST_CASE("conventions: pool JSON records metafor's defaults, every key present", "[conventions][cli]") {
  const CliRun run = run_in_source("pool datasets/bcg.csv --format json");
  REQUIRE(run.status == 0);
  const json c = json::parse(run.out)["conventions"];
  CHECK(c == json::parse(R"({"i2": "metafor", "pi_df": "z", "cc": 0.5, "cc_to": "only0", "mh_cc": null,
                             "mh_cc_add": null, "pft_scale": null, "smd_vtype": null})"));
}

TEST_CASE("conventions: pool JSON records the options given", "[conventions][cli]") {
  SECTION("knha resolves auto to k-1") {
    const CliRun run = run_in_source("pool datasets/bcg.csv --test knha --format json");
    REQUIRE(run.status == 0);
    CHECK(json::parse(run.out)["conventions"]["pi_df"] == "k-1");
  }
  SECTION("MH with a correction, Higgins I2, k-2") {
    const CliRun run =
        run_in_source("pool datasets/bcg.csv --measure OR --method MH --mh-cc if0all --mh-cc-add 0.25 --i2 higgins "
                      "--pi-df k-2 --cc 0.1 --cc-to all --format json");
    REQUIRE(run.status == 0);
    const json c = json::parse(run.out)["conventions"];
    CHECK(c["i2"] == "higgins");
    CHECK(c["pi_df"] == "k-2");
    CHECK(c["cc"] == 0.1);
    CHECK(c["cc_to"] == "all");
    CHECK(c["mh_cc"] == "if0all");
    CHECK(c["mh_cc_add"] == 0.25);
  }
  SECTION("MH without a correction") {
    const CliRun run = run_in_source("pool datasets/bcg.csv --method MH --format json");
    REQUIRE(run.status == 0);
    const json c = json::parse(run.out)["conventions"];
    CHECK(c["mh_cc"] == "none");
    CHECK(c["mh_cc_add"].is_null());
  }
  SECTION("continuous and generic data take no continuity correction") {
    const CliRun run = run_in_source("pool datasets/continuous_example.csv --smd-vtype UB --format json");
    REQUIRE(run.status == 0);
    const json c = json::parse(run.out)["conventions"];
    CHECK(c["cc"].is_null());
    CHECK(c["smd_vtype"] == "UB");
  }
  SECTION("a meta-regression has no prediction interval") {
    const CliRun run = run_in_source("pool datasets/bcg.csv --mods ablat --format json");
    REQUIRE(run.status == 0);
    CHECK(json::parse(run.out)["conventions"]["pi_df"].is_null());
  }
  SECTION("subgroups use the conventions too") {
    const CliRun metafor = run_in_source("pool datasets/bcg.csv --subgroup alloc --format json");
    const CliRun higgins = run_in_source("pool datasets/bcg.csv --subgroup alloc --i2 higgins --format json");
    REQUIRE(metafor.status == 0);
    REQUIRE(higgins.status == 0);
    const json a = json::parse(metafor.out)["subgroups"][0];
    const json b = json::parse(higgins.out)["subgroups"][0];
    CHECK(a["estimate"] == b["estimate"]);
    const double q = b["Q"].get<double>(), df = b["Q_df"].get<double>();
    CHECK(b["H2"].get<double>() == Approx(q / df).epsilon(1e-12));
    CHECK(a["I2"] != b["I2"]);
  }
}

TEST_CASE("conventions: effects JSON and the text outputs record them", "[conventions][cli]") {
  SECTION("effects JSON: the per-study ones only") {
    const CliRun run = run_in_source("effects datasets/proportion_example.csv --measure PFT --format json");
    REQUIRE(run.status == 0);
    const json c = json::parse(run.out)["conventions"];
    CHECK(c == json::parse(R"({"cc": 0, "cc_to": "only0", "pft_scale": "half", "smd_vtype": null})"));
  }
  SECTION("pool text: a Conventions line") {
    const CliRun run = run_in_source("pool datasets/bcg.csv --i2 higgins --pi-df k-2");
    REQUIRE(run.status == 0);
    CHECK(run.out.find("Conventions: I^2 higgins ((Q - df)/Q); prediction interval t(k-2); cc 0.5 to only0") !=
          std::string::npos);
  }
  SECTION("effects text: a Conventions line where one applies, none for MD") {
    const CliRun smd = run_in_source("effects datasets/continuous_example.csv --smd-vtype LS2");
    REQUIRE(smd.status == 0);
    CHECK(smd.out.find("Conventions: SMD vtype LS2") != std::string::npos);
    const CliRun md = run_in_source("effects datasets/continuous_example.csv --measure MD");
    REQUIRE(md.status == 0);
    CHECK(md.out.find("Conventions") == std::string::npos);
  }
}
