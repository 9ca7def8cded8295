// metapool collection MANIFEST --out DIR [--figures FILE]: every analysis a
// manifest lists (report/collection.hpp) under one index page. Pooled entries
// get a full report in DIR/<id>/, single-study entries an effects table; the
// figures file is recomputed as `reproduce --file` does. Everything is built
// in a temporary directory next to DIR and renamed into place when complete.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "analysis/report_data.hpp"
#include "cli/command.hpp"
#include "report/collection.hpp"
#include "report/convert.hpp"
#include "report/output_dir.hpp"
#include "report/report.hpp"
#include "report/sha256.hpp"
#include "reproduce/figure.hpp"

namespace metapool::cli {
namespace {

namespace fs = std::filesystem;

Expected<std::string> read_bytes(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Diagnostic d;
    d.file = path;
    d.message = fmt::format("cannot open the {} (does it exist and is it readable?)", what);
    return d;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    Diagnostic d;
    d.file = path;
    d.message = fmt::format("error while reading the {}", what);
    return d;
  }
  return std::move(buffer).str();
}

class CollectionCommand final : public Command {
 public:
  explicit CollectionCommand(std::vector<std::string> argv) : m_argv(std::move(argv)) {}

  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand(
        "collection",
        "many analyses under one index page: a report per pooled analysis, single studies unpooled, reported "
        "figures recomputed (MANIFEST lists them)");
    cmd->add_option("MANIFEST", m_manifest,
                    "CSV: id, kind (pool | single | not_pooled), file (relative to the manifest), title, comparison, "
                    "outcome, timepoint, measure, method, subgroup, notes")
        ->required();
    cmd->add_option("--out", m_out, "the directory to write (replaced only if empty or an earlier metapool output)");
    cmd->add_option("--figures", m_figures, "a CSV of reported figures to recompute (as reproduce --file)");
    cmd->add_option("--title", m_title, "title of the index page");
    cmd->add_option("--intro", m_intro, "a paragraph under the title");
    return cmd;
  }

