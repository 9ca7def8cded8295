#include "core/diagnostic.hpp"

#include <fmt/format.h>

namespace metapool {

std::string Diagnostic::render(const char* severity) const {
  std::string where;
  if (!file.empty()) {
    where = file;
    if (line > 0) {
      where += fmt::format(":{}", line);
      if (column > 0) where += fmt::format(":{}", column);
    }
    where += ": ";
  }
  return fmt::format("{}{}: {}", where, severity, message);
}

}  // namespace metapool
