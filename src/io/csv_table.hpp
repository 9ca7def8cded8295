// A CSV file as text cells: RFC 4180 fields (quotes, "" escapes), BOM, LF or
// CRLF, blank lines skipped. Physical line numbers are kept for diagnostics.
// Numbers are NOT converted here (fast-cpp-csv-parser's own conversion is
// not correctly rounded; see io/number.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace metapool {

// A block of CSV rows in columns: the cells' bytes in one text buffer and
// each cell's place in it, with each row's physical line; no string per
// cell. `pool` and the other commands read the whole file into one; `batch`
// fills one per analysis.
struct CsvTable {
  std::string source;                 // name used in diagnostics
  std::vector<std::string> header;    // as written (trimmed)
  int header_line = 1;
  std::vector<int> line;              // physical line of each row

  std::size_t row_count() const { return line.size(); }
  // The cell of 0-based `row` and `column` (< header.size()), valid until
  // the table changes.
  std::string_view cell(std::size_t row, std::size_t column) const {
    const std::size_t at = 2 * (row * header.size() + column);
    return std::string_view(text.data() + bounds[at], bounds[at + 1] - bounds[at]);
  }
  // A copy of a row's cells (tests, and reports that list the raw rows).
  std::vector<std::string> row_cells(std::size_t row) const;

  // Appends a row of header.size() cells at physical line `line`. False
  // (nothing appended) when the text would pass 4 GiB.
  bool add_row(const std::vector<std::string>& cells, int line);
  // Drops every row, keeping the storage (a batch reuses a block per group).
  void clear_rows();

  // 0-based index of a column, matched case-insensitively.
  std::optional<std::size_t> find_column(std::string_view name) const;

  // The storage, for the reader that fills it (io/csv_table.cpp): the bytes
  // of the cells, and per cell its first and one-past-last offset in
  // `text`, row after row.
  std::string text;
  std::vector<std::uint32_t> bounds;
};

// Reads `path` ("-" reads standard input, shown as "<stdin>" in messages).
// Errors: unreadable file, empty file, header only, duplicate column (case-
// insensitive), empty column name, ragged row, unterminated quote.
Expected<CsvTable> read_csv_file(const std::string& path);

// Parses CSV text already in memory; `source` names it in diagnostics.
Expected<CsvTable> parse_csv_text(std::string_view text, const std::string& source);

// Streaming reader: one row at a time, so memory does not grow with the
// length of the file (batch mode). Same syntax rules and messages as
// read_csv_file; the file is read in 64 KiB blocks.
struct CsvRow {
  std::vector<std::string> fields;  // header().size() cells
  int line = 0;                     // physical line
  std::string text;                 // the line as read (CR dropped), when the reader keeps it
};

// The cell of 0-based `column` of a common line (see PlainLine) with
// `commas` commas, whose offsets `cuts` holds at least up to the column's
// own: trimmed of spaces when the line has any (`blanks`), as the reader
// trims its fields.
inline std::string_view common_cell(std::string_view text, const std::uint32_t* cuts, std::size_t commas, bool blanks,
                                    std::size_t column) {
  std::size_t first = column == 0 ? 0 : cuts[column - 1] + 1;
  std::size_t last = column < commas ? cuts[column] : text.size();
  if (blanks) {
    while (first < last && text[first] == ' ') ++first;
    while (last > first && text[last - 1] == ' ') --last;
  }
  return std::string_view(text.data() + first, last - first);
}

// A common line of a file (ASCII without quotes or control bytes, with as
// many fields as the header; what CsvStreamReader::next splits without a
// second look), not split into strings: CsvStreamReader::next_plain.
struct PlainLine {
  std::string_view text;           // the line; valid until the reader's next call
  int line = 0;                    // physical line
  bool blanks = false;             // it has a space: cells are trimmed of spaces
  std::vector<std::uint32_t> cuts;  // the offsets of its commas (header().size() - 1)

  // The cell of 0-based `column` (< cuts.size() + 1), trimmed as the
  // reader's fields are: the same text as CsvRow::fields[column].
  std::string_view cell(std::size_t column) const {
    return common_cell(text, cuts.data(), cuts.size(), blanks, column);
  }
};

enum class PlainStatus {
  Plain,  // the next row is a common line (PlainLine)
  Other,  // the next line is not one; next() reads it, or gives its error
  End,    // no more lines
};

class CsvStreamReader {
 public:
  // Opens `path` ("-" = standard input) and reads the header. Errors: as
  // read_csv_file for the header (unreadable, empty, duplicate column...).
  static Expected<std::unique_ptr<CsvStreamReader>> open(const std::string& path);
  ~CsvStreamReader();
  CsvStreamReader(const CsvStreamReader&) = delete;
  CsvStreamReader& operator=(const CsvStreamReader&) = delete;

  const std::string& source() const { return m_source; }
  const std::vector<std::string>& header() const { return m_header; }
  int header_line() const { return m_header_line; }
  std::optional<std::size_t> find_column(std::string_view name) const;

  // Reads the next non-blank row into `row` (reusing its storage): true, or
  // false at the end of the file; an error for a ragged row, a quoting error
  // or a read failure (the reader is then unusable).
  Expected<bool> next(CsvRow& row);
  // With true, next() also copies each row's line into CsvRow::text (for
  // handing rows to another thread as compact text; see split_csv_row).
  void keep_text(bool keep) { m_keep_text = keep; }

  // The next row, when it is a common line, without splitting it (the batch
  // reads two-arm counts from such lines directly): Plain, with `line` set;
  // blank lines before it are skipped as next() skips them. Other when the
  // next non-empty line is not a common line with header().size() fields:
  // it stays unread, and next() reads it next (its fields, or its error:
  // a ragged row, a quoting error...). End at the end of the file. An error
  // for a read failure or a line too long (the reader is then unusable).
  Expected<PlainStatus> next_plain(PlainLine& line);

 private:
  struct Impl;
  CsvStreamReader() = default;
  std::unique_ptr<Impl> m_impl;
  std::string m_source;
  std::vector<std::string> m_header;
  int m_header_line = 1;
  bool m_keep_text = false;
};

// Splits the text of a row that CsvStreamReader::next accepted (CsvRow::text)
// into `fields` again, reusing their storage: the same fields next() gave.
// False (fields unspecified) for a line next() would have refused.
bool split_csv_row(std::string_view text, std::vector<std::string>& fields);

// A quick look at the data rows of the file `path` (not "-") whose header
// CsvStreamReader::open accepted (at physical line `header_line`, `columns`
// fields), for a checking pass that needs only the rows' keys: a row's key
// is its `key_columns` fields, trimmed of spaces, each followed by a 0x1F
// byte, and `on_key` gets the key of the first data row and of every row
// whose key differs from the row before it (blank lines are skipped as by
// the reader). It reads only the common rows, those CsvStreamReader::next
// splits without a second look (ASCII, no quotes, no control bytes, LF or
// CRLF; lines cut as the reader cuts them) that have `columns` fields, and
// stops with false
// at the first other line, at a read error, or when `on_key` returns false:
// the caller then reads the file with CsvStreamReader, which gives the
// line's fields or its diagnostic. True when every row was read.
bool scan_plain_rows(const std::string& path, int header_line, std::size_t columns,
                     const std::vector<std::size_t>& key_columns,
                     const std::function<bool(std::string_view key)>& on_key);

// Lower-case ASCII copy, for case-insensitive column matching.
std::string ascii_lower(std::string_view text);

}  // namespace metapool
