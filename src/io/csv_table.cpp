#include "io/csv_table.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>  // fast-cpp-csv-parser relies on <limits> being included first
#include <sstream>

#include <fmt/format.h>
#include <libfccp/csv.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "io/short_text.hpp"

namespace metapool {
namespace {

std::string display_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

Diagnostic error_at(const std::string& source, int line, int column, std::string message) {
  Diagnostic d;
  d.file = source;
  d.line = line;
  d.column = column;
  d.message = std::move(message);
  return d;
}

// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (byte < 0x80) {
      ++i;
      continue;
    } else if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      length = 3;
      if (byte == 0xE0) lo = 0xA0;
      if (byte == 0xED) hi = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
      if (byte == 0xF0) lo = 0x90;
      if (byte == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t j = 1; j < length; ++j) {
      const auto next = static_cast<unsigned char>(text[i + j]);
      if (next < (j == 1 ? lo : 0x80) || next > (j == 1 ? hi : 0xBF)) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// Only spaces and tabs (also for fccp's NUL-terminated lines).
bool is_blank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

// Splits one physical line into RFC 4180 fields. Unquoted fields are trimmed
// of spaces and tabs; a quoted field keeps its inner text with "" -> ".
// On error returns the 1-based column of the offending field and a message.
struct SplitError {
  int column;
  std::string message;
};

bool is_ascii(std::string_view text) {
  unsigned char any = 0;
  for (char c : text) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

// The scan of a common line for scan_plain_rows and split_plain_line: false
// unless the line is ASCII without quotes or control bytes (below 0x20);
// else the number of its commas, the offsets of the first `wanted` of them
// in `cut`, and whether it has a space. The bytes are read sixteen at a time
// with SSE2 (x86-64's baseline; other targets read them one by one): per
// comparison a 16-bit mask of the matching bytes, shifted into 64-bit masks
// of a 64-byte stretch of the line, whose commas' offsets come from the set
// bits. A last step of under 16 bytes loads the line's last 16 bytes and
// drops the bits of those already read (a line under 16 bytes is copied to
// a zeroed block first), so nothing past the line is read.
[[gnu::always_inline]] inline bool scan_common_line(const char* data, std::size_t size, std::size_t wanted, std::uint32_t* cut,
                      std::size_t& commas, bool& blanks) {
  std::size_t recorded = 0;
  commas = 0;
  std::uint64_t spaces = 0;
  for (std::size_t chunk = 0; chunk < size; chunk += 64) {
    const std::size_t n = std::min<std::size_t>(64, size - chunk);
    const std::uint64_t valid = n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
    std::uint64_t comma = 0, refused = 0, space = 0;
#if defined(__SSE2__)
    // Sixteen bytes a step: a bit per byte from each comparison. The signed
    // "less than 0x20" is true for the control bytes and for bytes >= 0x80.
    const __m128i comma_byte = _mm_set1_epi8(','), quote_byte = _mm_set1_epi8('"');
    const __m128i space_byte = _mm_set1_epi8(' '), first_text_byte = _mm_set1_epi8(0x20);
    for (std::size_t v = 0; v < n; v += 16) {
      __m128i bytes;
      unsigned drop = 0;  // low bits of the masks for bytes read before
      if (n - v >= 16) {
        bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + chunk + v));
      } else if (size >= 16) {
        bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + size - 16));
        drop = static_cast<unsigned>(16 - (n - v));
      } else {
        alignas(16) char last[16] = {};
        std::memcpy(last, data + chunk + v, n - v);
        bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(last));
      }
      const auto bits = [&](__m128i match) {
        return static_cast<std::uint64_t>(static_cast<std::uint16_t>(_mm_movemask_epi8(match)) >> drop) << v;
      };
      comma |= bits(_mm_cmpeq_epi8(bytes, comma_byte));
      refused |= bits(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote_byte), _mm_cmplt_epi8(bytes, first_text_byte)));
      space |= bits(_mm_cmpeq_epi8(bytes, space_byte));
    }
