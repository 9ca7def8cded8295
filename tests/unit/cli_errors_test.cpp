// Bad input through the real binary: exit status 2, one message naming the
// file, line, column and value, and nothing on standard output or on disk.
#include <catch2/catch.hpp>

#include <filesystem>

#include "support/run_cli.hpp"

using metapool::test::CliRun;
using metapool::test::run_cli;
using metapool::test::TempDir;

namespace {

struct BadInput {
  const char* name;
  const char* csv;
  const char* args;       // after the file name
  const char* location;   // expected "line:column" (or "" when not tied to one)
  const char* message;    // expected substring of the message
};

const BadInput kBadInputs[] = {
    {"missing required column", "study,events_t,n_t,events_c\nA,1,10,2\n", "", ":1: error", "missing required column \"n_c\""},
    {"ambiguous shape", "study,events_t,n_t,events_c,n_c,events,n\nA,1,10,2,10,3,10\n", "", ":1: error", "ambiguous data shape"},
    {"non-numeric", "study,events_t,n_t,events_c,n_c\nA,1,10,2,10\nB,x1,10,2,10\n", "", ":3:2: error", "\"x1\" in column \"events_t\" is not a number"},
    {"decimal comma", "study,events_t,n_t,events_c,n_c\nA,1,10,2,\"1,5\"\n", "", ":2:5: error", "\"1,5\" in column \"n_c\" is not a number"},
    {"non-finite", "study,yi,vi\nA,0.5,inf\n", "", ":2:3: error", "\"inf\" in column \"vi\" is not a finite number"},
    {"huge exponent", "study,yi,vi\nA,1e999,0.1\n", "", ":2:2: error", "not a finite number"},
    {"empty field", "study,events_t,n_t,events_c,n_c\nA,,10,2,10\n", "", ":2:2: error", "missing value"},
    {"negative count", "study,events_t,n_t,events_c,n_c\nA,-1,10,2,10\n", "", ":2:2: error", "events_t = -1 is negative"},
    {"events > n", "study,events_t,n_t,events_c,n_c\nA,1,10,12,10\n", "", ":2:4: error", "events_c = 12 exceeds n_c = 10"},
    {"n = 0", "study,events,n\nA,0,0\n", "", ":2:3: error", "n = 0; expected a sample size of at least 1"},
    {"non-integer count", "study,events_t,n_t,events_c,n_c\nA,1,10.5,2,10\n", "", ":2:3: error", "n_t = 10.5 is not a whole number"},
    {"sd <= 0", "study,mean_t,sd_t,n_t,mean_c,sd_c,n_c\nA,1,0,10,2,1,10\n", "", ":2:3: error", "sd_t = 0; expected a standard deviation > 0"},
    {"r outside (-1, 1)", "study,r,n\nA,1.2,30\n", "", ":2:2: error", "r = 1.2 is outside (-1, 1)"},
    {"vi <= 0", "study,yi,vi\nA,0.1,0\n", "", ":2:3: error", "vi = 0; expected a sampling variance > 0"},
    {"sei <= 0", "study,yi,sei\nA,0.1,-0.2\n", "", ":2:3: error", "sei = -0.2; expected a standard error > 0"},
    {"empty file", "", "", "error", "the file is empty"},
    {"header only", "study,events,n\n", "", ":1: error", "header but no data rows"},
    {"duplicate column", "study,events,N,n\nA,1,10,10\n", "", ":1:4: error", "duplicate column \"n\""},
    {"ragged row", "study,events,n\nA,1,10\nB,2\n", "", ":3:3: error", "row has 2 fields, expected 3"},
    {"unterminated quote", "study,events,n\n\"A,1,10\n", "", ":2:1: error", "unterminated quoted field"},
    {"measure does not fit shape", "study,events_t,n_t,events_c,n_c\nA,1,10,2,10\n", "--measure SMD", ":1: error", "measure SMD does not fit two-arm binary"},
    {"invalid UTF-8", "study,events,n\n\"M\xFCller\",1,10\n", "", ":2:1: error", "invalid UTF-8 (byte 0xFC"},
    {"n too small for ZCOR", "study,r,n\nA,0.3,3\nB,0.2,20\n", "--measure ZCOR", ":2:3: error", "too small"},
};

}  // namespace

