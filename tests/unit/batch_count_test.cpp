// The checking pass of batch (count_groups) reads files of common rows with
// scan_plain_rows / count_plain_groups instead of the full reader: these
// tests hold the quick path to the reader's verdict, and check that every
// line the quick path must not judge sends the file to the reader.
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "batch/group_reader.hpp"
#include "io/csv_table.hpp"
#include "support/run_cli.hpp"

namespace batch = metapool::batch;

namespace {

// Groups as the full reader counts them (GroupReader::next), or its error.
metapool::Expected<std::size_t> reader_count(const std::string& path, const std::vector<std::string>& by) {
  auto reader = batch::GroupReader::open(path, by);
  if (!reader) return reader.error();
  batch::Group group;
  std::size_t count = 0;
  for (;;) {
    auto got = reader->next(group, false);
    if (!got) return got.error();
    if (!*got) return count;
    ++count;
  }
}

std::optional<std::size_t> plain_count(const std::string& path, const std::vector<std::string>& by) {
  auto reader = batch::GroupReader::open(path, by);
  REQUIRE(reader.has_value());
  return batch::count_plain_groups(path, *reader);
}

// The keys scan_plain_rows passes for `content` (header on line 1, the key
// columns given by index), or nullopt when it leaves the file to the reader.
std::optional<std::vector<std::string>> scanned_keys(const metapool::test::TempDir& dir, const std::string& content,
                                                     std::size_t columns, const std::vector<std::size_t>& key_columns,
                                                     int header_line = 1) {
  const auto path = dir.write("scan.csv", content);
  std::vector<std::string> keys;
  const bool plain = metapool::scan_plain_rows(path.string(), header_line, columns, key_columns,
                                               [&](std::string_view key) {
                                                 keys.emplace_back(key);
                                                 return true;
                                               });
  if (!plain) return std::nullopt;
  return keys;
}

}  // namespace

TEST_CASE("batch count: the quick pass counts common files as the reader does", "[batch]") {
  metapool::test::TempDir dir;
  // Files the quick pass reads to the end: LF and CRLF, a BOM, blank lines,
  // spaces around cells, no LF at the end, a short line (< 16 bytes), a line
  // longer than 64 bytes, one of 1 MiB (longer than the reader's 64 KiB
  // block), and a file of 3 MiB.
  std::string big = "g,h,yi,vi\n";
  for (int i = 0; big.size() < (std::size_t{3} << 20); ++i) {
    big += fmt::format("group{:05},x,0.{},0.0{}\n", i / 7, i % 9, i % 8 + 1);
  }
  const std::vector<std::pair<std::string, std::string>> files = {
      {"lf", "g,h,yi,vi\na,1,0.1,0.01\na,1,0.2,0.02\na,2,0.3,0.03\n\nb,1,0.4,0.04\n"},
      {"crlf", "g,h,yi,vi\r\na,1,0.1,0.01\r\na,1,0.2,0.02\r\n\r\nb,1,0.4,0.04\r\n"},
      {"bom", "\xEF\xBB\xBFg,h,yi,vi\na,1,0.1,0.01\nb,1,0.2,0.02\n"},
      {"blank-first", "\n\ng,h,yi,vi\na,1,0.1,0.01\nb,1,0.2,0.02"},
      {"spaces", "g,h,yi,vi\n a ,1,0.1,0.01\na,  1,0.2,0.02\na , 2 ,0.3,0.03\n"},
      {"short", "g,h,yi,vi\na,1,1,1\nb,1,1,1\nb,2,1,1\n"},
      {"long", fmt::format("g,h,yi,vi\n{},1,0.1,0.01\n{},1,0.2,0.02\nb,1,0.3,0.03\n", std::string(100, 'a'),
                           std::string(100, 'a'))},
      {"big", big},
      {"line of 1 MiB", "g,h,yi,vi\n" + std::string(std::size_t{1} << 20, 'a') + ",1,0.1,0.01\nb,1,0.2,0.02\n"},
  };
  for (const auto& [name, content] : files) {
    INFO(name);
    const auto path = dir.write(name + ".csv", content);
    const auto reader = reader_count(path.string(), {"g", "h"});
    REQUIRE(reader.has_value());
    const auto plain = plain_count(path.string(), {"g", "h"});
    REQUIRE(plain.has_value());
    CHECK(*plain == *reader);
    const auto counted = batch::count_groups(path.string(), {"g", "h"});
    REQUIRE(counted.has_value());
    CHECK(*counted == *reader);
  }
  CHECK(*plain_count(dir.write("x.csv", files[0].second).string(), {"g", "h"}) == 3);
  CHECK(*plain_count(dir.write("x.csv", files[4].second).string(), {"g", "h"}) == 2);  // " a " is "a"
}