#else
    for (std::size_t v = 0; v < n; ++v) {
      const auto byte = static_cast<unsigned char>(data[chunk + v]);
      const std::uint64_t bit = std::uint64_t{1} << v;
      comma |= byte == ',' ? bit : 0;
      refused |= byte == '"' || byte < 0x20 || byte >= 0x80 ? bit : 0;
      space |= byte == ' ' ? bit : 0;
    }
#endif
    if ((refused & valid) != 0) return false;
    comma &= valid;
    spaces |= space & valid;
    // (std::popcount is a libgcc call on baseline x86-64: the loop counts.)
    for (; comma != 0; comma &= comma - 1) {
      if (recorded < wanted) {
        cut[recorded++] = static_cast<std::uint32_t>(chunk + static_cast<std::size_t>(std::countr_zero(comma)));
      }
      ++commas;
    }
  }
  blanks = spaces != 0;
  return true;
}


// The common line, ASCII without quotes or control bytes, cut at its commas
// (fields trimmed of spaces as below); false for any other line, which the
// general splitter then reads from the start. The bytes are scanned by
// scan_common_line (sixteen at a time; the eight-byte words used here
// before cost twice the instructions). Refusing every control byte (tabs
// too, which the general splitter trims like spaces) covers what the
// streaming reader must look at before splitting (CsvStreamReader::next): a
// NUL byte and a CR; an empty or blank line is refused too. So a line split
// here needs none of the reader's checks, which it makes only for the lines
// refused here.
bool split_plain_line(std::string_view line, std::vector<std::string>& fields) {
  constexpr std::size_t kMaxCuts = 64;  // longer rows take the general path
  std::uint32_t cut[kMaxCuts];          // offsets of the commas
  const char* const data = line.data();
  const std::size_t size = line.size();
  if (size == 0 || size > 0xFFFFFFFFU) return false;
  std::size_t cuts = 0;
  bool blanks = false;
  if (!scan_common_line(data, size, kMaxCuts, cut, cuts, blanks) || cuts > kMaxCuts) return false;
  if (blanks && is_blank(line)) return false;
  fields.resize(cuts + 1);
  std::size_t first = 0;
  for (std::size_t f = 0; f <= cuts; ++f) {
    std::size_t last = f < cuts ? cut[f] : size;
    const std::size_t next = last + 1;
    if (blanks) {
      while (first < last && data[first] == ' ') ++first;
      while (last > first && data[last - 1] == ' ') --last;
    }
    short_text::assign(fields[f], data + first, last - first);
    first = next;
  }
  return true;
}

