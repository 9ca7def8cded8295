#include "batch/held_output.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace metapool::batch {

HeldOutput::HeldOutput(OutputSink downstream, Check check, std::size_t limit)
    : m_downstream(std::move(downstream)), m_check(std::move(check)), m_limit(limit) {}

bool HeldOutput::write(std::string_view text) {
  if (m_check_failure) return false;
  if (m_passing_through) return m_downstream(text);
  if (text.size() <= m_limit - held_bytes()) {
    // Into the blocks: a fresh block only when the last is full (blocks are
    // not zeroed, so a page is touched once, by the copy).
    while (!text.empty()) {
      if (m_blocks.empty() || m_last_used == kBlock) {
        m_blocks.push_back(std::make_unique_for_overwrite<char[]>(kBlock));
        m_last_used = 0;
      }
      const std::size_t n = std::min(text.size(), kBlock - m_last_used);
      std::memcpy(m_blocks.back().get() + m_last_used, text.data(), n);
      m_last_used += n;
      text.remove_prefix(n);
    }
    return true;
  }
  // Past the limit: the whole input is checked before any of the table
  // leaves, then the table passes through.
  if (m_check) {
    m_check_failure = m_check();
    if (m_check_failure) return false;
  }
  m_passing_through = true;
  return hand_on_held() && m_downstream(text);
}

bool HeldOutput::finish() {
  if (m_check_failure) return false;
  return hand_on_held();
}

bool HeldOutput::hand_on_held() {
  bool ok = true;
  for (std::size_t b = 0; ok && b < m_blocks.size(); ++b) {
    const std::size_t used = b + 1 == m_blocks.size() ? m_last_used : kBlock;
    ok = m_downstream(std::string_view(m_blocks[b].get(), used));
  }
  m_blocks.clear();
  m_last_used = 0;
  return ok;
}

}  // namespace metapool::batch
