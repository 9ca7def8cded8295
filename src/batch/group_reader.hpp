// Streams a long-format CSV as groups of consecutive rows with equal values in
// the --by columns: one group = one analysis. Memory holds one group's rows
// plus an 8-byte hash per group seen (to reject a group whose rows are not
// consecutive), never the whole file.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "batch/hash_set.hpp"
#include "core/expected.hpp"
#include "io/csv_table.hpp"
#include "io/study_reader.hpp"

namespace metapool::batch {

struct Group {
  std::size_t index = 0;          // 0-based, in order of first appearance in the file
  std::vector<std::string> key;   // the values of the --by columns
  int first_line = 0;             // physical line of the group's first row
  std::size_t rows = 0;           // number of data rows
  CsvTable table;                 // header + the group's rows (empty when not kept)
  // With GroupReader::keep_text: the rows as text instead of `table` (which
  // stays empty), each line followed by '\n', and their physical lines.
  // A worker thread splits them again (split_csv_row): a few hundred bytes
  // in one block cross to its core instead of a vector of strings per row.
  std::string row_text;
  std::vector<int> row_lines;
  // With GroupReader::read_counts: the rows' two-arm counts, read from their
  // lines without splitting them into strings (labels as places in
  // row_text), valid (counts_ok) when every row was a common line
  // (PlainLine) whose counts are whole numbers with each total >= 1 and >=
  // its events. The rows are in row_text and row_lines as well, so a group
  // with any other row is analysed from its table, which gives its
  // diagnostic.
  std::vector<TwoArmRow> counts;
  bool counts_ok = false;
};

// The 0-based columns of the two-arm counts (events_t, n_t, events_c, n_c)
// and of the study labels, for GroupReader::read_counts.
struct CountColumns {
  std::array<std::size_t, 4> count{};
  std::optional<std::size_t> study;
};

class GroupReader {
 public:
  // Opens `path` ("-" = standard input) and finds the --by columns
  // (case-insensitive; each must exist, none twice).
  static Expected<GroupReader> open(const std::string& path, const std::vector<std::string>& by);

  const std::vector<std::string>& header() const { return m_reader->header(); }
  const std::string& source() const { return m_reader->source(); }
  int header_line() const { return m_reader->header_line(); }
  // The --by column names as written in the header.
  std::vector<std::string> key_names() const;

  // Reads the next group into `group`: true, or false at the end of the file.
  // With keep_rows false the rows are only checked, not stored (groups of
  // other shards, counting passes). Errors (fatal for the run): CSV syntax,
  // a ragged row, and a group whose --by values were already seen before
  // another group (rows of one analysis must be consecutive).
  Expected<bool> next(Group& group, bool keep_rows);
  // Keep the rows of a group as text (Group::row_text), not as a table.
  void keep_text(bool keep) {
    m_keep_text = keep;
    m_reader->keep_text(keep);
  }
  // Read each group's rows as Group::row_text, and their counts as
  // Group::counts where they are common lines (the batch's fast path for
  // two-arm binary data). Rows stay in text (never in Group::table).
  void read_counts(const CountColumns& columns) {
    m_count_columns = columns;
    m_read_counts = true;
    m_reader->keep_text(true);  // the text of rows that are not common lines
  }
  // The --by columns' indices.
  const std::vector<std::size_t>& key_columns() const { return m_by; }
  // The index the next group will get.
  std::size_t next_index() const { return m_next_index; }

 private:
  GroupReader() = default;
  bool same_key(const CsvRow& row, const std::vector<std::string>& key) const;
  bool same_key(const PlainLine& row, const std::vector<std::string>& key) const;
  std::optional<std::string_view> key_prefix(const PlainLine& row) const;
  Expected<bool> next_counted(Group& group, bool keep_rows);
  void add_plain(Group& group, const PlainLine& row) const;
  std::uint64_t key_hash(const std::vector<std::string>& key) const;

  std::unique_ptr<CsvStreamReader> m_reader;
  std::vector<std::size_t> m_by;       // column indices
  CsvRow m_pending;                    // first row of the next group
  bool m_has_pending = false;
  bool m_done = false;
  std::size_t m_next_index = 0;
  std::size_t m_previous_rows = 0;     // rows of the last group (capacity hint)
  bool m_keep_text = false;
  HashSet64 m_seen;                    // hashes of the keys of finished groups
  // read_counts: m_pending holds a common line as text only (its cuts in
  // m_pending_plain), not split, when m_pending_is_plain.
  bool m_read_counts = false;
  CountColumns m_count_columns;
  PlainLine m_plain;                   // the line just read
  PlainLine m_pending_plain;           // the pending common line, viewing m_pending.text
  bool m_pending_is_plain = false;
  // When the --by columns are the first columns of the header: the bytes
  // of the group's first row up to the end of its last key cell, for a
  // row without spaces (its cells are its bytes) to be compared at once.
  bool m_by_leading = false;
  bool m_key_prefix_valid = false;
  std::string m_key_prefix;
};

// Counts the groups of `path` and checks the whole file as `next` does
// (a first pass: progress total, and bad input found before anything is
// written). Files of common rows only are counted by count_plain_groups,
// the others by the reader.
Expected<std::size_t> count_groups(const std::string& path, const std::vector<std::string>& by);

// The groups of `path` (opened as `reader`, not yet read) counted from the
// rows' keys alone (scan_plain_rows), as `next` would count them; nullopt
// when a row is not a common one (then only the reader can tell whether the
// file is right), or a key comes back after another (the reader's error).
std::optional<std::size_t> count_plain_groups(const std::string& path, const GroupReader& reader);

}  // namespace metapool::batch
