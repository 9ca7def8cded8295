// Nothing lost (issue 9): every --out file is written to a temporary sibling
// and renamed into place, so a run that fails (bad input, bad arguments, a
// CSV error found late) or is killed leaves an earlier output at that path
// byte-for-byte intact and never a partial file under the target name.
// After a normal failure no temporary file remains either; after SIGKILL
// (which no program can clean up after) a streaming `batch --out` may leave
// its `.NAME.tmp-XXXXXX` sibling (docs/interface-extensions.md).
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "support/long_rows.hpp"
#include "support/run_cli.hpp"

using metapool::test::kBinaryHeader;
using metapool::test::long_rows;
using metapool::test::run_cli;
using metapool::test::slurp;
using metapool::test::source_path;
using metapool::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

// A running metapool whose standard input is a pipe held by the test.
class Child {
 public:
  Child(const std::vector<std::string>& args, const fs::path& cwd) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      ::dup2(fds[0], 0);
      ::close(fds[0]);
      ::close(fds[1]);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      if (::chdir(cwd.c_str()) != 0) ::_exit(127);
      std::vector<char*> argv;
      std::string binary = METAPOOL_BINARY;
      argv.push_back(binary.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[0]);
    m_stdin = fds[1];
  }
  ~Child() {
    if (m_stdin >= 0) ::close(m_stdin);
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void feed(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(m_stdin, text.data() + done, text.size() - done);
      REQUIRE(n > 0);
      done += static_cast<std::size_t>(n);
    }
  }
  bool running() const { return ::waitpid(m_pid, nullptr, WNOHANG) == 0; }
  // SIGKILL, and true when it was the signal that ended the process.
  bool kill() {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  }

 private:
  pid_t m_pid = -1;
  int m_stdin = -1;
};

// Waits (without any timing assertion) until `dir` holds a file whose name
// starts with `prefix`, or the child has exited; true when found.
bool wait_for_file(const fs::path& dir, const std::string& prefix, const Child& child) {
  for (int i = 0; i < 60000; ++i) {
    for (const auto& name : names_in(dir)) {
      if (name.rfind(prefix, 0) == 0) return true;
    }
    if (!child.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

}  // namespace

TEST_CASE("output safety: a failed run leaves the earlier --out file of every command intact", "[edge][cli]") {
  TempDir dir;
  const auto good = dir.write("good.csv", "study,events_t,n_t,events_c,n_c\nA,4,123,11,139\nB,6,306,29,303\nC,3,231,11,220\n");
  const auto bad = dir.write("bad.csv", "study,events_t,n_t,events_c,n_c\nA,4,123,11,139\nB,6,306,29,3\n");
  const auto out = dir.path() / "result.txt";
  struct Case {
    std::string ok, failing;
  };
  const std::vector<Case> cases{
      {"effects " + q(good), "effects " + q(bad)},
      {"pool " + q(good) + " --format json", "pool " + q(bad) + " --format json"},
      {"pool " + q(good), "pool " + q(good) + " --method NOPE"},
      {"pool " + q(good) + " --format csv", "pool " + q(dir.path() / "missing.csv") + " --format csv"},
      {"sensitivity " + q(good), "sensitivity " + q(bad)},
      {"bias " + q(good) + " --format md", "bias " + q(bad) + " --format md"},
      {"reproduce --events-t 7 --n-t 8 --events-c 3 --n-c 9", "reproduce --events-t 9 --n-t 8 --events-c 3 --n-c 9"},
  };
  for (const auto& c : cases) {
    INFO(c.ok << "  then  " << c.failing);
    fs::remove(out);
    REQUIRE(run_cli(c.ok + " --out " + q(out)).status == 0);
    const std::string before = slurp(out);
    REQUIRE(!before.empty());
    const auto failed = run_cli(c.failing + " --out " + q(out));
    CHECK(failed.status == 2);
    CHECK(!failed.err.empty());
    CHECK(slurp(out) == before);
    // Only the inputs and the earlier output: no temporary file left behind.
    CHECK(names_in(dir.path()) == std::vector<std::string>{"bad.csv", "good.csv", "result.txt"});
  }
  // A failing run with no earlier output creates nothing.
  fs::remove(out);
  CHECK(run_cli("pool " + q(bad) + " --out " + q(out)).status == 2);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"bad.csv", "good.csv"});
}