// Any line, byte by byte (quotes, UTF-8 checks, tabs): the path of the lines
// split_plain_line refuses, into `fields`' reused strings.
void split_general_line(std::string_view line, std::vector<std::string>& fields,
                        std::optional<SplitError>& error) {
  std::size_t count = 0;
  // The next field's string, emptied; its capacity is kept.
  const auto next_field = [&]() -> std::string& {
    if (count == fields.size()) fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();
    return field;
  };
  std::size_t pos = 0;
  const auto skip_space = [&] {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  };
  for (;;) {
    skip_space();
    const int column = static_cast<int>(count) + 1;
    std::string& field = next_field();
    bool ascii = false;  // known to be ASCII (checked while scanning)
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < line.size()) {
        // Copy up to the next quote in one piece.
        const std::size_t quote = line.find('"', pos);
        if (quote == std::string_view::npos) {
          field.append(line.substr(pos));
          pos = line.size();
          break;
        }
        field.append(line.substr(pos, quote - pos));
        pos = quote;
        if (pos + 1 < line.size() && line[pos + 1] == '"') {
          field += '"';
          pos += 2;
          continue;
        }
        ++pos;
        closed = true;
        break;
      }
      if (!closed) {
        error = SplitError{column, "unterminated quoted field (a '\"' opens it but none closes it on "
                                   "this line; fields may not span lines)"};
        return;
      }
      skip_space();
      if (pos < line.size() && line[pos] != ',') {
        error = SplitError{column, fmt::format("unexpected character '{}' after the closing quote; "
                                               "expected ',' or the end of the line",
                                               line[pos])};
        return;
      }
    } else {
      // One pass for the comma, a stray quote and non-ASCII bytes (fields
      // are short: a byte loop beats two memchr calls).
      const std::size_t start = pos;
      bool quote = false;
      unsigned char bytes = 0;
      for (; pos < line.size() && line[pos] != ','; ++pos) {
        quote = quote || line[pos] == '"';
        bytes |= static_cast<unsigned char>(line[pos]);
      }
      ascii = bytes < 0x80;
      std::size_t end = pos;
      while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
      const std::string_view text = line.substr(start, end - start);
      if (quote) {
        error = SplitError{column, fmt::format("stray '\"' in unquoted field \"{}\"; quote the whole "
                                               "field and double inner quotes (RFC 4180)",
                                               text)};
        return;
      }
      field.assign(text);
    }
    if (!ascii && !is_ascii(field)) {
      if (const auto bad = first_invalid_utf8(field); bad != std::string_view::npos) {
        error = SplitError{column, fmt::format("invalid UTF-8 (byte 0x{:02X} at offset {} of the field); "
                                               "expected UTF-8 text",
                                               static_cast<unsigned char>(field[bad]), bad + 1)};
        return;
      }
    }
    if (pos >= line.size()) break;
    ++pos;  // the comma
  }
  fields.resize(count);
}

// Fills `fields` with the fields of `line`, reusing the strings already in
// it (a streaming reader splits millions of lines into the same vector).
void split_line_into(std::string_view line, std::vector<std::string>& fields,
                     std::optional<SplitError>& error) {
  if (!split_plain_line(line, fields)) split_general_line(line, fields, error);
}

std::vector<std::string> split_line(std::string_view line, std::optional<SplitError>& error) {
  std::vector<std::string> fields;
  split_line_into(line, fields, error);
  return fields;
}

// Empty or duplicate (case-insensitive) column names.
std::optional<Diagnostic> check_header(const std::vector<std::string>& header, const std::string& source,
                                       int header_line) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    const int column = static_cast<int>(i) + 1;
    if (header[i].empty()) return error_at(source, header_line, column, "empty column name in the header");
    for (std::size_t j = 0; j < i; ++j) {
      if (ascii_lower(header[j]) == ascii_lower(header[i])) {
        return error_at(source, header_line, column,
                        fmt::format("duplicate column \"{}\" (also column {}; names are "
                                    "case-insensitive)",
                                    header[i], j + 1));
      }
    }
  }
  return std::nullopt;
}

std::string ragged_message(std::size_t got, std::size_t expected) {
  return fmt::format("row has {} field{}, expected {} as in the header", got, got == 1 ? "" : "s", expected);
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

// ascii_lower(a) == ascii_lower(b), without allocating (find_column is called
// for every candidate column of every analysis in a batch).
bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

namespace {

constexpr std::size_t kMaxBlockText = 0xFFFFFFFFU;  // offsets are 32-bit

}  // namespace

std::vector<std::string> CsvTable::row_cells(std::size_t row) const {
  std::vector<std::string> cells;
  cells.reserve(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) cells.emplace_back(cell(row, c));
  return cells;
}

bool CsvTable::add_row(const std::vector<std::string>& cells, int row_line) {
  std::size_t bytes = 0;
  for (const auto& cell : cells) bytes += cell.size();
  if (text.size() + bytes > kMaxBlockText) return false;
  for (const auto& cell : cells) {
    bounds.push_back(static_cast<std::uint32_t>(text.size()));
    text.append(cell);
    bounds.push_back(static_cast<std::uint32_t>(text.size()));
  }
  line.push_back(row_line);
  return true;
}

void CsvTable::clear_rows() {
  text.clear();
  bounds.clear();
  line.clear();
}

std::optional<std::size_t> CsvTable::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (equal_ignoring_ascii_case(header[i], name)) return i;
  }
  return std::nullopt;
}

