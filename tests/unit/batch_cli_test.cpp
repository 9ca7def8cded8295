// metapool batch through the real binary: every field equals `pool` run on
// each analysis alone, output order does not depend on --threads, shards
// merge into the full table, broken analyses become error rows, and bad
// arguments or bad input exit 2 with nothing written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/sha256.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using metapool::test::CliRun;
using metapool::test::run_cli;
using metapool::test::slurp;
using metapool::test::TempDir;
using Json = nlohmann::json;

namespace {

const char* const kHeader = "outcome,timepoint,study,events_t,n_t,events_c,n_c\n";

// Three analyses of different k, one with a zero cell, one with k = 1.
const char* const kSmall =
    "outcome,timepoint,study,events_t,n_t,events_c,n_c\n"
    "death,6m,A,4,123,11,139\n"
    "death,6m,B,6,306,29,303\n"
    "death,6m,C,3,231,11,220\n"
    "death,6m,D,62,13598,248,12867\n"
    "death,6m,E,33,5069,47,5808\n"
    "death,12m,A,0,80,5,82\n"
    "death,12m,B,10,100,15,100\n"
    "death,12m,C,7,90,9,95\n"
    "stroke,6m,A,12,200,20,210\n";

// A deterministic long-format CSV of `groups` analyses of 4-7 studies.
std::string generated(int groups) {
  std::string csv = kHeader;
  unsigned state = 12345;
  const auto next = [&](unsigned mod) {
    state = state * 1103515245U + 12345U;
    return (state >> 8) % mod;
  };
  for (int g = 0; g < groups; ++g) {
    const unsigned k = 4 + next(4);
    for (unsigned i = 0; i < k; ++i) {
      const unsigned n_t = 40 + next(200), n_c = 40 + next(200);
      csv += fmt::format("o{},t{},S{},{},{},{},{}\n", g / 10, g % 10, i + 1, 1 + next(n_t / 3), n_t,
                         1 + next(n_c / 3), n_c);
    }
  }
  return csv;
}

std::vector<Json> jsonl(const std::string& text) {
  std::vector<Json> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(Json::parse(line));
  }
  return rows;
}

double number(const Json& value) { return value.is_null() ? std::nan("") : value.get<double>(); }

void check_same(const std::string& what, const Json& batch_value, const Json& pool_value) {
  INFO(what);
  if (pool_value.is_null()) {
    CHECK(batch_value.is_null());
    return;
  }
  METAPOOL_CHECK_NEAR(what, number(batch_value), number(pool_value), 1e-14);
}

}  // namespace

