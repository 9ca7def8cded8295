// metapool pool FILE: the pooled model (metafor rma / rma.mh / rma.peto with
// confint and predict).
#include "cli/command.hpp"

namespace metapool::cli {
namespace {

class PoolCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand(
        "pool", "the pooled model: estimate, CI, heterogeneity, tau^2 and its CI, prediction interval");
    add_common_options(*cmd, m_args, true);
    return cmd;
  }

  int run() override {
    auto parsed = convert(m_args);
    if (!parsed) return report(parsed.error());
    auto table = read_csv_file(m_args.file);
    if (!table) return report(table.error());
    auto analysis = analyse_pool(std::move(table).value(), parsed->options);
    if (!analysis) return report(analysis.error());
    return emit(render_pool(*analysis, parsed->format), m_args.out);
  }

 private:
  CommonArgs m_args;
};

}  // namespace

std::unique_ptr<Command> make_pool_command() { return std::make_unique<PoolCommand>(); }

}  // namespace metapool::cli