Expected<CsvTable> parse_csv_text(std::string_view text, const std::string& source) {
  // A NUL byte would silently end a line in the line reader: refuse it.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    return error_at(source, static_cast<int>(line), 0,
                    "the file contains a NUL byte; expected a UTF-8 text CSV file");
  }
  if (text.find('\r') != std::string_view::npos) {
    // CR-only (old Mac) line endings: every CR not followed by LF.
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
        if (i + 1 == text.size()) break;  // a lone CR at the very end is harmless
        return error_at(source, 1, 0,
                        "the file uses CR-only line endings; expected LF or CRLF");
      }
    }
  }

  CsvTable table;
  table.source = source;
  try {
    io::LineReader reader(source, text.data(), text.data() + text.size());
    char* raw_line = nullptr;
    while ((raw_line = reader.next_line()) != nullptr && is_blank(raw_line)) {
    }
    if (raw_line == nullptr) {
      return error_at(source, 0, 0, "the file is empty; expected a header row and one row per study");
    }
    table.header_line = static_cast<int>(reader.get_file_line());
    std::optional<SplitError> split_error;
    table.header = split_line(raw_line, split_error);
    if (split_error) {
      return error_at(source, table.header_line, split_error->column, split_error->message);
    }
    if (auto problem = check_header(table.header, source, table.header_line)) return *problem;
    while ((raw_line = reader.next_line()) != nullptr) {
      if (is_blank(raw_line)) continue;
      const int line = static_cast<int>(reader.get_file_line());
      auto fields = split_line(raw_line, split_error);
      if (split_error) return error_at(source, line, split_error->column, split_error->message);
      if (fields.size() != table.header.size()) {
        const int column = static_cast<int>(std::min(fields.size(), table.header.size())) + 1;
        return error_at(source, line, column, ragged_message(fields.size(), table.header.size()));
      }
      if (!table.add_row(fields, line)) {
        return error_at(source, line, 0, "the file's cells pass 4 GiB; split it into smaller files");
      }
    }
  } catch (const io::error::base& e) {
    return error_at(source, 0, 0, fmt::format("cannot read the file: {}", e.what()));
  }
  if (table.row_count() == 0) {
    return error_at(source, table.header_line, 0,
                    "the file has a header but no data rows; expected one row per study");
  }
  return table;
}

Expected<CsvTable> read_csv_file(const std::string& path) {
  const std::string source = display_name(path);
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return error_at(source, 0, 0, "cannot open the file (does it exist and is it readable?)");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return error_at(source, 0, 0, "error while reading the file");
    text = std::move(buffer).str();
  }
  return parse_csv_text(text, source);
}

namespace {

// The lines of a file or pipe, read in 64 KiB blocks. fast-cpp-csv-parser's
// LineReader (used by parse_csv_text above) reads the first 32 MiB in one go,
// so a batch file of a few megabytes is copied into as many fresh pages,
// each a page fault; here one small buffer is reused. Lines are cut as
// fccp's: LF ends a line, one CR before it is dropped, a UTF-8 BOM at the
// start is skipped, the last line needs no LF, and a line may not exceed
// 16 MiB. Unlike fccp, a NUL byte inside a line is seen (not a line end).
class LineSource {
 public:
  enum class Status { Line, End, TooLong, ReadError };
  static constexpr std::size_t kBlock = std::size_t{1} << 16;
  static constexpr std::size_t kMaxLine = std::size_t{1} << 24;  // fccp's limit

  LineSource(int fd, bool owned) : m_fd(fd), m_owned(owned), m_buffer(kBlock) {}
  ~LineSource() {
    if (m_owned) ::close(m_fd);
  }
  LineSource(const LineSource&) = delete;
  LineSource& operator=(const LineSource&) = delete;

  int line_number() const { return m_line; }

