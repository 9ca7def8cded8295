// metapool batch FILE --by COL[,COL..]: many analyses in one run. The rows of
// one analysis are consecutive in FILE and share the values of the --by
// columns; every configuration of --analyses is fitted to every analysis,
// and one results table (CSV or JSONL) is written in file order.
//
// Exit status: 0 every row ok; 2 bad arguments or bad input that stops the
// run (nothing written), or a complete table in which some rows have status
// error; 1 internal failure.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "batch/analysis_spec.hpp"
#include "batch/group_reader.hpp"
#include "batch/held_output.hpp"
#include "batch/runner.hpp"
#include "cli/command.hpp"
#include "report/convert.hpp"
#include "report/sha256.hpp"

namespace metapool::cli {
namespace {

// The results file, written to a temporary file beside it and renamed into
// place only when the whole table has been written.
class AtomicOutputFile {
 public:
  ~AtomicOutputFile() { discard(); }

  std::optional<Diagnostic> open(const std::string& path) {
    m_path = path;
    // An existing device or pipe (/dev/null, a FIFO) is written through, as
    // write_file_atomic does: renaming over it would replace it.
    struct stat existing {};
    if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode) && !S_ISDIR(existing.st_mode)) {
      m_file = std::fopen(path.c_str(), "wb");
      if (m_file == nullptr) return make_error(fmt::format("--out {}: cannot open it for writing", path));
      m_direct = true;
      set_buffer();
      return std::nullopt;
    }
    const auto target = std::filesystem::path(path);
    const auto dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::string pattern = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) return make_error(fmt::format("--out {}: cannot create a file in {}", path, dir.string()));
    m_temp = pattern;
    ::fchmod(fd, 0644);  // as write_file_atomic: mkstemp creates 0600
    m_file = ::fdopen(fd, "wb");
    if (m_file == nullptr) {
      ::close(fd);
      return make_error(fmt::format("--out {}: cannot open the temporary file", path));
    }
    set_buffer();
    return std::nullopt;
  }
  bool write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), m_file) != text.size()) return false;
    m_written += text.size();
    if (!m_direct && m_written - m_queued >= kWritebackStep) start_writeback();
    return true;
  }
  // 64 KiB instead of stdio's 4 KiB: a 10,000-analysis table (~5 MB) takes
  // ~80 write calls instead of over a thousand. Not larger: every fresh 4 KiB
  // page of a buffer costs a page fault, and 1 MiB cost more than the calls
  // it saved.
  void set_buffer() {
    m_buffer = std::make_unique_for_overwrite<char[]>(kBufferSize);
    std::setvbuf(m_file, m_buffer.get(), _IOFBF, kBufferSize);
  }
  std::optional<Diagnostic> commit() {
    if (m_direct) {
      const bool ok = std::fclose(m_file) == 0;
      m_file = nullptr;
      if (!ok) return make_error(fmt::format("--out {}: cannot write the file", m_path));
      return std::nullopt;
    }
    const bool flushed = std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (!flushed || !closed || std::rename(m_temp.c_str(), m_path.c_str()) != 0) {
      discard();
      return make_error(fmt::format("--out {}: cannot write the file", m_path));
    }
    m_temp.clear();
    return std::nullopt;
  }
  // Asks the kernel to start writing what the temporary file has so far, while
  // the analyses go on: the fsync in commit() then waits for the last
  // stretch only (about 0.5 ms instead of 3 ms for a 5 MB table on this
  // machine's ext4). A hint: a failure here shows up in fsync.
  void start_writeback() {
    if (std::fflush(m_file) != 0) return;
#ifdef __linux__
    ::sync_file_range(::fileno(m_file), static_cast<off_t>(m_queued), static_cast<off_t>(m_written - m_queued),
                      SYNC_FILE_RANGE_WRITE);
#endif
    m_queued = m_written;
  }
  void discard() {
    if (m_file != nullptr) std::fclose(m_file);
    m_file = nullptr;
    if (!m_temp.empty()) std::remove(m_temp.c_str());
    m_temp.clear();
  }

 private:
  std::string m_path, m_temp;
  static constexpr std::size_t kBufferSize = std::size_t{1} << 16;
  static constexpr std::size_t kWritebackStep = std::size_t{1} << 20;
  std::size_t m_written = 0;  // bytes handed to m_file
  std::size_t m_queued = 0;   // bytes whose writeback has been started
  std::unique_ptr<char[]> m_buffer;  // m_file's buffer (closed before it goes)
  std::FILE* m_file = nullptr;
  bool m_direct = false;  // writing through a device or pipe
};

