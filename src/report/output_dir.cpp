#include "report/output_dir.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "io/output_file.hpp"

namespace metapool::report {
namespace {

namespace fs = std::filesystem;

Diagnostic error(const std::string& dir, const std::string& what) {
  return make_error(fmt::format("--out \"{}\": {}", dir, what));
}

// Empty, or written by metapool report (index.html has our generator tag).
bool replaceable(const fs::path& target) {
  std::error_code ec;
  if (fs::is_empty(target, ec) && !ec) return true;
  std::ifstream in(target / "index.html", std::ios::binary);
  if (!in) return false;
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head.find(kGeneratorMarker) != std::string::npos;
}

std::optional<Diagnostic> write_one(const fs::path& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(fmt::format("cannot write \"{}\": {}", path.string(), std::strerror(errno)));
  if (const int error = write_all(fd, content); error != 0) {
    ::close(fd);
    return make_error(fmt::format("cannot write \"{}\": {}", path.string(), std::strerror(error)));
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return make_error(fmt::format("cannot write \"{}\": {}", path.string(), std::strerror(errno)));
  }
  return std::nullopt;
}

std::string unique_sibling(const fs::path& parent, const std::string& name, const char* tag) {
  std::string pattern = (parent / ("." + name + tag + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

}  // namespace

Expected<DirectoryWritten> write_directory_atomic(
    const std::string& dir, const std::vector<OutputFile>& files,
    const std::function<std::optional<Diagnostic>(const std::string& temp_dir)>& finish) {
  fs::path target = fs::path(dir).lexically_normal();
  if (target.has_filename() == false && target.has_parent_path()) target = target.parent_path();
  const std::string name = target.filename().string();
  if (dir.empty() || name.empty() || name == "." || name == "..") {
    return error(dir, "expected the path of a directory to create, such as reports/bcg");
  }
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return error(dir, fmt::format("cannot create the parent directory: {}", ec.message()));
  // The error_code overload: a name the OS refuses (too long, a loop, no
  // permission) is a bad --out, not an internal error.
  const fs::file_status status = fs::symlink_status(target, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return error(dir, fmt::format("cannot use this path: {}", ec.message()));
  }
  const bool exists = fs::exists(status);
  if (exists) {
    if (!fs::is_directory(status)) {
      return error(dir, "exists and is not a directory; refusing to replace it");
    }
    if (!replaceable(target)) {
      return error(dir, "exists and is not an earlier metapool report; refusing to replace it (remove it or "
                        "choose another directory)");
    }
  }

  const std::string temp = unique_sibling(parent, name, ".tmp-");
  if (temp.empty()) return error(dir, fmt::format("cannot create a temporary directory: {}", std::strerror(errno)));
  const auto fail = [&](Diagnostic d) -> Expected<DirectoryWritten> {
    std::error_code ignored;
    fs::remove_all(temp, ignored);
    return d;
  };
  for (const auto& file : files) {
    if (auto problem = write_one(fs::path(temp) / file.name, file.content)) return fail(*problem);
  }
  if (finish) {
    if (auto problem = finish(temp)) return fail(*problem);
  }
  if (::chmod(temp.c_str(), 0755) != 0) return fail(error(dir, std::strerror(errno)));

  if (!exists) {
    if (std::rename(temp.c_str(), target.c_str()) != 0) return fail(error(dir, std::strerror(errno)));
    return DirectoryWritten{};
  }
  // Swap the complete new directory with the old one, then remove the old.
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(temp, ec);
    return DirectoryWritten{};
  }
  // No RENAME_EXCHANGE on this file system: move the old one aside first.
  const std::string old = unique_sibling(parent, name, ".old-");
  if (old.empty() || ::rmdir(old.c_str()) != 0 || std::rename(target.c_str(), old.c_str()) != 0) {
    return fail(error(dir, fmt::format("cannot move the old report aside: {}", std::strerror(errno))));
  }
  if (std::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::rename(old.c_str(), target.c_str());  // put the old one back
    return fail(error(dir, reason));
  }
  fs::remove_all(old, ec);
  return DirectoryWritten{};
}

}  // namespace metapool::report
