// Writing outputs without leaving partial files: write to a temporary file in
// the target's directory, flush, then rename over the target.
#pragma once

#include <string>

#include "core/expected.hpp"

namespace metapool {

struct Written {};

// Atomically replaces `path` with `content`. On failure nothing at `path`
// changes and the temporary file is removed.
Expected<Written> write_file_atomic(const std::string& path, const std::string& content);

}  // namespace metapool
