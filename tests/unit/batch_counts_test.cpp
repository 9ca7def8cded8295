// The batch's fast path for two-arm binary data (BatchOptions::read_counts,
// GroupReader::read_counts): groups of common lines are analysed from counts
// read off their lines, the others from their table. Both must write the
// table that reading every group as a table writes, for any column order,
// thread count and configuration, with bad cells, quoting and spacing
// anywhere in a group.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "batch/analysis_spec.hpp"
#include "batch/runner.hpp"
#include "support/batch_run.hpp"
#include "support/run_cli.hpp"

using metapool::test::TempDir;
namespace batch = metapool::batch;

namespace {

// The columns of a generated file, in the header's order.
struct Layout {
  std::vector<std::string> header;  // names as written
  bool has_study = true;
};

// `groups` analyses of 1-6 studies under `layout`'s header. Most rows are
// common lines; now and then a cell is spaced, a label quoted (with a
// comma) or empty, a count written as 12.0, +5 or NA, a total 0 or below
// its events, a blank line between rows, or a group's first row quoted.
std::string counts_csv(const Layout& layout, int groups, unsigned seed) {
  std::string csv;
  for (std::size_t c = 0; c < layout.header.size(); ++c) csv += (c > 0 ? "," : "") + layout.header[c];
  csv += "\n";
  unsigned state = seed;
  const auto next = [&](unsigned mod) {
    state = state * 1103515245U + 12345U;
    return (state >> 8) % mod;
  };
  for (int g = 0; g < groups; ++g) {
    const unsigned k = 1 + next(6);
    const bool odd_group = next(4) == 0;  // this group gets odd cells
    for (unsigned i = 0; i < k; ++i) {
      const unsigned n_t = 1 + next(200), n_c = 1 + next(200);
      unsigned events_t = next(n_t + 1), events_c = next(n_c + 1);
      std::string cell_n_t = std::to_string(n_t), cell_events_t = std::to_string(events_t);
      std::string cell_events_c = std::to_string(events_c), cell_n_c = std::to_string(n_c);
      std::string study = fmt::format("S{}", i + 1);
      std::string outcome = fmt::format("o{}", g / 5), timepoint = fmt::format("t{}", g % 5);
      if (odd_group) {
        switch (next(12)) {
          case 0: cell_events_t = " " + cell_events_t + " "; break;
          case 1: study = fmt::format("\"Trial {}, arm A\"", i); break;
          case 2: study = ""; break;
          case 3: cell_n_t += ".0"; break;
          case 4: cell_events_c = "+" + cell_events_c; break;
          case 5: cell_n_c = "NA"; break;
          case 6: cell_n_t = "0"; break;
          case 7: cell_events_t = std::to_string(n_t + 1); break;
          case 8: outcome = " " + outcome; break;  // the same key, spaced
          case 9: timepoint = "\"" + timepoint + "\""; break;  // the same key, quoted
          case 10: cell_events_c = "1e1"; break;
          default: break;
        }
      }
      std::string line;
      for (std::size_t c = 0; c < layout.header.size(); ++c) {
        const std::string& name = layout.header[c];
        std::string cell;
        if (name == "outcome" || name == "Outcome") cell = outcome;
        else if (name == "timepoint") cell = timepoint;
        else if (name == "study" || name == "STUDY") cell = study;
        else if (name == "events_t" || name == "Events_T") cell = cell_events_t;
        else if (name == "n_t") cell = cell_n_t;
        else if (name == "events_c") cell = cell_events_c;
        else if (name == "n_c") cell = cell_n_c;
        else cell = std::to_string(1990 + next(30));  // an extra column
        line += (c > 0 ? "," : "") + cell;
      }
      csv += line + "\n";
      if (next(13) == 0) csv += next(2) == 0 ? "\n" : "  \n";
    }
  }
  return csv;
}

using Run = metapool::test::BatchRun;

Run run(const std::string& path, const std::vector<batch::AnalysisConfig>& configs, bool read_counts,
        unsigned threads, batch::BatchFormat format = batch::BatchFormat::Csv, std::size_t chunk_rows = 0) {
  batch::BatchOptions options;
  options.path = path;
  options.by = {"outcome", "timepoint"};
  options.configs = configs;
  options.format = format;
  options.threads = threads;
  options.chunk_rows = chunk_rows;
  options.read_counts = read_counts;
  return metapool::test::run_batch_collected(options);
}

std::vector<batch::AnalysisConfig> configs_of(const std::string& spec) {
  auto configs = batch::parse_analyses(spec, metapool::AnalysisOptions{});
  REQUIRE(configs);
  return *configs;
}

}  // namespace

