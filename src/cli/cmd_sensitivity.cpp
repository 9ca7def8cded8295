// metapool sensitivity FILE: leave-one-out, cumulative meta-analysis
// (--order COL) and influence diagnostics (metafor leave1out, cumul,
// influence.rma.uni).
#include "analysis/sensitivity.hpp"
#include "cli/command.hpp"
#include "render/sensitivity_output.hpp"

namespace metapool::cli {
namespace {

class SensitivityCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand(
        "sensitivity", "leave-one-out, cumulative meta-analysis (--order COL) and influence diagnostics");
    add_common_options(*cmd, m_args, true);
    cmd->add_option("--order", m_order,
                    "column ordering the cumulative meta-analysis, ascending (e.g. year; default: input order)");
    return cmd;
  }

  int run() override {
    auto parsed = convert(m_args);
    if (!parsed) return report(parsed.error());
    SensitivityOptions options;
    if (!m_order.empty()) options.order = m_order;
    auto table = read_csv_file(m_args.file);
    if (!table) return report(table.error());
    auto analysis = analyse_sensitivity(std::move(table).value(), parsed->options, options);
    if (!analysis) return report(analysis.error());
    return emit(render_sensitivity(*analysis, parsed->format), m_args.out);
  }

 private:
  CommonArgs m_args;
  std::string m_order;
};

}  // namespace

std::unique_ptr<Command> make_sensitivity_command() { return std::make_unique<SensitivityCommand>(); }

}  // namespace metapool::cli
