// One reported figure: a percentage and/or counts for one arm, or two arms
// compared. reproduce_figure() checks each printed percentage against its
// counts (grim.hpp), settles the counts to compute with, and computes the
// proportion intervals (intervals.hpp) and the two-arm comparison
// (two_by_two.hpp). read_figures() turns a CSV of reported figures into
// validated inputs with located diagnostics.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "io/csv_table.hpp"
#include "reproduce/grim.hpp"
#include "reproduce/intervals.hpp"
#include "reproduce/two_by_two.hpp"

namespace metapool::reproduce {

// One arm as reported. Validated: n >= 1 and events <= n when given.
struct ArmInput {
  std::string label;                      // "treatment", "control", or the arm's name
  std::optional<Count> events;
  std::optional<Count> n;                 // absent: the denominator is unknown
  std::optional<ReportedPercent> percent;
};

struct FigureInput {
  std::string id;      // may be empty (command-line figures)
  std::string study;
  std::string figure;  // the quoted text
  ArmInput treatment;  // the only arm of a single-proportion figure
  std::optional<ArmInput> control;
  int line = 0;        // CSV line, 0 on the command line
};

struct ReproduceOptions {
  double ci_level = 0.95;
  EventsAre events_are = EventsAre::Beneficial;
};

// Outcome of checking a printed percentage.
enum class Verdict {
  Consistent,      // the counts (or, without events, some count) print as reported
  TruncationOnly,  // they print as reported only if the author truncated
  Inconsistent,    // no rounding rule reproduces it
  NotChecked,      // no percentage, or no n
};
std::string_view to_string(Verdict verdict);  // consistent | truncation_only | inconsistent | not_checked

struct ArmResult {
  ArmInput input;
  std::optional<GrimCheck> grim;  // a percentage and n were given
  Verdict verdict = Verdict::NotChecked;
  // The count the intervals use: the given events, else the unique count
  // consistent with the percentage; absent when none or several fit, or n is
  // unknown (then `note` says why).
  std::optional<Count> events;
  std::optional<ProportionIntervals> intervals;
  std::string note;
};

struct FigureResult {
  std::string id;
  std::string study;
  std::string figure;
  int line = 0;
  ArmResult treatment;
  std::optional<ArmResult> control;
  std::optional<Comparison> comparison;  // both arms have counts
  std::string comparison_note;           // why there is no comparison (two-arm figures)
};

// Requires validated inputs (see ArmInput) and 0 < ci_level < 1.
FigureResult reproduce_figure(const FigureInput& input, const ReproduceOptions& options);
ArmResult reproduce_arm(const ArmInput& input, const ReproduceOptions& options);

// ---- reading values -------------------------------------------------------

// How a value is named in messages: a command-line option ("--n") or a CSV
// column ("n_t", located by the caller).
struct FieldName {
  std::string name;
  bool column = false;
};

// A whole, non-negative count up to kMaxCount ("17"; "17.0" is accepted).
Expected<Count> parse_count(std::string_view text, const FieldName& field);

// Checks one arm: n >= 1 and events <= n. The message names the fields.
// Returns the field whose value is at fault in `*bad_field` (0 events, 1 n).
std::optional<std::string> check_arm(const ArmInput& arm, const FieldName& events_name,
                                     const FieldName& n_name, int* bad_field = nullptr);

// Reads a table of reported figures. Columns (case-insensitive):
//   treatment arm: events_t, n_t, percent_t (or events, n, percent)
//   control arm (optional): events_c, n_c, percent_c
//   optional labels: id, study, figure, arm_t, arm_c
// A row needs n and events or percent for its treatment arm; a control arm
// whose cells are all empty is absent, one without n is reported but not
// computed. Errors (file:line:column): non-numbers, negative or fractional
// counts, n = 0, events > n, percentages above 100 or not as printed.
Expected<std::vector<FigureInput>> read_figures(const CsvTable& table);

}  // namespace metapool::reproduce
