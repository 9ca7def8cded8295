// The CSV reader's splitter and number conversion (src/io): the fast paths
// (whole numbers, unquoted ASCII fields, reused field storage) give what the
// general paths give.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "io/csv_table.hpp"
#include "io/number.hpp"
#include "io/short_text.hpp"

using metapool::NumberStatus;
using metapool::parse_number;

namespace {

double via_from_chars(std::string_view text) {
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

TEST_CASE("parse_number: whole numbers equal from_chars, other text keeps its status", "[io]") {
  for (const char* text : {"0", "7", "007", "62", "365", "1000000000", "999999999999999", "123456789012345"}) {
    const auto parsed = parse_number(text);
    CHECK(parsed.status == NumberStatus::Ok);
    CHECK(parsed.value == via_from_chars(text));
  }
  // 16 digits and more go through from_chars (correctly rounded).
  CHECK(parse_number("9007199254740993").value == 9007199254740992.0);
  CHECK(parse_number("12345678901234567890").value == via_from_chars("12345678901234567890"));
  CHECK(parse_number("-3").value == -3.0);
  CHECK(parse_number("+5").value == 5.0);
  CHECK(parse_number("0.3").value == 0.3);
  CHECK(parse_number("1e-400").status == NumberStatus::Ok);
  CHECK(parse_number("1e999").status == NumberStatus::NotFinite);
  CHECK(parse_number("nan").status == NumberStatus::NotFinite);
  CHECK(parse_number("NA").status == NumberStatus::Missing);
  CHECK(parse_number("").status == NumberStatus::Missing);
  for (const char* text : {"12a", "1 2", "1,5", ".", "-", "+", "++1", "0x10", "1_000", "12\xC2\xB2"}) {
    CAPTURE(text);
    CHECK(parse_number(text).status == NumberStatus::NotANumber);
  }
}

TEST_CASE("CSV splitter: quotes, escapes, trimming and UTF-8", "[io]") {
  const auto table = metapool::parse_csv_text(
      "study, a ,b\n"
      "\"Smith, 2001\",\" x \",\"say \"\"hi\"\"\"\n"
      "  Müller  ,,\"\"\n"
      "plain,\"\",3\n",
      "t.csv");
  REQUIRE(table);
  CHECK(table->header == std::vector<std::string>{"study", "a", "b"});
  REQUIRE(table->row_count() == 3);
  CHECK(table->row_cells(0) == std::vector<std::string>{"Smith, 2001", " x ", "say \"hi\""});
  CHECK(table->row_cells(1) == std::vector<std::string>{"Müller", "", ""});
  CHECK(table->row_cells(2) == std::vector<std::string>{"plain", "", "3"});

  const auto bad_utf8 = metapool::parse_csv_text("a,b\nx,\xC3\x28\n", "t.csv");
  REQUIRE_FALSE(bad_utf8);
  CHECK(bad_utf8.error().line == 2);
  CHECK(bad_utf8.error().column == 2);
  const auto stray = metapool::parse_csv_text("a,b\nx,ab\"c\n", "t.csv");
  REQUIRE_FALSE(stray);
  CHECK(stray.error().column == 2);
  const auto open_quote = metapool::parse_csv_text("a,b\nx,\"abc\n", "t.csv");
  REQUIRE_FALSE(open_quote);
  CHECK(open_quote.error().column == 2);
  const auto after_quote = metapool::parse_csv_text("a,b\n\"x\"y,1\n", "t.csv");
  REQUIRE_FALSE(after_quote);
  CHECK(after_quote.error().column == 1);
}

namespace {

// The fields of a line without quotes, cut at every comma and trimmed of
// spaces and tabs: what the splitter must give for such a line.
std::vector<std::string> naive_split(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    std::string field = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = field.find_first_not_of(" \t");
    field = first == std::string::npos ? "" : field.substr(first, field.find_last_not_of(" \t") - first + 1);
    fields.push_back(field);
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

}  // namespace

// The plain-line path reads sixteen bytes at a time, in 64-byte stretches:
// commas, blanks, quotes and non-ASCII bytes at every offset within a step
// and lines of every length up to 200 (past a stretch, and past its
// 64-comma limit) give the fields of a byte-by-byte split.
TEST_CASE("CSV splitter: the sixteen-bytes-a-step path cuts like a byte-by-byte split", "[io]") {
  std::mt19937 rng(20261203);
  const std::string alphabet = "ab1 ,\t,x";
  std::vector<std::string> fields;
  for (int n = 0; n < 3000; ++n) {
    std::string line(static_cast<std::size_t>(rng() % 200), 'a');
    for (char& c : line) c = alphabet[rng() % alphabet.size()];
    CAPTURE(line);
    REQUIRE(metapool::split_csv_row(line, fields));
    CHECK(fields == naive_split(line));
  }
  // A two-byte UTF-8 character or a quoted field at each offset sends the
  // line to the general splitter, which must agree.
  const std::string base = "ab,cd,ef,gh,ij,kl,mn,op,qr,st";
  for (std::size_t at = 0; at <= base.size(); ++at) {
    std::string line = base;
    line.insert(at, "\xC3\xA9");
    CAPTURE(line);
    REQUIRE(metapool::split_csv_row(line, fields));
    CHECK(fields == naive_split(line));
    if (at == 0 || base[at - 1] == ',') {
      std::string quoted = base;
      quoted.insert(at, "\"y,z\",");
      CAPTURE(quoted);
      REQUIRE(metapool::split_csv_row(quoted, fields));
      auto expected = naive_split(base);
      expected.insert(expected.begin() + static_cast<std::ptrdiff_t>(std::count(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(at), ',')), "y,z");
      CHECK(fields == expected);
    }
  }
}

TEST_CASE("CSV stream reader reuses its row storage without leaking old fields", "[io]") {
  const auto path = std::filesystem::temp_directory_path() / "metapool_io_reader_test.csv";
  {
    std::ofstream out(path);
    out << "a,b,c\n"
           "a-much-longer-field-than-sso,\"q,1\",3\n"
           "x,,\n"
           "\n"
           "\"\",y,\"z\"\"\"\n";
  }
  auto reader = metapool::CsvStreamReader::open(path.string());
  REQUIRE(reader);
  metapool::CsvRow row;
  REQUIRE(*(*reader)->next(row));
  CHECK(row.fields == std::vector<std::string>{"a-much-longer-field-than-sso", "q,1", "3"});
  CHECK(row.line == 2);
  REQUIRE(*(*reader)->next(row));
  CHECK(row.fields == std::vector<std::string>{"x", "", ""});
  REQUIRE(*(*reader)->next(row));
  CHECK(row.fields == std::vector<std::string>{"", "y", "z\""});
  CHECK(row.line == 5);
  CHECK_FALSE(*(*reader)->next(row));
  std::filesystem::remove(path);
}

namespace {

// Every row of `text` through the stream reader (a temporary file named
// after `name`: ctest runs test cases in parallel), or the first error.
metapool::Expected<std::vector<metapool::CsvRow>> stream_rows(const std::string& text, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("metapool_io_stream_" + name + ".csv");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  auto reader = metapool::CsvStreamReader::open(path.string());
  std::filesystem::remove(path);
  if (!reader) return reader.error();
  std::vector<metapool::CsvRow> rows;
  for (;;) {
    metapool::CsvRow row;
    auto got = (*reader)->next(row);
    if (!got) return got.error();
    if (!*got) return rows;
    rows.push_back(std::move(row));
  }
}

}  // namespace

TEST_CASE("CSV stream reader gives parse_csv_text's rows across its 64 KiB read blocks", "[io]") {
  // A BOM, CRLF and LF endings, blank lines, a quoted field, a line longer
  // than one block, and no LF after the last line: ~200 KiB, so lines
  // straddle the block boundaries.
  std::string text = "\xEF\xBB\xBFstudy,events_t,note\r\n";
  for (int i = 0; i < 4000; ++i) {
    text += fmt::format("s{},{},\"x, {}\"{}", i, i % 97, i, i % 3 == 0 ? "\r\n" : "\n");
    if (i % 500 == 0) text += "  \n";
    if (i == 1234) text += "long," + std::to_string(i) + "," + std::string(150000, 'y') + "\n";
  }
  text += "last,1,end";
  const auto table = metapool::parse_csv_text(text, "t.csv");
  REQUIRE(table);
  const auto rows = stream_rows(text, "blocks");
  REQUIRE(rows);
  REQUIRE(rows->size() == table->row_count());
  for (std::size_t i = 0; i < rows->size(); ++i) {
    INFO("row " << i);
    CHECK((*rows)[i].fields == table->row_cells(i));
    CHECK((*rows)[i].line == table->line[i]);
  }
  CHECK(rows->back().fields == std::vector<std::string>{"last", "1", "end"});
}

TEST_CASE("CSV stream reader rejects a NUL byte, CR-only endings and a line over 16 MiB with the line", "[io]") {
  const auto nul = stream_rows(std::string("a,b\n1,2\n3,\0\n", 12), "nul");
  REQUIRE_FALSE(nul);
  CHECK(nul.error().line == 3);
  CHECK_THAT(nul.error().message, Catch::Contains("NUL byte"));
  const auto cr_only = stream_rows("a,b\n1,2\r3,4\r", "cr");
  REQUIRE_FALSE(cr_only);
  CHECK(cr_only.error().line == 2);
  CHECK_THAT(cr_only.error().message, Catch::Contains("CR-only"));
  const auto long_line = stream_rows("a,b\n1,2\n3," + std::string((std::size_t{1} << 24) + 10, '4') + "\n5,6\n", "long");
  REQUIRE_FALSE(long_line);
  CHECK(long_line.error().line == 3);
  CHECK_THAT(long_line.error().message, Catch::Contains("longer than 16 MiB"));
  const auto empty = stream_rows("\xEF\xBB\xBF\n  \n", "empty");
  REQUIRE_FALSE(empty);
  CHECK_THAT(empty.error().message, Catch::Contains("empty"));
}

// The plain-line splitter also stands in for the reader's NUL, CR and blank
// checks (it refuses such lines, which are then checked): a NUL or a CR at
// every offset of lines of 1-24 bytes (within and past eight-byte words) is
// still an error on its line, and blank lines of every length are skipped.
TEST_CASE("CSV stream reader finds a NUL or CR at any offset and skips blank lines of any length", "[io]") {
  for (std::size_t length = 1; length <= 24; ++length) {
    std::string line;
    for (std::size_t i = 0; i < length; ++i) line += i % 3 == 2 ? ',' : static_cast<char>('a' + i % 26);
    const std::size_t commas = static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
    std::string header = "h0";
    for (std::size_t c = 1; c <= commas; ++c) header += ",h" + std::to_string(c);
    for (std::size_t at = 0; at < length; ++at) {
      for (const char bad : {'\0', '\r'}) {
        if (bad == '\r' && at + 1 == length) continue;  // CR LF: a line end, not an error
        std::string text = header + "\n" + line + "\n";
        text[header.size() + 1 + at] = bad;
        CAPTURE(length, at, static_cast<int>(bad));
        const auto rows = stream_rows(text, "control");
        REQUIRE_FALSE(rows);
        CHECK(rows.error().line == 2);
        CHECK_THAT(rows.error().message, Catch::Contains(bad == '\0' ? "NUL byte" : "CR-only"));
      }
    }
    std::string blank;
    for (std::size_t i = 0; i < length; ++i) blank += i % 4 == 1 ? '\t' : ' ';
    CAPTURE(length);
    const auto rows = stream_rows(header + "\n" + blank + "\n" + line + "\n" + blank + "\n", "blank");
    REQUIRE(rows);
    REQUIRE(rows->size() == 1);
    CHECK((*rows)[0].line == 3);
    CHECK((*rows)[0].fields == naive_split(line));
  }
  // Tabs are control bytes for the word-at-a-time path: such lines take the
  // general splitter, which trims them as spaces.
  const auto rows = stream_rows("a,b\n\t1 ,\t 2\t\n", "tabs");
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].fields == std::vector<std::string>{"1", "2"});
}

// short_text copies and compares by two overlapping loads: every length up
// to past its 16-byte limit, into strings that were shorter, as long or
// longer (and heap-allocated), and a difference at every offset.
TEST_CASE("short_text::assign and equal agree with std::string at every length", "[io]") {
  std::string source;
  for (int i = 0; i < 40; ++i) source += static_cast<char>('A' + (i * 7) % 26);
  for (std::size_t size = 0; size <= 40; ++size) {
    const std::string_view text(source.data(), size);
    for (const std::size_t before : {std::size_t{0}, size / 2, size, size + 3, std::size_t{30}}) {
      std::string field(before, '#');
      metapool::short_text::assign(field, text.data(), size);
      CAPTURE(size, before);
      CHECK(field == text);
      CHECK(std::strlen(field.c_str()) == size);  // terminated at its length
    }
    CHECK(metapool::short_text::equal(text, std::string(text)));
    for (std::size_t at = 0; at < size; ++at) {
      std::string other(text);
      other[at] = static_cast<char>(other[at] + 1);
      CAPTURE(size, at);
      CHECK_FALSE(metapool::short_text::equal(text, other));
    }
    if (size > 0) CHECK_FALSE(metapool::short_text::equal(text, text.substr(0, size - 1)));
  }
}

namespace {

// The rows of `text` read by next_plain, and by next where next_plain
// leaves a line to it (as the batch reads two-arm counts), with how many
// came as common lines; or the first error.
struct PlainRead {
  std::vector<metapool::CsvRow> rows;
  std::size_t plain = 0;
  std::optional<metapool::Diagnostic> error;
};

PlainRead plain_rows(const std::string& text, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / ("metapool_io_plain_" + name + ".csv");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  auto reader = metapool::CsvStreamReader::open(path.string());
  std::filesystem::remove(path);
  PlainRead out;
  if (!reader) {
    out.error = reader.error();
    return out;
  }
  metapool::PlainLine line;
  for (;;) {
    auto status = (*reader)->next_plain(line);
    if (!status) {
      out.error = status.error();
      return out;
    }
    if (*status == metapool::PlainStatus::End) return out;
    metapool::CsvRow row;
    if (*status == metapool::PlainStatus::Plain) {
      ++out.plain;
      REQUIRE(line.cuts.size() + 1 == (*reader)->header().size());
      for (std::size_t c = 0; c <= line.cuts.size(); ++c) row.fields.emplace_back(line.cell(c));
      row.line = line.line;
    } else {
      auto got = (*reader)->next(row);
      if (!got) {
        out.error = got.error();
        return out;
      }
      if (!*got) return out;
    }
    out.rows.push_back(std::move(row));
  }
}

}  // namespace

TEST_CASE("CSV stream reader: next_plain gives next's fields for common lines and leaves the others to it", "[io]") {
  std::mt19937 random(20261204);
  const std::vector<std::string> cells{"12", " 7", "8 ", "  ", "", "s1", "a b", "\"q,1\"", "\"\"", "x\ty", "\xC3\xA9",
                                       "NA", "0", "123456789012345678"};
  for (int round = 0; round < 40; ++round) {
    INFO("round " << round);
    std::string text = "outcome,study,events_t,n_t\n";
    for (int i = 0; i < 300; ++i) {
      const auto pick = random() % 20;
      if (pick == 0) {
        text += "\n";  // blank lines are skipped by both
      } else if (pick == 1) {
        text += "   \n";
      } else if (pick == 2 && round % 4 == 0) {
        text += "o1,s,1\n";  // ragged: next_plain leaves it, next reports it
      } else if (pick == 3 && round % 4 == 1) {
        text += "o1,s,1,2\r\n";  // CRLF: the line source drops the CR, so a common line
      } else if (pick == 4 && round % 4 == 2) {
        text += "o1,s,1,2\rx\n";  // a CR inside: next's error
      } else {
        for (int c = 0; c < 4; ++c) {
          text += c == 0 ? "" : ",";
          text += random() % 3 == 0 ? cells[random() % cells.size()] : std::to_string(random() % 100);
        }
        text += "\n";
      }
    }
    const auto reference = stream_rows(text, "plain_ref");
    const PlainRead read = plain_rows(text, "plain");
    if (!reference) {
      REQUIRE(read.error);
      CHECK(read.error->line == reference.error().line);
      CHECK(read.error->column == reference.error().column);
      CHECK(read.error->message == reference.error().message);
      continue;
    }
    REQUIRE_FALSE(read.error);
    REQUIRE(read.rows.size() == reference->size());
    CHECK(read.plain > read.rows.size() / 2);
    CHECK(read.plain < read.rows.size());
    for (std::size_t i = 0; i < read.rows.size(); ++i) {
      INFO("row " << i);
      CHECK(read.rows[i].fields == (*reference)[i].fields);
      CHECK(read.rows[i].line == (*reference)[i].line);
    }
  }
}
