// metapool effects FILE: per-study effect sizes (metafor escalc).
#include "cli/command.hpp"

namespace metapool::cli {
namespace {

class EffectsCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand("effects", "per-study effect sizes and sampling variances (metafor escalc)");
    add_common_options(*cmd, m_args, false);
    return cmd;
  }

  int run() override {
    auto parsed = convert(m_args);
    if (!parsed) return report(parsed.error());
    auto table = read_csv_file(m_args.file);
    if (!table) return report(table.error());
    auto analysis = analyse_effects(std::move(table).value(), parsed->options);
    if (!analysis) return report(analysis.error());
    return emit(render_effects(*analysis, parsed->format), m_args.out);
  }

 private:
  CommonArgs m_args;
};

}  // namespace

std::unique_ptr<Command> make_effects_command() { return std::make_unique<EffectsCommand>(); }

}  // namespace metapool::cli