TEST_CASE("batch count: keys are the trimmed cells, each ended by 0x1F, passed when they change", "[batch]") {
  metapool::test::TempDir dir;
  const auto keys = scanned_keys(dir, "g,yi,h\n a,1, x\na ,2,x\na,3,y\nb,4,y\r\n", 3, {2, 0});
  REQUIRE(keys.has_value());
  CHECK(*keys == std::vector<std::string>{"x\x1f" "a\x1f", "y\x1f" "a\x1f", "y\x1f" "b\x1f"});
  // The header may sit below blank lines: header_line counts them.
  const auto below = scanned_keys(dir, "\n\ng,yi\na,1\n", 2, {0}, 3);
  REQUIRE(below.has_value());
  CHECK(*below == std::vector<std::string>{"a\x1f"});
  // on_key's false stops the scan.
  const auto path = dir.write("stop.csv", "g,yi\na,1\nb,2\n");
  int calls = 0;
  CHECK_FALSE(metapool::scan_plain_rows(path.string(), 1, 2, {0}, [&](std::string_view) { return ++calls < 1; }));
  CHECK(calls == 1);
}

TEST_CASE("batch count: a line the quick pass cannot judge goes to the reader", "[batch]") {
  metapool::test::TempDir dir;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"quoted", "g,yi,vi\n\"a\",0.1,0.01\n"},
      {"quoted late", "g,yi,vi\na,0.1,0.01\nb,0.1,\"0.01\"\n"},
      {"utf-8", "g,yi,vi\n\xC3\xA9,0.1,0.01\n"},
      {"tab", "g,yi,vi\na,\t0.1,0.01\n"},
      {"ragged short", "g,yi,vi\na,0.1\n"},
      {"ragged long", "g,yi,vi\na,0.1,0.01,9\n"},
      {"blank of spaces", "g,yi,vi\na,0.1,0.01\n   \nb,0.1,0.01\n"},
      {"cr inside", "g,yi,vi\na,0.1,0.01\rb,0.2,0.02\n"},
      {"nul", std::string("g,yi,vi\na,0.1,0.0\0" "1\n", 20)},
      {"header only", "g,yi,vi\n"},
      {"repeated group", "g,yi,vi\na,0.1,0.01\nb,0.1,0.01\na,0.1,0.01\n"},
  };
  for (const auto& [name, content] : files) {
    INFO(name);
    const auto path = dir.write("bad.csv", content);
    CHECK_FALSE(plain_count(path.string(), {"g"}).has_value());
    // count_groups then gives the reader's verdict: its count or its error.
    const auto reader = reader_count(path.string(), {"g"});
    const auto counted = batch::count_groups(path.string(), {"g"});
    REQUIRE(counted.has_value() == reader.has_value());
    if (reader) {
      CHECK(*counted == *reader);
    } else {
      CHECK(counted.error().line == reader.error().line);
      CHECK(counted.error().column == reader.error().column);
      CHECK(counted.error().message == reader.error().message);
    }
  }
}
