// batch library pieces without the binary: --analyses syntax, --shard, the
// group reader (consecutive rows, repeated groups) and row rendering.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "batch/analysis_spec.hpp"
#include "batch/group_reader.hpp"
#include "batch/result_row.hpp"
#include "batch/runner.hpp"
#include "support/run_cli.hpp"

using metapool::AnalysisOptions;
using metapool::Method;
using metapool::TestType;
namespace batch = metapool::batch;

TEST_CASE("batch spec: empty SPEC is one default configuration", "[batch]") {
  AnalysisOptions base;
  base.method = Method::DL;
  auto configs = batch::parse_analyses("", base);
  REQUIRE(configs.has_value());
  REQUIRE(configs->size() == 1);
  CHECK(configs->front().label == "default");
  CHECK(configs->front().options.method == Method::DL);
}

TEST_CASE("batch spec: several configurations inherit the command-line options", "[batch]") {
  AnalysisOptions base;
  base.ci_level = 0.9;
  auto configs = batch::parse_analyses(" method=REML/DL , test=knha ; method=DL;label=fixed,method=EE,level=99", base);
  REQUIRE(configs.has_value());
  REQUIRE(configs->size() == 3);
  const auto& a = (*configs)[0];
  CHECK(a.label == "method=REML/DL , test=knha");
  CHECK(a.options.method == Method::REML);
  REQUIRE(a.options.fallback.size() == 1);
  CHECK(a.options.fallback[0] == Method::DL);
  CHECK(a.options.test == TestType::KNHA);
  CHECK(a.options.ci_level == 0.9);
  CHECK((*configs)[1].options.method == Method::DL);
  CHECK((*configs)[1].options.test == TestType::Z);
  CHECK((*configs)[2].label == "fixed");
  CHECK((*configs)[2].options.method == Method::EE);
  CHECK((*configs)[2].options.ci_level == Approx(0.99));
}

TEST_CASE("batch spec: errors name the configuration and the key", "[batch]") {
  AnalysisOptions base;
  const auto message = [&](const char* spec) {
    auto configs = batch::parse_analyses(spec, base);
    REQUIRE_FALSE(configs.has_value());
    return configs.error().message;
  };
  CHECK_THAT(message("method=REML;methd=DL"), Catch::Contains("configuration 2") && Catch::Contains("unknown key \"methd\""));
  CHECK_THAT(message("method=XX"), Catch::Contains("unknown method \"XX\""));
  CHECK_THAT(message("method=REML,method=DL"), Catch::Contains("given twice"));
  CHECK_THAT(message("test"), Catch::Contains("not KEY=VALUE"));
  CHECK_THAT(message("level=150"), Catch::Contains("level"));
  CHECK_THAT(message("cc=-1"), Catch::Contains("cc"));
  CHECK_THAT(message("method=DL;method=DL"), Catch::Contains("used twice"));
  CHECK_THAT(message("measure=SMD,method=MH"), Catch::Contains("MH"));
}

TEST_CASE("batch shard: i/n with 0 <= i < n", "[batch]") {
  auto shard = batch::parse_shard("2/5");
  REQUIRE(shard.has_value());
  CHECK(shard->index == 2);
  CHECK(shard->count == 5);
  CHECK(shard->contains(7));
  CHECK_FALSE(shard->contains(8));
  CHECK(shard->size_of(12) == 2);  // groups 2 and 7
  CHECK(shard->size_of(2) == 0);
  for (const char* bad : {"5/5", "1", "a/2", "1/0", "-1/3", "1/2/3", ""}) {
    INFO(bad);
    CHECK_FALSE(batch::parse_shard(bad).has_value());
  }
}

TEST_CASE("batch group reader: consecutive rows form a group, a repeat is an error", "[batch]") {
  metapool::test::TempDir dir;
  const auto good = dir.write("good.csv", "g,h,yi,vi\na,1,0.1,0.01\na,1,0.2,0.02\na,2,0.3,0.03\n\nb,1,0.4,0.04\n");
  auto reader = batch::GroupReader::open(good.string(), {"G", "h"});
  REQUIRE(reader.has_value());
  batch::Group group;
  REQUIRE(*reader->next(group, true));
  CHECK(group.index == 0);
  CHECK(group.key == std::vector<std::string>{"a", "1"});
  CHECK(group.rows == 2);
  CHECK(group.table.line == std::vector<int>{2, 3});
  REQUIRE(*reader->next(group, false));
  CHECK(group.index == 1);
  CHECK(group.rows == 1);
  CHECK(group.table.row_count() == 0);
  REQUIRE(*reader->next(group, true));
  CHECK(group.key == std::vector<std::string>{"b", "1"});
  CHECK(group.table.line == std::vector<int>{6});
  CHECK_FALSE(*reader->next(group, true));
  auto count = batch::count_groups(good.string(), {"g", "h"});
  REQUIRE(count.has_value());
  CHECK(*count == 3);

  const auto repeated = dir.write("rep.csv", "g,yi,vi\na,0.1,0.01\nb,0.2,0.02\na,0.3,0.03\n");
  auto bad = batch::count_groups(repeated.string(), {"g"});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().line == 4);
  CHECK_THAT(bad.error().message, Catch::Contains("not consecutive"));

  auto missing = batch::GroupReader::open(good.string(), {"nope"});
  REQUIRE_FALSE(missing.has_value());
  CHECK_THAT(missing.error().message, Catch::Contains("--by column \"nope\""));
}

TEST_CASE("batch rows: text is quoted for CSV and escaped for JSON, appended after what is there", "[batch]") {
  batch::Group group;
  group.index = 3;
  group.rows = 2;
  group.key = {"a,\"b\"", std::string("tab\there\x01") + "\n"};
  batch::AnalysisConfig config;
  config.label = "default";
  const metapool::Expected<metapool::PoolAnalysis> failed = metapool::make_error("bad \"data\"");
  const auto columns = batch::result_columns({"k1", "k2"});

  std::string csv = "previous\n";
  batch::append_row(csv, batch::BatchFormat::Csv, group, columns, 0, config, failed);
  // The earlier text stays; the row is one line; quotes doubled, the line break a space.
  REQUIRE(csv.rfind("previous\n3,0,\"a,\"\"b\"\"\",", 0) == 0);
  CHECK(csv.find("\"tab\there\x01 \"") != std::string::npos);
  CHECK(csv.back() == '\n');
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 2);

  std::string json;
  batch::append_row(json, batch::BatchFormat::Jsonl, group, columns, 0, config, failed);
  CHECK(json.rfind("{\"group_index\":3,\"config_index\":0,\"k1\":\"a,\\\"b\\\"\",\"k2\":\"tab\\there\\u0001\\n\",", 0) == 0);
  CHECK(json.size() >= 2);
  CHECK(json.substr(json.size() - 2) == "}\n");
  CHECK(json.find('\0') == std::string::npos);
}
