// Replays fuzz corpora (seeds and crash regressions) through a fuzz target's
// LLVMFuzzerTestOneInput without libFuzzer, so the normal test suite (and its
// ASan/UBSan build, with GCC) runs every committed input.
//   replay_<target> DIR...   runs every regular file under each DIR
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      // Absolute: a target may change the working directory (fuzz_cli does).
      if (entry.is_regular_file()) files.push_back(std::filesystem::absolute(entry.path()));
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs found\n");
    return 1;
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::fprintf(stderr, "replay: %zu inputs\n", files.size());
  return 0;
}
