#include "batch/runner.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "io/number.hpp"
#include "io/study_reader.hpp"
#include "analysis/report_data.hpp"
#include "report/convert.hpp"
#include "report/output_dir.hpp"
#include "report/report.hpp"
#include "render/output.hpp"
#include "stats/distributions.hpp"

namespace metapool::batch {
namespace {

using Clock = std::chrono::steady_clock;

struct GroupOutput {
  std::string text;
  std::size_t rows = 0, failed = 0;
  bool counted = false;  // analysed from the group's counts
  std::optional<Diagnostic> fatal;  // a report could not be written
};

struct Context {
  const BatchOptions& options;
  std::vector<std::string> columns;
  std::vector<std::string> key_names;  // the --by columns as in the header
  // The input's name and header, for tables rebuilt from Group::row_text.
  std::string source;
  std::vector<std::string> header;
  int header_line = 0;
  // The studies of the header alone (read_studies_into with no rows), when
  // groups may be analysed from their counts (GroupReader::read_counts).
  std::optional<StudyData> count_layout;
};

// analyse_pool into `result` (analyse_pool_reusing: the previous analysis's
// storage is reused), with an exception as the analysis's error.
void analyse_guarded(CsvTable table, const AnalysisOptions& options, Expected<PoolAnalysis>& result) {
  try {
    analyse_pool_reusing(std::move(table), options, result);
  } catch (const std::exception& e) {
    result = make_error(fmt::format("internal error in this analysis: {}", e.what()));
  }
}

// The same from a group's counts (Group::counts_ok).
void analyse_guarded(const StudyData& layout, const Group& group, const AnalysisOptions& options,
                     Expected<PoolAnalysis>& result) {
  try {
    analyse_pool_reusing(layout, group.counts, group.row_text, group.row_lines, options, result);
  } catch (const std::exception& e) {
    result = make_error(fmt::format("internal error in this analysis: {}", e.what()));
  }
}

// Context::count_layout: when every configuration reads `header` as
// two-arm binary data and needs nothing of a group but its counts (no
// subgroups, moderators or reports, which read the rows as text), what they
// read for the header alone (the same for all: the columns of that shape
// do not depend on the measure); else none.
std::optional<StudyData> count_layout(const BatchOptions& options, const std::string& source,
                                      const std::vector<std::string>& header, int header_line) {
  if (!options.read_counts || !options.reports.dir.empty()) return std::nullopt;
  CsvTable table;
  table.source = source;
  table.header = header;
  table.header_line = header_line;
  std::optional<StudyData> layout;
  for (const auto& config : options.configs) {
    if (config.options.subgroup || !config.options.mods.empty()) return std::nullopt;
    auto read = read_studies(table, config.options.measure);
    if (!read || read->shape != DataShape::TwoArmBinary) return std::nullopt;
    if (!layout) layout = std::move(read).value();
  }
  return layout;
}

// One worker's copy of the configurations, pointing at the worker's own
// quantile memo (the models of one batch share k and level, so the t and
// chi-square quantiles are computed once instead of per analysis).
class WorkerState {
 public:
  explicit WorkerState(const std::vector<AnalysisConfig>& configs) : m_configs(configs) {
    for (auto& config : m_configs) config.options.quantiles = &m_quantiles;
  }
  WorkerState(const WorkerState&) = delete;
  WorkerState& operator=(const WorkerState&) = delete;
  const std::vector<AnalysisConfig>& configs() const { return m_configs; }
  // The last analysis (or error) of this worker, whose storage the next one reuses.
  Expected<PoolAnalysis>& result() { return m_result; }

