// `metapool reproduce` through the real binary: the consistency verdicts a
// student would look for, every output format, the ketamine figures table,
// and every bad argument (exit 2, one message, nothing on stdout or disk).
#include <algorithm>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using metapool::test::CliRun;
using metapool::test::run_cli;
using metapool::test::source_path;
using metapool::test::TempDir;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

nlohmann::json json_of(const std::string& args) {
  const CliRun run = run_cli("reproduce " + args + " --format json");
  INFO("stderr: " << run.err);
  REQUIRE(run.status == 0);
  return nlohmann::json::parse(run.out);
}

}  // namespace

TEST_CASE("reproduce: 88% of 9 is reported as inconsistent", "[reproduce][cli]") {
  const CliRun run = run_cli("reproduce --percent 88 --n 9");
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK(contains(run.out, "INCONSISTENT"));
  CHECK(contains(run.out, "counts that print as 88%: none"));
  CHECK(contains(run.out, "only if truncated (not rounded): 8 (8/9 = 88.89%)"));
  const auto json = json_of("--percent 88 --n 9");
  const auto& arm = json["figures"][0]["treatment"];
  CHECK(arm["check"] == "truncation_only");
  CHECK(arm["consistent_counts"].is_null());
  CHECK(arm["truncation_only_counts"]["first"] == 8);
  CHECK(arm["events"].is_null());
  CHECK(arm["intervals"].is_null());
}

TEST_CASE("reproduce: 70.8% of 24 gives 17/24 and its intervals", "[reproduce][cli]") {
  const CliRun run = run_cli("reproduce --percent 70.8 --n 24");
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK(contains(run.out, "counts that print as 70.8%: 17"));
  CHECK(contains(run.out, "using 17/24 = 70.83%"));
  CHECK(contains(run.out, "Clopper-Pearson (exact)      48.91      87.38"));
  const auto json = json_of("--percent 70.8 --n 24");
  const auto& arm = json["figures"][0]["treatment"];
  CHECK(arm["check"] == "consistent");
  CHECK(arm["events"] == 17);
  CHECK(arm["events_given"] == false);
  CHECK(arm["percent_rounded"] == "70.8");
  // binom.test(17, 24)$conf.int (tests/golden/reproduce/proportions.json)
  METAPOOL_CHECK_NEAR("cp lower", arm["intervals"]["clopper_pearson"][0].get<double>(), 0.489052186142167,
                      metapool::test::kTolClosedForm);
  // --level and --events
  const auto j90 = json_of("--events 17 --n 24 --level 90");
  CHECK(j90["level"] == 90);
  CHECK(j90["figures"][0]["treatment"]["check"] == "not_checked");
}

TEST_CASE("reproduce: two arms give RR, OR, RD, NNT and the tests", "[reproduce][cli]") {
  const CliRun run = run_cli("reproduce --events-t 7 --n-t 8 --events-c 3 --n-c 9");
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK(contains(run.out, "RR         2.6250     1.0048     6.8580"));
  CHECK(contains(run.out, "NNT: NNTB 1.85 (NNTB 1.08 to 6.34)"));
  CHECK(contains(run.out, "Fisher's exact test (two-sided): p = 0.0498"));
  CHECK(contains(run.out, "Pearson chi-square: X^2 = 5.1304, df = 1, p = 0.0235"));
  CHECK(contains(run.out, "X^2 = 3.1377, p = 0.0765"));

  // Percentages: 88% of 9 fits no count, so there is no comparison.
  const auto json = json_of("--percent-t 88 --n-t 9 --percent-c 33 --n-c 9");
  const auto& f = json["figures"][0];
  CHECK(f["treatment"]["check"] == "truncation_only");
  CHECK(f["control"]["check"] == "consistent");
  CHECK(f["control"]["events"] == 3);
  CHECK(f["comparison"].is_null());
  CHECK(f["note"] == "no comparison: no counts for the treatment arm");

  // A zero cell: metafor's 0.5 correction (RR = (0.5/11)/(3.5/11) = 1/7, as
  // escalc); RD -0.273 [-0.574, 0.029] spans 0, so the NNT CI passes through infinity.
  const auto zero = json_of("--events-t 0 --n-t 10 --events-c 3 --n-c 10");
  const auto& c = zero["figures"][0]["comparison"];
  CHECK(c["cc_applied"] == true);
  METAPOOL_CHECK_NEAR("RR yi", c["RR"]["yi"].get<double>(), -1.94591014905531, metapool::test::kTolClosedForm);
  CHECK(c["NNT"]["ci_shape"] == "spans_infinity");
  CHECK(contains(c["NNT"]["text"].get<std::string>(), "NNTH 3.67 (NNTB 34.73 to infinity to NNTH 1.74)"));
}

