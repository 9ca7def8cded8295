// metapool report through the real binary: the directory it writes, atomic
// replacement, refusal to replace what is not a report, byte-identical
// output, and a missing rsvg-convert.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "support/run_cli.hpp"

using metapool::test::run_cli;
using metapool::test::slurp;
using metapool::test::source_path;
using metapool::test::TempDir;

namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> read_dir(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) out[entry.path().filename().string()] = slurp(entry.path());
  return out;
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

std::string bcg_args(const fs::path& out) {
  return "report '" + source_path("datasets/bcg.csv") + "' --measure RR --out '" + out.string() + "'";
}

}  // namespace

TEST_CASE("report cli: writes the page, Markdown, CSV tables and plots in every format") {
  TempDir dir;
  const auto out = dir.path() / "bcg";
  const auto run = run_cli(bcg_args(out));
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK(run.out.empty());
  const auto files = read_dir(out);
  for (const char* name : {"index.html", "report.md", "data.csv", "effects.csv", "pool.csv", "heterogeneity.csv",
                           "methods.csv", "sof.csv", "baujat.csv", "leave1out.csv", "influence.csv", "bias.csv",
                           "forest.svg", "funnel.svg", "baujat.svg"}) {
    INFO(name);
    CHECK(files.count(name) == 1);
  }
  if (fs::exists("/usr/bin/rsvg-convert")) {
    for (const char* name : {"forest.png", "forest.pdf", "funnel.png", "funnel.pdf", "baujat.png", "baujat.pdf"}) {
      INFO(name);
      REQUIRE(files.count(name) == 1);
      CHECK(files.at(name).size() > 1000);
    }
    CHECK(files.at("forest.png").substr(1, 3) == "PNG");
    CHECK(files.at("forest.pdf").substr(0, 5) == "%PDF-");
  }
  CHECK(entries(dir.path()) == 1);  // no temporary directory left behind
  // trim and fill imputes one study for BCG (metafor trimfill: 1 on the right side): drawn hollow
  CHECK(files.at("funnel.svg").find("funnel-filled") != std::string::npos);
  CHECK(files.at("leave1out.csv").find("\"Aronson, 1948\",12,") != std::string::npos);
  // the stamp: sha256 of the input, the command line without the binary's path
  const std::string& html = files.at("index.html");
  CHECK(html.find("metapool report ") != std::string::npos);
  CHECK(html.find(METAPOOL_BINARY) == std::string::npos);
}

TEST_CASE("report cli: two runs give byte-identical directories") {
  // The same command twice (the stamp records the command line, --out included).
  TempDir dir;
  const auto out = dir.path() / "a";
  REQUIRE(run_cli(bcg_args(out) + " --contours").status == 0);
  const auto first = read_dir(out);
  REQUIRE(run_cli(bcg_args(out) + " --contours").status == 0);
  const auto second = read_dir(out);
  REQUIRE(first.size() == second.size());
  for (const auto& [name, content] : first) {
    INFO(name);
    CHECK(content == second.at(name));
  }
}

TEST_CASE("report cli: an earlier report is replaced whole, anything else is refused") {
  TempDir dir;
  const auto out = dir.path() / "r";
  REQUIRE(run_cli(bcg_args(out)).status == 0);
  std::ofstream(out / "stale.txt") << "old";
  REQUIRE(run_cli(bcg_args(out) + " --subgroup alloc").status == 0);
  CHECK_FALSE(fs::exists(out / "stale.txt"));
  CHECK(fs::exists(out / "subgroups.csv"));
  CHECK(entries(dir.path()) == 1);

  const auto other = dir.path() / "notes";
  fs::create_directory(other);
  std::ofstream(other / "thesis.tex") << "precious";
  const auto refused = run_cli(bcg_args(other));
  CHECK(refused.status == 2);
  CHECK(refused.err.find("not an earlier metapool report") != std::string::npos);
  CHECK(slurp(other / "thesis.tex") == "precious");
  CHECK(entries(other) == 1);

  const auto plain = dir.path() / "file.txt";
  std::ofstream(plain) << "x";
  CHECK(run_cli(bcg_args(plain)).status == 2);
  CHECK(slurp(plain) == "x");
}

TEST_CASE("report cli: a failed run leaves no directory behind") {
  TempDir dir;
  const auto bad = dir.write("bad.csv", "study,yi,vi\nA,0.5,-1\n");
  const auto out = dir.path() / "out";
  const auto run = run_cli("report '" + bad.string() + "' --out '" + out.string() + "'");
  CHECK(run.status == 2);
  CHECK(run.err.find("bad.csv:2:3: error") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
  CHECK(entries(dir.path()) == 1);  // only bad.csv

  // a failing converter: exit 1, nothing written, the old report kept
  REQUIRE(run_cli(bcg_args(out)).status == 0);
  const auto before = read_dir(out);
  const auto fake = dir.write("fake-rsvg", "#!/bin/sh\nexit 3\n");
  fs::permissions(fake, fs::perms::owner_all);
  const int with_fake =
      std::system(("METAPOOL_RSVG_CONVERT='" + fake.string() + "' '" + METAPOOL_BINARY + "' " + bcg_args(out) +
                   " --contours 2>/dev/null")
                      .c_str());
  CHECK(WEXITSTATUS(with_fake) == 1);
  CHECK(read_dir(out) == before);   // the old report is untouched
  CHECK(entries(dir.path()) == 3);  // bad.csv, fake-rsvg, out: no temporary directory
}

TEST_CASE("report cli: an --out name the file system refuses is bad input, not an internal error") {
  // Found by fuzz_cli: a 267-byte name made std::filesystem throw (exit 1).
  TempDir dir;
  const auto out = dir.path() / std::string(300, 'x');
  for (const auto& args : {bcg_args(out), bcg_args(out / "sub")}) {
    const auto run = run_cli(args);
    CHECK(run.status == 2);
    CHECK(run.err.find("error: --out") != std::string::npos);
    CHECK(run.err.find("internal error") == std::string::npos);
  }
  CHECK(entries(dir.path()) == 0);
}

TEST_CASE("report cli: without rsvg-convert the report says so and still succeeds") {
  TempDir dir;
  const auto out = dir.path() / "r";
  const int status = std::system(("METAPOOL_RSVG_CONVERT=/nonexistent/rsvg-convert '" + std::string(METAPOOL_BINARY) +
                                  "' " + bcg_args(out) + " 2>'" + (dir.path() / "err").string() + "'")
                                     .c_str());
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(slurp(dir.path() / "err").find("rsvg-convert not found") != std::string::npos);
  CHECK(fs::exists(out / "forest.svg"));
  CHECK_FALSE(fs::exists(out / "forest.png"));
  CHECK(slurp(out / "index.html").find("rsvg-convert was not found") != std::string::npos);
}

TEST_CASE("report cli: bad arguments exit 2 with one message") {
  TempDir dir;
  const auto no_out = run_cli("report '" + source_path("datasets/bcg.csv") + "'");
  CHECK(no_out.status == 2);
  CHECK(no_out.err.find("--out DIR") != std::string::npos);
  const auto format = run_cli(bcg_args(dir.path() / "x") + " --format json");
  CHECK(format.status == 2);
  CHECK(format.err.find("--format does not apply") != std::string::npos);
  const auto subgroup = run_cli(bcg_args(dir.path() / "y") + " --subgroup nosuchcolumn");
  CHECK(subgroup.status == 2);
  CHECK_FALSE(fs::exists(dir.path() / "y"));
}
