// GRIM-style consistency (src/reproduce/grim.hpp), the reading of counts and
// printed percentages, NNT in Altman's form and the figure-level logic.
// Expected values are worked by hand from the exact fractions quoted.
#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "io/csv_table.hpp"
#include "reproduce/figure.hpp"
#include "reproduce/grim.hpp"
#include "reproduce/two_by_two.hpp"
#include "support/tolerance.hpp"

using namespace metapool::reproduce;

namespace {

ReportedPercent pct(const char* text) {
  auto parsed = parse_reported_percent(text, "--percent", false);
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string percent_error(const char* text) {
  auto parsed = parse_reported_percent(text, "--percent", false);
  REQUIRE_FALSE(parsed.has_value());
  return parsed.error().message;
}

}  // namespace

TEST_CASE("printed percentages keep their decimals", "[reproduce][grim]") {
  CHECK(pct("88").scaled == 88);
  CHECK(pct("88").decimals == 0);
  CHECK(pct("70.8").scaled == 708);
  CHECK(pct("70.8").decimals == 1);
  CHECK(pct("60.0").scaled == 600);
  CHECK(pct("60.0").decimals == 1);
  CHECK(pct(" 0 ").scaled == 0);
  CHECK(pct("100").scaled == 100);
  CHECK(pct("100.000").scaled == 100000);
  CHECK(pct("70.8").value() == Approx(70.8));
  CHECK(percent_error("120") == "--percent \"120\" is above 100");
  CHECK(percent_error("100.01") == "--percent \"100.01\" is above 100");
  CHECK(percent_error("-5").find("is negative") != std::string::npos);
  CHECK(percent_error("abc").find("is not a percentage as printed") != std::string::npos);
  CHECK(percent_error("7e1").find("is not a percentage as printed") != std::string::npos);
  CHECK(percent_error("70,8").find("is not a percentage as printed") != std::string::npos);
  CHECK(percent_error("88.").find("ends in a decimal point") != std::string::npos);
  CHECK(percent_error("1.1234567").find("more than 6 decimals") != std::string::npos);
  CHECK(percent_error("99999999999999999999").find("above 100") != std::string::npos);
  auto column = parse_reported_percent("x", "percent_t", true);
  REQUIRE_FALSE(column.has_value());
  CHECK(column.error().message.rfind("\"x\" in column \"percent_t\"", 0) == 0);
}

TEST_CASE("70.8% of 24 can only be 17", "[reproduce][grim]") {
  const GrimCheck g = grim_check(pct("70.8"), 24);
  CHECK(g.consistent.first == 17);
  CHECK(g.consistent.last == 17);
  CHECK(g.truncation_only.empty());
  CHECK_FALSE(g.half_up_tie);
  CHECK(rounded_percent_text(17, 24, 1) == "70.8");
}

TEST_CASE("88% of 9 is impossible when rounded, 8/9 fits only if truncated", "[reproduce][grim]") {
  const GrimCheck g = grim_check(pct("88"), 9);
  CHECK(g.consistent.empty());  // 7/9 = 77.8, 8/9 = 88.9 -> 89
  CHECK(g.truncation_only.first == 8);
  CHECK(g.truncation_only.last == 8);
  REQUIRE(g.nearest.size() == 1);
  CHECK(g.nearest[0] == 8);
  CHECK(percent_fits(8, 9, pct("89"), Rounding::HalfUp));
  CHECK_FALSE(percent_fits(8, 9, pct("88"), Rounding::HalfUp));
  CHECK(percent_fits(8, 9, pct("88"), Rounding::Truncate));
  CHECK(rounded_percent_text(8, 9, 0) == "89");
}

TEST_CASE("exact halves round up, and the ties are reported", "[reproduce][grim]") {
  // 7/8 = 87.5 exactly: 88 under half up (a tie), 87 under half down.
  const GrimCheck g88 = grim_check(pct("88"), 8);
  CHECK(g88.consistent.first == 7);
  CHECK(g88.consistent.last == 7);
  REQUIRE(g88.half_up_tie);
  CHECK(*g88.half_up_tie == 7);
  CHECK_FALSE(g88.half_down_tie);
  const GrimCheck g87 = grim_check(pct("87"), 8);
  CHECK(g87.consistent.empty());
  REQUIRE(g87.half_down_tie);
  CHECK(*g87.half_down_tie == 7);
  // 1/8 = 12.5 -> 13, and 12.50 at two decimals is exact
  CHECK(percent_fits(1, 8, pct("13"), Rounding::HalfUp));
  CHECK(percent_fits(1, 8, pct("12.50"), Rounding::HalfUp));
  CHECK(percent_fits(1, 8, pct("12.5"), Rounding::Truncate));
}

TEST_CASE("several counts can fit one percentage", "[reproduce][grim]") {
  // 50% of 537: 265/537 = 49.35 -> 49, 266/537 = 49.53 ... 271/537 = 50.47
  // all print as 50, 272/537 = 50.65 -> 51.
  const GrimCheck g = grim_check(pct("50"), 537);
  CHECK(g.consistent.first == 266);
  CHECK(g.consistent.last == 271);
  CHECK(g.consistent.size() == 6);
  // Boundaries: 0% and 100% of n
  const GrimCheck zero = grim_check(pct("0"), 300);
  CHECK(zero.consistent.first == 0);
  CHECK(zero.consistent.last == 1);  // 1/300 = 0.33 -> 0
  const GrimCheck hundred = grim_check(pct("100"), 300);
  CHECK(hundred.consistent.first == 299);  // 299/300 = 99.67 -> 100
  CHECK(hundred.consistent.last == 300);
  CHECK(hundred.truncation_only.empty());
  // n = 1
  CHECK(grim_check(pct("100"), 1).consistent.first == 1);
  CHECK(grim_check(pct("50"), 1).consistent.empty());
}

TEST_CASE("the largest supported counts stay exact", "[reproduce][grim]") {
  const GrimCheck g = grim_check(pct("33.333333"), kMaxCount);
  // 333333330/1e9 = 33.3333330%; the range is [333333325, 333333334]
  CHECK(g.consistent.first == 333333325);
  CHECK(g.consistent.last == 333333334);
}

TEST_CASE("counts are whole, non-negative and within limits", "[reproduce][input]") {
  const FieldName n{"--n", false};
  CHECK(*parse_count("24", n) == 24);
  CHECK(*parse_count("24.0", n) == 24);
  CHECK(parse_count("x", n).error().message == "--n \"x\" is not a number");
  CHECK(parse_count("-1", n).error().message == "--n = -1 is negative");
  CHECK(parse_count("2.5", n).error().message == "--n = 2.5 is not a whole number");
  CHECK(parse_count("inf", n).error().message == "--n \"inf\" is not a finite number");
  CHECK(parse_count("1e12", n).error().message.find("above the supported") != std::string::npos);
  ArmInput arm;
  arm.n = 0;
  CHECK(*check_arm(arm, {"--events", false}, n) == "--n = 0; expected a sample size of at least 1");
  arm.n = 24;
  arm.events = 25;
  CHECK(*check_arm(arm, {"--events", false}, n) == "--events = 25 exceeds --n = 24");
  arm.events = 24;
  CHECK_FALSE(check_arm(arm, {"--events", false}, n));
}

TEST_CASE("NNT follows Altman's convention", "[reproduce][nnt]") {
  constexpr double inf = std::numeric_limits<double>::infinity();
  // RD 0.25 [0.10, 0.40]: NNTB 4 (2.5 to 10)
  Nnt nnt = nnt_from_rd({0.25, 0.0, 0.10, 0.40}, EventsAre::Beneficial);
  CHECK(nnt.kind == Nnt::Kind::Benefit);
  CHECK(nnt.value == Approx(4));
  CHECK(nnt.ci_shape == Nnt::CiShape::Benefit);
  CHECK(nnt.ci_lower == Approx(2.5));
  CHECK(nnt.ci_upper == Approx(10));
  // RD 0.10 [-0.05, 0.25]: NNTB 10, CI NNTB 4 to infinity to NNTH 20
  nnt = nnt_from_rd({0.10, 0.0, -0.05, 0.25}, EventsAre::Beneficial);
  CHECK(nnt.ci_shape == Nnt::CiShape::SpansInfinity);
  CHECK(nnt.ci_lower == Approx(4));
  CHECK(nnt.ci_upper == Approx(20));
  // Harmful events (relapse): a negative RD is a benefit.
  nnt = nnt_from_rd({-0.2, 0.0, -0.3, -0.1}, EventsAre::Harmful);
  CHECK(nnt.kind == Nnt::Kind::Benefit);
  CHECK(nnt.value == Approx(5));
  CHECK(nnt.ci_lower == Approx(1 / 0.3));
  CHECK(nnt.ci_upper == Approx(10));
  nnt = nnt_from_rd({-0.2, 0.0, -0.3, -0.1}, EventsAre::Beneficial);
  CHECK(nnt.kind == Nnt::Kind::Harm);
  CHECK(nnt.ci_shape == Nnt::CiShape::Harm);
  // RD exactly 0
  nnt = nnt_from_rd({0.0, 0.0, -0.1, 0.1}, EventsAre::Beneficial);
  CHECK(nnt.kind == Nnt::Kind::None);
  CHECK(nnt.value == inf);
}

TEST_CASE("a figure uses the unique consistent count, and no count when several fit", "[reproduce][figure]") {
  ReproduceOptions options;
  FigureInput f;
  f.treatment.label = "t";
  f.treatment.n = 24;
  f.treatment.percent = pct("70.8");
  FigureResult r = reproduce_figure(f, options);
  REQUIRE(r.treatment.events);
  CHECK(*r.treatment.events == 17);
  CHECK(r.treatment.verdict == Verdict::Consistent);
  REQUIRE(r.treatment.intervals);

  f.treatment.n = 537;
  f.treatment.percent = pct("50");
  r = reproduce_figure(f, options);
  CHECK_FALSE(r.treatment.events);
  CHECK_FALSE(r.treatment.intervals);
  CHECK(r.treatment.note.find("6 counts print as 50%") != std::string::npos);

  // Given counts are checked, not replaced: 13/27 = 48.15 is not 48.2.
  f.treatment.n = 27;
  f.treatment.events = 13;
  f.treatment.percent = pct("48.2");
  r = reproduce_figure(f, options);
  CHECK(r.treatment.verdict == Verdict::Inconsistent);
  CHECK(*r.treatment.events == 13);
  CHECK(r.treatment.intervals);

  // Two arms, one without counts: no comparison, and it says why.
  f.treatment.percent = std::nullopt;
  ArmInput control;
  control.label = "c";
  control.n = 9;
  control.percent = pct("88");
  f.control = control;
  r = reproduce_figure(f, options);
  CHECK_FALSE(r.comparison);
  CHECK(r.comparison_note == "no comparison: no counts for the control arm");
}

TEST_CASE("reading a figures table reports bad cells with their location", "[reproduce][input]") {
  const char* header = "id,events_t,n_t,percent_t,events_c,n_c,percent_c\n";
  const auto read = [&](const std::string& rows) {
    auto table = metapool::parse_csv_text(std::string(header) + rows, "f.csv");
    REQUIRE(table.has_value());
    return read_figures(*table);
  };
  auto ok = read("A,17,24,70.8,,,\nB,7,8,88,0,,0\n");
  REQUIRE(ok.has_value());
  REQUIRE(ok->size() == 2);
  CHECK_FALSE((*ok)[0].control);
  REQUIRE((*ok)[1].control);
  CHECK_FALSE((*ok)[1].control->n);  // incomplete control arm: kept, not an error

  const auto error = [&](const std::string& rows) {
    auto figures = read(rows);
    REQUIRE_FALSE(figures.has_value());
    return figures.error().render();
  };
  CHECK(error("A,x,24,,,,\n") == "f.csv:2:2: error: \"x\" in column \"events_t\" is not a number");
  CHECK(error("A,25,24,,,,\n") == "f.csv:2:2: error: events_t = 25 exceeds n_t = 24");
  CHECK(error("A,1,0,,,,\n") == "f.csv:2:3: error: n_t = 0; expected a sample size of at least 1");
  CHECK(error("A,1,24,101,,,\n") == "f.csv:2:4: error: \"101\" in column \"percent_t\" is above 100");
  CHECK(error("A,1,24,,-1,10,\n") == "f.csv:2:5: error: events_c = -1 is negative");
  CHECK(error("A,1,24,,1,10.5,\n") == "f.csv:2:6: error: n_c = 10.5 is not a whole number");
  CHECK(error("A,1,,,,,\n").rfind("f.csv:2:3: error: missing value in column \"n_t\"", 0) == 0);
  CHECK(error("A,,24,,,,\n").rfind("f.csv:2:2: error: missing value", 0) == 0);

  auto no_n = metapool::parse_csv_text("id,events\nA,1\n", "g.csv");
  REQUIRE(no_n.has_value());
  auto figures = read_figures(*no_n);
  REQUIRE_FALSE(figures.has_value());
  CHECK(figures.error().render() == "g.csv:1: error: missing required column \"n_t\" (or \"n\")");
}
