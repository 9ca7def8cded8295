// The CSV reader's splitter and number conversion (src/io): the fast paths
// (whole numbers, unquoted ASCII fields, reused field storage) give what the
// general paths give.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "io/csv_table.hpp"
#include "io/number.hpp"

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
  REQUIRE(table->rows.size() == 3);
  CHECK(table->rows[0] == std::vector<std::string>{"Smith, 2001", " x ", "say \"hi\""});
  CHECK(table->rows[1] == std::vector<std::string>{"Müller", "", ""});
  CHECK(table->rows[2] == std::vector<std::string>{"plain", "", "3"});

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
