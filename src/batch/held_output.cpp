#include "batch/held_output.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include <sys/mman.h>

namespace metapool::batch {

void HeldOutput::BlockDeleter::operator()(char* block) const {
  if (mapped) {
    ::munmap(block, kBlock);
  } else {
    delete[] block;
  }
}

// A block mapped with MAP_POPULATE: its 256 pages are made in one system
// call, not by a page fault each as the copy first touches them (a fault
// costs ~2.4 us on the benchmark's virtual machine: ~3 ms of a 5.5 MB table).
HeldOutput::Block HeldOutput::new_block() {
#if defined(MAP_POPULATE)
  void* mapped = ::mmap(nullptr, kBlock, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (mapped != MAP_FAILED) return Block(static_cast<char*>(mapped), BlockDeleter{true});
#endif
  return Block(new char[kBlock], BlockDeleter{false});
}

HeldOutput::HeldOutput(OutputSink downstream, Check check, std::size_t limit)
    : m_downstream(std::move(downstream)), m_check(std::move(check)), m_limit(limit) {}

bool HeldOutput::write(std::string_view text) {
  if (m_check_failure) return false;
  if (m_passing_through) return m_downstream(text);
  if (text.size() <= m_limit - held_bytes()) {
    // Into the blocks: a fresh block only when the last is full.
    while (!text.empty()) {
      if (m_blocks.empty() || m_last_used == kBlock) {
        m_blocks.push_back(new_block());
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