  // next() for a line that is whole in the buffer (inline: the common
  // case, once per row of a batch), else next() itself.
  [[gnu::always_inline]] Status next_inline(std::string_view& line) {
    const char* const first = m_buffer.data() + m_begin;
    const std::size_t available = m_end - m_begin;
    const auto* newline = m_started ? static_cast<const char*>(std::memchr(first, '\n', available)) : nullptr;
    if (newline == nullptr) return next(line);
    std::size_t length = static_cast<std::size_t>(newline - first);
    m_begin += length + 1;
    ++m_line;
    if (length + 1 > kMaxLine) return Status::TooLong;
    if (length > 0 && first[length - 1] == '\r') --length;
    line = std::string_view(first, length);
    return Status::Line;
  }

  [[gnu::noinline]] Status next(std::string_view& line) {
    if (!m_started) {
      m_started = true;
      while (m_end < 3 && !m_eof) {
        if (!fill()) return Status::ReadError;
      }
      if (m_end >= 3 && std::memcmp(m_buffer.data(), "\xEF\xBB\xBF", 3) == 0) m_begin = 3;
    }
    for (;;) {
      const char* const first = m_buffer.data() + m_begin;
      const std::size_t available = m_end - m_begin;
      const auto* newline = static_cast<const char*>(std::memchr(first, '\n', available));
      if (newline != nullptr || (m_eof && available > 0)) {
        std::size_t length = newline != nullptr ? static_cast<std::size_t>(newline - first) : available;
        m_begin += newline != nullptr ? length + 1 : length;
        ++m_line;
        if (length + 1 > kMaxLine) return Status::TooLong;
        if (length > 0 && first[length - 1] == '\r') --length;
        line = std::string_view(first, length);
        return Status::Line;
      }
      if (m_eof) return Status::End;
      // The partial line moves to the front; a full buffer doubles, up to a
      // line of kMaxLine bytes.
      std::memmove(m_buffer.data(), first, available);
      m_begin = 0;
      m_end = available;
      if (m_end == m_buffer.size()) {
        if (m_buffer.size() >= kMaxLine) {
          ++m_line;
          return Status::TooLong;
        }
        m_buffer.resize(std::min(2 * m_buffer.size(), kMaxLine));
      }
      if (!fill()) return Status::ReadError;
    }
  }

 private:
  // Appends what one read(2) gives; false on a read error.
  bool fill() {
    for (;;) {
      const ::ssize_t got = ::read(m_fd, m_buffer.data() + m_end, m_buffer.size() - m_end);
      if (got > 0) {
        m_end += static_cast<std::size_t>(got);
        return true;
      }
      if (got == 0) {
        m_eof = true;
        return true;
      }
      if (errno != EINTR) return false;
    }
  }

  int m_fd;
  bool m_owned;
  std::vector<char> m_buffer;
  std::size_t m_begin = 0, m_end = 0;
  bool m_eof = false;
  bool m_started = false;
  int m_line = 0;
};

}  // namespace

struct CsvStreamReader::Impl {
  std::unique_ptr<LineSource> lines;
  std::optional<SplitError> split_error;
  bool failed = false;
  // A line next_plain looked at and left for next() (still in the
  // LineSource's buffer, and its line number still the LineSource's).
  bool has_pending = false;
  std::string_view pending;

  // The next physical line (false at the end), or an error.
  Expected<bool> raw_line(const std::string& source, std::string_view& line) {
    const LineSource::Status status = lines->next(line);
    if (status == LineSource::Status::Line) return true;
    if (status == LineSource::Status::End) return false;
    return line_error(source, status);
  }

  // The error of a line that could not be read (TooLong, ReadError).
  [[gnu::noinline]] Diagnostic line_error(const std::string& source, LineSource::Status status) {
    failed = true;
    if (status == LineSource::Status::TooLong) {
      return error_at(source, lines->line_number(), 0,
                      "the line is longer than 16 MiB; expected one row of a CSV file per line");
    }
    return error_at(source, 0, 0, fmt::format("cannot read the file: {}", std::strerror(errno)));
  }