  // The table of a group read as text (threaded runs), split again into this
  // worker's own rows and strings, which are reused from group to group.
  // Null when a line does not split (the reader accepted it: not expected).
  CsvTable* table_of(const Group& group, const Context& context) {
    CsvTable& table = m_table;
    if (table.header.size() != context.header.size()) table.header = context.header;
    if (table.source != context.source) table.source = context.source;
    table.header_line = context.header_line;
    table.clear_rows();
    std::string_view text = group.row_text;
    for (int line : group.row_lines) {
      const std::size_t end = text.find('\n');
      if (end == std::string_view::npos || !split_csv_row(text.substr(0, end), m_fields) ||
          m_fields.size() != table.header.size() || !table.add_row(m_fields, line)) {
        return nullptr;
      }
      text.remove_prefix(end + 1);
    }
    return &table;
  }

 private:
  stats::QuantileMemo m_quantiles;
  std::vector<AnalysisConfig> m_configs;
  CsvTable m_table;
  std::vector<std::string> m_fields;
  Expected<PoolAnalysis> m_result{std::in_place};
};

// The report of one analysis x configuration (--reports): what `metapool
// report` writes for the group's rows, plus pool.json (`pool --format json`),
// in DIR/report_dir_name(). A report that cannot be built or written stops
// the run (an I/O problem, unlike a failed analysis).
std::optional<Diagnostic> write_report(const Group& group, const CsvTable& table, std::size_t config_index,
                                       const AnalysisConfig& config, const PoolAnalysis& analysis,
                                       const Context& context) {
  const BatchReports& reports = context.options.reports;
  auto data = analyse_report(table, config.options);
  if (!data) return data.error();
  std::string key;
  for (std::size_t i = 0; i < group.key.size(); ++i) {
    key += fmt::format("{}{} = {}", i > 0 ? ", " : "", context.key_names[i], group.key[i]);
  }
  report::ReportOptions report_options;
  report_options.input_name = fmt::format("{} ({}; configuration {})", reports.input_name, key, config.label);
  report_options.input_sha256 = reports.input_sha256;
  report_options.command_line = reports.command_line;
  report_options.images = reports.converter.has_value();
  auto files = report::build_report(*data, report_options);
  files.push_back(report::OutputFile{"pool.json", render_pool(analysis, OutputFormat::Json)});
  const auto svgs = report::svg_names(files);
  const auto path = std::filesystem::path(reports.dir) / report_dir_name(group, config_index);
  auto written = report::write_directory_atomic(path.string(), files, [&](const std::string& temp) {
    return report::convert_svgs(reports.converter, temp, svgs, 0);
  });
  if (!written) return written.error();
  return std::nullopt;
}

// Fills `out` (its text's storage is reused: outputs are recycled).
void process_group(Group& group, const Context& context, WorkerState& worker, GroupOutput& out) {
  out.text.clear();
  out.rows = out.failed = 0;
  out.fatal.reset();
  // The rows: their counts, as the reader stored them, or (threaded, or a
  // group whose counts were not all read) split from their text.
  const bool counted = group.counts_ok && context.count_layout.has_value();
  out.counted = counted;
  CsvTable* table = &group.table;
  if (!counted && !group.row_lines.empty()) {
    table = worker.table_of(group, context);
    if (table == nullptr) {
      out.fatal = make_error(fmt::format("internal error: the rows of analysis {} (from line {}) did not split "
                                         "again as they did when read",
                                         group.index + 1, group.first_line));
      return;
    }
  }
  const auto& configs = worker.configs();
  const bool reports = !context.options.reports.dir.empty();
  out.text.reserve(1024 * configs.size());  // a row is ~600 bytes: no regrowth while appending
  for (std::size_t c = 0; c < configs.size(); ++c) {
    // analyse_pool takes the table by value: the last configuration may move
    // it, unless a report still needs the rows.
    const bool last_use = c + 1 == configs.size() && !reports;
    Expected<PoolAnalysis>& result = worker.result();
    if (counted) {
      analyse_guarded(*context.count_layout, group, configs[c].options, result);
    } else if (last_use) {
      analyse_guarded(std::move(*table), configs[c].options, result);
    } else {
      analyse_guarded(*table, configs[c].options, result);
    }
    const RowStatus status = row_status(result);
    out.failed += status == RowStatus::Error ? 1 : 0;
    ++out.rows;
    append_row(out.text, context.options.format, group, context.columns, c, configs[c], result);
    if (result && reports && !out.fatal) out.fatal = write_report(group, *table, c, configs[c], *result, context);
    // The moved table comes back as storage for the next group's rows (see
    // GroupReader::next and WorkerState::table_of): no per-row allocation in
    // a long batch.
    if (last_use && result && !counted) *table = std::move(result->input.data.raw);
  }
}

// The single-thread path and the threaded path share this bookkeeping.
class Collector {
 public:
  Collector(const OutputSink& output, const ProgressSink& progress, std::size_t total)
      : m_output(output), m_progress(progress), m_total(total), m_start(Clock::now()) {}

