// metapool command-line interface: parses arguments, calls the analysis
// pipeline, prints. The only code that writes to stdout/stderr or exits.
//
// Exit status: 0 success; 2 bad input or bad arguments (one message on
// stderr); 1 internal failure.
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/pipeline.hpp"
#include "io/output_file.hpp"
#include "render/output.hpp"

namespace {

using namespace metapool;

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;

// Raw option text as typed; converted and checked after parsing so that every
// bad value gets our own message and exit status 2.
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
};

void add_common(CLI::App& cmd, CommonArgs& args, bool pooling) {
  cmd.add_option("FILE", args.file, "input CSV file, or - for standard input")->required();
  cmd.add_option("--measure", args.measure,
                 "effect measure: " + measure_codes() + " (default: by data shape)");
  cmd.add_option("--cc", args.cc, "continuity correction added to cells (default: metafor's, 0.5)");
  cmd.add_option("--cc-to", args.cc_to, "which studies get it: only0 | all | if0all | none");
  cmd.add_option("--level", args.level, "confidence level in percent (default 95)");
  cmd.add_option("--format", args.format, "output format: text | json | csv | md | latex");
  cmd.add_option("--out", args.out, "write to this file instead of standard output");
  if (pooling) {
    cmd.add_option("--method", args.method,
                   "pooling method: " + method_codes() +
                       "; a list such as REML,DL gives fallbacks tried in order when an iterative "
                       "estimator does not converge (default REML)");
    cmd.add_option("--test", args.test, "z | t | knha (Hartung-Knapp-Sidik-Jonkman) (default z)");
  }
}

struct Parsed {
  AnalysisOptions options;
  OutputFormat format = OutputFormat::Text;
};

Expected<Parsed> convert(const CommonArgs& args) {
  Parsed parsed;
  AnalysisOptions& o = parsed.options;
  if (!args.measure.empty()) {
    o.measure = parse_measure(args.measure);
    if (!o.measure) {
      return make_error(fmt::format("unknown --measure \"{}\"; expected one of: {}", args.measure,
                                    measure_codes()));
    }
  }
  std::vector<Method> methods;
  std::size_t start = 0;
  while (start <= args.method.size()) {
    const std::size_t comma = args.method.find(',', start);
    const std::string code = args.method.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto method = parse_method(code);
    if (!method) {
      return make_error(fmt::format("unknown --method \"{}\"; expected one of: {}", code, method_codes()));
    }
    methods.push_back(*method);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  o.method = methods.front();
  o.fallback.assign(methods.begin() + 1, methods.end());
  const auto test = parse_test(args.test);
  if (!test) return make_error(fmt::format("unknown --test \"{}\"; expected z, t or knha", args.test));
  o.test = *test;
  if (!(args.level > 0 && args.level < 100)) {
    return make_error(fmt::format("--level {} is outside (0, 100); expected a percentage such as 95",
                                  args.level));
  }
  // metafor accepts 0.95 and 95 alike; so do we.
  o.ci_level = args.level >= 1 ? args.level / 100 : args.level;
  o.cc = args.cc;
  const auto cc_to = parse_cc_to(args.cc_to);
  if (!cc_to) {
    return make_error(fmt::format("unknown --cc-to \"{}\"; expected only0, all, if0all or none", args.cc_to));
  }
  o.cc_to = *cc_to;
  const auto format = parse_format(args.format);
  if (!format) {
    return make_error(fmt::format("unknown --format \"{}\"; expected text, json, csv, md or latex", args.format));
  }
  parsed.format = *format;
  return parsed;
}

int report(const Diagnostic& diagnostic) {
  std::cerr << diagnostic.render() << '\n';
  return kExitBadInput;
}

int emit(const std::string& text, const std::string& out_path) {
  if (out_path.empty()) {
    std::cout << text;
    std::cout.flush();
    return std::cout ? kExitOk : kExitInternal;
  }
  auto written = write_file_atomic(out_path, text);
  if (!written) return report(written.error());
  return kExitOk;
}

template <class Analyse, class Render>
int run_command(const CommonArgs& args, Analyse analyse, Render render) {
  auto parsed = convert(args);
  if (!parsed) return report(parsed.error());
  auto table = read_csv_file(args.file);
  if (!table) return report(table.error());
  auto result = analyse(std::move(table).value(), parsed->options);
  if (!result) return report(result.error());
  return emit(render(*result, parsed->format), args.out);
}

int run(int argc, char** argv) {
  CLI::App app{"metapool: meta-analysis of clinical-trial outcomes, numerically faithful to metafor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_string());

  CommonArgs effects_args;
  CLI::App* effects = app.add_subcommand("effects", "per-study effect sizes and sampling variances (metafor escalc)");
  add_common(*effects, effects_args, false);

  CommonArgs pool_args;
  CLI::App* pool = app.add_subcommand("pool", "the pooled model: estimate, CI, heterogeneity, tau^2 and its CI, prediction interval");
  add_common(*pool, pool_args, true);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "metapool: error: " << e.what() << "\n(run 'metapool --help' for usage)\n";
    return kExitBadInput;
  }

  if (effects->parsed()) {
    return run_command(effects_args, analyse_effects,
                       [](const EffectsAnalysis& a, OutputFormat f) { return render_effects(a, f); });
  }
  if (pool->parsed()) {
    return run_command(pool_args, analyse_pool,
                       [](const PoolAnalysis& a, OutputFormat f) { return render_pool(a, f); });
  }
  return kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "metapool: internal error: " << e.what() << '\n';
    return kExitInternal;
  } catch (...) {
    std::cerr << "metapool: internal error\n";
    return kExitInternal;
  }
}