  int run() override {
    if (m_out.empty()) return report(make_error("collection needs --out DIR, the directory to write"));
    auto manifest_bytes = read_bytes(m_manifest, "manifest");
    if (!manifest_bytes) return report(manifest_bytes.error());
    auto manifest = parse_csv_text(*manifest_bytes, m_manifest);
    if (!manifest) return report(manifest.error());
    auto entries = report::read_collection_manifest(*manifest);
    if (!entries) return report(entries.error());
    const fs::path base = fs::path(m_manifest).parent_path();

    std::vector<report::CollectionAnalysis> analyses;
    std::vector<std::string> inputs;  // bytes of each entry's file
    for (const auto& entry : *entries) {
      report::CollectionAnalysis c;
      c.entry = entry;
      std::string bytes;
      if (entry.kind != report::EntryKind::NotPooled) {
        const std::string path = (base / entry.file).lexically_normal().string();
        auto read = read_bytes(path, "study table");
        if (!read) {
          Diagnostic d = read.error();
          d.message += fmt::format(" (manifest {} line {}, entry \"{}\")", m_manifest, entry.line, entry.id);
          return report(d);
        }
        bytes = std::move(*read);
        auto table = parse_csv_text(bytes, path);
        if (!table) return report(table.error());
        c.input_sha256 = report::sha256_hex(bytes);
        c.input_path = path;
        c.provenance = report::tally_column(*table, "counts_source");
        const AnalysisOptions options = report::entry_options(entry);
        if (entry.kind == report::EntryKind::Pool) {
          c.command_line = "metapool report " + shell_quote(path);
          if (!entry.measure.empty()) c.command_line += " --measure " + shell_quote(entry.measure);
          if (!entry.method.empty()) c.command_line += " --method " + shell_quote(entry.method);
          if (!entry.subgroup.empty()) c.command_line += " --subgroup " + shell_quote(entry.subgroup);
          c.command_line += " --out " + shell_quote((fs::path(m_out) / entry.id).lexically_normal().string());
          auto data = analyse_report(std::move(table).value(), options);
          if (!data) return report(data.error());
          if (data->analysis.pool.k < 2) {
            Diagnostic d;
            d.file = m_manifest;
            d.line = entry.line;
            d.message = fmt::format("entry \"{}\" is kind pool but {} has k = {} study in the model; use kind single",
                                    entry.id, path, data->analysis.pool.k);
            return report(d);
          }
          c.report = std::move(*data);
        } else {
          c.command_line = "metapool effects " + shell_quote(path);
          if (!entry.measure.empty()) c.command_line += " --measure " + shell_quote(entry.measure);
          auto pooled = analyse_pool(std::move(table).value(), options);
          if (!pooled) return report(pooled.error());
          c.single = std::move(*pooled);
        }
      }
      analyses.push_back(std::move(c));
      inputs.push_back(std::move(bytes));
    }

    report::CollectionOptions options;
    if (!m_title.empty()) options.title = m_title;
    options.intro = m_intro;
    options.manifest_name = m_manifest;
    options.manifest_sha256 = report::sha256_hex(*manifest_bytes);
    options.command_line = "metapool";
    for (std::size_t i = 1; i < m_argv.size(); ++i) options.command_line += " " + shell_quote(m_argv[i]);
    if (m_figures) {
      auto table = read_csv_file(*m_figures);
      if (!table) return report(table.error());
      auto figures = reproduce::read_figures(*table);
      if (!figures) return report(figures.error());
      ReproduceReport rr;
      rr.source = *m_figures;
      for (const auto& figure : *figures) rr.figures.push_back(reproduce::reproduce_figure(figure, rr.options));
      options.reproduce = std::move(rr);
      options.reproduce_name = *m_figures;
      options.reproduce_raw = std::move(*table);
    }

    const char* override_path = std::getenv("METAPOOL_RSVG_CONVERT");
    const auto converter = report::find_rsvg_convert(override_path ? override_path : "");
    if (!converter) {
      options.warnings.push_back(
          "PNG and PDF versions of the plots were not written: rsvg-convert was not found (install the Debian "
          "package librsvg2-bin). The SVG plots are complete.");
      std::cerr << "metapool: warning: rsvg-convert not found; writing SVG plots only (install librsvg2-bin)\n";
    }

    const auto top = report::build_collection_index(analyses, options);
    const auto finish = [&](const std::string& temp) -> std::optional<Diagnostic> {
      for (std::size_t i = 0; i < analyses.size(); ++i) {
        const auto& c = analyses[i];
        const std::string dir = temp + "/" + c.entry.id;
        if (c.report) {
          report::ReportOptions ro;
          ro.input_name = fs::path(c.entry.file).filename().string();
          ro.input_sha256 = c.input_sha256;
          ro.command_line = c.command_line;
          ro.images = converter.has_value();
          if (!converter) ro.warnings.push_back(options.warnings.front());
          const auto files = report::build_report(*c.report, ro);
          const auto svgs = report::svg_names(files);
          const auto convert = [&](const std::string& sub) { return report::convert_svgs(converter, sub, svgs, 0); };
          auto written = report::write_directory_atomic(dir, files, convert);
          if (!written) return written.error();
        } else if (c.single) {
          auto written = report::write_directory_atomic(dir, report::build_single_files(c, inputs[i]), nullptr);
          if (!written) return written.error();
        }
      }
      return std::nullopt;
    };
    auto written = report::write_directory_atomic(m_out, top, finish);
    if (!written) {
      std::cerr << written.error().render() << '\n';
      return written.error().message.find("failed to convert") != std::string::npos ? kExitInternal : kExitBadInput;
    }
    return kExitOk;
  }

 private:
  std::vector<std::string> m_argv;
  std::string m_manifest;
  std::string m_out;
  std::optional<std::string> m_figures;
  std::string m_title;
  std::string m_intro;
};

}  // namespace

std::unique_ptr<Command> make_collection_command(std::vector<std::string> argv) {
  return std::make_unique<CollectionCommand>(std::move(argv));
}

}  // namespace metapool::cli
