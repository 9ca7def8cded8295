// Copies and comparisons of short texts (CSV cells: a few bytes each) by
// two overlapping fixed-size loads or stores instead of a memcpy or memcmp
// call. The streaming reader sets ~7 cells a line and the batch grouping
// compares the --by cells of every line; for such cells the library calls
// and std::string's general paths cost more than the bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace metapool::short_text {

// The first and the last N bytes of `text` (size >= N), as two words.
template <class Word>
inline void load_ends(const char* text, std::size_t size, Word& head, Word& tail) {
  std::memcpy(&head, text, sizeof(Word));
  std::memcpy(&tail, text + size - sizeof(Word), sizeof(Word));
}

// field = the `size` bytes at `text`, reusing field's storage. A reused cell
// is most often as long as the one it replaces: then only the bytes change.
inline void assign(std::string& field, const char* text, std::size_t size) {
  if (size > 16 || size > field.capacity()) {
    field.assign(text, size);
    return;
  }
  field.resize(size);
  char* const out = field.data();
  if (size >= 8) {
    std::uint64_t head = 0, tail = 0;
    load_ends(text, size, head, tail);
    std::memcpy(out, &head, 8);
    std::memcpy(out + size - 8, &tail, 8);
  } else if (size >= 4) {
    std::uint32_t head = 0, tail = 0;
    load_ends(text, size, head, tail);
    std::memcpy(out, &head, 4);
    std::memcpy(out + size - 4, &tail, 4);
  } else if (size > 0) {
    out[0] = text[0];
    out[size / 2] = text[size / 2];
    out[size - 1] = text[size - 1];
  }
}

// a == b.
inline bool equal(std::string_view a, std::string_view b) {
  const std::size_t size = a.size();
  if (size != b.size()) return false;
  if (size > 16) return a == b;
  if (size >= 8) {
    std::uint64_t a_head = 0, a_tail = 0, b_head = 0, b_tail = 0;
    load_ends(a.data(), size, a_head, a_tail);
    load_ends(b.data(), size, b_head, b_tail);
    return a_head == b_head && a_tail == b_tail;
  }
  if (size >= 4) {
    std::uint32_t a_head = 0, a_tail = 0, b_head = 0, b_tail = 0;
    load_ends(a.data(), size, a_head, a_tail);
    load_ends(b.data(), size, b_head, b_tail);
    return a_head == b_head && a_tail == b_tail;
  }
  return size == 0 || (a[0] == b[0] && a[size / 2] == b[size / 2] && a[size - 1] == b[size - 1]);
}

}  // namespace metapool::short_text
