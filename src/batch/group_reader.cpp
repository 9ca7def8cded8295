#include "batch/group_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "io/number.hpp"
#include "io/short_text.hpp"

namespace metapool::batch {

Expected<GroupReader> GroupReader::open(const std::string& path, const std::vector<std::string>& by) {
  auto reader = CsvStreamReader::open(path);
  if (!reader) return reader.error();
  GroupReader self;
  self.m_reader = std::move(reader).value();
  if (by.empty()) return make_error("--by needs at least one column");
  for (const auto& name : by) {
    const auto column = self.m_reader->find_column(name);
    if (!column) {
      Diagnostic d;
      d.file = self.m_reader->source();
      d.line = self.m_reader->header_line();
      d.message = fmt::format("--by column \"{}\" is not in the header (columns: {})", name,
                              fmt::join(self.m_reader->header(), ", "));
      return d;
    }
    for (std::size_t previous : self.m_by) {
      if (previous == *column) return make_error(fmt::format("--by names column \"{}\" twice", name));
    }
    self.m_by.push_back(*column);
  }
  self.m_by_leading = true;
  for (std::size_t j = 0; j < self.m_by.size(); ++j) {
    self.m_by_leading = self.m_by_leading && std::find(self.m_by.begin(), self.m_by.end(), j) != self.m_by.end();
  }
  return self;
}

std::vector<std::string> GroupReader::key_names() const {
  std::vector<std::string> names;
  for (std::size_t column : m_by) names.push_back(m_reader->header()[column]);
  return names;
}

bool GroupReader::same_key(const CsvRow& row, const std::vector<std::string>& key) const {
  for (std::size_t j = 0; j < m_by.size(); ++j) {
    if (!short_text::equal(row.fields[m_by[j]], key[j])) return false;
  }
  return true;
}

namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view bytes) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= kFnvPrime;
  }
  return hash;
}

}  // namespace

// FNV-1a over the key's fields, each followed by a 0x1f separator byte (the
// form scan_plain_rows gives a key in: count_groups hashes that directly).
std::uint64_t GroupReader::key_hash(const std::vector<std::string>& key) const {
  std::uint64_t hash = kFnvOffset;
  for (const auto& field : key) {
    hash = fnv1a(hash, field);
    hash ^= 0x1fU;
    hash *= kFnvPrime;
  }
  return hash;
}

// A key of leading columns, in a row without spaces, is the row's bytes up
// to the last key cell's end; m_key_prefix holds those of the group's first
// row (taken from a row without spaces too).
std::optional<std::string_view> GroupReader::key_prefix(const PlainLine& row) const {
  if (!m_by_leading || row.blanks) return std::nullopt;
  const std::size_t last = m_by.size() - 1;
  return row.text.substr(0, last < row.cuts.size() ? row.cuts[last] : row.text.size());
}

bool GroupReader::same_key(const PlainLine& row, const std::vector<std::string>& key) const {
  if (m_key_prefix_valid) {
    if (const auto prefix = key_prefix(row)) return short_text::equal(*prefix, m_key_prefix);
  }
  for (std::size_t j = 0; j < m_by.size(); ++j) {
    if (!short_text::equal(row.cell(m_by[j]), key[j])) return false;
  }
  return true;
}

namespace {

Diagnostic no_data_rows(const CsvStreamReader& reader) {
  Diagnostic d;
  d.file = reader.source();
  d.line = reader.header_line();
  d.message = "the file has a header but no data rows; expected one row per study";
  return d;
}

Diagnostic not_consecutive(const CsvStreamReader& reader, int line, std::size_t column,
                           const std::vector<std::string>& key) {
  Diagnostic d;
  d.file = reader.source();
  d.line = line;
  d.column = static_cast<int>(column) + 1;
  d.message = fmt::format("the rows of analysis ({}) are not consecutive: this value of the --by columns "
                          "appeared earlier, before another analysis; sort the file by the --by columns",
                          fmt::join(key, ", "));
  return d;
}

}  // namespace

