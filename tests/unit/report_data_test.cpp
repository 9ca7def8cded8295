// analysis/report_data: the values behind the report (Baujat diagnostics
// against metafor 3.8-1, absolute effects, the method comparison).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "analysis/report_data.hpp"
#include "io/csv_table.hpp"
#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

using namespace metapool;

namespace {

// metafor's baujat refits with its default convergence control (threshold
// 1e-5 on tau^2 for REML), so agreement is to about 1e-7 relative, not 1e-10.
constexpr double kTolBaujat = 1e-5;

ReportData bcg(Method method = Method::REML, TestType test = TestType::Z) {
  auto table = read_csv_file(test::source_path("datasets/bcg.csv"));
  REQUIRE(table);
  AnalysisOptions options;
  options.measure = Measure::RR;
  options.method = method;
  options.test = test;
  auto data = analyse_report(std::move(table).value(), options);
  REQUIRE(data);
  return std::move(data).value();
}

}  // namespace

TEST_CASE("report data: Baujat values equal metafor baujat for BCG, REML") {
  // metafor 3.8-1: baujat(rma(measure = "RR", ai = events_t, n1i = n_t,
  // ci = events_c, n2i = n_c, data = bcg)), columns x and y.
  const double x[] = {0.04781833207, 1.49341118679, 0.55087527458, 1.58604972349, 0.67771092190,
                      0.01600554983, 1.53190284780, 1.66384562230, 0.16252330761, 1.11684754527,
                      0.43222102148, 1.59223843441, 1.26378797140};
  const double y[] = {0.0015375019406, 0.1121070955457, 0.0243490373683, 0.2377733200506, 0.0669858181318,
                      0.0003332715365, 0.1079095079666, 0.1989646142425, 0.0183816132308, 0.1113895717589,
                      0.0489706257786, 0.0618345435430, 0.1153128505582};
  const ReportData data = bcg();
  REQUIRE(data.baujat.size() == 13);
  for (std::size_t i = 0; i < 13; ++i) {
    CHECK(data.baujat[i].study == i);
    CHECK(test::near_rel(data.baujat[i].contribution, x[i], kTolBaujat));
    CHECK(test::near_rel(data.baujat[i].influence, y[i], kTolBaujat));
  }
}

TEST_CASE("report data: Baujat values follow the test (knha) and the method (MH) as metafor") {
  // metafor 3.8-1 baujat(..., test = "knha") and baujat(rma.mh(...)), studies 1-3.
  const ReportData knha = bcg(Method::REML, TestType::KNHA);
  const double knha_y[] = {0.001474106816, 0.111247753730, 0.023583719926};
  const ReportData mh = bcg(Method::MH);
  const double mh_x[] = {0.5827940583, 6.5818177463, 1.9257290279};
  const double mh_y[] = {0.003491384298, 0.103158551724, 0.011643155828};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(test::near_rel(knha.baujat[i].influence, knha_y[i], kTolBaujat));
    CHECK(test::near_rel(mh.baujat[i].contribution, mh_x[i], kTolBaujat));
    CHECK(test::near_rel(mh.baujat[i].influence, mh_y[i], kTolBaujat));
  }
}

TEST_CASE("report data: absolute effects at the median control risk (RR)") {
  const ReportData data = bcg();
  REQUIRE(data.absolute);
  const AbsoluteEffects& e = *data.absolute;
  // median of the 13 control-group risks events_c / n_c (the 7th smallest:
  // Comstock et al 1976, 29/17854 is not it; computed here from the data)
  const StudyData& d = data.analysis.input.data;
  std::vector<double> risks;
  for (std::size_t i = 0; i < d.k(); ++i) risks.push_back(d[Role::EventsC][i] / d[Role::NC][i]);
  std::sort(risks.begin(), risks.end());
  CHECK(e.control_risk == risks[6]);
  CHECK(e.studies == 13);
  CHECK(e.relative == Approx(std::exp(data.analysis.pool.estimate)));
  CHECK(e.difference == Approx(e.control_risk * (e.relative - 1)));
  CHECK(e.difference_lb == Approx(e.control_risk * (e.relative_lb - 1)));
  CHECK(e.difference_ub == Approx(e.control_risk * (e.relative_ub - 1)));
  CHECK(e.participants == 357347);
}

TEST_CASE("report data: absolute effects convert an odds ratio through the control risk") {
  PoolAnalysis a;
  a.input.data.shape = DataShape::TwoArmBinary;
  a.input.data.study = {"A", "B", "C"};
  a.input.data.values[static_cast<std::size_t>(Role::EventsT)] = {5, 10, 20};
  a.input.data.values[static_cast<std::size_t>(Role::NT)] = {100, 100, 100};
  a.input.data.values[static_cast<std::size_t>(Role::EventsC)] = {10, 20, 40};
  a.input.data.values[static_cast<std::size_t>(Role::NC)] = {100, 100, 100};
  a.input.effects.measure = Measure::OR;
  a.used = {0, 1, 2};
  a.pool.method = Method::REML;
  a.pool.estimate = std::log(0.5);
  a.pool.ci_lb = std::log(0.25);
  a.pool.ci_ub = std::log(1.0);
  const auto e = absolute_effects(a);
  REQUIRE(e);
  CHECK(e->control_risk == Approx(0.2));
  CHECK(e->risk_t == Approx(0.5 * 0.2 / (1 - 0.2 + 0.5 * 0.2)));
  CHECK(e->risk_t_ub == Approx(0.2));
  CHECK(e->difference_ub == Approx(0.0).margin(1e-15));

  a.input.data.shape = DataShape::Proportion;  // no summary of findings for other shapes
  CHECK_FALSE(absolute_effects(a));
}

TEST_CASE("report data: every method and test on the same studies, the main analysis first") {
  const ReportData data = bcg();
  REQUIRE(data.methods.size() == 25);  // main + (EE + 11 estimators) x (z, knha) - main + MH
  CHECK(data.methods[0].chosen);
  CHECK(data.methods[0].method == Method::REML);
  CHECK(data.methods[0].pool.estimate == data.analysis.pool.estimate);
  const auto find = [&](Method m, TestType t) {
    return std::find_if(data.methods.begin(), data.methods.end(),
                        [&](const MethodFit& f) { return f.method == m && f.test == t && !f.chosen; });
  };
  const auto dl = find(Method::DL, TestType::Z);
  REQUIRE(dl != data.methods.end());
  // metafor 3.8-1 rma(method = "DL") on BCG: tau^2 = 0.3087602629
  CHECK(test::near_rel(*dl->pool.tau2, 0.30876026286237646, 1e-9));
  CHECK(find(Method::REML, TestType::Z) == data.methods.end());  // not repeated
  CHECK(find(Method::MH, TestType::KNHA) == data.methods.end());
  CHECK(find(Method::PETO, TestType::Z) == data.methods.end());  // RR: no Peto
  CHECK(data.contour_z.size() == 3);
  CHECK(data.contour_z[1] == Approx(1.959963984540054));
}

TEST_CASE("report data: k = 1 has no Baujat values and errors pass through") {
  auto one = parse_csv_text("study,yi,vi\nA,0.5,0.1\n", "one.csv");
  REQUIRE(one);
  auto data = analyse_report(std::move(one).value(), AnalysisOptions{});
  REQUIRE(data);
  CHECK(data->baujat.empty());
  CHECK_FALSE(data->absolute);

  auto bad = parse_csv_text("study,yi,vi\nA,0.5,-1\n", "bad.csv");
  REQUIRE(bad);
  CHECK_FALSE(analyse_report(std::move(bad).value(), AnalysisOptions{}));
}
