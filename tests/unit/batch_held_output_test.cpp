// batch on standard output holds its table back (batch::HeldOutput) instead
// of reading the file once before the run: bad input found anywhere still
// leaves standard output empty. These tests hold the class to that, at and
// past its limit, and the CLI to the same guarantee it gave with a first pass.
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "batch/held_output.hpp"
#include "support/long_rows.hpp"
#include "support/run_cli.hpp"

namespace batch = metapool::batch;
using metapool::Diagnostic;
using metapool::test::CliRun;
using metapool::test::kBinaryHeader;
using metapool::test::long_rows;
using metapool::test::run_cli;
using metapool::test::TempDir;

namespace {

// What reached the destination, one string per hand-off.
struct Downstream {
  std::vector<std::string> writes;
  bool fail = false;
  batch::OutputSink sink() {
    return [this](std::string_view text) {
      writes.emplace_back(text);
      return !fail;
    };
  }
  std::string all() const {
    std::string text;
    for (const auto& w : writes) text += w;
    return text;
  }
};

// Distinct text of `n` bytes (a block boundary in the middle shows up as
// misplaced bytes).
std::string text_of(std::size_t n, char seed) {
  std::string text(n, ' ');
  for (std::size_t i = 0; i < n; ++i) text[i] = static_cast<char>('!' + (seed + i * 7 + i / 251) % 90);
  return text;
}

// Sets an environment variable for the scope (run_cli's child inherits it).
class EnvGuard {
 public:
  EnvGuard(const char* name, const std::string& value) : m_name(name) { ::setenv(name, value.c_str(), 1); }
  ~EnvGuard() { ::unsetenv(m_name); }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  const char* m_name;
};

}  // namespace

TEST_CASE("held output: under the limit nothing leaves before finish, then all of it in order", "[batch]") {
  Downstream down;
  int checks = 0;
  batch::HeldOutput held(down.sink(), [&]() -> std::optional<Diagnostic> { ++checks; return std::nullopt; },
                         std::size_t{4} << 20);
  // 3 MiB in pieces of uneven size: the 1 MiB blocks fill and spill over.
  std::string expected;
  for (std::size_t i = 0; expected.size() < (std::size_t{3} << 20); ++i) {
    const std::string piece = text_of(1000 + (i * 7919) % 150000, static_cast<char>(i));
    expected += piece;
    REQUIRE(held.write(piece));
  }
  CHECK(down.writes.empty());
  CHECK(held.held_bytes() == expected.size());
  CHECK_FALSE(held.passing_through());
  REQUIRE(held.finish());
  CHECK(down.all() == expected);
  constexpr std::size_t kBlock = std::size_t{1} << 20;
  CHECK(down.writes.size() == (expected.size() + kBlock - 1) / kBlock);  // one hand-off per block
  CHECK(checks == 0);
  CHECK(held.held_bytes() == 0);
}

TEST_CASE("held output: past the limit the check runs once, then the text passes through", "[batch]") {
  Downstream down;
  int checks = 0;
  batch::HeldOutput held(down.sink(), [&]() -> std::optional<Diagnostic> { ++checks; return std::nullopt; }, 100);
  const std::string a = text_of(60, 'a'), b = text_of(40, 'b'), c = text_of(1, 'c'), d = text_of(500, 'd');
  REQUIRE(held.write(a));
  REQUIRE(held.write(b));  // exactly at the limit: still held
  CHECK(down.writes.empty());
  CHECK(checks == 0);
  REQUIRE(held.write(c));  // one byte past it
  CHECK(checks == 1);
  CHECK(held.passing_through());
  CHECK(down.all() == a + b + c);
  REQUIRE(held.write(d));
  CHECK(down.writes.back() == d);  // handed on as it comes
  REQUIRE(held.finish());
  CHECK(checks == 1);
  CHECK(down.all() == a + b + c + d);
}

TEST_CASE("held output: a check that finds a problem lets nothing out", "[batch]") {
  Downstream down;
  Diagnostic problem;
  problem.file = "long.csv";
  problem.line = 9;
  problem.message = "row has 4 fields";
  batch::HeldOutput held(down.sink(), [&]() -> std::optional<Diagnostic> { return problem; }, 10);
  REQUIRE(held.write("header\n"));
  CHECK_FALSE(held.write("a row past the limit\n"));
  REQUIRE(held.check_failure().has_value());
  CHECK(held.check_failure()->line == 9);
  CHECK(held.check_failure()->message == "row has 4 fields");
  CHECK_FALSE(held.write("more\n"));
  CHECK_FALSE(held.finish());
  CHECK(down.writes.empty());
}

