// libFuzzer target: arbitrary bytes through the CSV reader, the study
// validation and every measure of the inferred shape. Must never crash, hang
// or trip a sanitizer; errors are fine. The streaming reader (batch mode,
// its own line cutting) must also give exactly the rows of parse_csv_text
// (fast-cpp-csv-parser's line reader) for every input the latter accepts.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "effects/escalc.hpp"
#include "io/csv_table.hpp"
#include "io/study_reader.hpp"

namespace {

// The rows CsvStreamReader reads from `text` (through a file of this
// process's own) equal `table`'s, and each row's kept text splits again
// into the same fields (split_csv_row). Stops the process when they differ, or when
// the stream reader accepts every row of a text parse_csv_text rejected (a
// header without rows aside: batch mode reports that one itself).
void check_stream_reader(std::string_view text, const metapool::Expected<metapool::CsvTable>& table) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("metapool-fuzz-stream-" + std::to_string(::getpid()) + ".csv"))
          .string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  auto reader = metapool::CsvStreamReader::open(path);
  std::size_t count = 0;
  bool stream_ok = static_cast<bool>(reader);
  if (reader && table && (*reader)->header() != table->header) std::abort();
  if (reader) (*reader)->keep_text(true);
  std::vector<std::string> resplit;
  while (stream_ok) {
    metapool::CsvRow row;
    auto got = (*reader)->next(row);
    if (!got) {
      stream_ok = false;
      break;
    }
    if (!*got) break;
    // A threaded batch hands the row's text to a worker, which splits it
    // again: that must give the same fields.
    if (!metapool::split_csv_row(row.text, resplit) || resplit != row.fields) std::abort();
    if (table) {
      if (count >= table->row_count() || row.fields != table->row_cells(count) || row.line != table->line[count]) {
        std::abort();
      }
    }
    ++count;
  }
  if (table && (!stream_ok || count != table->row_count())) std::abort();
  if (!table && stream_ok && count > 0) std::abort();
  std::remove(path.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace metapool;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = parse_csv_text(text, "fuzz.csv");
  check_stream_reader(text, table);
  if (!table) return 0;
  auto studies = read_studies(std::move(table).value(), std::nullopt);
  if (!studies) return 0;
  for (Measure measure : {Measure::OR, Measure::RR, Measure::RD, Measure::AS, Measure::PETO,
                          Measure::PR, Measure::PLO, Measure::PAS, Measure::PFT, Measure::PLN,
                          Measure::MD, Measure::SMD, Measure::ROM, Measure::COR, Measure::ZCOR,
                          Measure::GEN}) {
    if (shape_of(measure) != studies->shape) continue;
    EffectOptions options;
    options.measure = measure;
    (void)compute_effects(*studies, options);
  }
  return 0;
}