TEST_CASE("batch: every field equals pool run on each analysis alone", "[batch]") {
  TempDir dir;
  const auto file = dir.write("long.csv", kSmall);
  const std::string spec = "method=REML,test=knha;method=DL;label=ee,method=EE,level=90;method=MH";
  const CliRun run =
      run_cli(fmt::format("batch '{}' --by outcome,timepoint --format jsonl --analyses '{}'", file.string(), spec));
  REQUIRE(run.status == 0);
  const auto rows = jsonl(run.out);
  REQUIRE(rows.size() == 3 * 4);
  const std::vector<std::string> pool_args{"--method REML --test knha", "--method DL", "--method EE --level 90",
                                           "--method MH"};
  const std::vector<std::pair<std::string, std::string>> keys{{"death", "6m"}, {"death", "12m"}, {"stroke", "6m"}};
  const std::vector<int> ks{5, 3, 1};
  const std::vector<std::string> lines{std::string(kSmall).substr(std::string(kHeader).size())};
  std::vector<std::string> data_lines;
  {
    std::istringstream in(std::string(kSmall).substr(std::string(kHeader).size()));
    std::string line;
    while (std::getline(in, line)) data_lines.push_back(line);
  }
  std::size_t first = 0;
  for (std::size_t g = 0; g < keys.size(); ++g) {
    std::string sub = kHeader;
    for (int i = 0; i < ks[g]; ++i) sub += data_lines[first + static_cast<std::size_t>(i)] + "\n";
    first += static_cast<std::size_t>(ks[g]);
    const auto sub_file = dir.write(fmt::format("g{}.csv", g), sub);
    for (std::size_t c = 0; c < pool_args.size(); ++c) {
      const Json& row = rows[g * pool_args.size() + c];
      INFO("group " << g << " configuration " << c);
      CHECK(row["group_index"] == g);
      CHECK(row["config_index"] == c);
      CHECK(row["outcome"] == keys[g].first);
      CHECK(row["timepoint"] == keys[g].second);
      CHECK(row["rows"] == ks[g]);
      const CliRun pool = run_cli(fmt::format("pool '{}' --format json {}", sub_file.string(), pool_args[c]));
      REQUIRE(pool.status == 0);
      const Json p = Json::parse(pool.out);
      CHECK(row["status"] == "ok");
      CHECK(row["error"].is_null());
      CHECK(row["measure"] == p["model"]["measure"]);
      CHECK(row["method"] == p["model"]["method"]);
      CHECK(row["test"] == p["model"]["test"]);
      CHECK(row["level"] == p["model"]["level"]);
      CHECK(row["k"] == p["model"]["k"]);
      CHECK(row["Q_df"] == p["Q_df"]);
      CHECK(row["warnings"] == p["warnings"]);
      for (const char* field : {"estimate", "se", "statistic", "pval", "ci_lb", "ci_ub", "df", "tau2", "se_tau2",
                                "tau", "I2", "H2", "Q", "Q_pval", "pi_lb", "pi_ub"}) {
        check_same(field, row[field], p[field]);
      }
      for (const char* field : {"tau2_ci", "tau_ci", "I2_ci", "H2_ci"}) {
        const Json& ci = p[field];
        check_same(std::string(field) + "_lb", row[std::string(field) + "_lb"], ci.is_null() ? Json() : ci[0]);
        check_same(std::string(field) + "_ub", row[std::string(field) + "_ub"], ci.is_null() ? Json() : ci[1]);
      }
      REQUIRE(p.contains("transformed"));
      CHECK(row["scale"] == p["transformed"]["scale"]);
      for (const char* field : {"estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub"}) {
        check_same(std::string("transformed_") + field, row[std::string("transformed_") + field],
                   p["transformed"][field]);
      }
    }
  }
}

TEST_CASE("batch: the CSV table has one header and the same rows as JSONL", "[batch]") {
  TempDir dir;
  const auto file = dir.write("long.csv", kSmall);
  const CliRun csv = run_cli(fmt::format("batch '{}' --by outcome,timepoint --method DL", file.string()));
  REQUIRE(csv.status == 0);
  std::istringstream in(csv.out);
  std::string header;
  std::getline(in, header);
  CHECK(header.rfind("group_index,config_index,outcome,timepoint,config,status,error,rows,measure,", 0) == 0);
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 4);
  CHECK(csv.out.find("\n2,0,stroke,6m,default,ok,NA,1,RR,DL,DL,z,95,1,") != std::string::npos);
}

TEST_CASE("batch: output is the same for 1 and 4 threads", "[batch]") {
  TempDir dir;
  const auto file = dir.write("long.csv", generated(300));
  const std::string args = fmt::format("batch '{}' --by outcome,timepoint --analyses 'method=REML;method=PM,test=knha'",
                                       file.string());
  const CliRun one = run_cli(args + " --threads 1");
  const CliRun four = run_cli(args + " --threads 4");
  const CliRun dflt = run_cli(args);
  REQUIRE(one.status == four.status);
  CHECK(std::count(one.out.begin(), one.out.end(), '\n') == 1 + 300 * 2);
  CHECK(one.out == four.out);
  CHECK(one.out == dflt.out);
  const CliRun piped = run_cli("batch - --by outcome,timepoint --analyses 'method=REML;method=PM,test=knha' --threads 3",
                               file.string());
  CHECK(piped.out == one.out);
}

