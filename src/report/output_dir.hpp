// Writing a report directory without ever leaving a half-written one: every
// file goes into a fresh temporary directory next to the target, which is
// renamed into place only when complete. An existing target is swapped out
// (renameat2 RENAME_EXCHANGE, else two renames) and then removed; it is
// replaced only when it is empty or an earlier metapool report, so a typo in
// --out cannot wipe an unrelated directory.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace metapool::report {

struct OutputFile {
  std::string name;  // plain file name inside the directory (no '/')
  std::string content;
};

struct DirectoryWritten {};

// The marker an earlier report carries in index.html (checked before replacing).
inline constexpr const char* kGeneratorMarker = "<meta name=\"generator\" content=\"metapool";

// Writes `files` into a temporary directory, calls `finish` with its path
// (e.g. to add converted images; an error aborts), then moves it to `dir`.
// On any failure the temporary directory is removed and `dir` is unchanged.
Expected<DirectoryWritten> write_directory_atomic(
    const std::string& dir, const std::vector<OutputFile>& files,
    const std::function<std::optional<Diagnostic>(const std::string& temp_dir)>& finish);

}  // namespace metapool::report
