// metapool bias FILE: funnel asymmetry and small-study effects (metafor
// regtest, ranktest, trimfill, fsn) and PET-PEESE.
#include <fmt/format.h>

#include "analysis/bias.hpp"
#include "cli/command.hpp"
#include "render/bias_output.hpp"

namespace metapool::cli {
namespace {

class BiasCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand(
        "bias", "small-study effects: Egger's regression test, Begg's rank test, trim and fill, fail-safe N, "
                "PET-PEESE");
    add_common_options(*cmd, m_args, true);
    cmd->add_option("--side", m_side, "trim and fill: side of the missing studies, left | right (default: estimated)");
    cmd->add_option("--fsn-target", m_target, "fail-safe N (Orwin): target average effect (default: mean / 2)");
    cmd->add_option("--fsn-alpha", m_bias.fsn_alpha, "fail-safe N (Rosenthal, Rosenberg): alpha (default 0.05)");
    cmd->add_option("--pet-alpha", m_bias.pet_alpha,
                    "PET-PEESE: two-sided level of PET's intercept test that selects PEESE (default 0.05)");
    return cmd;
  }

  int run() override {
    auto parsed = convert(m_args);
    if (!parsed) return report(parsed.error());
    if (!m_side.empty()) {
      if (m_side == "left") {
        m_bias.side = FunnelSide::Left;
      } else if (m_side == "right") {
        m_bias.side = FunnelSide::Right;
      } else {
        return report(make_error(fmt::format("unknown --side \"{}\"; expected left or right", m_side)));
      }
    }
    m_bias.fsn_target = m_target;
    auto table = read_csv_file(m_args.file);
    if (!table) return report(table.error());
    auto analysis = analyse_bias(std::move(table).value(), parsed->options, m_bias);
    if (!analysis) return report(analysis.error());
    return emit(render_bias(*analysis, parsed->format), m_args.out);
  }

 private:
  CommonArgs m_args;
  BiasOptions m_bias;
  std::string m_side;
  std::optional<double> m_target;
};

}  // namespace

std::unique_ptr<Command> make_bias_command() { return std::make_unique<BiasCommand>(); }

}  // namespace metapool::cli
