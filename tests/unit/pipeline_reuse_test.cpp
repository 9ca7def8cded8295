// analyse_pool_reusing (the batch worker's path) against analyse_pool: the
// same analysis, whatever the analysis or error before it left in the
// storage it reuses.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/pipeline.hpp"
#include "io/csv_table.hpp"
#include "render/output.hpp"

namespace {

struct Case {
  std::string file;  // under datasets/
  metapool::AnalysisOptions options;
};

metapool::AnalysisOptions with(metapool::Method method, metapool::TestType test,
                               std::optional<metapool::Measure> measure = std::nullopt) {
  metapool::AnalysisOptions options;
  options.method = method;
  options.test = test;
  options.measure = measure;
  return options;
}

std::string rendered(const metapool::Expected<metapool::PoolAnalysis>& result) {
  if (!result) return "error: " + result.error().render();
  return metapool::render_pool(*result, metapool::OutputFormat::Json);
}

}  // namespace

TEST_CASE("analyse_pool_reusing gives analyse_pool's result after any earlier analysis or error", "[pipeline]") {
  using metapool::Measure;
  using metapool::Method;
  using metapool::TestType;
  // Shapes, k, measures and methods that fill different vectors (sei for
  // vi, zero cells, MH counts, a subgroup model), and failures in between:
  // a measure that does not fit the data, and MH with a measure it cannot pool.
  metapool::AnalysisOptions subgroup = with(Method::REML, TestType::KNHA, Measure::OR);
  subgroup.subgroup = "alloc";
  const std::vector<Case> cases = {
      {"bcg.csv", with(Method::REML, TestType::KNHA, Measure::RR)},
      {"proportion_example.csv", with(Method::DL, TestType::Z, Measure::PLO)},
      {"bcg.csv", with(Method::MH, TestType::Z, Measure::OR)},
      {"continuous_example.csv", with(Method::REML, TestType::Z, Measure::SMD)},
      {"bcg.csv", with(Method::REML, TestType::Z, Measure::SMD)},  // error: measure does not fit
      {"generic_example.csv", with(Method::PM, TestType::KNHA)},
      {"correlation_example.csv", with(Method::ML, TestType::T, Measure::ZCOR)},
      {"bcg.csv", with(Method::MH, TestType::Z, Measure::PETO)},  // error: MH cannot pool PETO
      {"bcg.csv", subgroup},
      {"proportion_example.csv", with(Method::REML, TestType::KNHA, Measure::PFT)},
      {"bcg.csv", with(Method::EE, TestType::Z, Measure::RD)},
  };
  metapool::Expected<metapool::PoolAnalysis> reused(std::in_place);
  int errors = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& c : cases) {
      auto table = metapool::read_csv_file(std::string(METAPOOL_SOURCE_DIR) + "/datasets/" + c.file);
      REQUIRE(table);
      const auto fresh = metapool::analyse_pool(*table, c.options);
      metapool::analyse_pool_reusing(*table, c.options, reused);
      CAPTURE(pass, c.file);
      REQUIRE(static_cast<bool>(fresh) == static_cast<bool>(reused));
      CHECK(rendered(reused) == rendered(fresh));
      if (fresh) {
        CHECK(reused->input.data.study == fresh->input.data.study);
        CHECK(reused->input.effects.note == fresh->input.effects.note);
        CHECK(reused->input.data.raw.text == fresh->input.data.raw.text);
        CHECK(reused->input.data.raw.bounds == fresh->input.data.raw.bounds);
      } else {
        ++errors;
      }
    }
  }
  CHECK(errors == 4);  // the two failing cases, on both passes
}
