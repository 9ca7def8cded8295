// A CSV file as text cells: RFC 4180 fields (quotes, "" escapes), BOM, LF or
// CRLF, blank lines skipped. Physical line numbers are kept for diagnostics.
// Numbers are NOT converted here (fast-cpp-csv-parser's own conversion is
// not correctly rounded; see io/number.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace metapool {

struct CsvTable {
  std::string source;                           // name used in diagnostics
  std::vector<std::string> header;              // as written (trimmed)
  std::vector<std::vector<std::string>> rows;   // each has header.size() cells
  std::vector<int> line;                        // physical line of each row (header = its own line)
  int header_line = 1;

  // 0-based index of a column, matched case-insensitively.
  std::optional<std::size_t> find_column(std::string_view name) const;
};

// Reads `path` ("-" reads standard input, shown as "<stdin>" in messages).
// Errors: unreadable file, empty file, header only, duplicate column (case-
// insensitive), empty column name, ragged row, unterminated quote.
Expected<CsvTable> read_csv_file(const std::string& path);

// Parses CSV text already in memory; `source` names it in diagnostics.
Expected<CsvTable> parse_csv_text(std::string_view text, const std::string& source);

// Lower-case ASCII copy, for case-insensitive column matching.
std::string ascii_lower(std::string_view text);

}  // namespace metapool
