#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "io/output_file.hpp"

namespace metapool::cli {

void add_common_options(CLI::App& cmd, CommonArgs& args, bool pooling) {
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

Expected<ParsedArgs> convert(const CommonArgs& args) {
  ParsedArgs parsed;
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
  for (;;) {
    const std::size_t comma = args.method.find(',', start);
    const std::string code =
        args.method.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto method = parse_method(code);
    if (!method) {
      return make_error(
          fmt::format("unknown --method \"{}\"; expected one of: {}", code, method_codes()));
    }
    methods.push_back(*method);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  o.method = methods.front();
  o.fallback.assign(methods.begin() + 1, methods.end());
  const auto test = parse_test(args.test);
  if (!test) {
    return make_error(fmt::format("unknown --test \"{}\"; expected z, t or knha", args.test));
  }
  o.test = *test;
  if (!(args.level > 0 && args.level < 100)) {
    return make_error(fmt::format(
        "--level {} is outside (0, 100); expected a percentage such as 95", args.level));
  }
  // metafor accepts 0.95 and 95 alike; so do we.
  o.ci_level = args.level >= 1 ? args.level / 100 : args.level;
  o.cc = args.cc;
  const auto cc_to = parse_cc_to(args.cc_to);
  if (!cc_to) {
    return make_error(fmt::format("unknown --cc-to \"{}\"; expected only0, all, if0all or none",
                                  args.cc_to));
  }
  o.cc_to = *cc_to;
  const auto format = parse_format(args.format);
  if (!format) {
    return make_error(fmt::format(
        "unknown --format \"{}\"; expected text, json, csv, md or latex", args.format));
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

}  // namespace metapool::cli
