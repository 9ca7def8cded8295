// Conversion of CSV cells to numbers, correctly rounded (std::from_chars) and
// strict: the whole field must be consumed, so "1.5x", "1,5" or "." are errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace metapool {

enum class NumberStatus { Ok, Missing, NotANumber, NotFinite };

struct ParsedNumber {
  NumberStatus status = NumberStatus::Missing;
  double value = 0.0;
};

// "" and "NA" are Missing. A leading '+' is accepted. Whole numbers of up to 15
// digits take an exact shortcut (same value as from_chars).
// "nan", "inf", "1e999" are NotFinite; an underflowing literal ("1e-400") reads as
// 0 with its sign, as R's read.csv does.
ParsedNumber parse_number(std::string_view text);

// A whole number of up to 15 digits, as parse_number reads it (exact in a
// double); false for anything else (which parse_number then reads). Inline:
// a batch converts every count of every analysis.
inline bool parse_small_whole(std::string_view text, double& value) {
  if (text.empty() || text.size() > 15) return false;
  std::uint64_t whole = 0;
  for (const char c : text) {
    const auto digit = static_cast<unsigned>(static_cast<unsigned char>(c)) - unsigned{'0'};
    if (digit > 9) return false;
    whole = whole * 10 + digit;
  }
  value = static_cast<double>(whole);
  return true;
}

// Is the text missing in the R sense ("" or NA)?
bool is_missing_text(std::string_view text);

}  // namespace metapool