TEST_CASE("batch: a table of several MiB written with --out equals standard output", "[batch]") {
  // --out starts the writeback of every MiB while the analyses go on; the
  // file must still be the whole table, and no temporary file may be left.
  TempDir dir;
  const auto file = dir.write("long.csv", generated(2500));
  const auto out = dir.path() / "table.csv";
  const std::string args = fmt::format("batch '{}' --by outcome,timepoint --analyses 'method=REML;method=DL'",
                                       file.string());
  const CliRun to_stdout = run_cli(args + " --threads 2");
  const CliRun to_file = run_cli(args + fmt::format(" --threads 2 --out '{}'", out.string()));
  REQUIRE(to_stdout.status == 0);
  REQUIRE(to_file.status == 0);
  CHECK(to_file.out.empty());
  CHECK(to_stdout.out.size() > 2 * (std::size_t{1} << 20));
  CHECK(slurp(out) == to_stdout.out);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 2);  // long.csv and table.csv
}

TEST_CASE("batch: shards merged by group_index equal the full run", "[batch]") {
  TempDir dir;
  const auto file = dir.write("long.csv", generated(50));
  const std::string args = fmt::format("batch '{}' --by outcome,timepoint --analyses 'method=REML;method=DL'",
                                       file.string());
  const CliRun full = run_cli(args);
  std::string merged_body;
  std::string header;
  std::vector<std::string> lines;
  for (int i = 0; i < 3; ++i) {
    const CliRun shard = run_cli(args + fmt::format(" --shard {}/3 --threads 2", i));
    REQUIRE(shard.status == full.status);
    std::istringstream in(shard.out);
    std::string line;
    std::getline(in, line);
    if (i == 0) header = line;
    CHECK(line == header);
    while (std::getline(in, line)) lines.push_back(line);
  }
  const auto key = [](const std::string& line) {
    const auto comma = line.find(',');
    return std::make_pair(std::stoul(line.substr(0, comma)), std::stoul(line.substr(comma + 1)));
  };
  std::stable_sort(lines.begin(), lines.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  std::string merged = header + "\n";
  for (const auto& line : lines) merged += line + "\n";
  CHECK(merged == full.out);
  // the documented shell merge gives the same table
  std::string shell = "{ ";
  for (int i = 0; i < 3; ++i) {
    shell += fmt::format("'{}' {} --shard {}/3 --out '{}'; ", METAPOOL_BINARY, args, i,
                         (dir.path() / fmt::format("part{}.csv", i)).string());
  }
  shell += fmt::format("}} && cd '{}' && {{ head -n 1 part0.csv; tail -q -n +2 part*.csv | sort -t, -k1,1n -k2,2n; }} > merged.csv",
                       dir.path().string());
  REQUIRE(std::system(shell.c_str()) == 0);
  CHECK(slurp(dir.path() / "merged.csv") == full.out);
}

TEST_CASE("batch: broken analyses become error rows and the others complete", "[batch]") {
  TempDir dir;
  const std::string csv = std::string(kHeader) +
                          "a,1,A,4,123,11,139\n"
                          "a,1,B,6,306,29,303\n"
                          "b,1,A,4,123,11,139\n"
                          "b,1,B,400,306,29,303\n"   // events_t > n_t, line 5
                          "c,1,A,4,123,11,139\n"
                          "c,1,B,6,306,x,303\n"      // non-numeric, line 7 column 6
                          "d,1,A,4,123,11,139\n"
                          "d,1,B,6,306,29,303\n";
  const auto file = dir.write("bad.csv", csv);
  const auto out = dir.path() / "table.jsonl";
  const CliRun run = run_cli(fmt::format("batch '{}' --by outcome,timepoint --format jsonl --out '{}' --threads 2",
                                         file.string(), out.string()));
  CHECK(run.status == 2);
  CHECK_THAT(run.err, Catch::Contains("2 of 4 analyses failed"));
  REQUIRE(std::filesystem::exists(out));
  const auto rows = jsonl(slurp(out));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["status"] == "ok");
  CHECK(rows[1]["status"] == "error");
  CHECK_THAT(rows[1]["error"].get<std::string>(), Catch::Contains("bad.csv:5:4: error:"));
  CHECK(rows[1]["estimate"].is_null());
  CHECK(rows[1]["k"].is_null());
  CHECK(rows[2]["status"] == "error");
  CHECK_THAT(rows[2]["error"].get<std::string>(), Catch::Contains("bad.csv:7:6: error:") && Catch::Contains("\"x\""));
  CHECK(rows[3]["status"] == "ok");
  CHECK(rows[3]["estimate"] == rows[0]["estimate"]);
}

