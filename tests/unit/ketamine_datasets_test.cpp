// The bundled ketamine data (datasets/ketamine/) through the library: every
// study table loads and pools (k >= 2) or gives its single study's effect
// (k = 1), with the values datasets/ketamine/README.md records from metafor
// 3.8-1 (rma defaults, REML, z); and reported_figures.csv reproduces with
// exactly one inconsistent figure (S3c-1, by design).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "analysis/pipeline.hpp"
#include "io/csv_table.hpp"
#include "reproduce/figure.hpp"
#include "support/run_cli.hpp"

using namespace metapool;

namespace fs = std::filesystem;

namespace {

// The README prints 3 decimals: half a unit in the last printed digit.
constexpr double kTolPrinted3 = 5e-4;

struct ReadmeValue {
  std::size_t k;
  double estimate, ci_lb, ci_ub;  // natural scale (RR or proportion)
};

// datasets/ketamine/README.md, "The files" (metafor 3.8-1, REML, z test).
const std::map<std::string, ReadmeValue>& readme_values() {
  static const std::map<std::string, ReadmeValue> values = {
      {"esketamine_vs_placebo_response_day28.csv", {3, 1.379, 1.164, 1.634}},
      {"esketamine_vs_placebo_remission_day28.csv", {3, 1.500, 1.100, 2.044}},
      {"ketamine_vs_control_response.csv", {2, 1.762, 0.726, 4.274}},
      {"ketamine_vs_control_suicidal_ideation.csv", {3, 2.316, 1.428, 3.757}},
      {"racemic_vs_esketamine_response_subgroups.csv", {5, 1.396, 1.190, 1.639}},
      {"single_arm_response.csv", {3, 0.623, 0.502, 0.730}},
      {"ketamine_vs_ect_response_elektd.csv", {1, 1.345, 1.080, 1.675}},
      {"esketamine_maintenance_relapse_sustain1.csv", {1, 0.588, 0.389, 0.889}},
      {"ptsd_ketamine_vs_midazolam_response.csv", {1, 3.333, 1.139, 9.752}},
      {"addiction_heroin_krupitsky2007.csv", {1, 2.250, 1.007, 5.025}},
      {"addiction_alcohol_krupitsky1997_nonrandomized.csv", {1, 2.740, 1.886, 3.982}},
  };
  return values;
}

std::vector<fs::path> study_tables() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(test::source_path("datasets/ketamine"))) {
    if (e.path().extension() == ".csv" && e.path().filename() != "reported_figures.csv") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("ketamine datasets: every study table is known to this test") {
  const auto files = study_tables();
  CHECK(files.size() == readme_values().size());
  for (const auto& f : files) {
    INFO(f.filename().string());
    CHECK(readme_values().count(f.filename().string()) == 1);
  }
}

TEST_CASE("ketamine datasets: each file loads and pools or gives its one study's effect, as metafor") {
  for (const auto& path : study_tables()) {
    const std::string name = path.filename().string();
    INFO(name);
    auto table = read_csv_file(path.string());
    REQUIRE(table);
    const ReadmeValue& want = readme_values().at(name);
    auto analysis = analyse_pool(std::move(table).value(), AnalysisOptions{});
    REQUIRE(analysis);
    const PoolAnalysis& a = *analysis;
    CHECK(a.input.data.k() == want.k);
    CHECK(a.pool.k == want.k);
    for (std::size_t i = 0; i < a.input.data.k(); ++i) CHECK(a.input.effects.computed(i));
    if (want.k == 1) {
      // One study: its escalc effect with a Wald CI (log RR, back-transformed).
      const auto& es = a.input.effects;
      CHECK(std::fabs(std::exp(es.yi[0]) - want.estimate) <= kTolPrinted3);
      CHECK(std::fabs(std::exp(es.ci_lb[0]) - want.ci_lb) <= kTolPrinted3);
      CHECK(std::fabs(std::exp(es.ci_ub[0]) - want.ci_ub) <= kTolPrinted3);
    } else {
      REQUIRE(a.transformed);
      CHECK(std::fabs(a.transformed->estimate - want.estimate) <= kTolPrinted3);
      CHECK(std::fabs(a.transformed->ci_lb - want.ci_lb) <= kTolPrinted3);
      CHECK(std::fabs(a.transformed->ci_ub - want.ci_ub) <= kTolPrinted3);
      REQUIRE(a.pool.pi);
      REQUIRE(a.pool.I2);
      CHECK(std::isfinite(*a.pool.I2));
    }
  }
}

TEST_CASE("ketamine datasets: the racemic vs esketamine file pools by subgroup") {
  auto table = read_csv_file(test::source_path("datasets/ketamine/racemic_vs_esketamine_response_subgroups.csv"));
  REQUIRE(table);
  AnalysisOptions options;
  options.subgroup = "subgroup";
  auto analysis = analyse_pool(std::move(table).value(), options);
  REQUIRE(analysis);
  REQUIRE(analysis->subgroups);
  const auto& groups = analysis->subgroups->groups;
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].name == "racemic IV");
  CHECK(groups[1].name == "esketamine IN");
  // README: racemic IV 1.762 [0.726, 4.274]; esketamine IN 1.379 [1.164, 1.634]; QM = 0.19, p = 0.66.
  REQUIRE(groups[0].transformed);
  REQUIRE(groups[1].transformed);
  CHECK(std::fabs(groups[0].transformed->estimate - 1.762) <= kTolPrinted3);
  CHECK(std::fabs(groups[1].transformed->estimate - 1.379) <= kTolPrinted3);
  REQUIRE(analysis->subgroups->mixed);
  CHECK(std::fabs(analysis->subgroups->mixed->QM - 0.19) <= 5e-3);
  CHECK(std::fabs(analysis->subgroups->mixed->QM_pval - 0.66) <= 5e-3);
}

TEST_CASE("ketamine datasets: reported figures reproduce, every row, only S3c-1 inconsistent") {
  auto table = read_csv_file(test::source_path("datasets/ketamine/reported_figures.csv"));
  REQUIRE(table);
  const auto id_column = table->find_column("id");
  REQUIRE(id_column);
  auto figures = reproduce::read_figures(*table);
  REQUIRE(figures);
  REQUIRE(figures->size() == table->row_count());
  CHECK(figures->size() == 33);  // README: 33 rows
  std::set<std::string> inconsistent;
  for (std::size_t i = 0; i < figures->size(); ++i) {
    const auto result = reproduce::reproduce_figure((*figures)[i], reproduce::ReproduceOptions{});
    CHECK(result.id == table->cell(i, *id_column));
    INFO(result.id);
    CHECK(result.treatment.intervals.has_value());
    for (const reproduce::ArmResult* arm : {&result.treatment, result.control ? &*result.control : nullptr}) {
      if (arm != nullptr && (arm->verdict == reproduce::Verdict::Inconsistent ||
                             arm->verdict == reproduce::Verdict::TruncationOnly)) {
        inconsistent.insert(result.id);
      }
    }
  }
  CHECK(inconsistent == std::set<std::string>{"S3c-1"});
}
