// metapool pool FILE: the pooled model (metafor rma / rma.mh / rma.peto with
// confint and predict), with --subgroup (subgroup analysis) or --mods
// (meta-regression, optionally with a permutation test).
#include <fmt/format.h>

#include "cli/command.hpp"

namespace metapool::cli {
namespace {

// The options of pool beyond CommonArgs, as typed.
struct PoolArgs {
  std::string subgroup;
  std::string subgroup_tau2 = "separate";
  std::vector<std::string> mods;
  std::optional<long long> permutations;
  std::uint64_t seed = 1;
  bool permutation_exact = false;
};

std::optional<Diagnostic> apply(const PoolArgs& args, AnalysisOptions& o) {
  if (!args.subgroup.empty()) o.subgroup = args.subgroup;
  const auto mode = parse_subgroup_tau2(args.subgroup_tau2);
  if (!mode) {
    return make_error(fmt::format("unknown --subgroup-tau2 \"{}\"; expected separate or common", args.subgroup_tau2));
  }
  o.subgroup_tau2 = *mode;
  for (const auto& name : args.mods) {
    if (name.empty()) return make_error("--mods: empty column name; expected a list such as ablat,year");
    o.mods.push_back(name);
  }
  if (args.permutations || args.permutation_exact) {
    PermutationOptions perm;
    if (args.permutations) {
      if (*args.permutations < 2) {
        return make_error(fmt::format("--permutations {} is too small; expected at least 2", *args.permutations));
      }
      perm.iterations = static_cast<std::size_t>(*args.permutations);
    }
    perm.seed = args.seed;
    perm.exact = args.permutation_exact;
    o.permutation = perm;
  }
  return std::nullopt;
}

class PoolCommand final : public Command {
 public:
  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand(
        "pool", "the pooled model: estimate, CI, heterogeneity, tau^2 and its CI, prediction interval");
    add_common_options(*cmd, m_args, true);
    cmd->add_option("--subgroup", m_pool.subgroup,
                    "column whose values define subgroups: one model per subgroup and tests for subgroup "
                    "differences");
    cmd->add_option("--subgroup-tau2", m_pool.subgroup_tau2,
                    "separate (default: tau^2 estimated in each subgroup) | common (tau^2 of the ~ factor(COL) "
                    "mixed-effects model for every subgroup)");
    cmd->add_option("--mods", m_pool.mods, "moderator columns of a meta-regression, e.g. ablat,year")
        ->delimiter(',');
    cmd->add_option("--permutations", m_pool.permutations,
                    "permutation test of the meta-regression with N permutations (metafor permutest)");
    cmd->add_option("--seed", m_pool.seed, "seed of the permutation test's random numbers (default 1)");
    cmd->add_flag("--permutation-exact", m_pool.permutation_exact,
                  "exact permutation test over every distinct permutation");
    return cmd;
  }

  int run() override {
    auto parsed = convert(m_args);
    if (!parsed) return report(parsed.error());
    if (auto problem = apply(m_pool, parsed->options)) return report(*problem);
    auto table = read_csv_file(m_args.file);
    if (!table) return report(table.error());
    auto analysis = analyse_pool(std::move(table).value(), parsed->options);
    if (!analysis) return report(analysis.error());
    return emit(render_pool(*analysis, parsed->format), m_args.out);
  }

 private:
  CommonArgs m_args;
  PoolArgs m_pool;
};

}  // namespace

std::unique_ptr<Command> make_pool_command() { return std::make_unique<PoolCommand>(); }

}  // namespace metapool::cli