  // A line's checks before splitting: true to split it, false for a blank
  // line (skipped), or an error.
  Expected<bool> check_line(const std::string& source, std::string_view line) {
    if (line.find('\0') != std::string_view::npos) {
      failed = true;
      return error_at(source, lines->line_number(), 0, "the file contains a NUL byte; expected a UTF-8 text CSV file");
    }
    if (line.find('\r') != std::string_view::npos) {
      failed = true;
      return error_at(source, lines->line_number(), 0, "the file uses CR-only line endings; expected LF or CRLF");
    }
    return !is_blank(line);
  }

  // The next line that is not blank (false at the end), or an error.
  Expected<bool> next_line(const std::string& source, std::string_view& line) {
    for (;;) {
      auto got = raw_line(source, line);
      if (!got || !*got) return got;
      auto kept = check_line(source, line);
      if (!kept || *kept) return kept;
    }
  }
};

CsvStreamReader::~CsvStreamReader() = default;

std::optional<std::size_t> CsvStreamReader::find_column(std::string_view name) const {
  for (std::size_t i = 0; i < m_header.size(); ++i) {
    if (equal_ignoring_ascii_case(m_header[i], name)) return i;
  }
  return std::nullopt;
}

Expected<std::unique_ptr<CsvStreamReader>> CsvStreamReader::open(const std::string& path) {
  std::unique_ptr<CsvStreamReader> self(new CsvStreamReader());
  self->m_source = display_name(path);
  self->m_impl = std::make_unique<Impl>();
  const std::string& source = self->m_source;
  if (path == "-") {
    self->m_impl->lines = std::make_unique<LineSource>(STDIN_FILENO, false);
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return error_at(source, 0, 0, "cannot open the file (does it exist and is it readable?)");
    self->m_impl->lines = std::make_unique<LineSource>(fd, true);
  }
  std::string_view line;
  auto got = self->m_impl->next_line(source, line);
  if (!got) return got.error();
  if (!*got) return error_at(source, 0, 0, "the file is empty; expected a header row and one row per study");
  self->m_header_line = self->m_impl->lines->line_number();
  std::optional<SplitError> split_error;
  split_line_into(line, self->m_header, split_error);
  if (split_error) return error_at(source, self->m_header_line, split_error->column, split_error->message);
  if (auto problem = check_header(self->m_header, source, self->m_header_line)) return *problem;
  return self;
}

Expected<bool> CsvStreamReader::next(CsvRow& row) {
  Impl& impl = *m_impl;
  if (impl.failed) return error_at(m_source, 0, 0, "cannot read the file after an earlier error");
  row.fields.reserve(m_header.size());  // one allocation when the caller took the last row's vector
  std::string_view line;
  // The common line is split at once: split_plain_line refuses what
  // check_line looks for (NUL, CR, a blank line), so only the lines it
  // refuses are checked, and then read by the general splitter.
  bool split = false;
  for (;;) {
    if (impl.has_pending) {
      line = impl.pending;
      impl.has_pending = false;
    } else {
      auto got = impl.raw_line(m_source, line);
      if (!got || !*got) return got;
    }
    split = split_plain_line(line, row.fields);
    if (split) break;
    auto kept = impl.check_line(m_source, line);
    if (!kept) return kept.error();
    if (*kept) break;
  }
  row.line = impl.lines->line_number();
  if (m_keep_text) row.text.assign(line);
  impl.split_error.reset();
  if (!split) split_general_line(line, row.fields, impl.split_error);  // refused by split_plain_line above
  if (impl.split_error) {
    impl.failed = true;
    return error_at(m_source, row.line, impl.split_error->column, impl.split_error->message);
  }
  if (row.fields.size() != m_header.size()) {
    impl.failed = true;
    const int column = static_cast<int>(std::min(row.fields.size(), m_header.size())) + 1;
    return error_at(m_source, row.line, column, ragged_message(row.fields.size(), m_header.size()));
  }
  return true;
}