// How much of a table standard output holds back (batch::HeldOutput):
// METAPOOL_BATCH_HOLD_BYTES when set (a whole number of bytes; the tests use
// a small one to cross the limit), else the default.
Expected<std::size_t> hold_limit() {
  const char* text = std::getenv("METAPOOL_BATCH_HOLD_BYTES");
  if (text == nullptr) return batch::HeldOutput::kDefaultLimit;
  const std::string_view value(text);
  std::size_t bytes = 0;
  const auto [end, problem] = std::from_chars(value.data(), value.data() + value.size(), bytes);
  if (value.empty() || problem != std::errc() || end != value.data() + value.size()) {
    return make_error(fmt::format("METAPOOL_BATCH_HOLD_BYTES is \"{}\"; expected a whole number of bytes",
                                  value));
  }
  return bytes;
}

// "[=======>      ] 4200/10000  42%  35012/s  ETA 0:00:02" on one line of stderr.
class ProgressBar {
 public:
  void update(const batch::BatchProgress& p, bool final = false) {
    const auto now = std::chrono::steady_clock::now();
    if (!final && now - m_last < std::chrono::milliseconds(100)) return;
    m_last = now;
    const double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.done) / p.elapsed_seconds : 0.0;
    std::string line;
    if (p.total > 0) {
      const double fraction = std::min(1.0, static_cast<double>(p.done) / static_cast<double>(p.total));
      const int width = 30;
      const int filled = static_cast<int>(fraction * width);
      line = "[" + std::string(static_cast<std::size_t>(filled), '=') + (filled < width ? ">" : "") +
             std::string(static_cast<std::size_t>(std::max(0, width - filled - 1)), ' ') + "] ";
      line += fmt::format("{}/{} {:3.0f}%  {:.0f}/s", p.done, p.total, fraction * 100, rate);
      if (rate > 0) {
        const auto eta = static_cast<long long>(static_cast<double>(p.total - std::min(p.done, p.total)) / rate);
        line += fmt::format("  ETA {}:{:02}:{:02}", eta / 3600, eta / 60 % 60, eta % 60);
      }
    } else {
      line = fmt::format("{} analyses  {:.0f}/s", p.done, rate);
    }
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    if (final) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  std::chrono::steady_clock::time_point m_last{};
};

class BatchCommand final : public Command {
 public:
  explicit BatchCommand(std::vector<std::string> argv) : m_argv(std::move(argv)) {}

  CLI::App* attach(CLI::App& app) override {
    CLI::App* cmd = app.add_subcommand(
        "batch", "many analyses in one run: one row per analysis x configuration of a long-format CSV");
    add_common_options(*cmd, m_args, true);
    m_args.format = "csv";
    cmd->get_option("--format")->description("output format: csv (default) | jsonl (one JSON object per line)");
    cmd->add_option("--by", m_by, "id columns of an analysis, e.g. outcome,timepoint (rows of one analysis "
                                  "must be consecutive)")
        ->required()
        ->delimiter(',');
    cmd->add_option("--analyses", m_analyses,
                    "configurations fitted to every analysis, ';'-separated, each KEY=VALUE[,KEY=VALUE..] "
                    "with keys measure, method (fallbacks as REML/DL), test, level, cc, cc_to, label; e.g. "
                    "\"method=REML,test=knha;method=DL\" (default: the options given)");
    cmd->add_option("--threads", m_threads, "worker threads (default: all cores)");
    cmd->add_option("--shard", m_shard, "i/n: only analyses g with g mod n = i (0-based, file order)");
    cmd->add_option("--reports", m_reports,
                    "directory for a full report (as metapool report, plus pool.json) per analysis and configuration");
    cmd->add_flag("--report-images", m_report_images,
                  "with --reports: also PNG and PDF versions of the plots (rsvg-convert; one process per plot)");
    return cmd;
  }

