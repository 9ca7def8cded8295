// Diagnostic: one user-facing error or warning with its location, printed as
// `file:line:column: error: message` (DuckDB CSVError, ccache ConfigReader).
#pragma once

#include <string>

namespace metapool {

struct Diagnostic {
  std::string file;   // input name as the user gave it ("-" shows as "<stdin>")
  int line = 0;       // 1-based physical line; 0 when not tied to a line
  int column = 0;     // 1-based field index; 0 when not tied to a column
  std::string message;

  // "file:line:column: error: message", omitting the parts that are 0/empty.
  std::string render(const char* severity = "error") const;
};

// Convenience constructor for errors not tied to a file position
// (bad arguments, an unknown measure, ...).
inline Diagnostic make_error(std::string message) {
  Diagnostic d;
  d.message = std::move(message);
  return d;
}

}  // namespace metapool
