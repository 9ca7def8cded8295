#include "io/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace metapool {

namespace {

// A target that exists and is not a regular file or directory (/dev/null,
// /dev/stdout, a FIFO) is written in place: renaming over it would replace
// the device or pipe with a regular file.
Expected<Written> write_special(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return make_error(fmt::format("cannot write \"{}\": {}", path, std::strerror(errno)));
  const int error = write_all(fd, content);
  ::close(fd);
  if (error != 0) return make_error(fmt::format("cannot write \"{}\": {}", path, std::strerror(error)));
  return Written{};
}

}  // namespace

int write_all(int fd, std::string_view content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

Expected<Written> write_file_atomic(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode) && !S_ISDIR(existing.st_mode)) {
    return write_special(path, content);
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // (Built with += : GCC 12 gives a false -Wrestrict on "." + std::string.)
  std::string temp_name(".");
  temp_name += target.filename().string();
  temp_name += ".tmp-XXXXXX";
  std::string temp = (dir / temp_name).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return make_error(fmt::format("cannot write \"{}\": {}", path, std::strerror(errno)));
  }
  const auto fail = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    ::unlink(temp.c_str());
    return make_error(fmt::format("cannot write \"{}\" ({}): {}", path, what, reason));
  };
  if (const int error = write_all(fd, content); error != 0) {
    errno = error;
    return fail("write");
  }
  if (::fchmod(fd, 0644) != 0) return fail("chmod");
  if (::fsync(fd) != 0) return fail("fsync");
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return make_error(fmt::format("cannot write \"{}\": {}", path, std::strerror(errno)));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    return make_error(fmt::format("cannot write \"{}\": {}", path, reason));
  }
  return Written{};
}

}  // namespace metapool
