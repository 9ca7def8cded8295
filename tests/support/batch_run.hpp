// run_batch at the library level with its table collected in memory, for
// tests that compare whole tables (threaded vs single-thread runs, counts
// read in place vs tables).
#pragma once

#include <string>
#include <string_view>

#include "batch/runner.hpp"

namespace metapool::test {

struct BatchRun {
  bool ok = false;
  std::string table;  // everything the run wrote
  std::string error;  // the rendered diagnostic when !ok
  batch::BatchSummary summary;
};

inline BatchRun run_batch_collected(const batch::BatchOptions& options) {
  BatchRun out;
  const batch::OutputSink sink = [&](std::string_view text) {
    out.table += text;
    return true;
  };
  auto summary = batch::run_batch(options, sink, {});
  out.ok = summary.has_value();
  if (summary) {
    out.summary = *summary;
  } else {
    out.error = summary.error().render();
  }
  return out;
}

}  // namespace metapool::test
