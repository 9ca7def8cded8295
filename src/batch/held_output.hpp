// A batch table held back until the run has read its whole input: so that
// bad input found anywhere in the file (a ragged row, a quoting error, an
// analysis whose rows are not consecutive) leaves standard output empty, as
// it leaves --out's target untouched, without a pass over the file before the
// run. Up to `limit` bytes are kept in memory (in blocks, so nothing is
// copied twice) and handed on at finish(). A table larger than that is
// handed on from that point, after `check` has read the whole input and found
// it right (count_groups for a regular file); without a check (standard
// input and pipes, which are read once) it is handed on unchecked, and a
// problem further on then stops a run whose first rows are written. So the
// memory of the held text is bounded by `limit`, not by the analyses.
// Prints nothing: the text goes to `downstream`.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "batch/runner.hpp"
#include "core/expected.hpp"

namespace metapool::batch {

class HeldOutput {
 public:
  // Reads the whole input; the diagnostic of its first problem, or nullopt.
  using Check = std::function<std::optional<Diagnostic>()>;
  static constexpr std::size_t kDefaultLimit = std::size_t{32} << 20;  // ~60,000 rows of one configuration

  HeldOutput(OutputSink downstream, Check check, std::size_t limit = kDefaultLimit);

  // The run's OutputSink: holds `text`, or hands it on once past the limit.
  // False when handing on failed, or when the check found a problem
  // (check_failure(); nothing has been handed on then).
  bool write(std::string_view text);
  // Hands on what is held (the run is complete); false when that failed.
  bool finish();

  const std::optional<Diagnostic>& check_failure() const { return m_check_failure; }
  // True once the text is handed on as it comes (past the limit).
  bool passing_through() const { return m_passing_through; }
  std::size_t held_bytes() const { return m_blocks.empty() ? 0 : (m_blocks.size() - 1) * kBlock + m_last_used; }

 private:
  static constexpr std::size_t kBlock = std::size_t{1} << 20;
  bool hand_on_held();

  OutputSink m_downstream;
  Check m_check;
  std::size_t m_limit;
  // A block's memory: mapped with its pages populated (or, where mapping
  // fails, from new[]).
  struct BlockDeleter {
    bool mapped = false;
    void operator()(char* block) const;
  };
  using Block = std::unique_ptr<char[], BlockDeleter>;
  static Block new_block();
  std::vector<Block> m_blocks;                    // full but the last
  std::size_t m_last_used = 0;                    // bytes in the last block
  bool m_passing_through = false;
  std::optional<Diagnostic> m_check_failure;
};

}  // namespace metapool::batch