TEST_CASE("every bad input exits 2 with a located message and no output", "[cli][errors]") {
  for (const auto& bad : kBadInputs) {
    DYNAMIC_SECTION(bad.name) {
      TempDir dir;
      const auto file = dir.write("input.csv", bad.csv);
      const auto out_file = dir.path() / "out.json";
      const CliRun run = run_cli(fmt::format("effects '{}' {} --out '{}'", file.string(), bad.args,
                                             out_file.string()));
      INFO("stderr: " << run.err);
      CHECK(run.status == 2);
      CHECK(run.out.empty());
      CHECK_FALSE(std::filesystem::exists(out_file));
      CHECK(run.err.find(file.string() + (bad.location[0] == ':' ? "" : ": ") + bad.location) != std::string::npos);
      CHECK(run.err.find(bad.message) != std::string::npos);
      // one message, one line
      CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
    }
  }
}

TEST_CASE("bad arguments exit 2 with one message", "[cli][errors]") {
  TempDir dir;
  const auto file = dir.write("ok.csv", "study,events_t,n_t,events_c,n_c\nA,1,10,2,10\nB,3,12,4,11\n");
  const std::string path = "'" + file.string() + "'";
  // {command, arguments after the file ("" = no file), expected message};
  // section names must not depend on the temporary path (Catch2 re-runs the
  // test case once per section and matches sections by name).
  struct Case {
    std::string command;
    std::string args;
    std::string message;
  };
  const Case cases[] = {
      {"effects", "--measure XX", "unknown --measure \"XX\""},
      {"pool", "--method FOO", "unknown --method \"FOO\""},
      {"pool", "--test w", "unknown --test \"w\""},
      {"effects", "--level 100", "--level 100 is outside (0, 100)"},
      {"effects", "--format xml", "unknown --format \"xml\""},
      {"effects", "--cc-to sometimes", "unknown --cc-to \"sometimes\""},
      {"effects", "--cc -1", "--cc -1 is invalid"},
      {"pool", "--measure SMD", "measure SMD does not fit"},
      {"pool", "--measure RD --method PETO", "--method PETO"},
      {"effects", "MISSING", "cannot open the file"},
      {"frobnicate", "NOFILE", "error"},
      {"effects", "NOFILE", "FILE is required"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.command << " " << c.args) {
      std::string line = c.command;
      if (c.args == "MISSING") {
        line += " '" + (dir.path() / "missing.csv").string() + "'";
      } else if (c.args != "NOFILE") {
        line += " " + path + " " + c.args;
      }
      const CliRun run = run_cli(line);
      INFO("stderr: " << run.err);
      CHECK(run.status == 2);
      CHECK(run.out.empty());
      CHECK(run.err.find(c.message) != std::string::npos);
    }
  }
}

TEST_CASE("input is read from standard input with -", "[cli]") {
  TempDir dir;
  const auto file = dir.write("in.csv", "\xEF\xBB\xBFstudy,Events,N\r\n\"Smith, 2001\",3,10\r\n\"O\"\"Brien\",5,20\r\n");
  const CliRun run = run_cli("effects - --measure PR --format csv", file.string());
  INFO("stderr: " << run.err);
  REQUIRE(run.status == 0);
  CHECK(run.out.find("\"Smith, 2001\",0.3,") != std::string::npos);
  CHECK(run.out.find("\"O\"\"Brien\",0.25,") != std::string::npos);
}

TEST_CASE("an output file given with --out is written whole, nothing on stdout", "[cli]") {
  TempDir dir;
  const auto file = dir.write("in.csv", "study,events,n\nA,3,10\nB,5,20\n");
  const auto out = dir.path() / "effects.csv";
  const CliRun run = run_cli(fmt::format("effects '{}' --format csv --out '{}'", file.string(), out.string()));
  REQUIRE(run.status == 0);
  CHECK(run.out.empty());
  const std::string written = metapool::test::slurp(out);
  CHECK(written.rfind("study,yi,vi,sei,ci_lb,ci_ub,note\n", 0) == 0);
  // no temporary files left next to it
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 2);
}