TEST_CASE("batch counts: groups read from their counts give the table of groups read as tables", "[batch]") {
  const std::vector<Layout> layouts{
      {{"outcome", "timepoint", "study", "events_t", "n_t", "events_c", "n_c"}, true},
      {{"events_c", "n_c", "STUDY", "Outcome", "Events_T", "n_t", "timepoint"}, true},
      {{"outcome", "timepoint", "events_t", "n_t", "events_c", "n_c"}, false},
      {{"year", "n_c", "events_c", "timepoint", "n_t", "events_t", "study", "outcome"}, true},
  };
  const auto configs = configs_of("method=REML,test=knha;method=DL;measure=OR,method=MH;measure=RD,method=PM");
  TempDir dir;
  for (std::size_t l = 0; l < layouts.size(); ++l) {
    INFO("layout " << l);
    const auto file = dir.write(fmt::format("counts{}.csv", l), counts_csv(layouts[l], 150, 31 + l)).string();
    const Run tables = run(file, configs, false, 1);
    REQUIRE(tables.ok);
    CHECK(tables.summary.groups == 150);
    CHECK(tables.summary.counted == 0);
    CHECK(tables.summary.failed > 0);  // the bad cells make some analyses fail
    for (const unsigned threads : {1U, 2U}) {
      for (const auto format : {batch::BatchFormat::Csv, batch::BatchFormat::Jsonl}) {
        INFO("threads " << threads);
        const Run tables_in_format = format == batch::BatchFormat::Csv ? tables : run(file, configs, false, 1, format);
        const Run counts = run(file, configs, true, threads, format, threads > 1 ? 9 : 0);
        REQUIRE(counts.ok);
        CHECK(counts.table == tables_in_format.table);
        CHECK(counts.summary.groups == tables.summary.groups);
        CHECK(counts.summary.failed == tables.summary.failed);
        // Most groups are common lines only; about a quarter have odd cells,
        // some of which still are (a spaced cell, an empty label).
        CHECK(counts.summary.counted > 75);
        CHECK(counts.summary.counted < 150);
      }
    }
  }
}

TEST_CASE("batch counts: a configuration that needs more than counts reads every group as a table", "[batch]") {
  TempDir dir;
  const Layout layout{{"outcome", "timepoint", "study", "events_t", "n_t", "events_c", "n_c"}, true};
  const auto file = dir.write("counts.csv", counts_csv(layout, 40, 5)).string();
  SECTION("a subgroup") {
    auto configs = configs_of("method=REML;method=DL");
    configs[1].options.subgroup = "study";
    const Run counts = run(file, configs, true, 1);
    const Run tables = run(file, configs, false, 1);
    REQUIRE(counts.ok);
    CHECK(counts.summary.counted == 0);
    CHECK(counts.table == tables.table);
  }
  SECTION("a measure of another data shape: every analysis is an error row, as from the table") {
    const auto configs = configs_of("measure=MD");
    const Run counts = run(file, configs, true, 1);
    const Run tables = run(file, configs, false, 1);
    REQUIRE(counts.ok);
    CHECK(counts.summary.counted == 0);
    CHECK(counts.summary.failed == 40);
    CHECK(counts.table == tables.table);
  }
  SECTION("two-arm binary measures only: counted") {
    const Run counts = run(file, configs_of("measure=RR;measure=OR,method=PETO"), true, 1);
    REQUIRE(counts.ok);
    CHECK(counts.summary.counted > 20);
  }
}

TEST_CASE("batch counts: CSV errors and out-of-order groups stop the run with the table path's message", "[batch]") {
  TempDir dir;
  const Layout layout{{"outcome", "timepoint", "study", "events_t", "n_t", "events_c", "n_c"}, true};
  const std::string good = counts_csv(layout, 30, 9);
  const auto configs = configs_of("method=REML");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"ragged", good + "o9,t9,S1,1,2,3\n"},
      {"quote", good + "o9,t9,S1,1,2,\"3,4\n"},
      {"again", good + "o0,t0,S1,1,2,3,4\n"},  // the first group's key after others
      {"nul", good + std::string("o9,t9,S1,1,2,3,4\n") + std::string("o9,t9,S\0,1,2,3,4\n", 17)},
  };
  for (const auto& [name, text] : cases) {
    INFO(name);
    const auto file = dir.write(name + ".csv", text).string();
    const Run counts = run(file, configs, true, 1);
    const Run tables = run(file, configs, false, 1);
    REQUIRE_FALSE(counts.ok);
    REQUIRE_FALSE(tables.ok);
    CHECK(counts.error == tables.error);
    const Run threaded = run(file, configs, true, 2, batch::BatchFormat::Csv, 5);
    REQUIRE_FALSE(threaded.ok);
    CHECK(threaded.error == tables.error);
  }
}
