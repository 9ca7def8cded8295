// escalc against metafor 3.8-1: every run recorded in tests/golden/effects/
// by scripts/golden_effects.R (per-study yi, vi and summary.escalc's ci.lb,
// ci.ub, full precision). Each CSV is read through the real reader.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "effects/escalc.hpp"
#include "io/csv_table.hpp"
#include "io/study_reader.hpp"
#include "support/tolerance.hpp"

namespace {

namespace fs = std::filesystem;
using metapool::test::kTolClosedForm;

std::vector<fs::path> golden_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(METAPOOL_TEST_DIR) / "golden" / "effects")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// R's NA is written as null.
std::vector<double> numbers(const nlohmann::json& array) {
  std::vector<double> out;
  for (const auto& value : array) {
    out.push_back(value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>());
  }
  return out;
}

double rel_error(double actual, double expected) {
  if (std::isnan(expected) && std::isnan(actual)) return 0.0;
  const double diff = std::fabs(actual - expected);
  return expected == 0 ? diff : diff / std::fabs(expected);
}

}  // namespace

TEST_CASE("effects: escalc matches metafor 3.8 on every golden data set", "[effects][golden]") {
  const auto files = golden_files();
  REQUIRE(files.size() >= 8);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      std::ifstream in(file);
      REQUIRE(in);
      const auto golden = nlohmann::json::parse(in);
      CHECK(golden.at("metafor_version").get<std::string>() == "3.8.1");
      const std::string csv = (fs::path(METAPOOL_SOURCE_DIR) / golden.at("data").get<std::string>()).string();

      double max_rel = 0.0;
      std::size_t runs = 0;
      for (const auto& run : golden.at("runs")) {
        metapool::EffectOptions options;
        const auto measure = metapool::parse_measure(run.at("measure").get<std::string>());
        REQUIRE(measure);
        options.measure = *measure;
        if (!run.at("cc").is_null()) options.cc = run.at("cc").get<double>();
        const auto cc_to = metapool::parse_cc_to(run.at("cc_to").get<std::string>());
        REQUIRE(cc_to);
        options.cc_to = *cc_to;
        options.ci_level = run.at("level").get<double>();
        const std::string what = fmt::format("{} {} cc={} cc_to={} level={}", file.filename().string(),
                                             run.at("measure").get<std::string>(), run.at("cc").dump(),
                                             run.at("cc_to").get<std::string>(), options.ci_level);
        INFO(what);

        auto table = metapool::read_csv_file(csv);
        REQUIRE(table.has_value());
        auto data = metapool::read_studies(std::move(*table), options.measure);
        INFO((data.has_value() ? std::string() : data.error().render()));
        REQUIRE(data.has_value());
        const auto effects = metapool::compute_effects(*data, options);
        INFO((effects.has_value() ? std::string() : effects.error().render()));
        REQUIRE(effects.has_value());

        const auto yi = numbers(run.at("yi"));
        const auto vi = numbers(run.at("vi"));
        const auto ci_lb = numbers(run.at("ci_lb"));
        const auto ci_ub = numbers(run.at("ci_ub"));
        REQUIRE(effects->k() == yi.size());
        for (std::size_t i = 0; i < yi.size(); ++i) {
          const std::string study = fmt::format("study {} ({})", i + 1, data->study[i]);
          if (std::isnan(yi[i]) || std::isnan(vi[i])) {
            // metafor's NA: reported here as NaN with a reason, not dropped.
            INFO(study);
            CHECK(std::isnan(effects->yi[i]));
            CHECK(std::isnan(effects->vi[i]));
            CHECK(std::isnan(effects->ci_lb[i]));
            CHECK_FALSE(effects->note[i].empty());
            continue;
          }
          CHECK(effects->note[i].empty());
          METAPOOL_CHECK_NEAR(study + " yi", effects->yi[i], yi[i], kTolClosedForm);
          METAPOOL_CHECK_NEAR(study + " vi", effects->vi[i], vi[i], kTolClosedForm);
          METAPOOL_CHECK_NEAR(study + " ci_lb", effects->ci_lb[i], ci_lb[i], kTolClosedForm);
          METAPOOL_CHECK_NEAR(study + " ci_ub", effects->ci_ub[i], ci_ub[i], kTolClosedForm);
          max_rel = std::max({max_rel, rel_error(effects->yi[i], yi[i]), rel_error(effects->vi[i], vi[i]),
                              rel_error(effects->ci_lb[i], ci_lb[i]), rel_error(effects->ci_ub[i], ci_ub[i])});
        }
        ++runs;
      }
      // Shown with `-s`: the observed agreement for this data set.
      SUCCEED(fmt::format("{}: {} runs, max relative error {:.3g}", file.filename().string(), runs, max_rel));
    }
  }
}