TEST_CASE("reproduce --file: every ketamine figure, Dakwar 2019 inconsistent", "[reproduce][cli]") {
  const std::string file = source_path("datasets/ketamine/reported_figures.csv");
  const auto json = json_of("--file '" + file + "'");
  const auto& figures = json["figures"];
  REQUIRE(figures.size() == 33);
  CHECK(figures.front()["id"] == "F1");
  CHECK(figures.back()["id"] == "S3c-1");
  for (const auto& f : figures) {
    INFO(f["id"]);
    const std::string id = f["id"];
    if (id == "S3c-1") {
      CHECK(f["treatment"]["check"] == "inconsistent");  // 13/27 = 48.15 prints as 48.1, not 48.2
      CHECK(f["control"]["check"] == "consistent");
    } else {
      CHECK(f["treatment"]["check"] == "consistent");
      if (!f["control"].is_null() && id != "S3b-8") CHECK(f["control"]["check"] == "consistent");
    }
  }
  // F2: 7/8 = 87.5 is a tie that prints as 88 only with halves rounded up.
  CHECK(figures[1]["treatment"]["half_up_tie"] == 7);
  // S3b-8: control n unknown -> kept, not computed.
  CHECK(figures[31]["id"] == "S3b-8");
  CHECK(figures[31]["control"]["n"].is_null());
  CHECK(figures[31]["comparison"].is_null());

  for (const char* format : {"text", "csv", "md", "latex"}) {
    DYNAMIC_SECTION(format) {
      const CliRun run = run_cli(fmt::format("reproduce --file '{}' --format {}", file, format));
      INFO(run.err);
      CHECK(run.status == 0);
      for (const char* id : {"F1", "F2", "F21b", "S3a-10", "S3b-8", "S3c-1"}) CHECK(contains(run.out, id));
      if (std::string(format) != "latex") CHECK(contains(run.out, "INCONSISTENT") == (std::string(format) != "csv"));
    }
  }
  const CliRun csv = run_cli(fmt::format("reproduce --file '{}' --format csv", file));
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') >= 34);
  CHECK(contains(csv.out, "inconsistent"));
}

TEST_CASE("reproduce writes --out atomically in every format", "[reproduce][cli]") {
  TempDir dir;
  for (const char* format : {"text", "json", "csv", "md", "latex"}) {
    DYNAMIC_SECTION(format) {
      const auto out = dir.path() / fmt::format("out.{}", format);
      const CliRun run = run_cli(fmt::format("reproduce --events-t 7 --n-t 8 --events-c 3 --n-c 9 --format {} --out '{}'",
                                             format, out.string()));
      CHECK(run.status == 0);
      CHECK(run.out.empty());
      CHECK(std::filesystem::file_size(out) > 100);
    }
  }
}

TEST_CASE("reproduce: every bad argument exits 2 with one message", "[reproduce][cli][errors]") {
  TempDir dir;
  const auto bad_csv = dir.write("bad.csv", "id,events_t,n_t,percent_t\nA,17,24,70.8\nB,x,24,\n");
  struct Case {
    std::string args;
    std::string message;
  };
  // Section names must be the same on every pass (Catch re-enters the test
  // case once per section), so they leave out the temporary paths.
  const auto section_name = [&](const std::string& args) {
    std::string name = args;
    for (const std::string& path : {dir.path().string()}) {
      for (std::size_t pos; (pos = name.find(path)) != std::string::npos;) name.replace(pos, path.size(), "TMP");
    }
    return name.empty() ? std::string("(no arguments)") : name;
  };
  const Case cases[] = {
      {"--percent 70.8 --n 0", "error: --n = 0; expected a sample size of at least 1"},
      {"--events 25 --n 24", "error: --events = 25 exceeds --n = 24"},
      {"--events -1 --n 24", "error: --events = -1 is negative"},
      {"--n -3 --percent 5", "error: --n = -3 is negative"},
      {"--percent 120 --n 9", "error: --percent \"120\" is above 100"},
      {"--percent 70.8 --events 17 --n 24", "error: give --percent or --events, not both"},
      {"--percent 70.8", "error: --n is required"},
      {"--events 17", "error: --n is required"},
      {"--n 24", "error: give --percent or --events with --n"},
      {"--n abc --events 1", "error: --n \"abc\" is not a number"},
      {"--events 1.5 --n 3", "error: --events = 1.5 is not a whole number"},
      {"--percent abc --n 9", "error: --percent \"abc\" is not a percentage as printed"},
      {"", "error: nothing to reproduce"},
      {"--events-t 1 --n-t 3", "error: the control arm is missing"},
      {"--events-t 1 --n-t 3 --events-c 2", "error: --n-c is required"},
      {"--events-t 4 --n-t 3 --events-c 2 --n-c 5", "error: --events-t = 4 exceeds --n-t = 3"},
      {"--events 1 --n 3 --events-c 1 --n-c 3", "error: give one figure at a time"},
      {"--level 120 --events 1 --n 3", "error: --level 120 is outside (0, 100)"},
      {"--events-are sometimes --events 1 --n 3", "error: unknown --events-are \"sometimes\""},
      {"--format xml --events 1 --n 3", "error: unknown --format \"xml\""},
      {"--file '" + bad_csv.string() + "'",
       bad_csv.string() + ":3:2: error: \"x\" in column \"events_t\" is not a number"},
      {"--file '" + (dir.path() / "missing.csv").string() + "'", "error: cannot open the file"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(section_name(c.args)) {
      const auto out_file = dir.path() / "out.txt";
      const CliRun run = run_cli(fmt::format("reproduce {} --out '{}'", c.args, out_file.string()));
      INFO("stderr: " << run.err);
      CHECK(run.status == 2);
      CHECK(run.out.empty());
      CHECK_FALSE(std::filesystem::exists(out_file));
      CHECK(contains(run.err, c.message));
      CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
    }
  }
}