TEST_CASE("batch: --reports writes a full report of every analysis", "[batch]") {
  TempDir dir;
  const auto file = dir.write("long.csv", kSmall);
  const auto reports = dir.path() / "reports";
  const CliRun run = run_cli(fmt::format("batch '{}' --by outcome,timepoint --analyses 'method=REML;method=DL' --reports '{}'",
                                         file.string(), reports.string()));
  REQUIRE(run.status == 0);
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(reports)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() == 6);
  CHECK(names.front() == "000000-0_death_6m");
  CHECK(names.back() == "000002-1_stroke_6m");
  const auto one = reports / "000001-1_death_12m";
  for (const char* name : {"index.html", "report.md", "pool.json", "forest.svg"}) {
    CAPTURE(name);
    CHECK(std::filesystem::is_regular_file(one / name));
  }
  CHECK_FALSE(std::filesystem::exists(one / "forest.png"));  // images only with --report-images
  const Json pool = Json::parse(slurp(one / "pool.json"));
  CHECK(pool["model"]["method"] == "DL");
  CHECK(pool["model"]["k"] == 3);
  // The report is the analysis's own: its stamp names the analysis and the
  // whole input file's SHA-256, and it pools the same three studies.
  const std::string html = slurp(one / "index.html");
  CHECK_THAT(html, Catch::Contains("long.csv (outcome = death, timepoint = 12m; configuration method=DL)"));
  CHECK_THAT(html, Catch::Contains(metapool::report::sha256_hex(slurp(file))));
  CHECK_THAT(html, Catch::Contains("metapool batch"));
  const Json single = Json::parse(run_cli(fmt::format("pool '{}' --method DL --format json", dir.write("one.csv", std::string(kHeader) + "death,12m,A,0,80,5,82\ndeath,12m,B,10,100,15,100\ndeath,12m,C,7,90,9,95\n").string())).out);
  CHECK(single["estimate"].get<double>() == pool["estimate"].get<double>());
  CHECK(single["tau2_ci"] == pool["tau2_ci"]);
}

TEST_CASE("batch: --reports skips failed analyses and --report-images needs --reports", "[batch]") {
  TempDir dir;
  const auto file = dir.write("bad.csv", std::string(kHeader) + "a,1,A,4,123,11,139\na,1,B,6,306,29,303\nb,1,A,x,123,11,139\n");
  const auto reports = dir.path() / "reports";
  const CliRun run = run_cli(fmt::format("batch '{}' --by outcome,timepoint --reports '{}'", file.string(), reports.string()));
  CHECK(run.status == 2);
  CHECK(std::filesystem::is_directory(reports / "000000-0_a_1"));
  CHECK_FALSE(std::filesystem::exists(reports / "000001-0_b_1"));
  const CliRun images = run_cli(fmt::format("batch '{}' --by outcome,timepoint --report-images", file.string()));
  CHECK(images.status == 2);
  CHECK_THAT(images.err, Catch::Contains("--report-images needs --reports"));
}