Expected<bool> GroupReader::next(Group& group, bool keep_rows) {
  if (m_read_counts) return next_counted(group, keep_rows);
  if (m_done) return false;
  if (!m_has_pending) {
    auto got = m_reader->next(m_pending);
    if (!got) return got.error();
    if (!*got) {
      m_done = true;
      if (m_next_index == 0) return no_data_rows(*m_reader);
      return false;
    }
    m_has_pending = true;
  }
  group.index = m_next_index++;
  group.first_line = m_pending.line;
  group.key.clear();
  for (std::size_t column : m_by) group.key.push_back(m_pending.fields[column]);
  if (!m_seen.insert(key_hash(group.key))) return not_consecutive(*m_reader, m_pending.line, m_by.front(), group.key);
  if (group.table.source != m_reader->source()) group.table.source = m_reader->source();
  group.table.header_line = m_reader->header_line();
  // group.table is either empty (moved into the previous analysis: size it
  // like that one) or handed back by the caller (process_group in
  // runner.cpp): then its
  // rows, their vectors and strings are storage to reuse. A row is swapped
  // with the reader's, so the reader splits the next line into an old row's
  // strings and nothing is allocated once the first groups have been read.
  group.table.clear_rows();
  group.row_text.clear();
  group.row_lines.clear();
  const bool keep_table = keep_rows && !m_keep_text;
  group.rows = 0;
  if (keep_table && group.table.header.size() != header().size()) group.table.header = header();
  for (;;) {
    ++group.rows;
    if (keep_table) {
      if (!group.table.add_row(m_pending.fields, m_pending.line)) {
        Diagnostic d;
        d.file = m_reader->source();
        d.line = m_pending.line;
        d.message = "the cells of this analysis pass 4 GiB; split it into smaller files";
        return d;
      }
    } else if (keep_rows) {
      group.row_text += m_pending.text;
      group.row_text += '\n';
      group.row_lines.push_back(m_pending.line);
    }
    auto got = m_reader->next(m_pending);
    if (!got) return got.error();
    if (!*got) {
      m_has_pending = false;
      m_done = true;
      break;
    }
    if (!same_key(m_pending, group.key)) break;
  }
  m_previous_rows = group.rows;
  return true;
}

// A common line of the group: its text, and its counts while the group's
// rows all have good ones (else the group is analysed from its table,
// which finds the problem).
void GroupReader::add_plain(Group& group, const PlainLine& row) const {
  const std::size_t offset = group.row_text.size();
  group.row_text.append(row.text);
  group.row_text.push_back('\n');
  group.row_lines.push_back(row.line);
  if (!group.counts_ok) return;
  const auto& columns = m_count_columns.count;
  TwoArmRow counts;
  if (!parse_small_whole(row.cell(columns[0]), counts.events_t) || !parse_small_whole(row.cell(columns[1]), counts.n_t) ||
      !parse_small_whole(row.cell(columns[2]), counts.events_c) || !parse_small_whole(row.cell(columns[3]), counts.n_c) ||
      counts.n_t == 0 || counts.n_c == 0 || counts.events_t > counts.n_t || counts.events_c > counts.n_c ||
      group.row_text.size() > 0xFFFFFFFFU) {
    group.counts_ok = false;
    return;
  }
  if (m_count_columns.study) {
    const std::string_view label = row.cell(*m_count_columns.study);
    counts.label_offset = static_cast<std::uint32_t>(offset + static_cast<std::size_t>(label.data() - row.text.data()));
    counts.label_size = static_cast<std::uint32_t>(label.size());
  }
  group.counts.push_back(counts);
}