TEST_CASE("held output: without a check (standard input) the text passes through at the limit", "[batch]") {
  Downstream down;
  batch::HeldOutput held(down.sink(), nullptr, 10);
  REQUIRE(held.write("0123456789"));
  CHECK(down.writes.empty());
  REQUIRE(held.write("x"));
  CHECK(held.passing_through());
  CHECK(down.all() == "0123456789x");
  CHECK_FALSE(held.check_failure().has_value());
}

TEST_CASE("held output: a failed write downstream is reported", "[batch]") {
  Downstream down;
  down.fail = true;
  batch::HeldOutput held(down.sink(), nullptr, 10);
  REQUIRE(held.write("abc"));
  CHECK_FALSE(held.finish());
  batch::HeldOutput past(down.sink(), nullptr, 2);
  CHECK_FALSE(past.write("abc"));
}

TEST_CASE("batch to standard output: bad input found late leaves it empty, with or without a pass", "[batch][cli]") {
  TempDir dir;
  const auto good = dir.write("good.csv", kBinaryHeader + long_rows(0, 2000));
  const auto late = dir.write("late.csv", kBinaryHeader + long_rows(0, 2000) + "g9999,S1,1,2\n");
  const std::string late_line = fmt::format("late.csv:{}:5: error: row has 4 fields", 2 + 4 * 2000);
  const CliRun reference = run_cli(fmt::format("batch '{}' --by outcome --threads 1", good.string()));
  REQUIRE(reference.status == 0);
  REQUIRE(reference.out.size() > 100000);
  // The late ragged row stops the run with nothing on standard output, and
  // the good file's table is the same however it was held.
  const auto check_regular_file = [&](const char* threads) {
    const CliRun from_file = run_cli(fmt::format("batch '{}' --by outcome --threads {}", late.string(), threads));
    CHECK(from_file.status == 2);
    CHECK(from_file.out.empty());
    CHECK_THAT(from_file.err, Catch::Contains(late_line));
    CHECK(run_cli(fmt::format("batch '{}' --by outcome --threads {}", good.string(), threads)).out == reference.out);
  };

  for (const char* threads : {"1", "2"}) {
    INFO("threads " << threads);
    // Default hold: the whole table (~0.9 MB) is held; the ragged row stops the run.
    check_regular_file(threads);
    // Standard input, read once, now has the same guarantee up to the hold.
    const CliRun piped = run_cli(fmt::format("batch - --by outcome --threads {}", threads), late.string());
    CHECK(piped.status == 2);
    CHECK(piped.out.empty());
    CHECK_THAT(piped.err, Catch::Contains("<stdin>:8002:5: error: row has 4 fields"));
  }

  SECTION("a hold smaller than the table: a regular file is checked before the first row leaves") {
    const EnvGuard hold("METAPOOL_BATCH_HOLD_BYTES", "1000");
    for (const char* threads : {"1", "2"}) {
      INFO("threads " << threads);
      check_regular_file(threads);
      // Standard input cannot be read twice: past the hold its rows are
      // written, and the problem stops the run after them (documented).
      const CliRun piped = run_cli(fmt::format("batch - --by outcome --threads {}", threads), late.string());
      CHECK(piped.status == 2);
      CHECK(piped.out.size() > 1000);
      CHECK(piped.out.size() < reference.out.size());
      CHECK(reference.out.compare(0, piped.out.size(), piped.out) == 0);
      CHECK_THAT(piped.err, Catch::Contains("error: row has 4 fields"));
    }
  }

  SECTION("a hold that is not a number is refused") {
    const EnvGuard hold("METAPOOL_BATCH_HOLD_BYTES", "12MB");
    const CliRun run = run_cli(fmt::format("batch '{}' --by outcome", good.string()));
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK_THAT(run.err, Catch::Contains("METAPOOL_BATCH_HOLD_BYTES is \"12MB\"; expected a whole number of bytes"));
  }
}