  int run() override {
    CommonArgs common = m_args;
    common.format = "text";  // batch formats are checked below
    auto parsed = convert(common);
    if (!parsed) return report(parsed.error());
    const auto format = batch::parse_batch_format(m_args.format);
    if (!format) {
      return report(make_error(fmt::format("unknown --format \"{}\" for batch; expected csv or jsonl", m_args.format)));
    }
    auto configs = batch::parse_analyses(m_analyses, parsed->options);
    if (!configs) return report(configs.error());
    if (!parsed->options.measure && m_analyses.empty()) {
      // the measure is known per analysis only; validated there
    } else if (parsed->options.measure && m_analyses.empty()) {
      if (auto problem = validate(parsed->options, *parsed->options.measure)) return report(*problem);
    }
    batch::BatchOptions options;
    options.path = m_args.file;
    options.by = m_by;
    options.configs = std::move(configs).value();
    options.format = *format;
    if (m_threads) {
      if (*m_threads < 1 || *m_threads > 4096) {
        return report(make_error(fmt::format("--threads {} is invalid; expected 1 to 4096", *m_threads)));
      }
      options.threads = static_cast<unsigned>(*m_threads);
    }
    if (!m_shard.empty()) {
      auto shard = batch::parse_shard(m_shard);
      if (!shard) return report(shard.error());
      options.shard = *shard;
    }
    if (m_report_images && m_reports.empty()) return report(make_error("--report-images needs --reports DIR"));
    if (!m_reports.empty()) {
      auto& reports = options.reports;
      reports.dir = m_reports;
      reports.input_name = m_args.file == "-" ? "<stdin>" : std::filesystem::path(m_args.file).filename().string();
      reports.command_line = command_line(m_argv);
      if (m_args.file == "-") {
        reports.input_sha256 = "not computed (read from standard input)";
      } else if (auto hash = report::sha256_file_hex(m_args.file)) {
        reports.input_sha256 = *hash;
      } else {
        Diagnostic d;
        d.file = m_args.file;
        d.message = "cannot open the file (does it exist and is it readable?)";
        return report(d);
      }
      if (m_report_images) {
        const char* override_path = std::getenv("METAPOOL_RSVG_CONVERT");
        reports.converter = report::find_rsvg_convert(override_path ? override_path : "");
        if (!reports.converter) {
          return report(make_error("--report-images needs rsvg-convert (install the Debian package librsvg2-bin, or "
                                   "run scripts/setup.sh)"));
        }
      }
    }

    // Bad input found anywhere stops the run with nothing written. With
    // --out the table goes to a temporary file renamed into place at the end;
    // on standard output it is held back (batch::HeldOutput) until the whole
    // input has been read, and a table larger than the hold is written from
    // there on only after a pass over the whole of a regular file. The
    // progress bar's total comes from a first pass over a regular file,
    // which also checks it, so that output need not be held.
    const bool show_progress = ::isatty(2) == 1;
    std::error_code ec;
    const bool regular = m_args.file != "-" && std::filesystem::is_regular_file(m_args.file, ec);
    bool checked = false;
    if (show_progress && regular) {
      auto total = batch::count_groups(m_args.file, m_by);
      if (!total) return report(total.error());
      options.total_groups = *total;
      checked = true;
    }

    AtomicOutputFile file;
    if (!m_args.out.empty()) {
      if (auto problem = file.open(m_args.out)) return report(*problem);
    }
    static char buffer[1 << 16];
    if (m_args.out.empty()) std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    const batch::OutputSink to_stdout = [](std::string_view text) {
      return std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
    };
    std::optional<batch::HeldOutput> held;
    if (m_args.out.empty() && !checked) {
      auto limit = hold_limit();
      if (!limit) return report(limit.error());
      batch::HeldOutput::Check check;
      if (regular) {
        check = [this]() -> std::optional<Diagnostic> {
          auto total = batch::count_groups(m_args.file, m_by);
          if (!total) return total.error();
          return std::nullopt;
        };
      }
      held.emplace(to_stdout, std::move(check), *limit);
    }
    const batch::OutputSink output = [&](std::string_view text) {
      if (!m_args.out.empty()) return file.write(text);
      if (held) return held->write(text);
      return to_stdout(text);
    };
    ProgressBar bar;
    batch::ProgressSink progress;
    if (show_progress) progress = [&](const batch::BatchProgress& p) { bar.update(p); };

    const auto started = std::chrono::steady_clock::now();
    auto summary = batch::run_batch(options, output, progress);
    if (show_progress && summary) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      bar.update({summary->groups, summary->groups, elapsed}, true);
    }
    if (!summary) {
      if (show_progress) std::fputc('\n', stderr);
      file.discard();
      std::fflush(stdout);
      if (held && held->check_failure()) return report(*held->check_failure());
      return report(summary.error());
    }
    if (!m_args.out.empty()) {
      if (auto problem = file.commit()) return report(*problem);
    } else if ((held && !held->finish()) || std::fflush(stdout) != 0) {
      return report(make_error("cannot write the results to standard output"));
    }
    if (summary->failed > 0) {
      std::cerr << fmt::format("metapool batch: {} of {} analyses failed (status error: bad data, or a model that "
                               "could not be fitted or did not converge); the table is complete, see its error "
                               "column\n",
                               summary->failed, summary->rows);
      return kExitBadInput;
    }
    return kExitOk;
  }

 private:
  CommonArgs m_args;
  std::vector<std::string> m_by;
  std::string m_analyses;
  std::optional<int> m_threads;
  std::string m_shard;
  std::string m_reports;
  bool m_report_images = false;
  std::vector<std::string> m_argv;
};

}  // namespace

std::unique_ptr<Command> make_batch_command(std::vector<std::string> argv) {
  return std::make_unique<BatchCommand>(std::move(argv));
}

}  // namespace metapool::cli
