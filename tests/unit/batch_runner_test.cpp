// run_batch's threaded path at the library level: groups travel to the
// workers in chunks (BatchOptions::chunk_rows) as row text that each worker
// splits again, and chunks' storage is recycled. Small chunks make a short
// file cross many hand-offs; the table must equal the single-thread run.
#include <catch2/catch.hpp>

#include <string>

#include <fmt/format.h>

#include "batch/analysis_spec.hpp"
#include "batch/runner.hpp"
#include "support/batch_run.hpp"
#include "support/run_cli.hpp"

using metapool::test::TempDir;
namespace batch = metapool::batch;

namespace {

// `groups` analyses of 2-6 studies; study labels quoted with commas and
// doubled quotes inside, a bad analysis (events_t > n_t) every 17th group,
// blank lines and spaces around fields now and then.
std::string mixed_csv(int groups) {
  std::string csv = "outcome,timepoint,study,events_t,n_t,events_c,n_c\n";
  unsigned state = 777;
  const auto next = [&](unsigned mod) {
    state = state * 1103515245U + 12345U;
    return (state >> 8) % mod;
  };
  for (int g = 0; g < groups; ++g) {
    const unsigned k = 2 + next(5);
    for (unsigned i = 0; i < k; ++i) {
      const unsigned n_t = 30 + next(300), n_c = 30 + next(300);
      const unsigned events_t = g % 17 == 5 && i == 1 ? n_t + 1 : 1 + next(n_t / 2);
      const std::string study =
          i % 3 == 0 ? fmt::format("\"Trial {}, arm \"\"{}\"\"\"", i, g) : fmt::format("S{}", i);
      csv += fmt::format("o{}, t{} ,{},{},{},{},{}\n", g / 7, g % 7, study, events_t, n_t, 1 + next(n_c / 2), n_c);
      if (next(11) == 0) csv += "\n";
    }
  }
  return csv;
}

using Run = metapool::test::BatchRun;

Run run(const std::string& path, unsigned threads, std::size_t chunk_rows, batch::BatchFormat format) {
  batch::BatchOptions options;
  options.path = path;
  options.by = {"outcome", "timepoint"};
  auto configs = batch::parse_analyses("method=REML,test=knha;method=DL", metapool::AnalysisOptions{});
  REQUIRE(configs);
  options.configs = *configs;
  options.format = format;
  options.threads = threads;
  options.chunk_rows = chunk_rows;
  return metapool::test::run_batch_collected(options);
}

}  // namespace

TEST_CASE("batch runner: threaded runs with any chunk size write the single-thread table", "[batch]") {
  TempDir dir;
  const auto file = dir.write("mixed.csv", mixed_csv(120)).string();
  for (const auto format : {batch::BatchFormat::Csv, batch::BatchFormat::Jsonl}) {
    const Run one = run(file, 1, 0, format);
    REQUIRE(one.ok);
    CHECK(one.summary.groups == 120);
    CHECK(one.summary.rows == 240);
    CHECK(one.summary.failed == 2 * 7);  // groups 5, 22, ..., 107
    for (const unsigned threads : {2U, 3U}) {
      for (const std::size_t chunk_rows : {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{0}}) {
        INFO("threads " << threads << ", chunk_rows " << chunk_rows);
        const Run many = run(file, threads, chunk_rows, format);
        REQUIRE(many.ok);
        CHECK(many.summary.groups == one.summary.groups);
        CHECK(many.summary.rows == one.summary.rows);
        CHECK(many.summary.failed == one.summary.failed);
        CHECK(many.table == one.table);
      }
    }
  }
}

TEST_CASE("batch runner: a CSV error late in the file stops threaded runs as it stops one thread", "[batch]") {
  TempDir dir;
  std::string csv = mixed_csv(60);
  csv += "o99,t1,S1,3,50,\"4,60\n";  // unterminated quote
  const auto file = dir.write("late.csv", csv).string();
  const Run one = run(file, 1, 0, batch::BatchFormat::Csv);
  REQUIRE_FALSE(one.ok);
  CHECK_THAT(one.error, Catch::Contains("unterminated quoted field"));
  for (const std::size_t chunk_rows : {std::size_t{1}, std::size_t{5}, std::size_t{0}}) {
    INFO("chunk_rows " << chunk_rows);
    const Run many = run(file, 2, chunk_rows, batch::BatchFormat::Csv);
    REQUIRE_FALSE(many.ok);
    CHECK(many.error == one.error);
  }
}
