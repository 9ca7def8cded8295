// metapool report FILE --out DIR: the HTML report, its Markdown twin, CSV
// tables and the plots (SVG, plus PNG and PDF through rsvg-convert), written
// into a temporary directory next to DIR and renamed into place when complete.
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "analysis/report_data.hpp"
#include "cli/command.hpp"
#include "report/convert.hpp"
#include "report/output_dir.hpp"
#include "report/report.hpp"
#include "report/sha256.hpp"

namespace metapool::cli {
namespace {

Expected<std::string> read_input(const std::string& path) {
  const std::string source = path == "-" ? "<stdin>" : path;
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return text;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostic d;
    d.file = source;
    d.message = "cannot open the file (does it exist and is it readable?)";
    return d;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    Diagnostic d;
    d.file = source;
    d.message = "error while reading the file";
    return d;
  }
  return std::move(buffer).str();
}

std::string base_name(const std::string& path) {
  if (path == "-") return "<stdin>";
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

class ReportCommand final : public Command {
 public:
  explicit ReportCommand(std::vector<std::string> argv) : m_argv(std::move(argv)) {}

  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand(
        "report", "a self-contained HTML report with Markdown, CSV tables and SVG/PNG/PDF plots in --out DIR");
    add_common_options(*cmd, m_args, true);
    cmd->add_option("--subgroup", m_subgroup, "column whose values define subgroups (as pool --subgroup)");
    cmd->add_option("--subgroup-tau2", m_subgroup_tau2, "separate (default) | common (as pool --subgroup-tau2)");
    cmd->add_option("--mods", m_mods, "moderator columns of a meta-regression (as pool --mods)")->delimiter(',');
    cmd->add_flag("--contours", m_contours, "contour-enhanced funnel plot (shaded 90/95/99% regions around 0)");
    cmd->add_flag("--timestamp", m_timestamp, "record the UTC time of the run in the report (off: byte-identical output)");
    m_cmd = cmd;
    return cmd;
  }

  int run() override {
    if (m_cmd->count("--format") > 0) {
      return report(make_error("report writes every format (HTML, Markdown, CSV, SVG/PNG/PDF); --format does not apply"));
    }
    if (m_args.out.empty()) {
      return report(make_error("report needs --out DIR, the directory to write the report into"));
    }
    auto parsed = convert(m_args);
    if (!parsed) return report(parsed.error());
    AnalysisOptions& options = parsed->options;
    if (!m_subgroup.empty()) options.subgroup = m_subgroup;
    const auto mode = parse_subgroup_tau2(m_subgroup_tau2);
    if (!mode) {
      return report(make_error(
          fmt::format("unknown --subgroup-tau2 \"{}\"; expected separate or common", m_subgroup_tau2)));
    }
    options.subgroup_tau2 = *mode;
    for (const auto& name : m_mods) {
      if (name.empty()) return report(make_error("--mods: empty column name; expected a list such as ablat,year"));
      options.mods.push_back(name);
    }

    auto bytes = read_input(m_args.file);
    if (!bytes) return report(bytes.error());
    auto table = parse_csv_text(*bytes, m_args.file == "-" ? "<stdin>" : m_args.file);
    if (!table) return report(table.error());
    auto data = analyse_report(std::move(table).value(), options);
    if (!data) return report(data.error());

    report::ReportOptions report_options;
    report_options.input_name = base_name(m_args.file);
    report_options.input_sha256 = report::sha256_hex(*bytes);
    report_options.command_line = command_line(m_argv);
    report_options.contours = m_contours;
    long long epoch = 0;  // PDF creation date: fixed unless --timestamp
    if (m_timestamp) {
      const std::time_t now = std::time(nullptr);
      epoch = static_cast<long long>(now);
      char text[32];
      std::tm utc{};
      gmtime_r(&now, &utc);
      std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
      report_options.timestamp = text;
    }
    const char* override_path = std::getenv("METAPOOL_RSVG_CONVERT");
    const auto converter = report::find_rsvg_convert(override_path ? override_path : "");
    report_options.images = converter.has_value();
    if (!converter) {
      report_options.warnings.push_back(
          "PNG and PDF versions of the plots were not written: rsvg-convert was not found (install the Debian "
          "package librsvg2-bin, or run scripts/setup.sh). The SVG plots are complete.");
      std::cerr << "metapool: warning: rsvg-convert not found; writing SVG plots only (install librsvg2-bin)\n";
    }

    const auto files = report::build_report(*data, report_options);
    const auto svgs = report::svg_names(files);
    const auto finish = [&](const std::string& temp) { return report::convert_svgs(converter, temp, svgs, epoch); };
    auto written = report::write_directory_atomic(m_args.out, files, finish);
    if (!written) {
      std::cerr << written.error().render() << '\n';
      return written.error().message.find("failed to convert") != std::string::npos ? kExitInternal : kExitBadInput;
    }
    return kExitOk;
  }

 private:
  std::vector<std::string> m_argv;
  CommonArgs m_args;
  std::string m_subgroup;
  std::string m_subgroup_tau2 = "separate";
  std::vector<std::string> m_mods;
  bool m_contours = false;
  bool m_timestamp = false;
  CLI::App* m_cmd = nullptr;
};

}  // namespace

std::unique_ptr<Command> make_report_command(std::vector<std::string> argv) {
  return std::make_unique<ReportCommand>(std::move(argv));
}

}  // namespace metapool::cli