  // False when the output failed or a report could not be written.
  bool take(GroupOutput&& group) {
    if (group.fatal) {
      m_error = std::move(group.fatal);
      return false;
    }
    if (!m_output(group.text)) {
      m_error = make_error("cannot write the results (disk full, or the reader of the output closed it?)");
      return false;
    }
    ++m_summary.groups;
    m_summary.rows += group.rows;
    m_summary.failed += group.failed;
    m_summary.counted += group.counted ? 1 : 0;
    if (m_progress) {
      m_progress(BatchProgress{m_summary.groups, m_total,
                               std::chrono::duration<double>(Clock::now() - m_start).count()});
    }
    return true;
  }
  const std::optional<Diagnostic>& error() const { return m_error; }
  const BatchSummary& summary() const { return m_summary; }

 private:
  const OutputSink& m_output;
  const ProgressSink& m_progress;
  std::size_t m_total;
  Clock::time_point m_start;
  BatchSummary m_summary;
  std::optional<Diagnostic> m_error;
};

// Worker pool with a bounded window: at most `window` chunks of groups are
// queued, running or waiting in the reorder ring at any time. Groups travel
// in chunks of ~kChunkRows data rows: a k = 10 analysis takes ~10 us, less
// than handing it to another thread and back, so one group per hand-off made
// two threads slower than one. A group travels as its rows' text (the reader
// has checked them), which the worker splits into its own table: a vector of
// strings per row built on the reading core cost the worker a cache miss per
// string, and made its analyses ~1.8x slower than on one thread. Chunks'
// groups and the outputs' strings go back for reuse once done, so that
// neither thread allocates per group.
class ThreadedRun {
 public:
  ThreadedRun(const Context& context, unsigned threads, Collector& collector)
      : m_context(context), m_window(static_cast<std::size_t>(threads) * 4), m_ring(m_window),
        m_collector(collector),
        m_chunk_limit(context.options.chunk_rows > 0 ? context.options.chunk_rows : kChunkRows) {
    for (unsigned t = 0; t < threads; ++t) m_workers.emplace_back([this] { work(); });
  }
  ~ThreadedRun() { close(); }
  ThreadedRun(const ThreadedRun&) = delete;
  ThreadedRun& operator=(const ThreadedRun&) = delete;

  static constexpr std::size_t kChunkRows = 512;

  // Adds a group to the current chunk and queues the chunk once it holds
  // chunk_rows rows (blocks while the window is full, writing finished groups
  // meanwhile). False when output failed. The group is swapped with a slot
  // of the chunk: `group` comes back holding the storage (rows, strings) of
  // a group that a worker has finished, for the reader to fill again.
  bool submit(Group& group) {
    m_chunk_rows += group.rows;
    if (m_chunk_used < m_chunk.size()) {
      std::swap(m_chunk[m_chunk_used], group);
    } else {
      m_chunk.push_back(std::move(group));
    }
    ++m_chunk_used;
    return m_chunk_rows >= m_chunk_limit ? submit_chunk() : true;
  }

  // Queues the last chunk, waits for every queued group and writes it. False
  // when output failed.
  bool finish() {
    if (m_chunk_used > 0 && !submit_chunk()) return false;
    std::unique_lock lock(m_mutex);
    for (;;) {
      if (!flush(lock)) return false;
      if (m_written == m_submitted) return true;
      m_done_cv.wait(lock);
    }
  }

