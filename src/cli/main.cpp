// metapool command-line interface.
//
// Exit status: 0 success; 2 bad input or bad arguments (one message on
// stderr); 1 internal failure.
#include <exception>
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "cli/command.hpp"

namespace metapool::cli {

// The whole command line, parse to exit status; main() adds only the last
// line of defence. Exposed (not static) for the command-line fuzz target.
int run_app(int argc, char** argv) {
  CLI::App app{"metapool: meta-analysis of clinical-trial outcomes, numerically faithful to metafor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_string());

  std::vector<std::unique_ptr<cli::Command>> commands;
  commands.push_back(cli::make_effects_command());
  commands.push_back(cli::make_pool_command());
  commands.push_back(cli::make_reproduce_command());
  commands.push_back(cli::make_sensitivity_command());
  commands.push_back(cli::make_bias_command());
  commands.push_back(cli::make_report_command(std::vector<std::string>(argv, argv + argc)));
  commands.push_back(cli::make_batch_command(std::vector<std::string>(argv, argv + argc)));
  commands.push_back(cli::make_collection_command(std::vector<std::string>(argv, argv + argc)));
  std::vector<std::pair<CLI::App*, cli::Command*>> attached;
  for (auto& command : commands) attached.emplace_back(command->attach(app), command.get());

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "metapool: error: " << e.what() << " (run 'metapool --help' for usage)\n";
    return cli::kExitBadInput;
  }
  for (auto& [subcommand, command] : attached) {
    if (subcommand->parsed()) return command->run();
  }
  return cli::kExitBadInput;
}

}  // namespace metapool::cli

#ifndef METAPOOL_NO_MAIN
int main(int argc, char** argv) {
  try {
    return metapool::cli::run_app(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "metapool: internal error: " << e.what() << '\n';
    return metapool::cli::kExitInternal;
  } catch (...) {
    std::cerr << "metapool: internal error\n";
    return metapool::cli::kExitInternal;
  }
}
#endif