Expected<PlainStatus> CsvStreamReader::next_plain(PlainLine& plain) {
  Impl& impl = *m_impl;
  if (impl.failed) return error_at(m_source, 0, 0, "cannot read the file after an earlier error");
  if (impl.has_pending) return PlainStatus::Other;
  const std::size_t wanted = m_header.size() - 1;  // a header has at least one column
  if (plain.cuts.size() != wanted) plain.cuts.resize(wanted);
  std::string_view line;
  for (;;) {
    const LineSource::Status status = impl.lines->next_inline(line);
    if (status != LineSource::Status::Line) {
      if (status == LineSource::Status::End) return PlainStatus::End;
      return impl.line_error(m_source, status);
    }
    if (!line.empty()) break;  // an empty line: skipped, as next() skips it
  }
  std::size_t commas = 0;
  bool blanks = false;
  // The tests of split_plain_line (so next() would split this line at once,
  // with no check of its own), and the header's number of fields.
  if (line.size() > 0xFFFFFFFFU || !scan_common_line(line.data(), line.size(), wanted, plain.cuts.data(), commas, blanks) ||
      commas != wanted || (blanks && is_blank(line))) {
    impl.pending = line;
    impl.has_pending = true;
    return PlainStatus::Other;
  }
  plain.text = line;
  plain.line = impl.lines->line_number();
  plain.blanks = blanks;
  return PlainStatus::Plain;
}

bool split_csv_row(std::string_view text, std::vector<std::string>& fields) {
  std::optional<SplitError> error;
  split_line_into(text, fields, error);
  return !error;
}

bool scan_plain_rows(const std::string& path, int header_line, std::size_t columns,
                     const std::vector<std::size_t>& key_columns,
                     const std::function<bool(std::string_view key)>& on_key) {
  constexpr std::size_t kMaxCuts = 256;  // key columns beyond this: the reader's path
  if (path == "-" || columns == 0 || key_columns.empty()) return false;
  const std::size_t last_key = *std::max_element(key_columns.begin(), key_columns.end());
  if (last_key >= columns || last_key >= kMaxCuts) return false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  LineSource lines(fd, true);  // lines cut as the reader cuts them
  // The key of the row before, as passed to on_key, and where each of its
  // fields is in it: a row's fields are compared with these in place, and
  // the key is copied only when it changes.
  std::string previous;
  std::vector<std::pair<std::size_t, std::size_t>> previous_fields(key_columns.size());
  bool first_row = true;
  std::uint32_t cut[kMaxCuts];
  const auto row = [&](const char* data, std::size_t size) {
    if (size == 0) return true;  // a blank line, skipped
    std::size_t commas = 0;
    bool blanks = false;
    if (!scan_common_line(data, size, last_key + 1, cut, commas, blanks) || commas + 1 != columns) return false;
    if (blanks && is_blank(std::string_view(data, size))) return false;
    const auto field = [&](std::size_t column) {
      return common_cell(std::string_view(data, size), cut, commas, blanks, column);
    };
    bool same = !first_row;
    for (std::size_t j = 0; same && j < key_columns.size(); ++j) {
      const auto [offset, length] = previous_fields[j];
      same = short_text::equal(field(key_columns[j]), std::string_view(previous).substr(offset, length));
    }
    if (same) return true;
    first_row = false;
    previous.clear();
    for (std::size_t j = 0; j < key_columns.size(); ++j) {
      const std::string_view text = field(key_columns[j]);
      previous_fields[j] = {previous.size(), text.size()};
      previous += text;
      previous += '\x1f';
    }
    return on_key(previous);
  };

  for (;;) {
    std::string_view line;
    switch (lines.next(line)) {
      case LineSource::Status::End:
        return true;
      case LineSource::Status::TooLong:
      case LineSource::Status::ReadError:
        return false;
      case LineSource::Status::Line:
        break;
    }
    if (lines.line_number() > header_line && !row(line.data(), line.size())) return false;
  }
}

}  // namespace metapool