  void close() {
    {
      std::lock_guard lock(m_mutex);
      m_closing = true;
      m_queue.clear();
    }
    m_work_cv.notify_all();
    for (auto& worker : m_workers) {
      if (worker.joinable()) worker.join();
    }
  }

 private:
  struct Job {
    std::size_t sequence;
    std::vector<Group> groups;  // the first `used` are this chunk's; the rest are spare storage
    std::size_t used = 0;
  };
  struct Slot {
    bool ready = false;
    std::vector<GroupOutput> outputs;
  };

  bool submit_chunk() {
    std::unique_lock lock(m_mutex);
    for (;;) {
      if (!flush(lock)) return false;
      if (m_submitted - m_written < m_window) break;
      m_done_cv.wait(lock);
    }
    m_queue.push_back(Job{m_submitted++, std::move(m_chunk), m_chunk_used});
    // The next chunk fills a finished chunk's groups when one is back.
    m_chunk.clear();
    if (!m_spare.empty()) {
      m_chunk = std::move(m_spare.back());
      m_spare.pop_back();
    }
    lock.unlock();
    m_work_cv.notify_one();
    m_chunk_used = 0;
    m_chunk_rows = 0;
    return true;
  }

  void work() {
    WorkerState worker(m_context.options.configs);
    for (;;) {
      Job job;
      {
        std::unique_lock lock(m_mutex);
        m_work_cv.wait(lock, [&] { return m_closing || !m_queue.empty(); });
        if (m_closing) return;
        job = std::move(m_queue.front());
        m_queue.pop_front();
      }
      std::vector<GroupOutput> outputs;
      {
        std::lock_guard lock(m_mutex);
        if (!m_spare_outputs.empty()) {
          outputs = std::move(m_spare_outputs.back());
          m_spare_outputs.pop_back();
        }
      }
      if (outputs.size() < job.used) outputs.resize(job.used);
      for (std::size_t g = 0; g < job.used; ++g) process_group(job.groups[g], m_context, worker, outputs[g]);
      outputs.resize(job.used);
      {
        std::lock_guard lock(m_mutex);
        Slot& slot = m_ring[job.sequence % m_window];
        slot.outputs = std::move(outputs);
        slot.ready = true;
        // The groups' storage goes back to the reading thread (submit).
        m_spare.push_back(std::move(job.groups));
      }
      m_done_cv.notify_all();
    }
  }

  // Writes the finished groups that are next in order; called with the lock
  // held, releases it while writing.
  bool flush(std::unique_lock<std::mutex>& lock) {
    for (;;) {
      Slot& slot = m_ring[m_written % m_window];
      if (!slot.ready) return true;
      std::vector<GroupOutput> outputs = std::move(slot.outputs);
      slot.outputs.clear();
      slot.ready = false;
      ++m_written;
      lock.unlock();
      bool ok = true;
      for (auto& output : outputs) {
        ok = m_collector.take(std::move(output));
        if (!ok) break;
      }
      lock.lock();
      if (!ok) return false;
      // The texts' storage goes back to the workers.
      m_spare_outputs.push_back(std::move(outputs));
    }
  }

  const Context& m_context;
  std::size_t m_window;
  std::vector<Slot> m_ring;
  Collector& m_collector;
  std::mutex m_mutex;
  std::condition_variable m_work_cv, m_done_cv;
  std::deque<Job> m_queue;
  std::size_t m_submitted = 0, m_written = 0;  // chunks
  bool m_closing = false;
  std::size_t m_chunk_limit;   // rows per chunk
  std::vector<Group> m_chunk;  // being filled by submit (the reading thread only)
  std::size_t m_chunk_used = 0, m_chunk_rows = 0;
  std::vector<std::vector<Group>> m_spare;  // finished chunks' groups, for reuse (under m_mutex)
  std::vector<std::vector<GroupOutput>> m_spare_outputs;  // written chunks' outputs, for reuse (under m_mutex)
  std::vector<std::thread> m_workers;
};

}  // namespace

Expected<Shard> parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  const auto bad = [&] {
    return make_error(fmt::format("--shard \"{}\" is invalid; expected i/n with 0 <= i < n, e.g. 0/4 "
                                  "(group g belongs to shard g mod n)",
                                  text));
  };
  if (slash == std::string_view::npos) return bad();
  const auto whole = [](std::string_view part) -> std::optional<std::size_t> {
    if (part.empty() || part.size() > 15) return std::nullopt;
    std::size_t value = 0;
    for (char c : part) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<std::size_t>(c - '0');
    }
    return value;
  };
  const auto index = whole(text.substr(0, slash));
  const auto count = whole(text.substr(slash + 1));
  if (!index || !count || *count == 0 || *index >= *count) return bad();
  return Shard{*index, *count};
}

