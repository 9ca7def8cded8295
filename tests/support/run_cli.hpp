// Runs the metapool binary as a user would and captures what it printed.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>

namespace metapool::test {

struct CliRun {
  int status = -1;  // exit status
  std::string out;  // standard output
  std::string err;  // standard error
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "metapool-test-XXXXXX").string();
    m_path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    const auto file = m_path / name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

 private:
  std::filesystem::path m_path;
};

// Runs `metapool <args>` (args already shell-quoted by the caller), with
// `stdin_file` as standard input when given, in directory `cwd` when given.
inline CliRun run_cli(const std::string& args, const std::string& stdin_file = "",
                      const std::string& cwd = "") {
  TempDir dir;
  const auto out = dir.path() / "stdout";
  const auto err = dir.path() / "stderr";
  std::string command = fmt::format("'{}' {} >'{}' 2>'{}'", METAPOOL_BINARY, args, out.string(), err.string());
  if (!cwd.empty()) command = fmt::format("cd '{}' && {}", cwd, command);
  if (!stdin_file.empty()) command += fmt::format(" <'{}'", stdin_file);
  const int raw = std::system(command.c_str());
  CliRun run;
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

inline std::string source_path(const std::string& relative) {
  return std::string(METAPOOL_SOURCE_DIR) + "/" + relative;
}

}  // namespace metapool::test
