// Permutation tests of a meta-regression (metafor permutest conventions):
// the exact test against metafor's permutest(exact = TRUE), and properties
// of the approximate test (determinism per seed, range, Monte-Carlo
// agreement with the exact p-value).
#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "analysis/pipeline.hpp"
#include "io/csv_table.hpp"
#include "models/permutation.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using nlohmann::json;

namespace {

// p-values are proportions of permutations counted with metafor's
// comptol; the exact test must agree to rounding of the ratio.
constexpr double kTolProportion = 1e-12;

metapool::PoolAnalysis fit(const std::string& file, const std::string& measure, const std::string& mods,
                           const std::string& method, const std::string& test,
                           std::optional<metapool::PermutationOptions> permutation) {
  auto table = metapool::read_csv_file(metapool::test::source_path(file));
  REQUIRE(table);
  metapool::AnalysisOptions options;
  options.measure = metapool::parse_measure(measure);
  options.method = *metapool::parse_method(method);
  options.test = *metapool::parse_test(test);
  options.mods = {mods};
  options.permutation = permutation;
  auto analysis = metapool::analyse_pool(std::move(table).value(), options);
  REQUIRE(analysis);
  REQUIRE(analysis->metareg);
  return std::move(analysis).value();
}

}  // namespace

TEST_CASE("metareg permutation: the exact test reproduces metafor permutest(exact = TRUE)", "[metareg][permutation]") {
  const json golden =
      json::parse(metapool::test::slurp(std::string(METAPOOL_TEST_DIR) + "/golden/metareg/permutation_cases.json"));
  for (const auto& c : golden["cases"]) {
    const std::string mods = c["mods"].get<std::string>();
    DYNAMIC_SECTION(c["file"].get<std::string>() << " " << mods << " " << c["method"].get<std::string>()) {
      metapool::PermutationOptions perm;
      perm.exact = true;
      const auto analysis = fit(c["file"], c["measure"], mods, c["method"], c["test"], perm);
      const metapool::PermutationResult& p = *analysis.metareg->permutation;
      CHECK(p.exact);
      CHECK(p.iterations == c["iterations"].get<std::size_t>());
      CHECK(p.failed == 0);
      REQUIRE(p.pval.size() == c["pval"].size());
      for (std::size_t j = 0; j < p.pval.size(); ++j) {
        METAPOOL_CHECK_NEAR("pval", p.pval[j], c["pval"][j].get<double>(), kTolProportion);
      }
      METAPOOL_CHECK_NEAR("QM_pval", p.QM_pval, c["QM_pval"].get<double>(), kTolProportion);
    }
  }
}

TEST_CASE("metareg permutation: the approximate test is deterministic per seed and 0 < p <= 1",
          "[metareg][permutation]") {
  metapool::PermutationOptions perm;
  perm.iterations = 200;
  perm.seed = 42;
  const auto a = fit("datasets/bcg.csv", "RR", "ablat", "REML", "z", perm);
  const auto b = fit("datasets/bcg.csv", "RR", "ablat", "REML", "z", perm);
  const auto& pa = *a.metareg->permutation;
  const auto& pb = *b.metareg->permutation;
  CHECK_FALSE(pa.exact);
  CHECK(pa.iterations == 200);
  CHECK(pa.pval == pb.pval);
  CHECK(pa.QM_pval == pb.QM_pval);
  for (double p : pa.pval) {
    CHECK(p >= 1.0 / 200);  // the observed data count as one permutation
    CHECK(p <= 1.0);
  }
  perm.seed = 43;
  const auto c = fit("datasets/bcg.csv", "RR", "ablat", "REML", "z", perm);
  CHECK(c.metareg->permutation->seed == 43);
  // with one moderator the QM test and the slope's test coincide
  CHECK(pa.QM_pval == pa.pval[1]);
}

TEST_CASE("metareg permutation: the approximate p-value converges to metafor's exact one", "[metareg][permutation]") {
  const json golden =
      json::parse(metapool::test::slurp(std::string(METAPOOL_TEST_DIR) + "/golden/metareg/permutation_cases.json"));
  const json& c = golden["cases"][2];  // bcg_first7, ablat, REML: 2520 distinct permutations
  metapool::PermutationOptions perm;
  perm.iterations = 2000;
  perm.seed = 2024;
  const auto analysis = fit(c["file"], c["measure"], c["mods"], c["method"], c["test"], perm);
  const auto& p = *analysis.metareg->permutation;
  REQUIRE_FALSE(p.exact);
  const double exact = c["QM_pval"].get<double>();
  // 5 Monte-Carlo standard errors plus the 1/N from counting the observed data
  const double allowed = 5.0 * std::sqrt(exact * (1 - exact) / 2000.0) + 1.0 / 2000.0;
  INFO("approximate " << p.QM_pval << ", exact " << exact);
  CHECK(std::fabs(p.QM_pval - exact) <= allowed);
}

TEST_CASE("metareg permutation: errors and the exact count", "[metareg][permutation]") {
  metapool::DesignMatrix x = metapool::intercept_only(4);
  x.names.push_back("g");
  x.columns.push_back({0, 0, 1, 1});
  CHECK(metapool::distinct_permutations(x) == 6);  // 4! / (2! 2!)
  metapool::EffectData d{{0.1, 0.2, 0.5, 0.4}, {0.01, 0.02, 0.01, 0.03}};
  metapool::MetaregOptions options;
  options.method = metapool::Method::EE;
  auto observed = metapool::fit_metareg(d, x, options);
  REQUIRE(observed);
  metapool::PermutationOptions perm;
  perm.iterations = 1;
  CHECK_FALSE(metapool::permutation_test(d, x, options, *observed, perm));
  perm.iterations = 1000;
  auto exact = metapool::permutation_test(d, x, options, *observed, perm);
  REQUIRE(exact);
  CHECK(exact->exact);  // 6 <= 1000: metafor switches to the exact test too
  CHECK(exact->iterations == 6);
  // the observed split {0.1,0.2} vs {0.5,0.4} is the most extreme of 6, as is its mirror image
  CHECK(exact->QM_pval == Approx(2.0 / 6.0));
  auto no_mods = metapool::intercept_only(4);
  auto base = metapool::fit_metareg(d, no_mods, options);
  REQUIRE(base);
  CHECK_FALSE(metapool::permutation_test(d, no_mods, options, *base, perm));
}
