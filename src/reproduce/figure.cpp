#include "reproduce/figure.hpp"

#include <cmath>

#include <fmt/format.h>

#include "io/number.hpp"

namespace metapool::reproduce {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string subject(const FieldName& field, std::string_view text) {
  return fmt::format("{} = {}", field.name, text);
}

std::string counts_text(const CountRange& range) {
  if (range.size() == 1) return fmt::format("{}", range.first);
  return fmt::format("{} to {}", range.first, range.last);
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Consistent: return "consistent";
    case Verdict::TruncationOnly: return "truncation_only";
    case Verdict::Inconsistent: return "inconsistent";
    case Verdict::NotChecked: return "not_checked";
  }
  return "not_checked";
}

Expected<Count> parse_count(std::string_view raw, const FieldName& field) {
  const std::string_view text = trim(raw);
  const ParsedNumber parsed = parse_number(text);
  switch (parsed.status) {
    case NumberStatus::Ok: break;
    case NumberStatus::Missing:
      return make_error(field.column ? fmt::format("missing value in column \"{}\"", field.name)
                                     : fmt::format("{} needs a value", field.name));
    case NumberStatus::NotANumber:
      return make_error(field.column
                            ? fmt::format("\"{}\" in column \"{}\" is not a number", text, field.name)
                            : fmt::format("{} \"{}\" is not a number", field.name, text));
    case NumberStatus::NotFinite:
      return make_error(field.column ? fmt::format("\"{}\" in column \"{}\" is not a finite number",
                                                   text, field.name)
                                     : fmt::format("{} \"{}\" is not a finite number", field.name, text));
  }
  const double value = parsed.value;
  if (value < 0) return make_error(subject(field, text) + " is negative");
  if (value != std::floor(value)) return make_error(subject(field, text) + " is not a whole number");
  if (value > static_cast<double>(kMaxCount)) {
    return make_error(subject(field, text) + fmt::format(" is above the supported {}", kMaxCount));
  }
  return static_cast<Count>(value);
}

std::optional<std::string> check_arm(const ArmInput& arm, const FieldName& events_name,
                                     const FieldName& n_name, int* bad_field) {
  if (arm.n && *arm.n == 0) {
    if (bad_field) *bad_field = 1;
    return subject(n_name, "0") + "; expected a sample size of at least 1";
  }
  if (arm.n && arm.events && *arm.events > *arm.n) {
    if (bad_field) *bad_field = 0;
    return fmt::format("{} = {} exceeds {} = {}", events_name.name, *arm.events, n_name.name, *arm.n);
  }
  return std::nullopt;
}

ArmResult reproduce_arm(const ArmInput& input, const ReproduceOptions& options) {
  ArmResult arm;
  arm.input = input;
  if (!input.n) {
    if (input.percent && input.percent->scaled == 0 && (!input.events || *input.events == 0)) {
      arm.note = "n unknown (0% fits any n): not computed";
    } else {
      arm.note = "n unknown: not checked or computed";
    }
    return arm;
  }
  const Count n = *input.n;
  if (input.percent) {
    arm.grim = grim_check(*input.percent, n);
    const GrimCheck& grim = *arm.grim;
    if (input.events) {
      const Count k = *input.events;
      arm.verdict = percent_fits(k, n, *input.percent, Rounding::HalfUp)     ? Verdict::Consistent
                    : percent_fits(k, n, *input.percent, Rounding::Truncate) ? Verdict::TruncationOnly
                                                                             : Verdict::Inconsistent;
      arm.events = k;
    } else {
      arm.verdict = !grim.consistent.empty()      ? Verdict::Consistent
                    : !grim.truncation_only.empty() ? Verdict::TruncationOnly
                                                    : Verdict::Inconsistent;
      if (grim.consistent.size() == 1) {
        arm.events = grim.consistent.first;
      } else if (grim.consistent.size() > 1) {
        arm.note = fmt::format("{} counts print as {}% ({}); give the events to compute",
                               grim.consistent.size(), input.percent->text, counts_text(grim.consistent));
      } else if (!grim.truncation_only.empty()) {
        arm.note = fmt::format("no count out of {} prints as {}% when rounded; {} fits only if truncated",
                               n, input.percent->text, counts_text(grim.truncation_only));
      } else {
        arm.note = fmt::format("no count out of {} prints as {}%", n, input.percent->text);
      }
    }
  } else if (input.events) {
    arm.events = input.events;
  } else {
    arm.note = "no events or percentage: nothing to compute";
  }
  if (arm.events) arm.intervals = proportion_intervals(*arm.events, n, options.ci_level);
  return arm;
}

FigureResult reproduce_figure(const FigureInput& input, const ReproduceOptions& options) {
  FigureResult out;
  out.id = input.id;
  out.study = input.study;
  out.figure = input.figure;
  out.line = input.line;
  out.treatment = reproduce_arm(input.treatment, options);
  if (input.control) {
    out.control = reproduce_arm(*input.control, options);
    const ArmResult& t = out.treatment;
    const ArmResult& c = *out.control;
    if (t.events && c.events) {
      out.comparison = compare_arms({*t.events, *t.input.n, *c.events, *c.input.n}, options.ci_level,
                                    options.events_are);
    } else {
      const char* which = !t.events && !c.events ? "either arm" : !t.events ? "the treatment arm" : "the control arm";
      out.comparison_note = fmt::format("no comparison: no counts for {}", which);
    }
  }
  return out;
}

