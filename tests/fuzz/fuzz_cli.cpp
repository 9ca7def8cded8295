// libFuzzer target: the command line itself. The input is split at the first
// NUL byte: before it, newline-separated arguments; after it, the content of
// an input file that the token @ in the arguments refers to. Arguments that
// could touch other paths (containing '/') are dropped, and the process
// works inside a private temporary directory, so --out writes stay there.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/command.hpp"

namespace {

// The scratch directory, removed again when the process exits normally.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "metapool-fuzz-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
    // The process works here from now on: give libFuzzer absolute corpus
    // and artifact paths, and -close_fd_mask=3 to silence the program.
    std::filesystem::current_path(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::current_path(std::filesystem::temp_directory_path(), ec);
    std::filesystem::remove_all(path, ec);
  }
};

const std::filesystem::path& work_dir() {
  static const ScratchDir dir;
  return dir.path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = work_dir();
  const std::string all(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = all.find('\0');
  const std::string args_text = all.substr(0, nul);
  const std::string file_text = nul == std::string::npos ? std::string() : all.substr(nul + 1);
  const std::string input = (dir / "input.csv").string();
  std::ofstream(input, std::ios::binary | std::ios::trunc) << file_text;

  std::vector<std::string> args{"metapool"};
  std::size_t start = 0;
  while (start <= args_text.size() && args.size() < 32) {
    const std::size_t end = args_text.find('\n', start);
    std::string token = args_text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (token == "@") token = input;
    if (token.find('/') == std::string::npos || token == input) args.push_back(token);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  // Reading standard input would block: never pass "-" as a file.
  for (auto& a : args) {
    if (a == "-") a = input;
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  try {
    (void)metapool::cli::run_app(static_cast<int>(args.size()), argv.data());
  } catch (...) {
    // main() turns an escaping exception into exit status 1; a fuzz target
    // must not abort on it, but it is a bug worth knowing: report it.
    std::abort();
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path() != input) std::filesystem::remove_all(entry.path(), ec);
  }
  return 0;
}
