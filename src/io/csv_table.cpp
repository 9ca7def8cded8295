#include "io/csv_table.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>  // fast-cpp-csv-parser relies on <limits> being included first
#include <sstream>

#include <fmt/format.h>
#include <libfccp/csv.h>

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

bool is_blank(const char* text) {
  while (*text == ' ' || *text == '\t') ++text;
  return *text == '\0';
}

// Splits one physical line into RFC 4180 fields. Unquoted fields are trimmed
// of spaces and tabs; a quoted field keeps its inner text with "" -> ".
// On error returns the 1-based column of the offending field and a message.
struct SplitError {
  int column;
  std::string message;
};

std::vector<std::string> split_line(std::string_view line, std::optional<SplitError>& error) {
  std::vector<std::string> fields;
  std::size_t pos = 0;
  const auto skip_space = [&] {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  };
  for (;;) {
    skip_space();
    std::string field;
    const int column = static_cast<int>(fields.size()) + 1;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < line.size()) {
        if (line[pos] == '"') {
          if (pos + 1 < line.size() && line[pos + 1] == '"') {
            field += '"';
            pos += 2;
            continue;
          }
          ++pos;
          closed = true;
          break;
        }
        field += line[pos++];
      }
      if (!closed) {
        error = SplitError{column, "unterminated quoted field (a '\"' opens it but none closes it on "
                                   "this line; fields may not span lines)"};
        return fields;
      }
      skip_space();
      if (pos < line.size() && line[pos] != ',') {
        error = SplitError{column, fmt::format("unexpected character '{}' after the closing quote; "
                                               "expected ',' or the end of the line",
                                               line[pos])};
        return fields;
      }
    } else {
      const std::size_t start = pos;
      while (pos < line.size() && line[pos] != ',') ++pos;
      std::size_t end = pos;
      while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
      field.assign(line.substr(start, end - start));
      if (field.find('"') != std::string::npos) {
        error = SplitError{column, fmt::format("stray '\"' in unquoted field \"{}\"; quote the whole "
                                               "field and double inner quotes (RFC 4180)",
                                               field)};
        return fields;
      }
    }
    if (const auto bad = first_invalid_utf8(field); bad != std::string_view::npos) {
      error = SplitError{column, fmt::format("invalid UTF-8 (byte 0x{:02X} at offset {} of the field); "
                                             "expected UTF-8 text",
                                             static_cast<unsigned char>(field[bad]), bad + 1)};
      return fields;
    }
    fields.push_back(std::move(field));
    if (pos >= line.size()) break;
    ++pos;  // the comma
  }
  return fields;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::size_t> CsvTable::find_column(std::string_view name) const {
  const std::string wanted = ascii_lower(name);
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (ascii_lower(header[i]) == wanted) return i;
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
    for (std::size_t i = 0; i < table.header.size(); ++i) {
      const int column = static_cast<int>(i) + 1;
      if (table.header[i].empty()) {
        return error_at(source, table.header_line, column, "empty column name in the header");
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (ascii_lower(table.header[j]) == ascii_lower(table.header[i])) {
          return error_at(source, table.header_line, column,
                          fmt::format("duplicate column \"{}\" (also column {}; names are "
                                      "case-insensitive)",
                                      table.header[i], j + 1));
        }
      }
    }
    while ((raw_line = reader.next_line()) != nullptr) {
      if (is_blank(raw_line)) continue;
      const int line = static_cast<int>(reader.get_file_line());
      auto fields = split_line(raw_line, split_error);
      if (split_error) return error_at(source, line, split_error->column, split_error->message);
      if (fields.size() != table.header.size()) {
        const int column = static_cast<int>(std::min(fields.size(), table.header.size())) + 1;
        return error_at(source, line, column,
                        fmt::format("row has {} field{}, expected {} as in the header", fields.size(),
                                    fields.size() == 1 ? "" : "s", table.header.size()));
      }
      table.rows.push_back(std::move(fields));
      table.line.push_back(line);
    }
  } catch (const io::error::base& e) {
    return error_at(source, 0, 0, fmt::format("cannot read the file: {}", e.what()));
  }
  if (table.rows.empty()) {
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

}  // namespace metapool
