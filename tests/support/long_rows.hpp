// A long-format binary CSV for batch tests: `groups` analyses ("g<first>",
// "g<first+1>", ...) of four studies each, with varied counts.
#pragma once

#include <string>

#include <fmt/format.h>

namespace metapool::test {

inline const char* const kBinaryHeader = "outcome,study,events_t,n_t,events_c,n_c\n";

inline std::string long_rows(int first_group, int groups) {
  std::string csv;
  for (int g = first_group; g < first_group + groups; ++g) {
    for (int i = 0; i < 4; ++i) {
      csv += fmt::format("g{},S{},{},{},{},{}\n", g, i + 1, 2 + (g + 3 * i) % 17, 60 + i, 4 + (2 * g + i) % 13, 61 + i);
    }
  }
  return csv;
}

}  // namespace metapool::test