// next() with read_counts: rows read by next_plain where they are common
// lines (no strings made), else by next (their fields, or their error).
Expected<bool> GroupReader::next_counted(Group& group, bool keep_rows) {
  if (m_done) return false;
  // The row about to be added to the group: m_plain (the reader's line),
  // or the pending row (a common line as text, or a row split by next()).
  enum class Row { Live, PendingPlain, PendingSplit };
  Row row = Row::PendingSplit;
  // Reads the next row: true, or false at the end of the file or for an
  // error (then in `error`).
  std::optional<Diagnostic> error;
  const auto read = [&]() -> bool {
    auto status = m_reader->next_plain(m_plain);
    if (status && *status == PlainStatus::Plain) [[likely]] {
      row = Row::Live;
      return true;
    }
    if (!status) {
      error = std::move(status).error();
      return false;
    }
    if (*status == PlainStatus::End) return false;
    auto got = m_reader->next(m_pending);
    if (!got) {
      error = std::move(got).error();
      return false;
    }
    row = Row::PendingSplit;
    return *got;
  };
  if (!m_has_pending) {
    const bool got = read();
    if (error) return *error;
    if (!got) {
      m_done = true;
      if (m_next_index == 0) return no_data_rows(*m_reader);
      return false;
    }
  } else {
    row = m_pending_is_plain ? Row::PendingPlain : Row::PendingSplit;
  }
  const PlainLine* plain = row == Row::Live ? &m_plain : row == Row::PendingPlain ? &m_pending_plain : nullptr;
  group.index = m_next_index++;
  group.first_line = plain != nullptr ? plain->line : m_pending.line;
  group.key.resize(m_by.size());
  for (std::size_t j = 0; j < m_by.size(); ++j) {
    if (plain != nullptr) {
      group.key[j].assign(plain->cell(m_by[j]));
    } else {
      group.key[j] = m_pending.fields[m_by[j]];
    }
  }
  if (!m_seen.insert(key_hash(group.key))) return not_consecutive(*m_reader, group.first_line, m_by.front(), group.key);
  const auto prefix = plain != nullptr ? key_prefix(*plain) : std::nullopt;
  m_key_prefix_valid = prefix.has_value();
  if (prefix) m_key_prefix.assign(*prefix);
  group.row_text.clear();
  group.row_lines.clear();
  group.counts.clear();
  group.counts_ok = keep_rows;
  group.rows = 0;
  for (;;) {
    ++group.rows;
    if (keep_rows) {
      if (plain != nullptr) {
        add_plain(group, *plain);
      } else {
        group.row_text += m_pending.text;
        group.row_text += '\n';
        group.row_lines.push_back(m_pending.line);
        group.counts_ok = false;
      }
    }
    if (!read()) {
      if (error) return *error;
      m_has_pending = false;
      m_done = true;
      break;
    }
    if (row == Row::Live) {
      if (!same_key(m_plain, group.key)) {
        // The first row of the next group: kept as text, with its cuts.
        m_pending.text.assign(m_plain.text);
        m_pending_plain.cuts = m_plain.cuts;
        m_pending_plain.blanks = m_plain.blanks;
        m_pending_plain.line = m_plain.line;
        m_pending_plain.text = m_pending.text;
        m_pending_is_plain = true;
        m_has_pending = true;
        break;
      }
      plain = &m_plain;
    } else {
      if (!same_key(m_pending, group.key)) {
        m_pending_is_plain = false;
        m_has_pending = true;
        break;
      }
      plain = nullptr;
    }
  }
  m_previous_rows = group.rows;
  return true;
}

std::optional<std::size_t> count_plain_groups(const std::string& path, const GroupReader& reader) {
  // A group starts where the key changes; a key seen before is left to the
  // full reader (the diagnostic, or a hash collision, which GroupReader::next
  // would also refuse: the hashes are the same).
  std::size_t count = 0;
  HashSet64 seen;
  const bool plain = scan_plain_rows(path, reader.header_line(), reader.header().size(), reader.key_columns(),
                                     [&](std::string_view key) {
                                       ++count;
                                       return seen.insert(fnv1a(kFnvOffset, key));
                                     });
  if (!plain || count == 0) return std::nullopt;
  return count;
}

Expected<std::size_t> count_groups(const std::string& path, const std::vector<std::string>& by) {
  auto reader = GroupReader::open(path, by);
  if (!reader) return reader.error();
  if (const auto plain = count_plain_groups(path, *reader)) return *plain;
  Group group;
  std::size_t count = 0;
  for (;;) {
    auto got = reader->next(group, false);
    if (!got) return got.error();
    if (!*got) break;
    ++count;
  }
  return count;
}

}  // namespace metapool::batch
