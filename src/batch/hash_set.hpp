// A set of 64-bit hashes, open addressing with linear probing: what the group
// reader keeps of every finished group (to reject a group whose rows are not
// consecutive). std::unordered_set kept a node per hash and found its bucket
// by a 64-bit division by a prime; a lookup cost a division and two dependent
// cache misses, ~4% of a batch run's time. Here one multiply picks the slot
// (Fibonacci hashing, so keys that differ only in their high bits spread too),
// the table doubles at half full, and a slot is 8 bytes.
#pragma once

#include <cstdint>
#include <vector>

namespace metapool::batch {

class HashSet64 {
 public:
  // Adds `key`: true if it was not in the set.
  bool insert(std::uint64_t key) {
    if (key == kEmpty) {
      const bool added = !m_has_empty_key;
      m_has_empty_key = true;
      return added;
    }
    if (2 * (m_size + 1) > m_slots.size()) grow();
    if (!place(m_slots, m_shift, key)) return false;
    ++m_size;
    return true;
  }
  bool contains(std::uint64_t key) const {
    if (key == kEmpty) return m_has_empty_key;
    if (m_slots.empty()) return false;
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = slot_of(key, m_shift);; i = (i + 1) & mask) {
      if (m_slots[i] == key) return true;
      if (m_slots[i] == kEmpty) return false;
    }
  }
  std::size_t size() const { return m_size + (m_has_empty_key ? 1 : 0); }

 private:
  static constexpr std::uint64_t kEmpty = 0;  // marks a free slot; key 0 is kept apart
  static constexpr std::size_t kInitialBits = 10;

  static std::size_t slot_of(std::uint64_t key, unsigned shift) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift);
  }
  // Puts `key` (not kEmpty) in `slots` (not full): false if it was there.
  static bool place(std::vector<std::uint64_t>& slots, unsigned shift, std::uint64_t key) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = slot_of(key, shift);; i = (i + 1) & mask) {
      if (slots[i] == key) return false;
      if (slots[i] == kEmpty) {
        slots[i] = key;
        return true;
      }
    }
  }
  void grow() {
    const unsigned bits = m_slots.empty() ? kInitialBits : 64 - m_shift + 1;
    std::vector<std::uint64_t> slots(std::size_t{1} << bits, kEmpty);
    const unsigned shift = 64 - bits;
    for (std::uint64_t key : m_slots) {
      if (key != kEmpty) place(slots, shift, key);
    }
    m_slots.swap(slots);
    m_shift = shift;
  }

  std::vector<std::uint64_t> m_slots;  // a power of two in size, or empty
  unsigned m_shift = 64;               // 64 - log2(m_slots.size())
  std::size_t m_size = 0;              // keys in m_slots
  bool m_has_empty_key = false;
};

}  // namespace metapool::batch