TEST_CASE("output safety: batch --out that fails late (ragged row after 2000 analyses) keeps the earlier table",
          "[edge][cli]") {
  TempDir dir;
  const auto good = dir.write("long.csv", kBinaryHeader + long_rows(0, 50));
  const auto late = dir.write("late.csv", kBinaryHeader + long_rows(0, 2000) + "g9999,S1,1,2\n");
  const auto out = dir.path() / "table.csv";
  REQUIRE(run_cli("batch " + q(good) + " --by outcome --out " + q(out)).status == 0);
  const std::string before = slurp(out);
  REQUIRE(before.find("g49") != std::string::npos);
  for (const char* threads : {"1", "2"}) {
    const auto failed = run_cli("batch " + q(late) + " --by outcome --threads " + threads + " --out " + q(out));
    INFO(failed.err);
    CHECK(failed.status == 2);
    CHECK(slurp(out) == before);
    CHECK(names_in(dir.path()) == std::vector<std::string>{"late.csv", "long.csv", "table.csv"});
  }
  // The same through standard input (read once, no first pass).
  const auto piped = run_cli("batch - --by outcome --out " + q(out), late.string());
  CHECK(piped.status == 2);
  CHECK(slurp(out) == before);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"late.csv", "long.csv", "table.csv"});
}

TEST_CASE("output safety: SIGKILL mid-run leaves the earlier output intact and nothing under the target name",
          "[edge][cli]") {
  TempDir dir;
  const auto out = dir.path() / "table.csv";
  const auto first = dir.write("first.csv", kBinaryHeader + long_rows(0, 20));
  REQUIRE(run_cli("batch " + q(first) + " --by outcome --out " + q(out)).status == 0);
  const std::string before = slurp(out);

  SECTION("batch streaming its table from standard input") {
    // 3000 analyses are fed, the table's temporary file exists, and the run
    // is blocked reading more input when it is killed.
    Child child({"batch", "-", "--by", "outcome", "--threads", "2", "--out", "table.csv"}, dir.path());
    child.feed(kBinaryHeader + long_rows(0, 3000));
    REQUIRE(wait_for_file(dir.path(), ".table.csv.tmp-", child));
    REQUIRE(child.kill());
    CHECK(slurp(out) == before);
    // The killed run's temporary sibling may remain (documented); nothing else.
    const auto names = names_in(dir.path());
    for (const auto& name : names) {
      INFO(name);
      CHECK((name == "first.csv" || name == "table.csv" || name.rfind(".table.csv.tmp-", 0) == 0));
    }
    // A later successful run replaces the table whole.
    REQUIRE(run_cli("batch " + q(first) + " --by outcome --out " + q(out)).status == 0);
    CHECK(slurp(out) == before);
  }
  SECTION("pool and sensitivity while reading their input") {
    for (const char* command : {"pool", "sensitivity", "bias"}) {
      INFO(command);
      Child child({command, "-", "--format", "json", "--out", "table.csv"}, dir.path());
      child.feed("study,yi,vi\n");
      for (int i = 0; i < 2000; ++i) child.feed(fmt::format("S{},{},{}\n", i, 0.01 * (i % 37), 0.01 + 0.001 * (i % 11)));
      REQUIRE(child.kill());
      CHECK(slurp(out) == before);
      CHECK(names_in(dir.path()) == std::vector<std::string>{"first.csv", "table.csv"});
    }
  }
}

TEST_CASE("output safety: --out to a FIFO or device writes through it instead of replacing it", "[edge][cli]") {
  // Renaming a temporary file over /dev/null (as root) or a named pipe would
  // replace it with a regular file; a FIFO stands in for the device here.
  TempDir dir;
  const auto fifo = dir.path() / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string received;
  std::thread reader([&] { received = slurp(fifo); });
  const auto run = run_cli("pool " + q(source_path("datasets/bcg.csv")) + " --measure RR --format csv --out " + q(fifo));
  reader.join();
  CHECK(run.status == 0);
  CHECK(fs::is_fifo(fifo));
  CHECK(received == run_cli("pool " + q(source_path("datasets/bcg.csv")) + " --measure RR --format csv").out);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"pipe"});
}

TEST_CASE("output safety: batch --out to a FIFO writes through it instead of replacing it", "[edge][cli][batch]") {
  TempDir dir;
  const auto input = dir.write("long.csv",
                               "outcome,study,events_t,n_t,events_c,n_c\n"
                               "a,S1,4,123,11,139\na,S2,6,306,29,303\na,S3,3,231,11,220\n"
                               "b,S1,62,13598,248,12867\nb,S2,33,5069,47,5808\n");
  const auto fifo = dir.path() / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string received;
  std::thread reader([&] { received = slurp(fifo); });
  const auto run = run_cli("batch " + q(input) + " --by outcome --threads 1 --out " + q(fifo));
  reader.join();
  CHECK(run.status == 0);
  CHECK(fs::is_fifo(fifo));
  CHECK(received == run_cli("batch " + q(input) + " --by outcome --threads 1").out);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"long.csv", "pipe"});
}
