// One class per CLI command (cmd_*.cpp); main.cpp lists them. The CLI is the
// only code that prints or exits.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "analysis/pipeline.hpp"
#include "core/diagnostic.hpp"
#include "render/output.hpp"

namespace metapool::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;

class Command {
 public:
  virtual ~Command() = default;
  // Adds the subcommand and its options to `app`; returns it.
  virtual CLI::App* attach(CLI::App& app) = 0;
  // Runs after a successful parse; returns the exit status.
  virtual int run() = 0;
};

// The whole CLI: argv in, exit status out (defined in main.cpp).
int run_app(int argc, char** argv);

std::unique_ptr<Command> make_effects_command();
std::unique_ptr<Command> make_pool_command();
std::unique_ptr<Command> make_reproduce_command();
std::unique_ptr<Command> make_sensitivity_command();
std::unique_ptr<Command> make_bias_command();
// `argv` as given, for the report's reproducibility stamp.
std::unique_ptr<Command> make_report_command(std::vector<std::string> argv);
std::unique_ptr<Command> make_batch_command(std::vector<std::string> argv);
// `argv` as given, for the index page's reproducibility stamp.
std::unique_ptr<Command> make_collection_command(std::vector<std::string> argv);

// Options shared by the analysis commands, as typed; converted and checked
// after parsing so every bad value gets our message and exit status 2.
struct CommonArgs {
  std::string file;
  std::string measure;
  std::string method = "REML";
  std::string test = "z";
  double level = 95;
  std::optional<double> cc;
  std::string cc_to = "only0";
  std::string format = "text";
  std::string out;
  // Conventions (core/conventions.hpp); empty/nullopt = not given.
  std::string pft_scale, smd_vtype;          // effects and pool
  std::string i2, pi_df, mh_cc;              // pool
  std::optional<double> mh_cc_add;           // pool
};

// Adds FILE, --measure, --cc, --cc-to, --level, --format, --out, --pft-scale,
// --smd-vtype; with `pooling` also --method, --test, --i2, --pi-df, --mh-cc,
// --mh-cc-add.
void add_common_options(CLI::App& cmd, CommonArgs& args, bool pooling);

struct ParsedArgs {
  AnalysisOptions options;
  OutputFormat format = OutputFormat::Text;
};
Expected<ParsedArgs> convert(const CommonArgs& args);

// Prints the diagnostic on stderr; returns kExitBadInput.
int report(const Diagnostic& diagnostic);
// Writes `text` to `out_path` atomically, or to stdout when empty.
int emit(const std::string& text, const std::string& out_path);

// POSIX shell quoting, so that a report's stamp can be pasted back.
std::string shell_quote(const std::string& arg);
// The command line of a run for a report's stamp; argv[0] is written as
// "metapool" (the path of the binary would make reports machine-dependent).
std::string command_line(const std::vector<std::string>& argv);

}  // namespace metapool::cli
