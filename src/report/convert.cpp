#include "report/convert.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

extern char** environ;

namespace metapool::report {
namespace {

bool executable(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::string> find_rsvg_convert(const std::string& override_path) {
  if (!override_path.empty()) {
    if (executable(override_path)) return override_path;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const std::size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/rsvg-convert";
    if (executable(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

Expected<Converted> rsvg_convert(const std::string& program, const std::string& svg_path,
                                 const std::string& out_path, const std::string& format, long long epoch) {
  std::vector<std::string> args{program, "--format", format, "--output", out_path, svg_path};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  // The environment, with SOURCE_DATE_EPOCH replaced.
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "SOURCE_DATE_EPOCH=", 18) != 0) env_strings.emplace_back(*e);
  }
  env_strings.push_back(fmt::format("SOURCE_DATE_EPOCH={}", epoch));
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);

  // The converter's messages go to /dev/null: the report says what failed.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return make_error(fmt::format("cannot run {} to write {}: {}", program, out_path, std::strerror(spawned)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return make_error(fmt::format("waiting for {} failed: {}", program, std::strerror(errno)));
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return make_error(fmt::format("{} failed to convert {} to {} (exit status {})", program, svg_path, format,
                                  WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  return Converted{};
}

std::optional<Diagnostic> convert_svgs(const std::optional<std::string>& converter, const std::string& dir,
                                       const std::vector<std::string>& svgs, long long epoch) {
  if (!converter) return std::nullopt;
  for (const auto& svg : svgs) {
    const std::string stem = dir + "/" + svg.substr(0, svg.size() - 4);
    for (const char* format : {"png", "pdf"}) {
      auto done = rsvg_convert(*converter, dir + "/" + svg, stem + "." + format, format, epoch);
      if (!done) return done.error();
    }
  }
  return std::nullopt;
}

}  // namespace metapool::report
