// Numerical edge cases (issue 9): p-values below 1e-300 (log10_pval), vi
// spanning 1e-12..1e6, counts up to 10^9, SMD with huge arms, the
// Freeman-Tukey back-transform outside its range, k = 1, identical effects,
// tau^2 on the boundary, non-convergence and overflow, Q-profile bounds past
// the search range. Reference values: tests/golden/edge/*.json, written by
// scripts/golden_edge.R (metafor 3.8-1 and base R, 15 significant digits),
// unless a case says otherwise.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "analysis/transform.hpp"
#include "effects/formulas.hpp"
#include "models/metareg.hpp"
#include "models/pool.hpp"
#include "stats/distributions.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using metapool::EffectData;
using metapool::Method;
using metapool::PoolOptions;
using metapool::test::kTolClosedForm;
using metapool::test::kTolModel;
using metapool::test::run_cli;
using metapool::test::TempDir;
using nlohmann::json;

namespace {

// jsonlite writes 15 significant digits: the golden values carry ~5e-16
// relative rounding, far below every tolerance used here.
json golden(const std::string& name) {
  return json::parse(metapool::test::slurp(std::string(METAPOOL_TEST_DIR) + "/golden/edge/" + name + ".json"));
}

double num(const json& j) { return j.is_null() ? metapool::kNaN : j.get<double>(); }

std::vector<double> nums(const json& j) {
  std::vector<double> out;
  for (const auto& x : j) out.push_back(num(x));
  return out;
}

bool has_warning(const std::vector<std::string>& warnings, const std::string& needle) {
  for (const auto& w : warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

bool json_has_warning(const json& out, const std::string& needle) {
  for (const auto& w : out["warnings"]) {
    if (w.get<std::string>().find(needle) != std::string::npos) return true;
  }
  return false;
}

json run_json(const std::string& args) {
  const auto run = run_cli(args);
  INFO(args << "\n" << run.err);
  REQUIRE(run.status == 0);
  return json::parse(run.out);
}

std::string shq(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace

// ---- p-values below 1e-300 ----

TEST_CASE("edge: log10 of two-sided normal p-values matches R far past underflow", "[edge][stats]") {
  // R: (log(2) + pnorm(z, lower.tail=FALSE, log.p=TRUE)) / log(10). The
  // asymptotic series (z > 37) and Boost's erfc (below) are both accurate to
  // a few ulp of the log, hence 1e-12 relative.
  // Keep the parsed file alive: a range-for over a member of a temporary
  // dangles (ASan caught it).
  const json tails = golden("tails");
  for (const auto& c : tails["z"]) {
    const double z = c["z"].get<double>();
    METAPOOL_CHECK_NEAR(fmt::format("log10 p(z = {})", z), metapool::stats::log10_pval_two_sided_z(z),
                        num(c["log10_pval"]), 1e-12);
    METAPOOL_CHECK_NEAR(fmt::format("log10 p(z = {})", -z), metapool::stats::log10_pval_two_sided_z(-z),
                        num(c["log10_pval"]), 1e-12);
    // The p-value itself: equal to R's, including 0 where R underflows too
    // (R's subnormal results at z = 37.5 are matched to their own precision).
    const double p = num(c["pval"]);
    if (p > 1e-300) {
      METAPOOL_CHECK_NEAR(fmt::format("p(z = {})", z), metapool::stats::pval_two_sided_z(z), p, kTolClosedForm);
    } else {
      CHECK(metapool::stats::pval_two_sided_z(z) < 1e-300);
    }
  }
  // The switch from Boost to the series at 37 is continuous.
  const double below = metapool::stats::log_pnorm_upper(std::nextafter(37.0, 0.0));
  const double above = metapool::stats::log_pnorm_upper(std::nextafter(37.0, 100.0));
  CHECK(std::fabs(below - above) < 1e-12 * std::fabs(below));
}

TEST_CASE("edge: log10 of two-sided t p-values matches R for t up to 1e300 and df up to 2e5", "[edge][stats]") {
  const json tails = golden("tails");
  for (const auto& c : tails["t"]) {
    const double t = c["t"].get<double>();
    const double df = c["df"].get<double>();
    METAPOOL_CHECK_NEAR(fmt::format("log10 p(t = {}, df = {})", t, df),
                        metapool::stats::log10_pval_two_sided_t(t, df), num(c["log10_pval"]), 1e-11);
  }
}

TEST_CASE("edge: log10_pval boundaries, NaN and infinities", "[edge][stats]") {
  using metapool::stats::log10_pval_two_sided_t;
  using metapool::stats::log10_pval_two_sided_z;
  CHECK(log10_pval_two_sided_z(0.0) == 0.0);  // p = 1
  CHECK(log10_pval_two_sided_t(0.0, 3.0) == 0.0);
  CHECK(std::isnan(log10_pval_two_sided_z(NAN)));
  CHECK(std::isnan(log10_pval_two_sided_t(2.0, 0.0)));
  CHECK(std::isnan(log10_pval_two_sided_t(NAN, 4.0)));
  CHECK(log10_pval_two_sided_z(INFINITY) == -INFINITY);
  CHECK(log10_pval_two_sided_t(-INFINITY, 4.0) == -INFINITY);
  // Monotone in |z| through the switch and far beyond.
  double last = 1.0;
  for (double z = 30; z < 1e6; z *= 1.07) {
    const double v = log10_pval_two_sided_z(z);
    CHECK(v < last);
    last = v;
  }
}

TEST_CASE("edge: pool with z = 47 reports pval 0 and log10_pval as R in JSON, p = 10^-484.2 in text", "[edge][cli]") {
  const json g = golden("bigz");
  TempDir dir;
  std::string csv = "study,yi,vi\n";
  for (std::size_t i = 0; i < g["yi"].size(); ++i) {
    csv += fmt::format("S{},{},{}\n", i + 1, num(g["yi"][i]), num(g["vi"][i]));
  }
  const auto file = dir.write("bigz.csv", csv);
  const auto ordered = nlohmann::ordered_json::parse(run_cli("pool " + shq(file) + " --format json").out);
  const json out = ordered;
  METAPOOL_CHECK_NEAR("statistic", num(out["statistic"]), num(g["statistic"]), kTolModel);
  CHECK(num(out["pval"]) == 0.0);
  CHECK(num(g["pval"]) == 0.0);  // metafor underflows too
  METAPOOL_CHECK_NEAR("log10_pval", num(out["log10_pval"]), num(g["log10_pval"]), kTolModel);
  // Field order: log10_pval right after pval.
  std::vector<std::string> keys;
  for (const auto& item : ordered.items()) keys.push_back(item.key());
  const auto at = std::find(keys.begin(), keys.end(), "pval");
  REQUIRE(at + 1 < keys.end());
  CHECK(*(at + 1) == "log10_pval");

  const auto text = run_cli("pool " + shq(file));
  REQUIRE(text.status == 0);
  CHECK(text.out.find("two-sided p = 10^-484.2, below 1e-300") != std::string::npos);
  // An ordinary p-value gets no such line, and log10_pval = log10(pval).
  const json bcg = run_json("pool " + shq(metapool::test::source_path("datasets/bcg.csv")) + " --format json");
  METAPOOL_CHECK_NEAR("log10 of an ordinary p", num(bcg["log10_pval"]), std::log10(num(bcg["pval"])), 1e-14);
  CHECK(run_cli("pool " + shq(metapool::test::source_path("datasets/bcg.csv"))).out.find("10^") ==
        std::string::npos);
  // knha: the t tail.
  const json knha = run_json("pool " + shq(file) + " --format json --test knha");
  METAPOOL_CHECK_NEAR("knha log10_pval", num(knha["log10_pval"]), std::log10(num(knha["pval"])), 1e-14);
}

// ---- vi from 1e-12 to 1e6 ----

TEST_CASE("edge: vi spanning 1e-12 to 1e6 matches metafor for every estimator, with its warning", "[edge][models]") {
  const json g = golden("vispan");
  const EffectData data{nums(g["yi"]), nums(g["vi"])};
  for (const auto& f : g["fits"]) {
    const std::string method = f["method"].get<std::string>();
    DYNAMIC_SECTION(method) {
      PoolOptions o;
      o.method = *metapool::parse_method(method);
      const auto r = metapool::fit_uni(data, o);
      INFO(fmt::format("{}", fmt::join(r.warnings, "\n")));
      REQUIRE(r.converged);
      CHECK(r.method == o.method);
      // metafor warns about the 1e18 ratio; so does metapool, in metafor's words.
      CHECK(has_warning(r.warnings, "Ratio of largest to smallest sampling variance extremely large"));
      // Weights span 1e-6..1e12: the solution is ill-conditioned, but both
      // programs agree far inside kTolModel (observed: < 1e-9 relative).
      METAPOOL_CHECK_NEAR("estimate", r.estimate, num(f["estimate"]), kTolModel);
      METAPOOL_CHECK_NEAR("se", r.se, num(f["se"]), kTolModel);
      METAPOOL_CHECK_NEAR("pval", r.pval, num(f["pval"]), kTolModel);
      METAPOOL_CHECK_NEAR("ci_lb", r.ci_lb, num(f["ci_lb"]), kTolModel);
      METAPOOL_CHECK_NEAR("Q", r.Q, num(f["Q"]), kTolModel);
      METAPOOL_CHECK_NEAR("I2", *r.I2, num(f["I2"]), kTolModel);
      if (method != "EE") {
        // tau^2 = 0 exactly for ML and HE (boundary); 1e-12 absolute floor.
        METAPOOL_CHECK_NEAR("tau2", *r.tau2, num(f["tau2"]), kTolModel);
        METAPOOL_CHECK_NEAR("H2", *r.H2, num(f["H2"]), kTolModel);
      }
      if (f.contains("tau2_ci")) {
        METAPOOL_CHECK_NEAR("tau2 ci lb", r.tau2_ci->lb, num(f["tau2_ci"][0]), kTolModel);
        METAPOOL_CHECK_NEAR("tau2 ci ub", r.tau2_ci->ub, num(f["tau2_ci"][1]), kTolModel);
      }
    }
  }
}

TEST_CASE("edge: no variance-ratio warning below metafor's 1e7", "[edge][models]") {
  const auto r = metapool::fit_uni(EffectData{{0.1, 0.2, 0.4}, {1e-3, 9.99e3, 0.5}}, PoolOptions{});
  CHECK_FALSE(has_warning(r.warnings, "Ratio of largest"));
}

// metafor's variance-ratio warning and its full-rank check, at the edges
// where metafor's own output changes (scripts/golden_edge.R, section 6).
TEST_CASE("edge: the variance-ratio warning and the full-rank check switch where metafor's do", "[edge][models]") {
  const json g = golden("thresholds");
  const auto& ratio = g["ratio"];
  REQUIRE(ratio["cases"].size() == 3);
  for (const auto& c : ratio["cases"]) {
    PoolOptions o;
    o.method = Method::DL;
    const auto r = metapool::fit_uni(EffectData{nums(ratio["yi"]), nums(c["vi"])}, o);
    CAPTURE(c["vi"].dump());
    REQUIRE(r.converged);
    CHECK(has_warning(r.warnings, "Ratio of largest to smallest sampling variance extremely large") ==
          c["warned"].get<bool>());
  }
  const auto& rank = g["rank"];
  REQUIRE(rank["cases"].size() == 2);
  for (const auto& c : rank["cases"]) {
    const EffectData data{nums(rank["yi"]), nums(rank["vi"])};
    metapool::DesignMatrix x;
    x.names = {"intrcpt", "x"};
    x.columns = {std::vector<double>(data.k(), 1.0), nums(c["x"])};
    const auto fit = metapool::fit_metareg(data, x, metapool::MetaregOptions{});
    CAPTURE(c["min_eigen"].dump());
    CHECK(static_cast<bool>(fit) == c["full_rank"].get<bool>());
    if (!fit) CHECK_THAT(fit.error().message, Catch::Contains("not of full rank"));
  }
}

// ---- counts up to 10^9 ----

TEST_CASE("edge: counts up to 10^9 give metafor's effects and pooled models", "[edge][cli]") {
  const json g = golden("big_counts");
  const std::string file = shq(std::string(METAPOOL_TEST_DIR) + "/golden/edge/big_counts.csv");
  for (const char* measure : {"RR", "OR", "RD", "AS", "PETO"}) {
    DYNAMIC_SECTION("effects " << measure) {
      const json out = run_json(fmt::format("effects {} --measure {} --format json", file, measure));
      const auto& studies = out.is_array() ? out : out["studies"];
      REQUIRE(studies.size() == 3);
      for (std::size_t i = 0; i < 3; ++i) {
        // Study B has p = 0.999999999 in the treatment arm: metafor's log
        // odds go through 1 - p, which keeps only 8 digits (its OR is 1.7e-9
        // high), metapool's through the counts (exact, checked below).
        const double tol = i == 1 && std::string(measure) == "OR" ? 1e-8 : kTolClosedForm;
        METAPOOL_CHECK_NEAR(fmt::format("yi[{}]", i), num(studies[i]["yi"]), num(g["effects"][measure]["yi"][i]), tol);
        METAPOOL_CHECK_NEAR(fmt::format("vi[{}]", i), num(studies[i]["vi"]), num(g["effects"][measure]["vi"][i]),
                            kTolClosedForm);
      }
    }
  }
  // 40-digit values (mpmath): log(999999999 * 12345679 / (1 * 987654321)).
  const json odds = run_json(fmt::format("effects {} --measure OR --format json", file));
  METAPOOL_CHECK_NEAR("exact log OR of B", num(odds["studies"][1]["yi"]), 16.341239200260029543, 1e-15);
  const std::vector<std::pair<std::string, std::string>> models{{"RR_REML", "--measure RR --method REML"},
                                                                {"RR_MH", "--measure RR --method MH"},
                                                                {"OR_MH", "--measure OR --method MH"},
                                                                {"RD_MH", "--measure RD --method MH"},
                                                                {"PETO", "--measure OR --method PETO"}};
  for (const auto& [name, args] : models) {
    DYNAMIC_SECTION("pool " << name) {
      const json out = run_json(fmt::format("pool {} {} --format json", file, args));
      const json& f = g["pooled"][name];
      for (const char* field : {"estimate", "se", "statistic", "pval", "ci_lb", "ci_ub", "Q"}) {
        METAPOOL_CHECK_NEAR(field, num(out[field]), num(f[field]), kTolModel);
      }
      if (name == "RR_REML") METAPOOL_CHECK_NEAR("tau2", num(out["tau2"]), num(f["tau2"]), kTolModel);
    }
  }
}

TEST_CASE("edge: single-arm counts up to 10^9 give metafor's proportions", "[edge][cli]") {
  const json g = golden("big_proportions");
  TempDir dir;
  std::string csv = "study,events,n\n";
  for (std::size_t i = 0; i < g["n"].size(); ++i) {
    csv += fmt::format("{},{},{}\n", g["study"][i].get<std::string>(), num(g["events"][i]), num(g["n"][i]));
  }
  const auto file = dir.write("prop.csv", csv);
  for (const char* measure : {"PR", "PLO", "PAS", "PFT", "PLN"}) {
    DYNAMIC_SECTION(measure) {
      const json out = run_json(fmt::format("effects {} --measure {} --format json", shq(file), measure));
      const auto& studies = out.is_array() ? out : out["studies"];
      REQUIRE(studies.size() == 3);
      for (std::size_t i = 0; i < 3; ++i) {
        // metafor's PLO of B (999999999/1e9) is qlogis(p) = log(p / (1 - p)):
        // 1 - p keeps 8 digits, 1.4e-9 off; metapool's log(x / (n - x)) is exact.
        const double tol = i == 1 && std::string(measure) == "PLO" ? 1e-8 : kTolClosedForm;
        METAPOOL_CHECK_NEAR(fmt::format("yi[{}]", i), num(studies[i]["yi"]), num(g["effects"][measure]["yi"][i]),
                            tol);
        METAPOOL_CHECK_NEAR(fmt::format("vi[{}]", i), num(studies[i]["vi"]), num(g["effects"][measure]["vi"][i]),
                            kTolClosedForm);
      }
    }
  }
  const json logit = run_json(fmt::format("effects {} --measure PLO --format json", shq(file)));
  METAPOOL_CHECK_NEAR("exact logit of B", num(logit["studies"][1]["yi"]), 20.723265835946411156, 1e-15);
}

// ---- SMD with large arms ----

TEST_CASE("edge: Hedges' correction is accurate for every m (no Gamma overflow, no lgamma cancellation)",
          "[edge][effects]") {
  // 40-digit values of Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)) (mpmath,
  // loggamma at mp.dps = 40) for m = 2n - 2.
  const std::vector<std::pair<double, double>> exact{{99, 0.99240185111442286},  // lgamma branch
                                                     {100, 0.992478054981444867},
                                                     {198, 0.996206532385184516},
                                                     {9998, 0.999924982808553785},
                                                     {2e6 - 2, 0.999999624999570312},
                                                     {2e8 - 2, 0.999999996249999957},
                                                     {2e10 - 2, 0.9999999999625}};
  for (const auto& [m, c] : exact) {
    METAPOOL_CHECK_NEAR(fmt::format("c({})", m), metapool::effects::hedges_correction(m), c, 1e-13);
  }
  CHECK(std::isfinite(metapool::effects::hedges_correction(1e300)));
}

TEST_CASE("edge: SMD with n = 344 to 10^8 per arm matches metafor", "[edge][cli]") {
  const json g = golden("smd_large_n");
  TempDir dir;
  std::string csv = "study,mean_t,sd_t,n_t,mean_c,sd_c,n_c\n";
  for (std::size_t i = 0; i < g["study"].size(); ++i) {
    csv += fmt::format("{},{},{},{},{},{},{}\n", g["study"][i].get<std::string>(), num(g["mean_t"][i]),
                       num(g["sd_t"][i]), num(g["n_t"][i]), num(g["mean_c"][i]), num(g["sd_c"][i]), num(g["n_c"][i]));
  }
  const auto file = dir.write("smd.csv", csv);
  const json out = run_json("effects " + shq(file) + " --format json");
  const auto& studies = out.is_array() ? out : out["studies"];
  REQUIRE(studies.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    // metafor's c(m) = exp(lgamma(m/2) - lgamma((m-1)/2) - log(sqrt(m/2)))
    // loses digits to cancellation: 1.4e-11 low at n = 5000, 1.25e-9 at
    // 10^6, 3.75e-9 at 10^8 (where it rounds to exactly 1); metapool's c(m)
    // is exact to rounding, so those two are compared to 1e-8.
    const double tol = num(g["n_t"][i]) >= 1e6 ? 1e-8 : kTolClosedForm;
    INFO(g["study"][i].get<std::string>());
    METAPOOL_CHECK_NEAR("yi", num(studies[i]["yi"]), num(g["yi"][i]), tol);
    METAPOOL_CHECK_NEAR("vi", num(studies[i]["vi"]), num(g["vi"][i]), tol);
  }
  const json pooled = run_json("pool " + shq(file) + " --format json");
  METAPOOL_CHECK_NEAR("estimate", num(pooled["estimate"]), num(g["pooled"]["estimate"]), kTolModel);
  METAPOOL_CHECK_NEAR("tau2", num(pooled["tau2"]), num(g["pooled"]["tau2"]), kTolModel);
  METAPOOL_CHECK_NEAR("se", num(pooled["se"]), num(g["pooled"]["se"]), kTolModel);
}

// ---- Freeman-Tukey back-transform ----

TEST_CASE("edge: the Freeman-Tukey back-transform clamps to 0 and 1 outside its range as transf.ipft.hm",
          "[edge][transform]") {
  const json g = golden("pft_back");
  const double nhm = metapool::harmonic_mean(nums(g["ni"]));
  METAPOOL_CHECK_NEAR("harmonic mean", nhm, num(g["nhm"]), kTolClosedForm);
  const auto x = nums(g["x"]);
  const auto expected = nums(g["value"]);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = metapool::back_transform(metapool::Measure::PFT, x[i], nhm);
    INFO("x = " << x[i]);
    CHECK(v >= 0.0);
    CHECK(v <= 1.0);
    // Near the ends of the range the inversion is ill-conditioned
    // (sqrt(1 - s^2) with s -> 1); 1e-6 relative with a 1e-10 floor covers
    // R's own rounding there (4.2e-12 at 1e-6 above the lower end).
    CHECK(metapool::test::near_rel(v, expected[i], 1e-6, 1e-10));
    if (expected[i] == 0.0 || expected[i] == 1.0) CHECK(v == expected[i]);
  }
  CHECK(metapool::back_transform(metapool::Measure::PFT, -INFINITY, nhm) == 0.0);
  CHECK(metapool::back_transform(metapool::Measure::PFT, INFINITY, nhm) == 1.0);
}

TEST_CASE("edge: PFT pooled CI below 0 and above 1 is clamped on the proportion scale", "[edge][cli]") {
  // 0/40, 0/35, 1/50: the CI's lower end lies below transf.pft(0, nhm).
  TempDir dir;
  const auto low = dir.write("low.csv", "study,events,n\nA,0,40\nB,0,35\nC,1,50\n");
  const json lo = run_json("pool " + shq(low) + " --measure PFT --format json");
  CHECK(num(lo["transformed"]["ci_lb"]) == 0.0);
  CHECK(num(lo["transformed"]["estimate"]) >= 0.0);
  const auto high = dir.write("high.csv", "study,events,n\nA,40,40\nB,35,35\nC,49,50\n");
  const json hi = run_json("pool " + shq(high) + " --measure PFT --format json");
  CHECK(num(hi["transformed"]["ci_ub"]) == 1.0);
  CHECK(num(hi["transformed"]["estimate"]) <= 1.0);
}

// ---- k = 1, identical effects, boundary ----

TEST_CASE("edge: k = 1 through the CLI in every format, every estimator", "[edge][cli]") {
  TempDir dir;
  const auto file = dir.write("k1.csv", "study,yi,vi\nA,0.5,0.04\n");
  for (const char* method : {"EE", "DL", "REML", "ML", "EB", "PM", "PMM", "SJ", "HE", "HS", "HSk", "GENQ"}) {
    const json out = run_json(fmt::format("pool {} --method {} --test knha --format json", shq(file), method));
    INFO(method);
    CHECK(num(out["estimate"]) == 0.5);
    CHECK(num(out["se"]) == 0.2);
    CHECK(out["model"]["test"] == "z");
    CHECK(out["Q_df"] == 0);
    CHECK(out["tau2_ci"].is_null());
    // metafor: 2 * pnorm(-2.5)
    METAPOOL_CHECK_NEAR("pval", num(out["pval"]), 0.012419330651552271, kTolClosedForm);
  }
  for (const char* format : {"text", "csv", "md", "latex"}) {
    const auto run = run_cli(fmt::format("pool {} --format {}", shq(file), format));
    INFO(format << "\n" << run.err);
    CHECK(run.status == 0);
    CHECK(run.out.find("nan") == std::string::npos);
  }
}

TEST_CASE("edge: identical effects give tau2 = 0 and the exact estimate for every estimator", "[edge][cli]") {
  TempDir dir;
  const auto file = dir.write("same.csv", "study,yi,vi\nA,0.3,0.01\nB,0.3,0.02\nC,0.3,0.05\nD,0.3,1e-8\n");
  for (const char* method : {"EE", "DL", "REML", "ML", "EB", "PM", "PMM", "SJ", "HE", "HS", "HSk", "GENQ"}) {
    const json out = run_json(fmt::format("pool {} --method {} --format json", shq(file), method));
    INFO(method);
    METAPOOL_CHECK_NEAR("estimate", num(out["estimate"]), 0.3, 1e-15);
    CHECK(num(out["Q"]) < 1e-20);
    if (std::string(method) != "EE") {
      CHECK(num(out["tau2"]) < 1e-20);
      CHECK(num(out["I2"]) < 1e-12);
    }
  }
}

// ---- non-convergence and overflow ----

TEST_CASE("edge: ML and EB that do not converge fall back with a warning", "[edge][models]") {
  const EffectData d{{-0.889, -1.585, -1.348, -1.442, -0.218, -0.786, -1.621, 0.012},
                     {0.326, 0.195, 0.415, 0.020, 0.051, 0.007, 0.223, 0.004}};
  for (Method m : {Method::ML, Method::EB, Method::REML}) {
    PoolOptions o;
    o.method = m;
    o.max_iter = 1;
    auto r = metapool::fit_uni(d, o);
    INFO(metapool::to_string(m));
    CHECK_FALSE(r.converged);
    CHECK(has_warning(r.warnings, "Fisher scoring did not converge"));
    CHECK(has_warning(r.warnings, "no estimator converged"));
    CHECK(std::isnan(r.estimate));
    o.fallback = {Method::DL};
    r = metapool::fit_uni(d, o);
    CHECK(r.converged);
    CHECK(r.method == Method::DL);
    CHECK(r.requested == m);
    CHECK(has_warning(r.warnings, fmt::format("using DL after {} did not converge", metapool::to_string(m))));
    // The fallback's numbers are DL's own.
    PoolOptions dl;
    dl.method = Method::DL;
    CHECK(r.estimate == metapool::fit_uni(d, dl).estimate);
  }
}

TEST_CASE("edge: effects whose squares overflow are reported as not fitted, not as Inf or a crash", "[edge][cli]") {
  // metafor 3.8-1 stops with "singular matrix 'a' in solve" for these.
  TempDir dir;
  const auto file = dir.write("huge.csv", "study,yi,vi\nA,1e160,1\nB,-1e160,1\nC,0,1\n");
  for (const char* method : {"REML,DL", "DL", "PM", "HE", "SJ"}) {
    const json out = run_json(fmt::format("pool {} --method {} --format json", shq(file), method));
    INFO(method << "\n" << out["warnings"].dump());
    CHECK(out["estimate"].is_null());
    CHECK(out["tau2"].is_null());
    CHECK(json_has_warning(out, "no estimator converged"));
  }
  const json dl = run_json(fmt::format("pool {} --method DL --format json", shq(file)));
  CHECK(json_has_warning(dl, "DL: tau^2 is not finite"));
  // EE has no tau^2: Q = Inf, estimate 0 (metafor: Q = Inf, estimate 0, se 0.5774).
  const json ee = run_json(fmt::format("pool {} --method EE --format json", shq(file)));
  CHECK(num(ee["estimate"]) == 0.0);
  METAPOOL_CHECK_NEAR("se", num(ee["se"]), std::sqrt(1.0 / 3.0), kTolClosedForm);
}

// ---- Q-profile bounds past the search range ----

TEST_CASE("edge: a Q-profile upper bound past max(100, 10 tau2) is reported as metafor's with a warning",
          "[edge][cli]") {
  // metafor 3.8-1: rma(c(-30,0,30), rep(0.01,3)); confint(res, control=list(tol=1e-13)):
  // tau^2 899.99, CI 243.9665276136353 to 8999.9000000000015 (= tau2.max).
  TempDir dir;
  const auto file = dir.write("qp.csv", "study,yi,vi\nA,-30,0.01\nB,0,0.01\nC,30,0.01\n");
  const json out = run_json("pool " + shq(file) + " --format json");
  METAPOOL_CHECK_NEAR("tau2", num(out["tau2"]), 899.99000000000024, kTolModel);
  METAPOOL_CHECK_NEAR("ci lb", num(out["tau2_ci"][0]), 243.9665276136353, kTolModel);
  METAPOOL_CHECK_NEAR("ci ub", num(out["tau2_ci"][1]), 8999.9000000000015, kTolModel);
  METAPOOL_CHECK_NEAR("I2 ci ub", num(out["I2_ci"][1]), 99.9998888877778, kTolModel);
  CHECK(json_has_warning(out, "upper bound lies beyond the search range"));
  const auto text = run_cli("pool " + shq(file));
  CHECK(text.out.find("Warning: tau^2 CI: the upper bound lies beyond the search range") != std::string::npos);
}

TEST_CASE("edge: tau2 on the boundary: ML and HE give exactly 0 and the CI starts at 0", "[edge][models]") {
  const json g = golden("vispan");
  const EffectData data{nums(g["yi"]), nums(g["vi"])};
  for (Method m : {Method::ML, Method::HE}) {
    PoolOptions o;
    o.method = m;
    const auto r = metapool::fit_uni(data, o);
    CHECK(*r.tau2 == 0.0);
    CHECK(*r.I2 == 0.0);
    CHECK(*r.H2 == 1.0);
    CHECK(r.pi->lb == r.ci_lb);  // tau2 = 0: the prediction interval is the CI
  }
}
