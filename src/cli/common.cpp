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
  cmd.add_option("--pft-scale", args.pft_scale,
                 "PFT only: half (default, metafor and meta: halved Freeman-Tukey) | full (Miller 1978: unhalved, "
                 "vi = 1/(n + 1/2))");
  cmd.add_option("--smd-vtype", args.smd_vtype,
                 "SMD only: sampling variance of Hedges' g, metafor's vtype: LS (default) | UB | LS2 | AV");
  if (pooling) {
    cmd.add_option("--i2", args.i2,
                   "I^2/H^2 of random-effects models: metafor (default: tau^2/(tau^2 + s^2), Q-profile CI) | "
                   "higgins ((Q - df)/Q as RevMan and meta, test-based CI)");
    cmd.add_option("--pi-df", args.pi_df,
                   "prediction interval distribution: auto (default, metafor: z for --test z, t(k-1) for t/knha) | "
                   "z | k-1 | k-2 (t with k-2 df: Higgins et al. 2009, Cochrane Handbook, meta)");
    cmd.add_option("--mh-cc", args.mh_cc,
                   "--method MH: continuity correction of the counts in the MH estimate itself: none (default, "
                   "metafor) | only0 (RevMan, meta) | all | if0all");
    cmd.add_option("--mh-cc-add", args.mh_cc_add, "amount added by --mh-cc (default 0.5)");
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
  if (!args.pft_scale.empty()) {
    o.pft_scale = parse_pft_scale(args.pft_scale);
    if (!o.pft_scale) {
      return make_error(fmt::format("unknown --pft-scale \"{}\"; expected half or full", args.pft_scale));
    }
  }
  if (!args.smd_vtype.empty()) {
    o.smd_vtype = parse_smd_vtype(args.smd_vtype);
    if (!o.smd_vtype) {
      return make_error(fmt::format("unknown --smd-vtype \"{}\"; expected LS, UB, LS2 or AV", args.smd_vtype));
    }
  }
  if (!args.i2.empty()) {
    o.i2 = parse_i2_definition(args.i2);
    if (!o.i2) return make_error(fmt::format("unknown --i2 \"{}\"; expected metafor or higgins", args.i2));
  }
  if (!args.pi_df.empty()) {
    const auto pi_df = parse_pi_df(args.pi_df);
    if (!pi_df) {
      return make_error(fmt::format("unknown --pi-df \"{}\"; expected auto, z, k-1 or k-2", args.pi_df));
    }
    if (*pi_df != PiDf::Auto) o.pi_df = *pi_df;
  }
  if (!args.mh_cc.empty()) {
    o.mh_cc = parse_cc_to(args.mh_cc);
    if (!o.mh_cc) {
      return make_error(fmt::format("unknown --mh-cc \"{}\"; expected none, only0, all or if0all", args.mh_cc));
    }
  }
  o.mh_cc_add = args.mh_cc_add;
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

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                            "@%_+=:,./-") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out = "metapool";
  for (std::size_t i = 1; i < argv.size(); ++i) out += " " + shell_quote(argv[i]);
  return out;
}

}  // namespace metapool::cli
