// metapool reproduce: recompute a reported figure from its counts, with
// intervals and consistency checks (src/reproduce/).
//
//   metapool reproduce --percent 70.8 --n 24
//   metapool reproduce --events-t 7 --n-t 8 --events-c 3 --n-c 9
//   metapool reproduce --file reported_figures.csv
//
// Every value is taken as text and converted here, so a bad one gets our
// message and exit status 2 (a percentage's printed decimals matter too).
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "io/csv_table.hpp"
#include "io/number.hpp"
#include "render/reproduce_output.hpp"
#include "reproduce/figure.hpp"

namespace metapool::cli {
namespace {

using reproduce::ArmInput;
using reproduce::FieldName;

struct ArmArgs {
  std::optional<std::string> events;
  std::optional<std::string> n;
  std::optional<std::string> percent;

  bool any() const { return events || n || percent; }
};

// Converts one arm's options; `suffix` is "" or "-t"/"-c".
Expected<ArmInput> convert_arm(const ArmArgs& args, const std::string& suffix, std::string label) {
  const FieldName events_name{"--events" + suffix, false};
  const FieldName n_name{"--n" + suffix, false};
  const std::string percent_name = "--percent" + suffix;
  if (args.events && args.percent) {
    return make_error(fmt::format("give {} or {}, not both (a percentage is checked against counts only in --file "
                                  "tables)",
                                  percent_name, events_name.name));
  }
  if (!args.n) {
    return make_error(fmt::format("{} is required: the number of patients the {} to", n_name.name,
                                  args.percent ? "percentage refers" : "events refer"));
  }
  if (!args.events && !args.percent) {
    return make_error(fmt::format("give {} or {} with {}", percent_name, events_name.name, n_name.name));
  }
  ArmInput arm;
  arm.label = std::move(label);
  auto n = reproduce::parse_count(*args.n, n_name);
  if (!n) return n.error();
  arm.n = *n;
  if (args.events) {
    auto events = reproduce::parse_count(*args.events, events_name);
    if (!events) return events.error();
    arm.events = *events;
  }
  if (args.percent) {
    auto percent = reproduce::parse_reported_percent(*args.percent, percent_name, false);
    if (!percent) return percent.error();
    arm.percent = *percent;
  }
  if (auto problem = reproduce::check_arm(arm, events_name, n_name)) return make_error(*problem);
  return arm;
}

class ReproduceCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand(
        "reproduce",
        "recompute a reported figure (percent and n, or counts) with its interval and consistency checks");
    cmd->add_option("--percent", m_single.percent, "a printed percentage (e.g. 70.8), checked GRIM-style against --n");
    cmd->add_option("--events", m_single.events, "number of events (instead of --percent)");
    cmd->add_option("--n", m_single.n, "number of patients");
    cmd->add_option("--percent-t", m_treatment.percent, "treatment arm: printed percentage");
    cmd->add_option("--events-t", m_treatment.events, "treatment arm: events");
    cmd->add_option("--n-t", m_treatment.n, "treatment arm: patients");
    cmd->add_option("--percent-c", m_control.percent, "control arm: printed percentage");
    cmd->add_option("--events-c", m_control.events, "control arm: events");
    cmd->add_option("--n-c", m_control.n, "control arm: patients");
    cmd->add_option("--file", m_file,
                    "CSV of reported figures (events_t, n_t, percent_t[, events_c, n_c, percent_c], id, study, "
                    "figure), or - for standard input");
    cmd->add_option("--level", m_level, "confidence level in percent (default 95)");
    cmd->add_option("--events-are", m_events_are,
                    "beneficial (response, remission; default) or harmful (relapse): decides NNTB vs NNTH");
    cmd->add_option("--format", m_format, "output format: text | json | csv | md | latex");
    cmd->add_option("--out", m_out, "write to this file instead of standard output");
    return cmd;
  }

  int run() override {
    auto options = convert_options();
    if (!options) return report(options.error());
    const auto format = parse_format(m_format);
    if (!format) {
      return report(make_error(
          fmt::format("unknown --format \"{}\"; expected text, json, csv, md or latex", m_format)));
    }
    auto figures = collect_figures();
    if (!figures) return report(figures.error());
    ReproduceReport result;
    result.options = *options;
    result.source = m_file ? (*m_file == "-" ? std::string("<stdin>") : *m_file) : std::string();
    for (const auto& figure : *figures) result.figures.push_back(reproduce::reproduce_figure(figure, *options));
    return emit(render_reproduce(result, *format), m_out);
  }

 private:
  Expected<reproduce::ReproduceOptions> convert_options() const {
    reproduce::ReproduceOptions options;
    const ParsedNumber level = parse_number(m_level);
    if (level.status != NumberStatus::Ok || !(level.value > 0 && level.value < 100)) {
      return make_error(
          fmt::format("--level {} is outside (0, 100); expected a percentage such as 95", m_level));
    }
    // As the other commands: 95 and 0.95 alike.
    options.ci_level = level.value >= 1 ? level.value / 100 : level.value;
    if (m_events_are == "beneficial" || m_events_are == "good") {
      options.events_are = reproduce::EventsAre::Beneficial;
    } else if (m_events_are == "harmful" || m_events_are == "bad") {
      options.events_are = reproduce::EventsAre::Harmful;
    } else {
      return make_error(
          fmt::format("unknown --events-are \"{}\"; expected beneficial or harmful", m_events_are));
    }
    return options;
  }

  Expected<std::vector<reproduce::FigureInput>> collect_figures() const {
    const bool single = m_single.any();
    const bool two = m_treatment.any() || m_control.any();
    const int modes = int{single} + int{two} + int{m_file.has_value()};
    if (modes == 0) {
      return make_error(
          "nothing to reproduce: give --percent or --events with --n; or two arms with "
          "--events-t/--percent-t, --n-t, --events-c/--percent-c, --n-c; or --file FILE");
    }
    if (modes > 1) {
      return make_error(
          "give one figure at a time: --percent/--events with --n (one proportion), the -t/-c options (two "
          "arms), or --file, not a mix");
    }
    if (m_file) {
      auto table = read_csv_file(*m_file);
      if (!table) return table.error();
      return reproduce::read_figures(*table);
    }
    reproduce::FigureInput figure;
    if (single) {
      auto arm = convert_arm(m_single, "", "proportion");
      if (!arm) return arm.error();
      figure.treatment = std::move(*arm);
    } else {
      if (!m_treatment.any()) return make_error("the treatment arm is missing: give --events-t or --percent-t with --n-t");
      if (!m_control.any()) return make_error("the control arm is missing: give --events-c or --percent-c with --n-c");
      auto treatment = convert_arm(m_treatment, "-t", "treatment");
      if (!treatment) return treatment.error();
      auto control = convert_arm(m_control, "-c", "control");
      if (!control) return control.error();
      figure.treatment = std::move(*treatment);
      figure.control = std::move(*control);
    }
    return std::vector<reproduce::FigureInput>{std::move(figure)};
  }

  ArmArgs m_single;
  ArmArgs m_treatment;
  ArmArgs m_control;
  std::optional<std::string> m_file;
  std::string m_level = "95";
  std::string m_events_are = "beneficial";
  std::string m_format = "text";
  std::string m_out;
};

}  // namespace

std::unique_ptr<Command> make_reproduce_command() { return std::make_unique<ReproduceCommand>(); }

}  // namespace metapool::cli