namespace {

struct ArmColumns {
  std::optional<std::size_t> events, n, percent, label;
};

std::optional<std::size_t> first_column(const CsvTable& table, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (auto idx = table.find_column(name)) return idx;
  }
  return std::nullopt;
}

Diagnostic located(const CsvTable& table, int line, std::optional<std::size_t> column, Diagnostic d) {
  d.file = table.source;
  d.line = line;
  d.column = column ? static_cast<int>(*column) + 1 : 0;
  return d;
}

// Reads one arm of one row; `required` for the treatment arm.
Expected<std::optional<ArmInput>> read_arm(const CsvTable& table, std::size_t row_idx, const ArmColumns& cols,
                                           bool required, const std::string& default_label) {
  const int line = table.line[row_idx];
  const auto cell = [&](std::optional<std::size_t> col) -> std::string_view {
    return col ? trim(table.cell(row_idx, *col)) : std::string_view{};
  };
  const auto name = [&](std::optional<std::size_t> col, const char* fallback) {
    return FieldName{col ? table.header[*col] : std::string(fallback), true};
  };
  const std::string_view events_text = cell(cols.events);
  const std::string_view n_text = cell(cols.n);
  const std::string_view percent_text = cell(cols.percent);
  const bool events_given = !is_missing_text(events_text);
  const bool n_given = !is_missing_text(n_text);
  const bool percent_given = !is_missing_text(percent_text);
  if (!events_given && !n_given && !percent_given) {
    if (!required) return std::optional<ArmInput>{};
    return located(table, line, cols.n,
                   make_error(fmt::format("missing value in column \"{}\"; a figure needs n and its events "
                                          "or percentage",
                                          name(cols.n, "n_t").name)));
  }
  if (required && !n_given) {
    return located(table, line, cols.n,
                   make_error(fmt::format("missing value in column \"{}\"; a figure needs its denominator",
                                          name(cols.n, "n_t").name)));
  }
  if (required && !events_given && !percent_given) {
    return located(table, line, cols.events ? cols.events : cols.percent,
                   make_error(fmt::format("missing value: row has neither {} nor {}",
                                          name(cols.events, "events_t").name,
                                          name(cols.percent, "percent_t").name)));
  }
  ArmInput arm;
  arm.label = cols.label && !trim(table.cell(row_idx, *cols.label)).empty() ? std::string(trim(table.cell(row_idx, *cols.label))) : default_label;
  if (events_given) {
    auto events = parse_count(events_text, name(cols.events, "events"));
    if (!events) return located(table, line, cols.events, events.error());
    arm.events = *events;
  }
  if (n_given) {
    auto n = parse_count(n_text, name(cols.n, "n"));
    if (!n) return located(table, line, cols.n, n.error());
    arm.n = *n;
  }
  if (percent_given) {
    const FieldName field = name(cols.percent, "percent");
    auto percent = parse_reported_percent(percent_text, field.name, true);
    if (!percent) return located(table, line, cols.percent, percent.error());
    arm.percent = *percent;
  }
  int bad_field = 0;
  if (auto problem = check_arm(arm, name(cols.events, "events"), name(cols.n, "n"), &bad_field)) {
    return located(table, line, bad_field == 0 ? cols.events : cols.n, make_error(*problem));
  }
  return std::optional<ArmInput>{std::move(arm)};
}

}  // namespace

Expected<std::vector<FigureInput>> read_figures(const CsvTable& table) {
  ArmColumns t{first_column(table, {"events_t", "events"}), first_column(table, {"n_t", "n"}),
               first_column(table, {"percent_t", "percent"}), first_column(table, {"arm_t"})};
  ArmColumns c{table.find_column("events_c"), table.find_column("n_c"), table.find_column("percent_c"),
               table.find_column("arm_c")};
  const auto header_error = [&](std::string message) {
    Diagnostic d = make_error(std::move(message));
    d.file = table.source;
    d.line = table.header_line;
    return d;
  };
  if (!t.n) return header_error("missing required column \"n_t\" (or \"n\")");
  if (!t.events && !t.percent) {
    return header_error("missing required column \"events_t\" or \"percent_t\" (or \"events\", \"percent\")");
  }
  const bool two_arm = c.events || c.n || c.percent;
  if (two_arm && !c.n) return header_error("missing required column \"n_c\" (control arm columns are present)");
  const auto id_col = table.find_column("id");
  const auto study_col = table.find_column("study");
  const auto figure_col = table.find_column("figure");

  std::vector<FigureInput> figures;
  figures.reserve(table.row_count());
  for (std::size_t r = 0; r < table.row_count(); ++r) {
    FigureInput figure;
    figure.line = table.line[r];
    if (id_col) figure.id = std::string(trim(table.cell(r, *id_col)));
    if (study_col) figure.study = std::string(trim(table.cell(r, *study_col)));
    if (figure_col) figure.figure = std::string(trim(table.cell(r, *figure_col)));
    auto treatment = read_arm(table, r, t, true, "treatment");
    if (!treatment) return treatment.error();
    figure.treatment = std::move(**treatment);
    if (two_arm) {
      auto control = read_arm(table, r, c, false, "control");
      if (!control) return control.error();
      figure.control = std::move(*control);
    }
    figures.push_back(std::move(figure));
  }
  return figures;
}

}  // namespace metapool::reproduce