TEST_CASE("batch: bad arguments and bad input exit 2 and write nothing", "[batch]") {
  TempDir dir;
  const auto file = dir.write("long.csv", kSmall);
  const auto repeated = dir.write("repeated.csv", std::string(kHeader) + "a,1,A,4,123,11,139\nb,1,A,4,123,11,139\na,1,B,6,306,29,303\n");
  const auto ragged = dir.write("ragged.csv", std::string(kHeader) + "a,1,A,4,123,11,139\nb,1,A,4,123,11\n");
  const auto out = dir.path() / "out.csv";
  struct Case {
    std::string args;
    std::string message;
  };
  const std::vector<Case> cases{
      {fmt::format("batch '{}'", file.string()), "--by"},
      {fmt::format("batch '{}' --by nope", file.string()), "--by column \"nope\" is not in the header"},
      {fmt::format("batch '{}' --by outcome --shard 3/3", file.string()), "--shard \"3/3\""},
      {fmt::format("batch '{}' --by outcome --threads 0", file.string()), "--threads 0"},
      {fmt::format("batch '{}' --by outcome --analyses 'method=XX'", file.string()), "unknown method \"XX\""},
      {fmt::format("batch '{}' --by outcome --format json", file.string()), "expected csv or jsonl"},
      {fmt::format("batch '{}' --by outcome --method XX", file.string()), "unknown --method"},
      {fmt::format("batch '{}' --by study", (dir.path() / "missing.csv").string()), "cannot open"},
      {fmt::format("batch '{}' --by outcome,timepoint", repeated.string()), "repeated.csv:4:1: error: the rows of analysis (a, 1) are not consecutive"},
      {fmt::format("batch '{}' --by outcome,timepoint", ragged.string()), "ragged.csv:3:7: error: row has 6 fields"},
      {fmt::format("batch '{}' --by k", dir.write("k.csv", "k,yi,vi\n1,0.1,0.01\n").string()), "has the name of a result column"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const CliRun to_stdout = run_cli(c.args);
    CHECK(to_stdout.status == 2);
    CHECK(to_stdout.out.empty());
    CHECK_THAT(to_stdout.err, Catch::Contains(c.message));
    const CliRun to_file = run_cli(c.args + fmt::format(" --out '{}'", out.string()));
    CHECK(to_file.status == 2);
    CHECK_FALSE(std::filesystem::exists(out));
  }
  // standard input is read once: a repeated group found late still leaves no --out file
  const CliRun piped = run_cli(fmt::format("batch - --by outcome,timepoint --out '{}'", out.string()), repeated.string());
  CHECK(piped.status == 2);
  CHECK_FALSE(std::filesystem::exists(out));
  int leftovers = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    leftovers += entry.path().filename().string().find(".tmp-") != std::string::npos ? 1 : 0;
  }
  CHECK(leftovers == 0);
}

TEST_CASE("batch: a fit whose Fisher scoring oscillates is solved, with its warning in the row", "[batch]") {
  // Generated by scripts/bench_generate.R (analysis 252): REML's Fisher
  // scoring oscillates (metafor 3.8-1 with control = list(threshold = 1e-12)
  // stops with an error); the estimating equation is then solved by
  // bracketing (scripts/golden_oscillation.R checks the numbers).
  TempDir dir;
  const auto file = dir.write("nc.csv", std::string(kHeader) +
                                            "o,t,S1,27,383,20,202\no,t,S2,5,198,12,154\no,t,S3,45,356,11,69\n"
                                            "o,t,S4,11,255,24,309\no,t,S5,9,168,8,135\no,t,S6,18,131,29,144\n"
                                            "o,t,S7,73,239,93,284\no,t,S8,10,42,34,96\no,t,S9,29,172,15,62\n"
                                            "o,t,S10,14,126,16,132\n");
  const CliRun run = run_cli(fmt::format("batch '{}' --by outcome --format jsonl --analyses 'method=REML;method=REML/DL'",
                                         file.string()));
  CHECK(run.status == 0);
  const auto rows = jsonl(run.out);
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) {
    CHECK(row["status"] == "ok");
    CHECK(row["method"] == "REML");
    CHECK_THAT(row["warnings"].dump(), Catch::Contains("found by bracketing"));
  }
}
