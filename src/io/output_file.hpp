// Writing outputs without leaving partial files: write to a temporary file in
// the target's directory, flush, then rename over the target.
#pragma once

#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace metapool {

struct Written {};

// Writes all of `content` to the open descriptor `fd`, retrying short
// writes and EINTR. Returns 0, or the errno of the failed write.
int write_all(int fd, std::string_view content);

// Atomically replaces `path` with `content`. On failure nothing at `path`
// changes and the temporary file is removed.
Expected<Written> write_file_atomic(const std::string& path, const std::string& content);

}  // namespace metapool
