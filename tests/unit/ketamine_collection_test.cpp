// metapool collection on the bundled ketamine evidence (scripts/run_main.sh's
// main job) through the real binary: the index page and a directory per
// analysis, links that resolve, the reproduction table with every reported
// figure, byte-identical re-runs, hostile labels escaped, and no partial
// output on failure.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "io/csv_table.hpp"
#include "support/run_cli.hpp"

using metapool::test::run_cli;
using metapool::test::slurp;
using metapool::test::source_path;
using metapool::test::TempDir;

namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> read_tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = slurp(e.path());
  }
  return out;
}

std::string ketamine_args(const fs::path& out) {
  return "collection scripts/ketamine_analyses.csv --figures datasets/ketamine/reported_figures.csv --title "
         "'Ketamine' --out '" + out.string() + "'";
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("ketamine collection: index, a report per pooled analysis, single studies, every link resolves") {
  TempDir dir;
  const auto out = dir.path() / "ketamine";
  const auto run = run_cli(ketamine_args(out), "", METAPOOL_SOURCE_DIR);
  INFO(run.err);
  REQUIRE(run.status == 0);
  const std::string html = slurp(out / "index.html");
  for (const char* id : {"esketamine_response_day28", "esketamine_remission_day28", "ketamine_response",
                         "suicidal_ideation", "single_arm_response", "racemic_vs_esketamine"}) {
    INFO(id);
    CHECK(fs::exists(out / id / "index.html"));
    CHECK(fs::exists(out / id / "forest.svg"));
    CHECK(html.find(std::string("href=\"") + id + "/index.html\"") != std::string::npos);
  }
  for (const char* id : {"elektd_vs_ect", "sustain1_relapse", "ptsd", "heroin", "alcohol"}) {
    INFO(id);
    CHECK(fs::exists(out / id / "effects.csv"));
    CHECK(!fs::exists(out / id / "index.html"));
    CHECK(html.find(std::string("href=\"") + id + "/effects.csv\"") != std::string::npos);
  }
  CHECK(html.find("Single studies (not pooled)") != std::string::npos);
  CHECK(html.find("What must not be pooled, and why") != std::string::npos);
  CHECK(count(html, "<span class=\"badge single\">not pooled</span>") == 5);
  // Headlines (metafor 3.8-1 values of datasets/ketamine/README.md).
  CHECK(html.find("Risk ratio 1.379 (95% CI 1.164 to 1.634)") != std::string::npos);
  CHECK(html.find("Risk ratio 1.500 (95% CI 1.100 to 2.044)") != std::string::npos);
  CHECK(html.find("Proportion 0.623 (95% CI 0.502 to 0.730)") != std::string::npos);
  CHECK(html.find("QM = 0.19 (df = 1), p = 0.6630") != std::string::npos);
  // Every relative link in the index resolves to a file in the directory.
  const std::regex href("href=\"([^\"#]+)\"");
  std::size_t links = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
    INFO((*it)[1].str());
    CHECK(fs::is_regular_file(out / (*it)[1].str()));
    ++links;
  }
  CHECK(links >= 11);
  // Self-contained: no scripts, no network.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  // Only the output directory is left (no temporary directories).
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("ketamine collection: the reproduction table has every reported figure, S3c-1 flagged") {
  TempDir dir;
  const auto out = dir.path() / "k";
  const auto run = run_cli(ketamine_args(out), "", METAPOOL_SOURCE_DIR);
  INFO(run.err);
  REQUIRE(run.status == 0);
  auto figures = metapool::read_csv_file(source_path("datasets/ketamine/reported_figures.csv"));
  REQUIRE(figures);
  const auto id_column = figures->find_column("id");
  REQUIRE(id_column);
  auto table = metapool::read_csv_file((out / "reproduce.csv").string());
  REQUIRE(table);
  REQUIRE(table->row_count() == figures->row_count());
  const std::string html = slurp(out / "index.html");
  for (std::size_t i = 0; i < figures->row_count(); ++i) {
    const std::string id(figures->cell(i, *id_column));
    INFO(id);
    CHECK(table->cell(i, *table->find_column("id")) == id);
    CHECK(html.find("<tr><td>" + id + "</td>") != std::string::npos);
  }
  CHECK(html.find("32 of 33 checked figures are consistent; flagged: S3c-1.") != std::string::npos);
  CHECK(count(html, "<td class=\"flag\">INCONSISTENT") == 1);
}

TEST_CASE("ketamine collection: a re-run is byte-identical") {
  TempDir dir;
  const auto out = dir.path() / "k";
  REQUIRE(run_cli(ketamine_args(out), "", METAPOOL_SOURCE_DIR).status == 0);
  const auto first = read_tree(out);
  REQUIRE(run_cli(ketamine_args(out), "", METAPOOL_SOURCE_DIR).status == 0);
  const auto second = read_tree(out);
  CHECK(first.size() == second.size());
  for (const auto& [name, content] : first) {
    INFO(name);
    REQUIRE(second.count(name) == 1);
    CHECK(second.at(name) == content);
  }
}

TEST_CASE("ketamine collection: the committed reports/ketamine index matches a fresh run") {
  // The committed output is current: reproduce.csv and summary.csv (which hold
  // no title, intro or output path, apart from summary's command column) equal
  // a fresh run's.
  TempDir dir;
  const auto out = dir.path() / "ketamine";
  REQUIRE(run_cli(ketamine_args(out), "", METAPOOL_SOURCE_DIR).status == 0);
  CHECK(slurp(out / "reproduce.csv") == slurp(source_path("reports/ketamine/reproduce.csv")));
  // summary.csv: every column but the command (which names the --out directory).
  auto fresh = metapool::read_csv_file((out / "summary.csv").string());
  auto committed = metapool::read_csv_file(source_path("reports/ketamine/summary.csv"));
  REQUIRE(fresh);
  REQUIRE(committed);
  REQUIRE(fresh->header == committed->header);
  REQUIRE(fresh->row_count() == committed->row_count());
  const auto command = fresh->find_column("command");
  REQUIRE(command);
  for (std::size_t r = 0; r < fresh->row_count(); ++r) {
    for (std::size_t c = 0; c < fresh->header.size(); ++c) {
      if (c == *command) continue;
      INFO(fresh->header[c] << " row " << r);
      CHECK(fresh->cell(r, c) == committed->cell(r, c));
    }
  }
  CHECK(fs::exists(source_path("reports/ketamine/index.html")));
}

TEST_CASE("collection: hostile labels from the manifest, data and figures are escaped") {
  TempDir dir;
  dir.write("data.csv",
            "study,events_t,n_t,events_c,n_c,counts_source\n"
            "\"<script>alert(1)</script>\",10,20,5,20,\"<b>stated</b>\"\n"
            "\"B\"\"><img src=x onerror=alert(2)>\",12,20,6,20,inferred\n");
  dir.write("one.csv", "study,events_t,n_t,events_c,n_c\n\"<iframe src=//evil>\",3,10,1,10\n");
  dir.write("figures.csv",
            "id,study,figure,events_t,n_t,percent_t,counts_source,source_article\n"
            "\"<svg onload=alert(3)>\",\"<style>body{}</style>\",x,7,8,88,\"<a href=//evil>\",\"<u>\"\n");
  dir.write("m.csv",
            "id,kind,file,title,comparison,outcome,timepoint,notes\n"
            "a,pool,data.csv,\"<script>t()</script>\",\"</td><td>c\",\"<!-- o\",\"&amp; t\",\"\"\"><b>n</b>\"\n"
            "b,single,one.csv,\"<marquee>s\",,,,\"<img src=y>\"\n"
            "c,not_pooled,,\"<h1>x</h1>\",,,,\"<object data=z>\"\n");
  const auto out = dir.path() / "out";
  const auto run = run_cli("collection m.csv --figures figures.csv --title '<title>T' --intro '<i>intro' --out out",
                           "", dir.path().string());
  INFO(run.err);
  REQUIRE(run.status == 0);
  for (const char* file : {"index.html", "index.md"}) {
    const std::string text = slurp(out / file);
    INFO(file);
    for (const char* raw : {"<script", "<img", "<iframe", "<svg", "<style>body", "<a href=//evil", "<marquee",
                            "<h1>x", "<object", "<b>n", "<b>stated", "<!-- o", "</td><td>c", "<i>intro", "<title>T",
                            "<u>"}) {
      INFO(raw);
      CHECK(text.find(raw) == std::string::npos);
    }
  }
  const std::string html = slurp(out / "index.html");
  CHECK(html.find("&lt;script&gt;t()&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&amp;amp; t") != std::string::npos);
  CHECK(html.find("&lt;iframe src=//evil&gt;") != std::string::npos);
  CHECK(html.find("&lt;svg onload=alert(3)&gt;") != std::string::npos);
  CHECK(fs::exists(out / "a" / "index.html"));
  CHECK(fs::exists(out / "b" / "effects.csv"));
}

TEST_CASE("collection: a failed run leaves the previous output and no temporary directory") {
  TempDir dir;
  dir.write("good.csv", "study,events_t,n_t,events_c,n_c\nA,10,20,5,20\nB,12,20,6,20\n");
  dir.write("bad.csv", "study,events_t,n_t,events_c,n_c\nA,10,20,5,20\nB,30,20,6,20\n");
  dir.write("m1.csv", "id,kind,file,title\na,pool,good.csv,Good\n");
  dir.write("m2.csv", "id,kind,file,title\na,pool,good.csv,Good\nb,pool,bad.csv,Bad\n");
  dir.write("m3.csv", "id,kind,file,title\na,pool,missing.csv,Missing\n");
  dir.write("m4.csv", "id,kind,file,title\n../x,pool,good.csv,Escape\n");
  dir.write("m5.csv", "id,kind,file,title\na,single,good.csv,Two studies\nb,pool,one.csv,One\n");
  dir.write("one.csv", "study,events_t,n_t,events_c,n_c\nA,10,20,5,20\n");
  REQUIRE(run_cli("collection m1.csv --out out", "", dir.path().string()).status == 0);
  const auto before = read_tree(dir.path() / "out");
  for (const char* manifest : {"m2.csv", "m3.csv", "m4.csv", "m5.csv"}) {
    INFO(manifest);
    const auto run = run_cli(std::string("collection ") + manifest + " --out out", "", dir.path().string());
    INFO(run.err);
    CHECK(run.status == 2);
    CHECK(!run.err.empty());
    CHECK(read_tree(dir.path() / "out") == before);
  }
  for (const auto& e : fs::directory_iterator(dir.path())) {
    INFO(e.path().filename().string());
    CHECK(e.path().filename().string().rfind(".out", 0) != 0);  // no .out.tmp-* left behind
  }
  // A directory that is not an earlier metapool output is never replaced.
  fs::create_directory(dir.path() / "mine");
  dir.write("mine/keep.txt", "x");
  CHECK(run_cli("collection m1.csv --out mine", "", dir.path().string()).status == 2);
  CHECK(fs::exists(dir.path() / "mine" / "keep.txt"));
}