unsigned resolve_threads(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1U, std::thread::hardware_concurrency());
}

std::string report_dir_name(const Group& group, std::size_t config_index) {
  std::string key;
  for (const auto& value : group.key) {
    if (!key.empty()) key += '_';
    for (char c : value) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '-';
      key += keep ? c : '_';
    }
  }
  if (key.size() > 60) key.resize(60);
  return fmt::format("{:06}-{}_{}", group.index, config_index, key);
}

Expected<BatchSummary> run_batch(const BatchOptions& options, const OutputSink& output,
                                 const ProgressSink& progress) {
  if (options.configs.empty()) return make_error("batch: no configuration to run");
  auto reader = GroupReader::open(options.path, options.by);
  if (!reader) return reader.error();
  const auto key_names = reader->key_names();
  for (const auto& name : key_names) {
    const auto& fixed = result_column_names();
    if (name == "group_index" || name == "config_index" ||
        std::find(fixed.begin(), fixed.end(), name) != fixed.end()) {
      return make_error(fmt::format("--by column \"{}\" has the name of a result column; rename the column", name));
    }
  }
  if (!options.reports.dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.reports.dir, ec);
    if (ec) {
      return make_error(fmt::format("--reports {}: cannot create the directory ({})", options.reports.dir,
                                    ec.message()));
    }
  }
  const Context context{options,
                        result_columns(key_names),
                        key_names,
                        reader->source(),
                        reader->header(),
                        reader->header_line(),
                        count_layout(options, reader->source(), reader->header(), reader->header_line())};
  if (context.count_layout) {
    const StudyData& layout = *context.count_layout;
    CountColumns columns;
    const std::array<Role, 4> roles{Role::EventsT, Role::NT, Role::EventsC, Role::NC};
    for (std::size_t r = 0; r < roles.size(); ++r) {
      columns.count[r] = static_cast<std::size_t>(layout.column[static_cast<std::size_t>(roles[r])] - 1);
    }
    if (layout.column_study > 0) columns.study = static_cast<std::size_t>(layout.column_study - 1);
    reader->read_counts(columns);
  }
  if (!output(render_header(key_names, options.format))) {
    return make_error("cannot write the results (disk full, or the reader of the output closed it?)");
  }
  Collector collector(output, progress, options.shard.size_of(options.total_groups));
  const unsigned threads = resolve_threads(options.threads);
  std::optional<ThreadedRun> pool;
  if (threads > 1) {
    pool.emplace(context, threads, collector);
    reader->keep_text(true);  // the workers split the rows (see Group::row_text)
  }
  WorkerState worker(options.configs);
  Group group;
  GroupOutput group_output;
  for (;;) {
    auto got = reader->next(group, options.shard.contains(reader->next_index()));
    if (!got) return got.error();  // ~ThreadedRun stops the workers
    if (!*got) break;
    if (!options.shard.contains(group.index)) continue;
    bool ok = true;
    if (pool) {
      ok = pool->submit(group);
    } else {
      process_group(group, context, worker, group_output);
      ok = collector.take(std::move(group_output));
    }
    if (!ok) return *collector.error();
  }
  if (pool && !pool->finish()) return *collector.error();
  return collector.summary();
}

}  // namespace metapool::batch
